/** The pull request as GitHub has it now: never trust a webhook payload's copy. */
import type { Pull, RepoGitHub } from "./context.js";
import { NotEvaluated } from "./octokit.js";

/** GitHub lists at most 3,000 files of a pull request. */
export const MAX_PR_FILES = 3000;

export interface PullInfo {
  number: number;
  author: string;
  state: string;
  headSha: string;
  baseSha: string;
  baseRef: string;
  mergeBase: string;
  htmlUrl: string;
  /** Changed lines on the new side, per file, from each file's patch: where review comments may go. */
  diffLines: Map<string, Set<number>>;
}

/** Completes the pull request the caller fetched with its files and merge base. */
export async function fetchPull(gh: RepoGitHub, pr: Pull): Promise<PullInfo> {
  const number = pr.number;
  if (pr.changed_files > MAX_PR_FILES) {
    throw new NotEvaluated(`this pull request changes ${pr.changed_files} files; GitHub lists only ${MAX_PR_FILES}, so it cannot be reviewed in full`);
  }
  const [files, mergeBase] = await Promise.all([gh.pullFiles(number), gh.mergeBase(pr.base.sha, pr.head.sha)]);
  return {
    number,
    author: pr.user?.login ?? "",
    state: pr.state,
    headSha: pr.head.sha,
    baseSha: pr.base.sha,
    baseRef: pr.base.ref,
    mergeBase: mergeBase ?? pr.base.sha,
    htmlUrl: pr.html_url,
    diffLines: new Map(files.map((f) => [f.filename, patchLines(f.patch)])),
  };
}

export async function headSha(gh: RepoGitHub, number: number): Promise<string> {
  return (await gh.pull(number)).head.sha;
}

/** New-side line numbers a review comment may target: added and context lines of each hunk. */
export function patchLines(patch: string | undefined): Set<number> {
  const lines = new Set<number>();
  let line = 0;
  for (const text of (patch ?? "").split("\n")) {
    const hunk = text.match(/^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/);
    if (hunk) line = Number(hunk[1]);
    else if (text.startsWith("+") || text.startsWith(" ")) lines.add(line++);
  }
  return lines;
}
