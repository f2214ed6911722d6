import type { Model } from "../../src/model/types.js";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The shared corpus of real configs lives beside the repo, never inside it. */
export const CORPUS_DIR = resolve(import.meta.dirname, "../../../shared/corpus");
export const corpusAvailable = existsSync(CORPUS_DIR);
export const CORPUS_SKIP_REASON = `shared corpus not found at ${CORPUS_DIR}: corpus tests skipped`;

if (!corpusAvailable) console.warn(CORPUS_SKIP_REASON);

export function corpusFiles(subdir: string): { name: string; path: string; text: string }[] {
  if (!corpusAvailable) return [];
  const dir = join(CORPUS_DIR, subdir);
  return readdirSync(dir)
    .sort()
    .map((name) => ({ name, path: join(dir, name), text: readFileSync(join(dir, name), "utf8") }));
}

/** A corpus directory parsed once: each file's model and text by name. */
export function parsedCorpus(subdir: string, parser: { parse(text: string, file: string): Model }) {
  const files = corpusFiles(subdir);
  const models = new Map(files.map((f) => [f.name, parser.parse(f.text, `corpus/${f.name}`)]));
  return {
    files,
    model(name: string): Model {
      const m = models.get(name);
      if (!m) throw new Error(`corpus file ${name} is missing`);
      return m;
    },
    text: (name: string) => files.find((f) => f.name === name)!.text,
  };
}

/** The 1-based line of the first line containing `needle`. */
export const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
