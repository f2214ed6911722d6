/**
 * Who has approved, and is it enough? Pure: the adapter gathers reviews, live team membership,
 * write access and which commits' load-balancer content differs from the head.
 *
 * Semantics (see shared notes on policy-bot's pitfalls):
 * - each reviewer's latest opinionated review wins; COMMENTED never overrides it; DISMISSED revokes it;
 * - CHANGES_REQUESTED from an eligible reviewer blocks the tier;
 * - the author never counts, nor bots, nor (optionally) anyone who pushed commits;
 * - an approval is stale when the load-balancer content changed after the commit it approved;
 * - each person counts once per tier.
 */
import type { RequiredApproval } from "../engine/analyze.js";

export interface Review {
  /** GitHub's review id, where the adapter has it (to dismiss a stale approval). */
  id?: number;
  login: string;
  /** A bot account (type Bot, or a `[bot]` login), the app itself included: never counts. */
  bot?: boolean;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
  commitId: string;
  submittedAt: string;
}

export interface ApprovalFacts {
  author: string;
  /** Logins that pushed commits to the PR; excluded when the policy says so. */
  contributors: string[];
  excludeContributors: boolean;
  reviews: Review[];
  /** Active members of each required team, looked up live. Keys are "org/slug" or "slug". */
  teamMembers: Map<string, Set<string>>;
  /** Logins with write access, for tiers that name no team or user. */
  writers: Set<string>;
  /** Commits whose load-balancer content differs from the head's. */
  staleCommits: Set<string>;
}

export interface TierStatus extends RequiredApproval {
  approvedBy: string[];
  changesRequestedBy: string[];
  satisfied: boolean;
}

export interface Rejection {
  login: string;
  reason: string;
}

export interface ApprovalStatus {
  tiers: TierStatus[];
  satisfied: boolean;
  /** Approvals that count for at least one tier. */
  counted: string[];
  rejected: Rejection[];
}

export function evaluateApprovals(required: RequiredApproval[], facts: ApprovalFacts): ApprovalStatus {
  const latest = latestOpinions(facts.reviews);
  const rejected: Rejection[] = [];
  const valid = new Map<string, Review>();
  for (const review of latest.values()) {
    const why = disqualify(review, facts);
    if (why) rejected.push({ login: review.login, reason: why });
    else valid.set(review.login, review);
  }
  const counted = new Set<string>();
  const tiers = required.map((tier) => {
    const eligible = (login: string) => isEligible(login, tier, facts);
    const approvedBy = [...valid.values()].filter((r) => r.state === "APPROVED" && eligible(r.login)).map((r) => r.login);
    const changesRequestedBy = [...valid.values()].filter((r) => r.state === "CHANGES_REQUESTED" && eligible(r.login)).map((r) => r.login);
    for (const l of approvedBy) counted.add(l);
    return { ...tier, approvedBy, changesRequestedBy, satisfied: approvedBy.length >= tier.count && changesRequestedBy.length === 0 };
  });
  for (const r of valid.values()) {
    if (r.state === "APPROVED" && !counted.has(r.login)) rejected.push({ login: r.login, reason: "not in a required team or user list" });
  }
  return { tiers, satisfied: tiers.every((t) => t.satisfied), counted: [...counted].sort(), rejected };
}

/** Each login's latest review that expresses an opinion; COMMENTED and PENDING never override. */
function latestOpinions(reviews: Review[]): Map<string, Review> {
  const out = new Map<string, Review>();
  const ordered = [...reviews].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
  for (const r of ordered) {
    if (r.state === "COMMENTED" || r.state === "PENDING") continue;
    out.set(r.login.toLowerCase(), r);
  }
  return out;
}

function disqualify(r: Review, facts: ApprovalFacts): string | null {
  const login = r.login.toLowerCase();
  if (login === facts.author.toLowerCase()) return "is the author";
  if (r.bot || login.endsWith("[bot]")) return "is a bot";
  if (facts.excludeContributors && facts.contributors.some((c) => c.toLowerCase() === login)) return "pushed commits to this pull request";
  if (r.state === "DISMISSED") return "review was dismissed";
  if (r.state === "APPROVED" && facts.staleCommits.has(r.commitId)) {
    return `approved ${r.commitId.slice(0, 7)}; load-balancer config changed since`;
  }
  return null;
}

function isEligible(login: string, tier: RequiredApproval, facts: ApprovalFacts): boolean {
  const l = login.toLowerCase();
  if (tier.teams.length === 0 && tier.users.length === 0) return facts.writers.has(l);
  if (tier.users.some((u) => u.toLowerCase() === l)) return true;
  return tier.teams.some((t) => facts.teamMembers.get(t)?.has(l) ?? false);
}
