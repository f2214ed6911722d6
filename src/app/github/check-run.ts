/** The one `lb-review` check run per head SHA: reused across re-evaluations, never duplicated. */
import { annotationBatches, type CheckOutput } from "../../report/github.js";
import type { RepoGitHub } from "./context.js";

export const CHECK_NAME = "lb-review";

export async function startCheck(gh: RepoGitHub, sha: string): Promise<number> {
  const existing = await gh.latestCheck(sha, CHECK_NAME);
  const started = { status: "in_progress" as const, output: { title: "Evaluating load-balancer changes…", summary: "lb-review is evaluating this commit." } };
  if (existing) {
    await gh.updateCheck(existing.id, started);
    return existing.id;
  }
  return gh.createCheck(sha, CHECK_NAME, started);
}

/** What the app reads back from a run: the teams whose approval it waits for ("org/slug"). */
export interface CheckState {
  waitingOn: string[];
}

export function readCheckState(externalId: string | null | undefined): CheckState {
  try {
    const state = JSON.parse(externalId ?? "") as CheckState;
    return Array.isArray(state.waitingOn) ? state : { waitingOn: [] };
  } catch {
    return { waitingOn: [] };
  }
}

/** Completes the run; annotations beyond the first 50 follow in further updates of 50. */
export async function finishCheck(gh: RepoGitHub, id: number, out: CheckOutput, state: CheckState): Promise<void> {
  const [first = [], ...rest] = annotationBatches(out.annotations);
  const output = { title: out.title, summary: out.summary };
  await gh.updateCheck(id, {
    status: "completed",
    conclusion: out.conclusion,
    // Machine-readable state in external_id, so handlers never parse the human summary.
    external_id: JSON.stringify(state),
    output: { ...output, annotations: first },
    ...(out.conclusion === "failure" ? { actions: [{ label: "Re-check", description: "Evaluate again (e.g. after team changes)", identifier: "recheck" }] } : {}),
  });
  for (const batch of rest) await gh.updateCheck(id, { output: { ...output, annotations: batch } });
}

/** Adds a line to a completed run's summary, keeping its conclusion. */
export async function noteCheck(gh: RepoGitHub, id: number, out: CheckOutput, note: string): Promise<void> {
  await gh.updateCheck(id, { output: { title: out.title, summary: `${out.summary}\n\n> ${note}` } });
}

/** Never a pass: the change was not evaluated. */
export async function failCheck(gh: RepoGitHub, id: number, reason: string): Promise<void> {
  await gh.updateCheck(id, {
    status: "completed",
    conclusion: "failure",
    output: { title: "lb-review could not evaluate this change", summary: `${reason}\n\nNothing was evaluated, so this check cannot pass. Comment \`/lb-review recheck\` to try again.` },
    actions: [{ label: "Re-check", description: "Evaluate this commit again", identifier: "recheck" }],
  });
}
