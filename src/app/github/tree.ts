/**
 * Load-balancer files of a commit, read as the CLI reads them: the whole tree, every candidate
 * path, blobs through the git data API (any size), fetched once per blob SHA.
 */
import type { SourceFile } from "../../engine/analyze.js";
import { detectFormat, isCandidatePath } from "../../formats/detect.js";
import type { Policy } from "../../policy/schema.js";
import type { RepoGitHub } from "./context.js";
import { NotEvaluated } from "./octokit.js";

/** More candidate files than this is not a config change a person can review: fail closed. */
export const MAX_CANDIDATES = 1000;
/** Blobs fetched at once: enough to hide latency, few enough to respect GitHub's limits. */
export const BLOB_CONCURRENCY = 8;

/** path → blob SHA of every file of a commit. */
export type Tree = Map<string, string>;

export async function readTree(gh: RepoGitHub, commit: string): Promise<Tree> {
  const data = await gh.tree(commit);
  if (data.truncated) throw new NotEvaluated(`the tree of ${commit.slice(0, 7)} is too large for GitHub to list in full`);
  return new Map(data.tree.filter((e) => e.type === "blob" && e.path && e.sha).map((e) => [e.path!, e.sha!]));
}

/** The candidate files of a tree: what the CLI would consider on the same commit. */
export function candidates(tree: Tree, policy: Policy): Tree {
  const out: Tree = new Map([...tree].filter(([path]) => isCandidatePath(path, policy)));
  if (out.size > MAX_CANDIDATES) throw new NotEvaluated(`${out.size} candidate config files, over the limit of ${MAX_CANDIDATES}`);
  return out;
}

/**
 * Blob texts by SHA, least recently used dropped past a byte budget. Blobs are immutable, so
 * one cache serves every pull request of a repository owner; the key carries the owner.
 */
export class BlobCache {
  private readonly texts = new Map<string, string>();
  /** Reads under way: a blob asked for twice at once is fetched once. */
  readonly pending = new Map<string, Promise<string>>();
  private bytes = 0;

  constructor(private readonly budget = 64 * 1024 * 1024) {}

  get(key: string): string | undefined {
    const text = this.texts.get(key);
    if (text !== undefined) {
      this.texts.delete(key);
      this.texts.set(key, text);
    }
    return text;
  }

  set(key: string, text: string): void {
    if (this.texts.has(key)) return;
    this.texts.set(key, text);
    this.bytes += text.length;
    for (const [k, t] of this.texts) {
      if (this.bytes <= this.budget) break;
      this.texts.delete(k);
      this.bytes -= t.length;
    }
  }
}

/** Reads the entries' blobs, at most BLOB_CONCURRENCY at a time, each SHA once. */
export async function readEntries(gh: RepoGitHub, entries: Tree, cache: BlobCache): Promise<SourceFile[]> {
  const list = [...entries];
  const texts = new Array<string>(list.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < list.length; i = next++) texts[i] = await blobText(gh, list[i]![1], cache);
  };
  await Promise.all(Array.from({ length: Math.min(BLOB_CONCURRENCY, list.length) }, worker));
  return list.map(([path], i) => ({ path, text: texts[i]! }));
}

export async function blobText(gh: RepoGitHub, sha: string, cache: BlobCache): Promise<string> {
  const key = `${gh.ref.owner.toLowerCase()}/${sha}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  let reading = cache.pending.get(key);
  if (!reading) {
    reading = gh.blob(sha).finally(() => cache.pending.delete(key));
    cache.pending.set(key, reading);
  }
  const text = await reading;
  cache.set(key, text);
  return text;
}

/**
 * Whether the load-balancer content of `other` differs from `head`'s: any candidate file whose
 * blob differs and that is load-balancer config in either version (a file the analysis read as
 * config, or one whose content is recognised). Content, not history: a force-push back to an
 * approved ancestor, or a rebase that changes config, is a difference.
 */
export async function lbContentDiffers(
  read: { gh: RepoGitHub; cache: BlobCache; policy: Policy },
  head: Tree,
  other: Tree,
  lbPaths: ReadonlySet<string>,
): Promise<boolean> {
  for (const path of new Set([...head.keys(), ...other.keys()])) {
    const a = other.get(path);
    const b = head.get(path);
    if (a === b) continue;
    if (lbPaths.has(path)) return true;
    for (const sha of [a, b]) {
      if (sha === undefined) continue;
      const text = await blobText(read.gh, sha, read.cache);
      if (detectFormat(path, text, read.policy)) return true;
    }
  }
  return false;
}
