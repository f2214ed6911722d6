/** Gathers the facts approval evaluation needs, live from GitHub, for the reviewers present. */
import type { ApprovalFacts, Review } from "../../approvals/evaluate.js";
import type { RequiredApproval } from "../../engine/analyze.js";
import { isStatus, type Octokit, type RepoRef } from "./octokit.js";
import type { PullInfo } from "./pull.js";

const WRITE = new Set(["admin", "maintain", "write"]);

export interface FactInputs {
  required: RequiredApproval[];
  pull: PullInfo;
  excludeContributors: boolean;
  /** Whether the load-balancer content of a commit differs from the head's. */
  lbChangedSince: (commit: string) => Promise<boolean>;
}

export async function gatherFacts(octokit: Octokit, ref: RepoRef, input: FactInputs): Promise<ApprovalFacts> {
  const raw = await octokit.paginate(octokit.rest.pulls.listReviews, { ...ref, pull_number: input.pull.number, per_page: 100 });
  const reviews: Review[] = raw
    .filter((r) => r.user?.login && r.submitted_at)
    .map((r) => ({ id: r.id, login: r.user!.login, bot: r.user!.type === "Bot", state: r.state as Review["state"], commitId: r.commit_id ?? "", submittedAt: r.submitted_at! }));
  // Bots never count, so their membership and permissions are never looked up.
  const reviewers = [...new Set(reviews.filter((r) => !r.bot && !r.login.endsWith("[bot]")).map((r) => r.login.toLowerCase()))];
  const teams = [...new Set(input.required.flatMap((t) => t.teams))];
  const teamMembers = new Map<string, Set<string>>();
  for (const team of teams) {
    const [org, slug] = team.includes("/") ? team.split("/", 2) : [ref.owner, team];
    const members = new Set<string>();
    for (const login of reviewers) if (await isActiveMember(octokit, org!, slug!, login)) members.add(login);
    teamMembers.set(team, members);
  }
  const writers = new Set<string>();
  if (input.required.some((t) => t.teams.length === 0 && t.users.length === 0)) {
    for (const login of reviewers) if (await canWrite(octokit, ref, login)) writers.add(login);
  }
  const contributors = input.excludeContributors ? await commitLogins(octokit, ref, input.pull.number) : [];
  const staleCommits = new Set<string>();
  const approved = new Set(reviews.filter((r) => r.state === "APPROVED" && r.commitId !== input.pull.headSha).map((r) => r.commitId));
  for (const commit of approved) if (await input.lbChangedSince(commit)) staleCommits.add(commit);
  return { author: input.pull.author, contributors, excludeContributors: input.excludeContributors, reviews, teamMembers, writers, staleCommits };
}

/** Write access or more, looked up live; 404 means none. */
export async function canWrite(octokit: Octokit, ref: RepoRef, login: string): Promise<boolean> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...ref, username: login });
    return WRITE.has(data.permission);
  } catch (e) {
    if (isStatus(e, 404)) return false;
    throw e;
  }
}

/** Live lookup; only "active" counts, never "pending". 404 means not a member. */
async function isActiveMember(octokit: Octokit, org: string, slug: string, login: string): Promise<boolean> {
  try {
    const { data } = await octokit.rest.teams.getMembershipForUserInOrg({ org, team_slug: slug, username: login });
    return data.state === "active";
  } catch (e) {
    if (isStatus(e, 404)) return false;
    throw e;
  }
}

async function commitLogins(octokit: Octokit, ref: RepoRef, number: number): Promise<string[]> {
  const commits = await octokit.paginate(octokit.rest.pulls.listCommits, { ...ref, pull_number: number, per_page: 100 });
  const logins = commits.flatMap((c) => [c.author?.login, c.committer?.login]).filter((l): l is string => !!l && l !== "web-flow");
  return [...new Set(logins)];
}
