/**
 * Webhook payloads built from `@octokit/webhooks-examples` (api.github.com set), with the
 * repository, PR, sha, review, comment, check run, installation and sender fields replaced
 * from emulator state, plus `sendWebhook` to deliver one over HTTP with a valid signature.
 *
 *   const ev = gh.pullRequestEvent("opened", "acme", "lb", 1);
 *   await probot.receive(asProbotEvent(ev));                       // in-process
 *   await sendWebhook(url, secret, ev.name, ev.payload);           // over HTTP
 *
 * `pull_request.edited` has no example in the package: it is the `opened` example with
 * `changes.base` (when the base was changed via `gh.updatePull`) or the `changes` you pass.
 */
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { sign } from "@octokit/webhooks-methods";
import type { Probot } from "probot";
import * as render from "./render.js";
import { issue } from "./routes/issues.js";
import { INSTALLATION_ID } from "./routes/repos.js";
import type { Commit, Repo } from "./state.js";
import type { GitHubEmulator } from "./server.js";

type Json = Record<string, unknown>;

/** A delivery: `name` is the `x-github-event` header, `id` the `x-github-delivery`. */
export interface WebhookEvent<N extends string = string> {
  id: string;
  name: N;
  payload: Json;
}

export type PullRequestAction =
  | "opened"
  | "synchronize"
  | "reopened"
  | "ready_for_review"
  | "converted_to_draft"
  | "edited"
  | "closed"
  | "labeled"
  | "review_requested";

interface Definition {
  name: string;
  examples: Json[];
}

const definitions = createRequire(import.meta.url)("@octokit/webhooks-examples") as Definition[];

/** A deep copy of the first example of `name`/`action`, preferring ones that carry an installation. */
export function example(name: string, action?: string): Json {
  const def = definitions.find((d) => d.name === name);
  const candidates = (def?.examples ?? []).filter((e) => action === undefined || e.action === action);
  const chosen = candidates.find((e) => e.installation) ?? candidates[0];
  if (!chosen) throw new Error(`no @octokit/webhooks-examples example for ${name}${action ? `.${action}` : ""}`);
  return structuredClone(chosen);
}

/** Probot's `receive()` wants its own typed union; our payloads are structurally valid but untyped. */
export function asProbotEvent(ev: WebhookEvent): Parameters<Probot["receive"]>[0] {
  return ev as unknown as Parameters<Probot["receive"]>[0];
}

function event<N extends string>(name: N, payload: Json): WebhookEvent<N> {
  return { id: randomUUID(), name, payload };
}

