/** JSON shapes of emulator state, close to GitHub's REST responses (the fields apps read, plus the usual URLs). */
import type { Ctx } from "./http.js";
import type {
  CheckRun,
  Commit,
  IssueComment,
  Pull,
  PullFile,
  Repo,
  Review,
  ReviewComment,
  State,
  Team,
} from "./state.js";
import { sha1 } from "./state.js";

/** What renderers need: state plus the server's URLs and the app's identity. */
export type RenderCtx = Pick<Ctx, "state" | "origin" | "api" | "botLogin">;

/** Stable numeric id for a login. */
export function userId(login: string): number {
  return Number.parseInt(sha1(login.toLowerCase()).slice(0, 7), 16);
}

export function user(r: RenderCtx, login: string, type?: "User" | "Organization" | "Bot") {
  const id = userId(login);
  return {
    login,
    id,
    node_id: Buffer.from(`04:User${id}`).toString("base64"),
    avatar_url: `${r.origin}/avatars/u/${id}`,
    url: `${r.api}/users/${encodeURIComponent(login)}`,
    html_url: `${r.origin}/${encodeURIComponent(login)}`,
    type: type ?? (login.endsWith("[bot]") ? "Bot" : "User"),
    site_admin: false,
  };
}

export function repo(r: RenderCtx, repo: Repo): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`;
  return {
    id: repo.id,
    node_id: Buffer.from(`010:Repository${repo.id}`).toString("base64"),
    name: repo.name,
    full_name: full,
    private: repo.private,
    visibility: repo.private ? "private" : "public",
    owner: user(r, repo.owner, repo.ownerType),
    html_url: `${r.origin}/${full}`,
    url: `${r.api}/repos/${full}`,
    fork: repo.forkOf !== undefined,
    ...(repo.forkOf ? { parent: { id: repo.forkOf.id, full_name: `${repo.forkOf.owner}/${repo.forkOf.name}` } } : {}),
    default_branch: repo.defaultBranch,
    archived: false,
    disabled: false,
  };
}

function branchRef(r: RenderCtx, repoObj: Repo, ref: string, sha: string) {
  return {
    label: `${repoObj.owner}:${ref}`,
    ref,
    sha,
    user: user(r, repoObj.owner, repoObj.ownerType),
    repo: repo(r, repoObj),
  };
}

export function authorAssociation(state: State, repoObj: Repo, login: string): string {
  if (login.toLowerCase() === repoObj.owner.toLowerCase()) return "OWNER";
  const p = state.permission(repoObj, login);
  if (repoObj.permissions.has(login.toLowerCase()) && p !== "none") return "COLLABORATOR";
  return "CONTRIBUTOR";
}

export function pull(r: RenderCtx, p: Pull): Record<string, unknown> {
  const full = `${p.repo.owner}/${p.repo.name}`;
  const files = r.state.pullFiles(p);
  const url = `${r.api}/repos/${full}/pulls/${p.number}`;
  return {
    url,
    id: p.id,
    node_id: Buffer.from(`011:PullRequest${p.id}`).toString("base64"),
    html_url: `${r.origin}/${full}/pull/${p.number}`,
    diff_url: `${r.origin}/${full}/pull/${p.number}.diff`,
    patch_url: `${r.origin}/${full}/pull/${p.number}.patch`,
    issue_url: `${r.api}/repos/${full}/issues/${p.number}`,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    comments_url: `${r.api}/repos/${full}/issues/${p.number}/comments`,
    statuses_url: `${r.api}/repos/${full}/statuses/${p.headSha}`,
    number: p.number,
    state: p.state,
    locked: false,
    title: p.title,
    body: p.body,
    user: user(r, p.user),
    labels: [],
    draft: p.draft,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    closed_at: p.closedAt,
    merged_at: p.merged ? p.closedAt : null,
    merge_commit_sha: null,
    merged: p.merged,
    mergeable: null,
    mergeable_state: "unknown",
    assignee: null,
    assignees: [],
    requested_reviewers: [...p.requestedUsers].map((l) => user(r, l)),
    requested_teams: [...p.requestedTeams].map((slug) => {
      const t = r.state.team(p.repo.owner, slug);
      return t ? team(r, t) : { slug, name: slug };
    }),
    head: branchRef(r, p.headRepo, p.headRef, p.headSha),
    base: branchRef(r, p.repo, p.baseRef, r.state.baseSha(p)),
    author_association: authorAssociation(r.state, p.repo, p.user),
    commits: r.state.pullCommits(p).length,
    additions: files.reduce((n, f) => n + f.diff.additions, 0),
    deletions: files.reduce((n, f) => n + f.diff.deletions, 0),
    changed_files: files.length,
    comments: r.state.issueComments.filter((c) => c.repo === p.repo && c.number === p.number && !c.deleted).length,
    review_comments: r.state.reviewComments.filter((c) => c.pull === p && !c.deleted).length,
    maintainer_can_modify: false,
  };
}

export function file(r: RenderCtx, repoObj: Repo, ref: string, f: PullFile): Record<string, unknown> {
  const full = `${repoObj.owner}/${repoObj.name}`;
  const enc = f.filename.split("/").map(encodeURIComponent).join("/");
  return {
    sha: f.sha,
    filename: f.filename,
    status: f.status,
    additions: f.diff.additions,
    deletions: f.diff.deletions,
    changes: f.diff.additions + f.diff.deletions,
    blob_url: `${r.origin}/${full}/blob/${ref}/${enc}`,
    raw_url: `${r.origin}/${full}/raw/${ref}/${enc}`,
    contents_url: `${r.api}/repos/${full}/contents/${enc}?ref=${ref}`,
    ...(f.diff.patch !== undefined ? { patch: f.diff.patch } : {}),
    ...(f.previous_filename !== undefined ? { previous_filename: f.previous_filename } : {}),
  };
}

export function commit(r: RenderCtx, repoObj: Repo, c: Commit): Record<string, unknown> {
  const full = `${repoObj.owner}/${repoObj.name}`;
  const sig = (s: Commit["author"]) => ({ name: s.name, email: s.email, date: s.date });
  return {
    sha: c.sha,
    node_id: Buffer.from(`06:Commit${c.sha}`).toString("base64"),
    url: `${r.api}/repos/${full}/commits/${c.sha}`,
    html_url: `${r.origin}/${full}/commit/${c.sha}`,
    commit: {
      message: c.message,
      author: sig(c.author),
      committer: sig(c.committer),
      tree: { sha: c.treeSha, url: `${r.api}/repos/${full}/git/trees/${c.treeSha}` },
      comment_count: 0,
    },
    author: c.author.login ? user(r, c.author.login) : null,
    committer: c.committer.login ? user(r, c.committer.login) : null,
    parents: c.parents.map((sha) => ({ sha, url: `${r.api}/repos/${full}/commits/${sha}` })),
  };
}

export function review(r: RenderCtx, v: Review): Record<string, unknown> {
  const full = `${v.pull.repo.owner}/${v.pull.repo.name}`;
  return {
    id: v.id,
    node_id: Buffer.from(`017:PullRequestReview${v.id}`).toString("base64"),
    user: user(r, v.user),
    body: v.body,
    state: v.state,
    commit_id: v.commitId,
    submitted_at: v.submittedAt ?? undefined,
    html_url: `${r.origin}/${full}/pull/${v.pull.number}#pullrequestreview-${v.id}`,
    pull_request_url: `${r.api}/repos/${full}/pulls/${v.pull.number}`,
    author_association: authorAssociation(r.state, v.pull.repo, v.user),
  };
}

