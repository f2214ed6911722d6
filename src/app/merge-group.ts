/**
 * A merge queue's group commit gets an `lb-review` check too. Nobody reviews a group, so it
 * passes only when it needs no approval, or when its load-balancer content is exactly that of
 * the queued pull request's head and that head's own check passed. Anything else fails closed.
 */
import type { Analysis } from "../engine/analyze.js";
import { checkOutput } from "../report/github.js";
import { toJsonReport } from "../report/json.js";
import { analyzeCommits, type Deps } from "./evaluate.js";
import { CHECK_NAME, failCheck, finishCheck, startCheck } from "./github/check-run.js";
import type { RepoGitHub } from "./github/context.js";
import { NotEvaluated } from "./github/octokit.js";
import { loadBasePolicy } from "./github/policy.js";
import { readTree } from "./github/tree.js";

export interface MergeGroup {
  head_sha: string;
  head_ref: string;
  base_sha: string;
}

export async function evaluateMergeGroup(gh: RepoGitHub, group: MergeGroup, deps: Deps): Promise<void> {
  const checkId = await startCheck(gh, group.head_sha);
  try {
    const policy = await loadBasePolicy(gh, group.base_sha, await readTree(gh, group.base_sha), deps.blobs);
    if (policy.diagnostics.length > 0) throw new NotEvaluated("the policy file on the base branch is invalid");
    const { analysis, lbChangedSince } = await analyzeCommits(gh, group.base_sha, group.head_sha, policy, deps);
    const out = checkOutput(toJsonReport(analysis), { tiers: [], satisfied: true, counted: [], rejected: [] }, gh.ref.owner);
    if (analysis.approvals.length === 0) return await finishCheck(gh, checkId, { ...out, conclusion: "success" }, { waitingOn: [] });
    const why = await approvedIn(gh, group, lbChangedSince);
    const title = why.pr !== null && why.ok ? `${titleOf(analysis)}: approved in #${why.pr}` : `${titleOf(analysis)}: not approved for this merge group`;
    const summary = `${why.reason}\n\n${out.summary}`;
    await finishCheck(gh, checkId, { ...out, title, summary, conclusion: why.ok ? "success" : "failure" }, { waitingOn: [] });
  } catch (e) {
    const reason = e instanceof NotEvaluated ? e.message : `GitHub or lb-review failed (${(e as Error).message})`;
    await failCheck(gh, checkId, `Could not evaluate the merge group: ${reason}`);
    if (!(e instanceof NotEvaluated)) throw e;
  }
}

function titleOf(a: Analysis): string {
  return `${a.risk[0]!.toUpperCase()}${a.risk.slice(1)}`;
}

/** The queued PR (named in the group's ref), if its passing check covers exactly this config. */
async function approvedIn(gh: RepoGitHub, group: MergeGroup, lbChangedSince: (commit: string) => Promise<boolean>) {
  const pr = Number(/\/pr-(\d+)-[0-9a-f]+$/.exec(group.head_ref)?.[1] ?? NaN);
  if (!Number.isInteger(pr)) return { pr: null, ok: false, reason: "The merge group does not name its pull request." };
  const data = await gh.pull(pr);
  if ((await gh.latestCheck(data.head.sha, CHECK_NAME))?.conclusion !== "success") return { pr, ok: false, reason: `#${pr}'s own lb-review check has not passed.` };
  if (await lbChangedSince(data.head.sha)) {
    return { pr, ok: false, reason: `The group's load-balancer config differs from what was approved in #${pr} (other queued changes touch it too); approve them together or queue them apart.` };
  }
  return { pr, ok: true, reason: `The group's load-balancer config is exactly #${pr}'s, whose lb-review check passed.` };
}