function common(gh: GitHubEmulator, repo: Repo, sender: string, base: Json): Json {
  const r = gh.renderCtx();
  const out: Json = {
    ...base,
    repository: { ...(base.repository as Json | undefined), ...render.repo(r, repo) },
    installation: { id: INSTALLATION_ID, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" },
    sender: render.user(r, sender),
  };
  if (repo.ownerType === "Organization") out.organization = organization(gh, repo.owner);
  else delete out.organization;
  return out;
}

function organization(gh: GitHubEmulator, login: string): Json {
  const u = render.user(gh.renderCtx(), login, "Organization");
  return { login, id: u.id, node_id: u.node_id, url: `${gh.baseUrl}/orgs/${login}`, avatar_url: u.avatar_url, description: null };
}

export function pullRequestEvent(
  gh: GitHubEmulator,
  action: PullRequestAction,
  owner: string,
  repo: string,
  number: number,
  opts: { sender?: string; changes?: Json } = {},
): WebhookEvent<"pull_request"> {
  const st = gh.state;
  const pull = st.pull(st.repo(owner, repo), number);
  const base = example("pull_request", action === "edited" ? "opened" : action);
  const payload = common(gh, pull.repo, opts.sender ?? pull.user, base);
  payload.action = action;
  payload.number = pull.number;
  payload.pull_request = { ...(base.pull_request as Json), ...render.pull(gh.renderCtx(), pull) };
  if (action === "synchronize") {
    payload.before = pull.headHistory[pull.headHistory.length - 2] ?? pull.headSha;
    payload.after = pull.headSha;
  }
  if (action === "edited") {
    payload.changes =
      opts.changes ??
      (pull.previousBaseRef !== undefined
        ? { base: { ref: { from: pull.previousBaseRef }, sha: { from: pull.repo.branches.get(pull.previousBaseRef) ?? null } } }
        : {});
  }
  return event("pull_request", payload);
}

export function pullRequestReviewEvent(
  gh: GitHubEmulator,
  action: "submitted" | "dismissed" | "edited",
  owner: string,
  repo: string,
  number: number,
  reviewId: number,
  opts: { sender?: string } = {},
): WebhookEvent<"pull_request_review"> {
  const st = gh.state;
  const pull = st.pull(st.repo(owner, repo), number);
  const review = st.reviews.find((r) => r.id === reviewId && r.pull === pull);
  if (!review) throw new Error(`no review ${reviewId} on #${number}`);
  const base = example("pull_request_review", action === "edited" ? "submitted" : action);
  const payload = common(gh, pull.repo, opts.sender ?? review.user, base);
  payload.action = action;
  const rendered = render.review(gh.renderCtx(), review);
  // Webhook payloads spell review states in lower case ("approved"), unlike the REST API.
  payload.review = { ...(base.review as Json), ...rendered, state: review.state.toLowerCase() };
  payload.pull_request = { ...(base.pull_request as Json), ...render.pull(gh.renderCtx(), pull) };
  return event("pull_request_review", payload);
}

export function checkRunEvent(
  gh: GitHubEmulator,
  action: "created" | "completed" | "rerequested" | "requested_action",
  owner: string,
  repo: string,
  checkRunId: number,
  opts: { identifier?: string; sender?: string } = {},
): WebhookEvent<"check_run"> {
  const st = gh.state;
  const r = st.repo(owner, repo);
  const run = st.checkRuns.find((c) => c.id === checkRunId && c.repo === r);
  if (!run) throw new Error(`no check run ${checkRunId}`);
  const base = example("check_run", action);
  const payload = common(gh, r, opts.sender ?? r.owner, base);
  payload.action = action;
  const rendered = render.checkRun(gh.renderCtx(), run);
  const branch = [...r.branches].find(([, sha]) => sha === run.headSha)?.[0] ?? null;
  const baseRun = base.check_run as Json;
  payload.check_run = {
    ...baseRun,
    ...rendered,
    check_suite: {
      ...(baseRun.check_suite as Json | undefined),
      id: run.suiteId,
      head_sha: run.headSha,
      head_branch: branch,
      pull_requests: rendered.pull_requests,
      app: rendered.app,
    },
  };
  if (action === "requested_action") payload.requested_action = { identifier: opts.identifier ?? run.actions[0]?.identifier ?? "" };
  else delete payload.requested_action;
  return event("check_run", payload);
}

export function issueCommentEvent(
  gh: GitHubEmulator,
  action: "created" | "edited" | "deleted",
  owner: string,
  repo: string,
  commentId: number,
): WebhookEvent<"issue_comment"> {
  const st = gh.state;
  const r = st.repo(owner, repo);
  const comment = st.issueComments.find((c) => c.id === commentId && c.repo === r);
  if (!comment) throw new Error(`no issue comment ${commentId}`);
  const pull = st.pull(r, comment.number);
  const base = example("issue_comment", action);
  const payload = common(gh, r, comment.user, base);
  payload.action = action;
  payload.issue = { ...(base.issue as Json), ...issue(gh.renderCtx(), pull) };
  payload.comment = { ...(base.comment as Json), ...render.issueComment(gh.renderCtx(), comment) };
  return event("issue_comment", payload);
}

export function pushEvent(
  gh: GitHubEmulator,
  owner: string,
  repo: string,
  branch: string,
  opts: { before?: string; sender?: string } = {},
): WebhookEvent<"push"> {
  const st = gh.state;
  const r = st.repo(owner, repo);
  const after = r.branches.get(branch);
  if (!after) throw new Error(`no branch ${branch}`);
  const before = opts.before ?? st.commits.get(after)!.parents[0] ?? "0".repeat(40);
  const commits = st.commitsBetween(before === "0".repeat(40) ? undefined : before, after);
  const base = example("push");
  const sender = opts.sender ?? st.commits.get(after)!.author.login ?? r.owner;
  const payload = common(gh, r, sender, base);
  const pushCommit = (c: Commit) => {
    const parent = c.parents[0] ? st.commits.get(c.parents[0])!.tree : new Map<string, string>();
    const changed = st.diffTrees(parent, c.tree);
    const person = (s: Commit["author"]) => ({ name: s.name, email: s.email, ...(s.login ? { username: s.login } : {}) });
    return {
      id: c.sha,
      tree_id: c.treeSha,
      distinct: true,
      message: c.message,
      timestamp: c.committer.date,
      url: `${gh.origin}/${r.owner}/${r.name}/commit/${c.sha}`,
      author: person(c.author),
      committer: person(c.committer),
      added: changed.filter((f) => f.status === "added" || f.status === "renamed").map((f) => f.filename),
      removed: changed.flatMap((f) => (f.status === "removed" ? [f.filename] : f.status === "renamed" ? [f.previous_filename!] : [])),
      modified: changed.filter((f) => f.status === "modified").map((f) => f.filename),
    };
  };
  Object.assign(payload, {
    ref: `refs/heads/${branch}`,
    before,
    after,
    created: before === "0".repeat(40),
    deleted: false,
    forced: !st.ancestors(after).has(before) && before !== "0".repeat(40),
    base_ref: null,
    compare: `${gh.origin}/${r.owner}/${r.name}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
    commits: commits.map(pushCommit),
    head_commit: pushCommit(st.commits.get(after)!),
    pusher: { name: sender, email: `${sender}@users.noreply.example.com` },
  });
  return event("push", payload);
}

export function membershipEvent(
  gh: GitHubEmulator,
  action: "added" | "removed",
  org: string,
  slug: string,
  login: string,
  opts: { sender?: string } = {},
): WebhookEvent<"membership"> {
  const team = gh.state.team(org, slug);
  if (!team) throw new Error(`no team ${org}/${slug}`);
  const base = example("membership", action);
  const r = gh.renderCtx();
  const payload: Json = {
    ...base,
    action,
    scope: "team",
    member: render.user(r, login),
    team: { ...(base.team as Json), ...render.team(r, team) },
    organization: organization(gh, org),
    installation: { id: INSTALLATION_ID, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" },
    sender: render.user(r, opts.sender ?? org),
  };
  return event("membership", payload);
}

/**
 * POST a webhook delivery like GitHub does (JSON body, `x-github-event`, `x-github-delivery`,
 * `x-hub-signature-256`). Pass `signature` to send a specific (e.g. wrong) one. Returns the HTTP status.
 */
export async function sendWebhook(
  url: string,
  secret: string,
  name: string,
  payload: unknown,
  opts: { id?: string; signature?: string } = {},
): Promise<number> {
  const body = JSON.stringify(payload);
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/emulator",
      "x-github-event": name,
      "x-github-delivery": opts.id ?? randomUUID(),
      "x-github-hook-installation-target-type": "integration",
      "x-hub-signature-256": opts.signature ?? (await sign(secret, body)),
    },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

/** `merge_group.checks_requested` for a group commit queued for PR `pr` onto `base` (a branch). */
export function mergeGroupEvent(gh: GitHubEmulator, owner: string, repo: string, opts: { headSha: string; baseSha: string; pr: number; base?: string }): WebhookEvent<"merge_group"> {
  const st = gh.state;
  const r = st.repo(owner, repo);
  const base = example("merge_group", "checks_requested");
  const payload = common(gh, r, "github-merge-queue[bot]", base);
  const branch = opts.base ?? "main";
  payload.merge_group = {
    ...(base.merge_group as Json),
    head_sha: opts.headSha,
    head_ref: `refs/heads/gh-readonly-queue/${branch}/pr-${opts.pr}-${opts.baseSha}`,
    base_sha: opts.baseSha,
    base_ref: `refs/heads/${branch}`,
  };
  return event("merge_group", payload);
}