export function issueComment(r: RenderCtx, c: IssueComment): Record<string, unknown> {
  const full = `${c.repo.owner}/${c.repo.name}`;
  return {
    id: c.id,
    node_id: Buffer.from(`012:IssueComment${c.id}`).toString("base64"),
    url: `${r.api}/repos/${full}/issues/comments/${c.id}`,
    html_url: `${r.origin}/${full}/pull/${c.number}#issuecomment-${c.id}`,
    issue_url: `${r.api}/repos/${full}/issues/${c.number}`,
    body: c.body,
    user: user(r, c.user),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    author_association: authorAssociation(r.state, c.repo, c.user),
  };
}

export function reviewComment(r: RenderCtx, c: ReviewComment): Record<string, unknown> {
  const full = `${c.pull.repo.owner}/${c.pull.repo.name}`;
  return {
    id: c.id,
    node_id: Buffer.from(`024:PullRequestReviewComment${c.id}`).toString("base64"),
    url: `${r.api}/repos/${full}/pulls/comments/${c.id}`,
    html_url: `${r.origin}/${full}/pull/${c.pull.number}#discussion_r${c.id}`,
    pull_request_url: `${r.api}/repos/${full}/pulls/${c.pull.number}`,
    pull_request_review_id: c.reviewId,
    diff_hunk: c.diffHunk,
    path: c.path,
    position: c.position,
    original_position: c.position,
    commit_id: c.commitId,
    original_commit_id: c.commitId,
    user: user(r, c.user),
    body: c.body,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    author_association: authorAssociation(r.state, c.pull.repo, c.user),
    line: c.line,
    original_line: c.line,
    side: c.side,
    start_line: c.startLine,
    original_start_line: c.startLine,
    start_side: c.startSide,
    subject_type: c.subjectType,
    ...(c.inReplyTo !== null ? { in_reply_to_id: c.inReplyTo } : {}),
  };
}

