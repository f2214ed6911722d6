import { describe, expect, it } from "vitest";
import { type ApprovalFacts, evaluateApprovals, type Review } from "../../src/approvals/evaluate.js";
import type { RequiredApproval } from "../../src/engine/analyze.js";

const critical: RequiredApproval = { severity: "critical", count: 2, teams: ["network"], users: [] };
let clock = 0;
const review = (login: string, state: Review["state"], commitId = "head"): Review => ({
  login,
  state,
  commitId,
  submittedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, clock++)).toISOString(),
});

function facts(reviews: Review[], extra: Partial<ApprovalFacts> = {}): ApprovalFacts {
  return {
    author: "alice",
    contributors: ["alice", "carol"],
    excludeContributors: false,
    reviews,
    teamMembers: new Map([["network", new Set(["bob", "carol", "dave", "erin"])]]),
    writers: new Set(["bob", "carol", "dave", "erin", "frank"]),
    staleCommits: new Set(),
    ...extra,
  };
}

describe("approval evaluation", () => {
  it("two approvals from the team satisfy a critical tier", () => {
    const s = evaluateApprovals([critical], facts([review("bob", "APPROVED"), review("dave", "APPROVED")]));
    expect(s.satisfied).toBe(true);
    expect(s.tiers[0]!.approvedBy).toEqual(["bob", "dave"]);
  });

  it("bots never count, even when listed in the team or among writers", () => {
    const teamed = facts([{ ...review("deploy-bot", "APPROVED"), bot: true }, review("renovate[bot]", "APPROVED"), review("bob", "APPROVED")], {
      teamMembers: new Map([["network", new Set(["bob", "deploy-bot", "renovate[bot]"])]]),
    });
    const s = evaluateApprovals([critical], teamed);
    expect(s.satisfied).toBe(false);
    expect(s.rejected).toEqual(expect.arrayContaining([{ login: "deploy-bot", reason: "is a bot" }, { login: "renovate[bot]", reason: "is a bot" }]));
  });

  it("one person counts once, however often they approve", () => {
    const s = evaluateApprovals([critical], facts([review("bob", "APPROVED"), review("bob", "APPROVED")]));
    expect(s.tiers[0]!.approvedBy).toEqual(["bob"]);
    expect(s.satisfied).toBe(false);
  });

  it("a later COMMENTED review never overrides an approval", () => {
    const s = evaluateApprovals([critical], facts([review("bob", "APPROVED"), review("bob", "COMMENTED"), review("dave", "APPROVED")]));
    expect(s.satisfied).toBe(true);
  });

  it("a later CHANGES_REQUESTED from an eligible reviewer blocks, even with enough approvals", () => {
    const s = evaluateApprovals([critical], facts([review("bob", "APPROVED"), review("dave", "APPROVED"), review("erin", "CHANGES_REQUESTED")]));
    expect(s.satisfied).toBe(false);
    expect(s.tiers[0]!.changesRequestedBy).toEqual(["erin"]);
  });

  it("approve-then-request-changes by one user is a request for changes", () => {
    const s = evaluateApprovals([critical], facts([review("bob", "APPROVED"), review("dave", "APPROVED"), review("bob", "CHANGES_REQUESTED")]));
    expect(s.tiers[0]!.approvedBy).toEqual(["dave"]);
    expect(s.satisfied).toBe(false);
  });

  it("DISMISSED revokes, and does not resurrect an earlier approval", () => {
    const s = evaluateApprovals([critical], facts([review("bob", "APPROVED"), review("bob", "CHANGES_REQUESTED"), review("bob", "DISMISSED"), review("dave", "APPROVED")]));
    expect(s.tiers[0]!.approvedBy).toEqual(["dave"]);
    expect(s.rejected).toContainEqual({ login: "bob", reason: "review was dismissed" });
  });

  it("the author never counts", () => {
    const s = evaluateApprovals([critical], facts([review("alice", "APPROVED"), review("bob", "APPROVED")], { teamMembers: new Map([["network", new Set(["alice", "bob"])]]) }));
    expect(s.tiers[0]!.approvedBy).toEqual(["bob"]);
    expect(s.rejected).toContainEqual({ login: "alice", reason: "is the author" });
  });

  it("contributors count unless the policy excludes them", () => {
    const reviews = [review("carol", "APPROVED"), review("bob", "APPROVED")];
    expect(evaluateApprovals([critical], facts(reviews)).satisfied).toBe(true);
    const s = evaluateApprovals([critical], facts(reviews, { excludeContributors: true }));
    expect(s.satisfied).toBe(false);
    expect(s.rejected).toContainEqual({ login: "carol", reason: "pushed commits to this pull request" });
  });

  it("only members of the required team count, with a reason for the others", () => {
    const s = evaluateApprovals([critical], facts([review("frank", "APPROVED"), review("bob", "APPROVED")]));
    expect(s.satisfied).toBe(false);
    expect(s.rejected).toContainEqual({ login: "frank", reason: "not in a required team or user list" });
  });

  it("an approval of a commit whose load-balancer content has since changed is stale", () => {
    const s = evaluateApprovals([critical], facts([review("bob", "APPROVED", "old1234567"), review("dave", "APPROVED")], { staleCommits: new Set(["old1234567"]) }));
    expect(s.tiers[0]!.approvedBy).toEqual(["dave"]);
    expect(s.rejected[0]!.reason).toMatch(/approved old1234; load-balancer config changed since/);
  });

  it("a tier without teams or users takes anyone with write access but the author", () => {
    const high: RequiredApproval = { severity: "high", count: 1, teams: [], users: [] };
    expect(evaluateApprovals([high], facts([review("frank", "APPROVED")])).satisfied).toBe(true);
    expect(evaluateApprovals([high], facts([review("mallory", "APPROVED")])).satisfied).toBe(false);
  });

  it("named users count for their tier", () => {
    const tier: RequiredApproval = { severity: "high", count: 1, teams: [], users: ["Zed"] };
    expect(evaluateApprovals([tier], facts([review("zed", "APPROVED")])).satisfied).toBe(true);
  });

  it("nothing required is satisfied", () => {
    expect(evaluateApprovals([], facts([])).satisfied).toBe(true);
  });
});
