/** Rare branches of one evaluation, through the in-memory RepoGitHub. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { type Deps, evaluateWithin } from "../../src/app/evaluate.js";
import { BlobCache } from "../../src/app/github/tree.js";
import { BadgeStore } from "../../src/app/state.js";
import { analyze } from "../../src/engine/analyze.js";
import { FakeGitHub } from "./fake-github.js";

const examples = resolve(import.meta.dirname, "../../examples/incident");
const BEFORE = readFileSync(resolve(examples, "before/lb/storefront.conf"), "utf8");
const AFTER = readFileSync(resolve(examples, "after/lb/storefront.conf"), "utf8");
const POLICY = "approvals:\n  critical: { count: 1, teams: [network] }\n";

let gh: FakeGitHub;
let deps: Deps;
const run = () => evaluateWithin(gh, 1, deps, "a test", new AbortController().signal);
const review = (login: string, commit: string) =>
  gh.reviewList.push({ id: gh.reviewList.length + 1, user: { login, type: "User" }, state: "APPROVED", commit_id: commit, submitted_at: "2026-01-01T00:00:00Z" } as never);

beforeEach(() => {
  gh = new FakeGitHub();
  gh.base = gh.commit({ "lb/storefront.conf": BEFORE, ".github/lb-review.yml": POLICY });
  gh.head = gh.commit({ "lb/storefront.conf": AFTER, ".github/lb-review.yml": POLICY });
  gh.members.set("bob", "active");
  deps = { audit: () => {}, blobs: new BlobCache(), badges: new BadgeStore(), log: { warn: () => {}, info: () => {} }, botLogin: async () => "lb-review[bot]", analyze: async (b, a, p) => analyze(b, a, p) };
});

describe("rare branches", () => {
  it("an approval of a commit that no longer exists does not count", async () => {
    review("bob", "0".repeat(40));
    await run();
    expect(gh.verdict()).toMatchObject({ conclusion: "failure", title: "Critical: needs 0 of 1 approval from @acme/network" });
  });

  it("an approval of a commit with the same config content still counts", async () => {
    const sameConfig = gh.commit({ "lb/storefront.conf": AFTER, ".github/lb-review.yml": POLICY, "README.md": "other" });
    review("bob", sameConfig);
    await run();
    expect(gh.verdict()).toMatchObject({ conclusion: "success" });
  });

  it("a review request refused with 422 is recorded and not retried; other failures are retried later", async () => {
    gh.failing.set("requestReviewers", Object.assign(new Error("no access"), { status: 422 }));
    await run();
    expect(gh.verdict().conclusion).toBe("failure");
    expect(gh.comments[0]!.body).toContain('"requested":["team:network"]');
    gh.failing.set("requestReviewers", Object.assign(new Error("boom"), { status: 500 }));
    gh.comments.length = 0;
    await run();
    expect(gh.verdict().summary).toContain("Not posted, retried at the next evaluation: the review request (boom)");
    expect(gh.comments[0]!.body).toContain('"requested":[]');
  });

  it("without its own comment readable, the app asks nobody and keeps the verdict", async () => {
    gh.failing.set("issueComments", Object.assign(new Error("down"), { status: 502 }));
    await run();
    expect(gh.requested).toEqual([]);
    expect(gh.verdict()).toMatchObject({ conclusion: "failure", title: "Critical: needs 0 of 1 approval from @acme/network" });
    expect(gh.verdict().summary).toContain("the summary comment (down)");
  });

  it("a policy that cannot be read fails closed", async () => {
    gh.failing.set("blob", Object.assign(new Error("blob unavailable"), { status: 500 }));
    await expect(run()).rejects.toThrow("blob unavailable");
    expect(gh.verdict()).toMatchObject({ conclusion: "failure", title: "lb-review could not evaluate this change" });
  });
});