export function team(r: RenderCtx, t: Team): Record<string, unknown> {
  return {
    id: t.id,
    node_id: Buffer.from(`04:Team${t.id}`).toString("base64"),
    slug: t.slug,
    name: t.name,
    description: null,
    privacy: "closed",
    permission: "pull",
    url: `${r.api}/organizations/${userId(t.org)}/team/${t.id}`,
    html_url: `${r.origin}/orgs/${t.org}/teams/${t.slug}`,
    members_url: `${r.api}/organizations/${userId(t.org)}/team/${t.id}/members{/member}`,
    parent: null,
  };
}

export function app(r: RenderCtx) {
  const slug = r.botLogin.replace(/\[bot\]$/, "");
  return { id: 1, slug, node_id: "MDM6QXBwMQ==", name: slug, owner: user(r, "lb-review-owner", "Organization") };
}

export function checkRun(r: RenderCtx, c: CheckRun): Record<string, unknown> {
  const full = `${c.repo.owner}/${c.repo.name}`;
  const url = `${r.api}/repos/${full}/check-runs/${c.id}`;
  // Like GitHub: only PRs in the same repository are listed (fork PRs give an empty array).
  const pulls = r.state.pulls.filter((p) => p.repo === c.repo && p.headRepo === c.repo && p.headSha === c.headSha && p.state === "open");
  return {
    id: c.id,
    node_id: Buffer.from(`08:CheckRun${c.id}`).toString("base64"),
    name: c.name,
    head_sha: c.headSha,
    external_id: c.externalId ?? "",
    url,
    html_url: `${r.origin}/${full}/runs/${c.id}`,
    details_url: c.detailsUrl,
    status: c.status,
    conclusion: c.conclusion,
    started_at: c.startedAt,
    completed_at: c.completedAt,
    output: {
      title: c.output.title,
      summary: c.output.summary,
      text: c.output.text,
      annotations_count: c.annotations.length,
      annotations_url: `${url}/annotations`,
    },
    check_suite: { id: c.suiteId },
    app: app(r),
    pull_requests: pulls.map((p) => ({
      url: `${r.api}/repos/${full}/pulls/${p.number}`,
      id: p.id,
      number: p.number,
      head: { ref: p.headRef, sha: p.headSha, repo: { id: p.headRepo.id, name: p.headRepo.name, url: `${r.api}/repos/${full}` } },
      base: { ref: p.baseRef, sha: r.state.baseSha(p), repo: { id: p.repo.id, name: p.repo.name, url: `${r.api}/repos/${full}` } },
    })),
  };
}
