/**
 * The one door to GitHub: everything an evaluation reads from a repository and writes to it.
 * `restGitHub` is the REST implementation (Octokit, paginated); tests give a fake for the rare
 * branches, and the emulator for end to end. No other app module calls Octokit for a repository.
 */
import type { Octokit, RepoRef } from "./octokit.js";

type Rest = Octokit["rest"];
type Data<F extends (...args: never[]) => Promise<{ data: unknown }>> = Awaited<ReturnType<F>>["data"];

export type Pull = Data<Rest["pulls"]["get"]>;
export type CheckRun = Data<Rest["checks"]["listForRef"]>["check_runs"][number];
export type CheckParams = Omit<Parameters<Rest["checks"]["update"]>[0] & {}, "owner" | "repo" | "check_run_id">;
export type RawReview = Data<Rest["pulls"]["listReviews"]>[number];
export type IssueComment = Data<Rest["issues"]["listComments"]>[number];
export type ReviewComment = Data<Rest["pulls"]["listReviewComments"]>[number];
export type TreeListing = Data<Rest["git"]["getTree"]>;
export interface LineComment {
  path: string;
  line: number;
  side: "RIGHT";
  body: string;
}

export interface RepoGitHub {
  readonly ref: RepoRef;
  // What an evaluation reads.
  pull(number: number): Promise<Pull>;
  pullFiles(number: number): Promise<{ filename: string; patch?: string }[]>;
  mergeBase(base: string, head: string): Promise<string | undefined>;
  tree(commit: string): Promise<TreeListing>;
  blob(sha: string): Promise<string>;
  /** The policy as Probot's config loader merges it (`_extends`, the organization's `.github`). */
  inheritedConfig(path: string, commit: string): Promise<Record<string, unknown>>;
  reviews(number: number): Promise<RawReview[]>;
  /** A team membership's state, null when not a member. */
  membership(org: string, slug: string, login: string): Promise<string | null>;
  /** A person's permission on the repository, null when none. */
  permission(login: string): Promise<string | null>;
  commitLogins(number: number): Promise<string[]>;
  latestCheck(sha: string, name: string): Promise<CheckRun | undefined>;
  issueComments(number: number): Promise<IssueComment[]>;
  reviewComments(number: number): Promise<ReviewComment[]>;
  openPulls(): Promise<{ number: number; headSha: string }[]>;
  // What it writes.
  createCheck(sha: string, name: string, params: CheckParams): Promise<number>;
  updateCheck(id: number, params: CheckParams): Promise<void>;
  createComment(number: number, body: string): Promise<void>;
  updateComment(id: number, body: string): Promise<void>;
  createReview(number: number, commit: string, comments: LineComment[]): Promise<void>;
  createFileComment(number: number, commit: string, path: string, body: string): Promise<void>;
  updateReviewComment(id: number, body: string): Promise<void>;
  requestReviewers(number: number, users: string[], teams: string[]): Promise<void>;
  dismissReview(number: number, id: number, message: string): Promise<void>;
}

export function restGitHub(octokit: Octokit, ref: RepoRef): RepoGitHub {
  const r = { ...ref };
  // A commit's tree never changes: one request per commit and context (base and merge base are often one).
  const trees = new Map<string, Promise<TreeListing>>();
  return {
    ref,
    pull: async (n) => (await octokit.rest.pulls.get({ ...r, pull_number: n })).data,
    pullFiles: (n) => octokit.paginate(octokit.rest.pulls.listFiles, { ...r, pull_number: n, per_page: 100 }),
    mergeBase: async (base, head) =>
      (await octokit.rest.repos.compareCommitsWithBasehead({ ...r, basehead: `${base}...${head}`, per_page: 1 })).data.merge_base_commit?.sha,
    tree: (commit) => {
      let tree = trees.get(commit);
      if (!tree) {
        tree = octokit.rest.git.getTree({ ...r, tree_sha: commit, recursive: "true" }).then((x) => x.data);
        trees.set(commit, tree);
        tree.catch(() => trees.delete(commit));
      }
      return tree;
    },
    blob: async (sha) => {
      const { data } = await octokit.rest.git.getBlob({ ...r, file_sha: sha });
      return Buffer.from(data.content, data.encoding === "base64" ? "base64" : "utf8").toString("utf8");
    },
    inheritedConfig: async (path, commit) => (await octokit.config.get({ ...r, path, branch: commit })).config as Record<string, unknown>,
    reviews: (n) => octokit.paginate(octokit.rest.pulls.listReviews, { ...r, pull_number: n, per_page: 100 }),
    membership: async (org, slug, login) =>
      notFoundAsNull(async () => (await octokit.rest.teams.getMembershipForUserInOrg({ org, team_slug: slug, username: login })).data.state),
    permission: async (login) => notFoundAsNull(async () => (await octokit.rest.repos.getCollaboratorPermissionLevel({ ...r, username: login })).data.permission),
    commitLogins: async (n) => {
      const commits = await octokit.paginate(octokit.rest.pulls.listCommits, { ...r, pull_number: n, per_page: 100 });
      return [...new Set(commits.flatMap((c) => [c.author?.login, c.committer?.login]).filter((l): l is string => !!l && l !== "web-flow"))];
    },
    latestCheck: async (sha, name) => (await octokit.rest.checks.listForRef({ ...r, ref: sha, check_name: name, filter: "latest", per_page: 1 })).data.check_runs[0],
    issueComments: (n) => octokit.paginate(octokit.rest.issues.listComments, { ...r, issue_number: n, per_page: 100 }),
    reviewComments: (n) => octokit.paginate(octokit.rest.pulls.listReviewComments, { ...r, pull_number: n, per_page: 100 }),
    openPulls: async () => (await octokit.paginate(octokit.rest.pulls.list, { ...r, state: "open", per_page: 100 })).map((p) => ({ number: p.number, headSha: p.head.sha })),
    createCheck: async (sha, name, params) => (await octokit.rest.checks.create({ ...r, name, head_sha: sha, ...(params as object) })).data.id,
    updateCheck: async (id, params) => void (await octokit.rest.checks.update({ ...r, check_run_id: id, ...(params as object) })),
    createComment: async (n, body) => void (await octokit.rest.issues.createComment({ ...r, issue_number: n, body })),
    updateComment: async (id, body) => void (await octokit.rest.issues.updateComment({ ...r, comment_id: id, body })),
    createReview: async (n, commit, comments) => void (await octokit.rest.pulls.createReview({ ...r, pull_number: n, commit_id: commit, event: "COMMENT", comments })),
    createFileComment: async (n, commit, path, body) =>
      void (await octokit.rest.pulls.createReviewComment({ ...r, pull_number: n, commit_id: commit, path, body, subject_type: "file" })),
    updateReviewComment: async (id, body) => void (await octokit.rest.pulls.updateReviewComment({ ...r, comment_id: id, body })),
    requestReviewers: async (n, users, teams) => void (await octokit.rest.pulls.requestReviewers({ ...r, pull_number: n, reviewers: users, team_reviewers: teams })),
    dismissReview: async (n, id, message) => void (await octokit.rest.pulls.dismissReview({ ...r, pull_number: n, review_id: id, message })),
  };
}

async function notFoundAsNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (e) {
    if (typeof e === "object" && e !== null && (e as { status?: number }).status === 404) return null;
    throw e;
  }
}
