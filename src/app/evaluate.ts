/**
 * One evaluation of one pull request: gather files, run the engine, evaluate approvals, post.
 * Every judgement comes from the engine; this module only moves data. Anything that goes wrong
 * leaves a failing check: an unevaluated change never shows a pass.
 */
import { type ApprovalStatus, evaluateApprovals, type Review } from "../approvals/evaluate.js";
import { analyze } from "../engine/analyze.js";
import type { LoadedPolicy } from "../policy/load.js";
import { checkOutput, commentBody } from "../report/github.js";
import { toJsonReport } from "../report/json.js";
import type { Analyzer } from "./analyzer.js";
import type { AuditSink } from "./audit.js";
import { gatherFacts } from "./github/approvals.js";
import { failCheck, finishCheck, noteCheck, startCheck } from "./github/check-run.js";
import { findSticky, syncInline, writeSticky } from "./github/comments.js";
import { type RepoGitHub, restGitHub } from "./github/context.js";
import { guard, isStatus, NotEvaluated, type Octokit, type RepoRef } from "./github/octokit.js";
import { loadBasePolicy } from "./github/policy.js";
import { fetchPull, headSha, type PullInfo } from "./github/pull.js";
import { type BlobCache, candidates, lbContentDiffers, readEntries, readTree } from "./github/tree.js";
import type { BadgeStore } from "./state.js";

export interface Deps {
  audit: AuditSink;
  blobs: BlobCache;
  badges: BadgeStore;
  log: { warn: (obj: object, msg: string) => void; info: (obj: object, msg: string) => void };
  /** The app's bot login (`slug[bot]`): the author of everything it writes. */
  botLogin: () => Promise<string>;
  requestTimeoutMs?: number;
  deadlineMs?: number;
  /** The engine, off the event loop. */
  analyze: Analyzer;
}

/** Each GitHub request gives up after this, and a whole evaluation after the deadline. */
export const REQUEST_TIMEOUT_MS = Number(process.env.LB_REVIEW_REQUEST_TIMEOUT_MS ?? 15_000);
export const EVALUATION_DEADLINE_MS = Number(process.env.LB_REVIEW_EVALUATION_DEADLINE_MS ?? 120_000);

export async function evaluatePullRequest(octokit: Octokit, ref: RepoRef, number: number, deps: Deps, trigger = "an event"): Promise<void> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), deps.deadlineMs ?? EVALUATION_DEADLINE_MS);
  guard(octokit, deps.requestTimeoutMs ?? REQUEST_TIMEOUT_MS, deadline.signal);
  try {
    await evaluateWithin(restGitHub(octokit, ref), number, deps, trigger, deadline.signal, () => guard(octokit, deps.requestTimeoutMs ?? REQUEST_TIMEOUT_MS));
  } finally {
    clearTimeout(timer);
    guard(octokit, deps.requestTimeoutMs ?? REQUEST_TIMEOUT_MS);
  }
}

/**
 * One evaluation through any RepoGitHub: the REST one in production, a fake in unit tests.
 * `lift` removes the deadline from requests so the failure itself can be written.
 */
