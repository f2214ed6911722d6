/**
 * Parsed models by content: the same files with the same text (and the same parser options) are
 * parsed once. Within one analysis that spares the unchanged files of the second version; kept by
 * a long-lived process (the app's analysis workers), it spares them across evaluations too: each
 * push to a pull request re-reads mostly the same files. Bounded by the size of the text it holds,
 * least recently used first out. Every read is a fresh copy: linking changes the models it gets.
 */
import { createHash } from "node:crypto";
import type { Model } from "../model/types.js";

/** What the app's workers keep each: text of the files whose models are held. */
export const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;

export class ModelCache {
  private readonly entries = new Map<string, { models: Model[]; bytes: number }>();
  private bytes = 0;

  /**
   * `lasting`: kept across analyses (the app's workers), so every file is worth keeping. Otherwise
   * only files the same in both versions are, and the rest are parsed without a copy.
   */
  constructor(
    private readonly maxBytes = DEFAULT_CACHE_BYTES,
    readonly lasting = false,
  ) {}

  /** The models of these files (one file, or a Terraform module directory), parsed at most once while kept. */
  models(files: readonly { path: string; text: string }[], options: string, parse: () => Model[]): Model[] {
    const hash = createHash("sha256").update(options);
    for (const f of files) hash.update(`\u0000${f.path}\u0000${f.text}`);
    const key = hash.digest("base64");
    const kept = this.entries.get(key);
    if (kept) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, kept);
      return structuredClone(kept.models);
    }
    const fresh = parse();
    const bytes = files.reduce((n, f) => n + f.text.length, 0);
    if (bytes <= this.maxBytes) {
      this.entries.set(key, { models: structuredClone(fresh), bytes });
      this.bytes += bytes;
      for (const [k, e] of this.entries) {
        if (this.bytes <= this.maxBytes) break;
        this.entries.delete(k);
        this.bytes -= e.bytes;
      }
    }
    return fresh;
  }

  get size(): number {
    return this.entries.size;
  }
}
