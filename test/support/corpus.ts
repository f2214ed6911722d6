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
