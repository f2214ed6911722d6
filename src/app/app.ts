/** The Probot app: which events trigger an evaluation, plus the badge and health endpoints. */
import type { ApplicationFunction, Context, Probot } from "probot";
import { isCandidatePath } from "../formats/detect.js";
import { initFormats } from "../formats/index.js";
import { DEFAULT_POLICY } from "../policy/schema.js";
import { type Analyzer, sharedPool } from "./analyzer.js";
import { type AuditSink, fileAuditSink } from "./audit.js";
import { badgeHandler, healthHandler } from "./badge.js";
import { type Deps, evaluatePullRequest, REQUEST_TIMEOUT_MS } from "./evaluate.js";
import { CHECK_NAME, readCheckState } from "./github/check-run.js";
import { type CheckRun, type RepoGitHub, restGitHub } from "./github/context.js";
import { guard, type Octokit, type RepoRef } from "./github/octokit.js";
import { canWrite } from "./github/approvals.js";
import { loadBasePolicy } from "./github/policy.js";
import { BlobCache, candidates, readEntries, readTree } from "./github/tree.js";
import { evaluateMergeGroup } from "./merge-group.js";
import { JobQueue } from "./queue.js";
import { BadgeStore } from "./state.js";

export interface AppOptions {
  audit?: AuditSink;
  badges?: BadgeStore;
  /** Signs per-repository badge tokens for private repositories. */
  badgeSecret?: string;
  blobs?: BlobCache;
  queue?: JobQueue;
  /** Per GitHub request, and per evaluation (defaults 15 s and 120 s, or LB_REVIEW_*_MS). */
  requestTimeoutMs?: number;
  deadlineMs?: number;
  /** The engine; by default a worker-thread pool shared by the process. */
  analyzer?: Analyzer;
}

export const RECHECK_COMMAND = /^\s*\/lb-review\s+recheck\b/;

export function createApp(options: AppOptions = {}): ApplicationFunction {
  return async (app: Probot, { addHandler }) => {
    await initFormats();
    const badges = options.badges ?? new BadgeStore();
    const auditFile = process.env.LB_REVIEW_AUDIT_LOG;
    const audit = options.audit ?? (auditFile ? fileAuditSink(auditFile) : (record) => app.log.info({ audit: record }, "lb-review audit"));
    let bot: Promise<string> | undefined;
    const botLogin = () => {
      bot ??= app.auth().then(async (octokit) => {
        guard(octokit as Octokit, options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS);
        return `${(await octokit.rest.apps.getAuthenticated()).data?.slug ?? "lb-review"}[bot]`;
      });
      // A failed look-up is tried again next time, never cached.
      bot.catch(() => (bot = undefined));
      return bot;
    };
    const deps: Deps = {
      audit,
      badges,
      blobs: options.blobs ?? new BlobCache(),
      log: app.log,
      botLogin,
      analyze: options.analyzer ?? sharedPool().analyze,
      ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
    };
    const queue = options.queue ?? new JobQueue({ onError: (key, err, final) => app.log.warn({ err, key, final }, "lb-review job failed") });
    // Handlers only enqueue: the delivery is acknowledged at once, the evaluation follows.
    const evaluate = (octokit: Octokit, ref: RepoRef, number: number, trigger: string) =>
      queue.submit(`${ref.owner}/${ref.repo}#${number}`.toLowerCase(), () => evaluatePullRequest(octokit, ref, number, deps, trigger));
    // GitHub redelivers on request and on timeouts: the same delivery is evaluated once.
    const deliveries = new RecentIds(10_000);
    const fresh = (ctx: { id: string }) => deliveries.add(ctx.id);

    app.on(["pull_request.opened", "pull_request.synchronize", "pull_request.reopened", "pull_request.ready_for_review"], async (ctx) => {
      if (fresh(ctx)) evaluate(ctx.octokit, ctx.repo(), ctx.payload.pull_request.number, `pull_request.${ctx.payload.action}`);
    });
    app.on("pull_request.edited", async (ctx) => {
      // Retargeting changes the policy and the diff; a title edit changes nothing.
      if (ctx.payload.changes.base && fresh(ctx)) evaluate(ctx.octokit, ctx.repo(), ctx.payload.pull_request.number, "a change of the base branch");
    });
    app.on("merge_group.checks_requested", async (ctx) => {
      const group = ctx.payload.merge_group;
      const ref = ctx.repo();
      if (fresh(ctx)) queue.submit(`${ref.owner}/${ref.repo}@${group.head_sha}`.toLowerCase(), () => evaluateMergeGroup(restGitHub(ctx.octokit, ref), group, deps));
    });
    app.on("pull_request.closed", async (ctx) => {
      badges.get(ctx.payload.repository.full_name)?.pulls.delete(ctx.payload.pull_request.number);
    });
    // An edited review changes its text only, never its state: nothing to evaluate.
    app.on(["pull_request_review.submitted", "pull_request_review.dismissed"], async (ctx) => {
      if (fresh(ctx)) evaluate(ctx.octokit, ctx.repo(), ctx.payload.pull_request.number, `a review ${ctx.payload.action}`);
    });
    app.on(["check_run.rerequested", "check_run.requested_action"], async (ctx) => {
      if (ctx.payload.check_run.name !== CHECK_NAME || !fresh(ctx)) return;
      for (const n of await pullsForSha(ctx, ctx.payload.check_run.head_sha)) evaluate(ctx.octokit, ctx.repo(), n, "a re-run request");
    });
    app.on("issue_comment.created", async (ctx) => {
      if (!ctx.payload.issue.pull_request || !RECHECK_COMMAND.test(ctx.payload.comment.body) || !fresh(ctx)) return;
      // Anyone can comment; only people who could merge may make the app spend an evaluation.
      const login = ctx.payload.comment.user?.login;
      if (!login || !(await canWrite(restGitHub(ctx.octokit, ctx.repo()), login))) return;
      evaluate(ctx.octokit, ctx.repo(), ctx.payload.issue.number, "/lb-review recheck");
    });
    app.on("membership", async (ctx) => {
      const team = ctx.payload.team;
      const org = ctx.payload.organization.login;
      if (!("slug" in team)) return;
      for (const [ref, n] of await pullsWaitingOn(ctx.octokit, org, `${org}/${team.slug}`.toLowerCase())) evaluate(ctx.octokit, ref, n, "a team membership change");
    });
    app.on("push", async (ctx) => {
      const repo = ctx.payload.repository;
      if (ctx.payload.ref !== `refs/heads/${repo.default_branch}` || ctx.payload.deleted) return;
      // Only pushes that touch possible config change what the badge shows (the first push builds it).
      const touched = ctx.payload.commits.flatMap((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])]);
      const known = badges.get(repo.full_name)?.pools !== undefined;
      if (known && !touched.some((p) => isCandidatePath(p, DEFAULT_POLICY))) return;
      await refreshDefaultBranch(restGitHub(ctx.octokit, ctx.repo()), ctx.payload.after, repo.private, badges, deps.blobs, deps.analyze);
    });

    // A run left in progress by a crash or a restart would block its PR until the next event.
    queue.submit("start-up", () => resumeUnfinished(app, evaluate));

    addHandler(healthHandler);
    addHandler(badgeHandler(badges, options.badgeSecret ?? process.env.LB_REVIEW_BADGE_SECRET ?? process.env.WEBHOOK_SECRET ?? ""));
  };
}

