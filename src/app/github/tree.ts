/** Load-balancer files of a commit, read through the git data API (blobs serve any size). */
import type { SourceFile } from "../../engine/analyze.js";
import { isCandidatePath } from "../../formats/detect.js";
import type { Policy } from "../../policy/schema.js";
import { NotEvaluated, type Octokit, type RepoRef } from "./octokit.js";

/** More candidate files than this is not a config change a person can review: fail closed. */
export const MAX_CANDIDATES = 1000;

export interface TreeEntry {
  path: string;
  sha: string;
}

/**
 * Candidate files of a commit. With `near`, only those in these directories: config that links
 * across files (conf.d, manifests, a Terraform module) lives beside or above what changed.
 */
export async function candidateEntries(octokit: Octokit, ref: RepoRef, commit: string, policy: Policy, near?: Set<string>): Promise<TreeEntry[]> {
  if (near?.size === 0) return [];
  const { data } = await octokit.rest.git.getTree({ ...ref, tree_sha: commit, recursive: "true" });
  if (data.truncated) throw new NotEvaluated(`the tree of ${commit.slice(0, 7)} is too large for GitHub to list in full`);
  const entries = data.tree
    .filter((e) => e.type === "blob" && e.path && e.sha && isCandidatePath(e.path, policy) && (!near || near.has(dirOf(e.path))))
    .map((e) => ({ path: e.path!, sha: e.sha! }));
  if (entries.length > MAX_CANDIDATES) throw new NotEvaluated(`${entries.length} candidate config files, over the limit of ${MAX_CANDIDATES}`);
  return entries;
}

/** Reads blobs once each: a file unchanged between base and head is fetched a single time. */
export async function readEntries(octokit: Octokit, ref: RepoRef, entries: TreeEntry[], cache: Map<string, string>): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  for (const e of entries) {
    let text = cache.get(e.sha);
    if (text === undefined) {
      const { data } = await octokit.rest.git.getBlob({ ...ref, file_sha: e.sha });
      text = Buffer.from(data.content, data.encoding === "base64" ? "base64" : "utf8").toString("utf8");
      cache.set(e.sha, text);
    }
    out.push({ path: e.path, text });
  }
  return out;
}

export function dirOf(path: string): string {
  return path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
}

/** The directories of the changed candidate files, and all their ancestors. */
export function relevantDirs(changed: string[], policy: Policy): Set<string> {
  const dirs = new Set<string>();
  for (const path of changed.filter((p) => isCandidatePath(p, policy))) {
    for (let d = dirOf(path); ; d = dirOf(d)) {
      dirs.add(d);
      if (d === "") break;
    }
  }
  return dirs;
}
