/** Gathers the facts approval evaluation needs, live from GitHub, for the reviewers present. */
import type { ApprovalFacts, Review } from "../../approvals/evaluate.js";
import type { RequiredApproval } from "../../engine/analyze.js";
import type { RepoGitHub } from "./context.js";
import type { PullInfo } from "./pull.js";

const WRITE = new Set(["admin", "maintain", "write"]);

export interface FactInputs {
  required: RequiredApproval[];
  pull: PullInfo;
  excludeContributors: boolean;
  /** Whether the load-balancer content of a commit differs from the head's. */
  lbChangedSince: (commit: string) => Promise<boolean>;
}

export async function gatherFacts(gh: RepoGitHub, input: FactInputs): Promise<ApprovalFacts> {
  const raw = await gh.reviews(input.pull.number);
  const reviews: Review[] = raw
    .filter((r) => r.user?.login && r.submitted_at)
    .map((r) => ({ id: r.id, login: r.user!.login, bot: r.user!.type === "Bot", state: r.state as Review["state"], commitId: r.commit_id ?? "", submittedAt: r.submitted_at! }));
  // Bots never count, so their membership and permissions are never looked up.
  const reviewers = [...new Set(reviews.filter((r) => !r.bot && !r.login.endsWith("[bot]")).map((r) => r.login.toLowerCase()))];
  const teams = [...new Set(input.required.flatMap((t) => t.teams))];
  const teamMembers = new Map<string, Set<string>>();
  for (const team of teams) {
    const [org, slug] = team.includes("/") ? team.split("/", 2) : [gh.ref.owner, team];
    const members = new Set<string>();
    // Live lookup; only "active" counts, never "pending".
    for (const login of reviewers) if ((await gh.membership(org!, slug!, login)) === "active") members.add(login);
    teamMembers.set(team, members);
  }
  const writers = new Set<string>();
  if (input.required.some((t) => t.teams.length === 0 && t.users.length === 0)) {
    for (const login of reviewers) if (await canWrite(gh, login)) writers.add(login);
  }
  const contributors = input.excludeContributors ? await gh.commitLogins(input.pull.number) : [];
  const staleCommits = new Set<string>();
  const approved = new Set(reviews.filter((r) => r.state === "APPROVED" && r.commitId !== input.pull.headSha).map((r) => r.commitId));
  for (const commit of approved) if (await input.lbChangedSince(commit)) staleCommits.add(commit);
  return { author: input.pull.author, contributors, excludeContributors: input.excludeContributors, reviews, teamMembers, writers, staleCommits };
}

/** Write access or more, looked up live. */
export async function canWrite(gh: RepoGitHub, login: string): Promise<boolean> {
  return WRITE.has((await gh.permission(login)) ?? "none");
}