export async function evaluateWithin(gh: RepoGitHub, number: number, deps: Deps, trigger: string, deadline: AbortSignal, lift: () => void = () => {}): Promise<void> {
  const ref = gh.ref;
  const pr = await gh.pull(number);
  if (pr.state !== "open") return;
  const sha = pr.head.sha;
  const checkId = await startCheck(gh, sha);
  const base = { at: new Date().toISOString(), repo: `${ref.owner}/${ref.repo}`, pr: number, headSha: sha };
  try {
    const pull = await fetchPull(gh, pr);
    const policy = await loadBasePolicy(gh, pull.baseSha, await readTree(gh, pull.baseSha), deps.blobs);
    if (policy.diagnostics.length > 0) {
      const errors = policy.diagnostics.map((d) => `- \`${d.loc.file}:${d.loc.line}\`: ${d.message}`).join("\n");
      throw new NotEvaluated(`The policy file on the base branch \`${pull.baseRef}\` is invalid:\n\n${errors}`);
    }
    const { analysis, lbChangedSince } = await analyzeCommits(gh, pull.mergeBase, pull.headSha, policy, deps);
    const report = toJsonReport(analysis);
    const { status: approvals, stale } = await evaluateTiers(gh, pull, policy, analysis.approvals, lbChangedSince);
    const out = checkOutput(report, approvals, ref.owner);
    const waitingOn = approvals.tiers.filter((t) => !t.satisfied).flatMap((t) => t.teams.map((team) => (team.includes("/") ? team : `${ref.owner}/${team}`)));
    await finishCheck(gh, checkId, out, { waitingOn: [...new Set(waitingOn)].map((t) => t.toLowerCase()) });
    const record = {
      ...base,
      risk: analysis.risk,
      conclusion: out.conclusion,
      findings: analysis.findings.map(({ rule, severity, message, file, line }) => ({ rule, severity, message, file, line })),
      approvalsCounted: approvals.counted,
      approvalsRejected: approvals.rejected,
    };
    // A slow run for an old head must not overwrite what a newer run says in the shared comment.
    if ((await headSha(gh, number)) !== sha) return deps.audit({ ...record, outcome: "stale" });
    // The verdict is written; what follows is for people, and never changes it.
    const failed = await postToPull(gh, pull, report, approvals, analysis.findings, deps.botLogin);
    if (policy.policy.dismissStaleApprovals && stale.length > 0) {
      const error = await dismiss(gh, pull, stale);
      if (error) failed.push(error);
    }
    if (failed.length > 0) {
      deps.log.warn({ pr: number, failed }, "lb-review could not post everything");
      await noteCheck(gh, checkId, out, `Not posted, retried at the next evaluation: ${failed.join("; ")}.`);
    }
    // Tiers are not additive (one reviewer can satisfy several): show the one still open.
    const tier = approvals.tiers.find((t) => !t.satisfied) ?? approvals.tiers[0];
    deps.badges.repo(`${ref.owner}/${ref.repo}`, pr.base.repo.private).pulls.set(number, {
      risk: analysis.risk,
      approved: tier ? Math.min(tier.approvedBy.length, tier.count) : 0,
      required: tier?.count ?? 0,
      satisfied: approvals.satisfied,
    });
    deps.audit({ ...record, outcome: "evaluated", ...(failed.length > 0 ? { notPosted: failed } : {}) });
  } catch (e) {
    const why = deadline.aborted
      ? `not evaluated within ${duration(deps.deadlineMs ?? EVALUATION_DEADLINE_MS)}`
      : e instanceof NotEvaluated
        ? e.message
        : `GitHub or lb-review failed (${(e as Error).message})`;
    const reason = `Could not evaluate after ${trigger}: ${why}`;
    deps.log.warn({ err: e, pr: number }, "lb-review could not evaluate");
    // The failure itself must get through, deadline or not.
    lift();
    await failCheck(gh, checkId, reason);
    deps.audit({ ...base, outcome: "not-evaluated", reason });
    if (!(e instanceof NotEvaluated)) throw e;
  }
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

/** The same files the CLI reads on the same two commits: whole trees, every candidate path. */
export async function analyzeCommits(gh: RepoGitHub, base: string, head: string, policy: LoadedPolicy, deps: Deps) {
  const cache = deps.blobs;
  const [baseTree, headTree] = await Promise.all([readTree(gh, base), readTree(gh, head)]);
  const baseEntries = candidates(baseTree, policy.policy);
  const headEntries = candidates(headTree, policy.policy);
  const [before, after] = await Promise.all([readEntries(gh, baseEntries, cache), readEntries(gh, headEntries, cache)]);
  const analysis = await deps.analyze(before, after, policy);
  // The files recognised as load-balancer config in either version; a CI workflow's YAML is not.
  const lbPaths = new Set([...analysis.changes.before.models, ...analysis.changes.after.models].map((m) => m.file));
  const read = { gh, cache, policy: policy.policy };
  /** Whether another commit's load-balancer content differs from the head's, byte for byte. */
  const lbChangedSince = async (commit: string) => {
    try {
      return await lbContentDiffers(read, headEntries, candidates(await readTree(gh, commit), policy.policy), lbPaths);
    } catch (e) {
      // A commit that is gone (force-push, garbage-collected) approved nothing here.
      if (isStatus(e, 404) || isStatus(e, 422)) return true;
      throw e;
    }
  };
  return { analysis, lbChangedSince };
}

async function evaluateTiers(
  gh: RepoGitHub,
  pull: PullInfo,
  policy: LoadedPolicy,
  required: ReturnType<typeof analyze>["approvals"],
  lbChangedSince: (commit: string) => Promise<boolean>,
): Promise<{ status: ApprovalStatus; stale: Review[] }> {
  if (required.length === 0) return { status: evaluateApprovals([], emptyFacts(pull)), stale: [] };
  const facts = await gatherFacts(gh, { required, pull, excludeContributors: policy.policy.excludeContributors, lbChangedSince });
  const stale = facts.reviews.filter((r) => r.state === "APPROVED" && r.id !== undefined && facts.staleCommits.has(r.commitId));
  return { status: evaluateApprovals(required, facts), stale };
}

/** Dismisses on GitHub the approvals the staleness rule voided, so the PR page says what the check says. */
async function dismiss(gh: RepoGitHub, pull: PullInfo, stale: Review[]): Promise<string | null> {
  try {
    for (const r of stale) {
      const message = `lb-review: the load-balancer config changed since this approval of ${r.commitId.slice(0, 7)}; it no longer counts.`;
      await gh.dismissReview(pull.number, r.id!, message);
    }
    return null;
  } catch (e) {
    return `dismissing stale approvals (${(e as Error).message})`;
  }
}

function emptyFacts(pull: PullInfo) {
  return { author: pull.author, contributors: [], excludeContributors: false, reviews: [], teamMembers: new Map(), writers: new Set<string>(), staleCommits: new Set<string>() };
}

/**
 * The summary comment, the review request and the inline comments, each on its own: one that
 * fails is named in the result, and the others are still posted.
 */
async function postToPull(
  gh: RepoGitHub,
  pull: PullInfo,
  report: ReturnType<typeof toJsonReport>,
  approvals: ApprovalStatus,
  findings: ReturnType<typeof analyze>["findings"],
  botLogin: () => Promise<string>,
): Promise<string[]> {
  const failed: string[] = [];
  const attempt = async (what: string, job: () => Promise<void>) => {
    try {
      await job();
    } catch (e) {
      failed.push(`${what} (${(e as Error).message})`);
    }
  };
  // Without its own comment the app cannot know whom it asked already: ask nobody this time.
  const bot = await botLogin().catch((e: Error) => void failed.push(`the app's own login (${e.message})`));
  if (bot === undefined) return failed;
  const found = await findSticky(gh, pull.number, bot).then(
    (sticky) => ({ sticky }),
    (e: Error) => void failed.push(`the summary comment (${e.message})`),
  );
  if (found) {
    const requested = new Set(found.sticky?.meta?.requested ?? []);
    await attempt("the review request", () => requestReviewers(gh, pull, approvals, requested));
    const blob = (file: string, line: number) => `${pull.htmlUrl.replace(/\/pull\/\d+$/, "")}/blob/${pull.headSha}/${file}#L${line}`;
    const body = commentBody(report, approvals, gh.ref.owner, { sha: pull.headSha, requested: [...requested].sort() }, blob);
    await attempt("the summary comment", () => writeSticky(gh, pull.number, found.sticky, body));
  }
  await attempt("the inline comments", () => syncInline(gh, pull, findings, bot));
  return failed;
}

/**
 * Asks the required teams and users once each. Recorded in the app's own comment only once the
 * request went through: a failed request is made again at the next evaluation, never lost.
 */
async function requestReviewers(gh: RepoGitHub, pull: PullInfo, approvals: ApprovalStatus, requested: Set<string>): Promise<void> {
  const teams = new Set<string>();
  const users = new Set<string>();
  for (const t of approvals.tiers.filter((x) => !x.satisfied)) {
    for (const team of t.teams) if (!requested.has(`team:${team}`)) teams.add(team);
    for (const user of t.users) if (!requested.has(`user:${user}`) && user.toLowerCase() !== pull.author.toLowerCase()) users.add(user);
  }
  if (teams.size === 0 && users.size === 0) return;
  const slugs = [...teams].filter((t) => !t.includes("/") || t.startsWith(`${gh.ref.owner}/`)).map((t) => t.split("/").pop()!);
  try {
    await gh.requestReviewers(pull.number, [...users], slugs);
  } catch (e) {
    // 422: a team or user that cannot be asked (no access); asking again would fail the same way.
    if (!isStatus(e, 422)) throw e;
  }
  for (const t of teams) requested.add(`team:${t}`);
  for (const u of users) requested.add(`user:${u}`);
}