/** Evaluates again every open PR whose lb-review run is still queued or in progress. */
async function resumeUnfinished(app: Probot, evaluate: (octokit: Octokit, ref: RepoRef, number: number, trigger: string) => void): Promise<void> {
  const jwt = await app.auth();
  for (const installation of await jwt.paginate(jwt.rest.apps.listInstallations, { per_page: 100 })) {
    const octokit = (await app.auth(installation.id)) as Octokit;
    for (const { ref, number, run } of await openRuns(octokit)) if (run && run.status !== "completed") evaluate(octokit, ref, number, "a restart of lb-review");
  }
}

/** Fork PRs arrive with an empty `pull_requests` list: find them by head SHA. */
async function pullsForSha(ctx: Context<"check_run">, sha: string): Promise<number[]> {
  const listed = ctx.payload.check_run.pull_requests.map((p) => p.number);
  if (listed.length > 0) return listed;
  return (await restGitHub(ctx.octokit, ctx.repo()).openPulls()).filter((p) => p.headSha === sha).map((p) => p.number);
}

/** Open PRs of the installation's repositories whose lb-review check waits on this team ("org/slug"). */
async function pullsWaitingOn(octokit: Octokit, org: string, team: string): Promise<[RepoRef, number][]> {
  return (await openRuns(octokit, org))
    .filter(({ run }) => run && run.conclusion !== "success" && readCheckState(run.external_id).waitingOn.includes(team))
    .map(({ ref, number }) => [ref, number]);
}

/** Every open PR of the installation's repositories (of `owner` only, if given), with its latest lb-review run. */
async function openRuns(octokit: Octokit, owner?: string): Promise<{ ref: RepoRef; number: number; run: CheckRun | undefined }[]> {
  const repos = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 100 });
  const out: { ref: RepoRef; number: number; run: CheckRun | undefined }[] = [];
  for (const r of repos.filter((x) => owner === undefined || x.owner.login.toLowerCase() === owner.toLowerCase())) {
    const gh = restGitHub(octokit, { owner: r.owner.login, repo: r.name });
    for (const pr of await gh.openPulls()) out.push({ ref: gh.ref, number: pr.number, run: await gh.latestCheck(pr.headSha, CHECK_NAME) });
  }
  return out;
}

async function refreshDefaultBranch(gh: RepoGitHub, sha: string, isPrivate: boolean, badges: BadgeStore, blobs: BlobCache, analyzer: Analyzer): Promise<void> {
  const ref = gh.ref;
  const tree = await readTree(gh, sha);
  const policy = await loadBasePolicy(gh, sha, tree, blobs);
  const files = await readEntries(gh, candidates(tree, policy.policy), blobs);
  const analysis = await analyzer([], files, policy);
  const state = badges.repo(`${ref.owner}/${ref.repo}`, isPrivate);
  state.pools = analysis.changes.pools.length;
  state.errors = analysis.changes.files.reduce((n, f) => n + (f.after?.diagnostics.filter((d) => d.severity === "error").length ?? 0), 0);
}

/** The last `limit` ids seen; `add` says whether the id is new. */
class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly limit: number) {}

  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.limit) this.ids.delete(this.ids.values().next().value!);
    return true;
  }
}
