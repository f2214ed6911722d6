/**
 * Moved and copied files. A removed file is paired with each added file of the same format that
 * shares at least half of its lines, git's default rename threshold. Every pairing is judged, so a decoy copy of
 * the old file cannot stand in for the changed one: the worst destination decides.
 */
import type { Format } from "../model/types.js";

export const MOVE_SIMILARITY = 0.5;

export interface Candidate {
  path: string;
  format: Format;
  text: string;
}

/** Old path → the added paths its content moved or was copied to, most similar first. */
export function detectMoves(sources: Candidate[], added: Candidate[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (sources.length === 0 || added.length === 0) return out;
  const counted = new Map(added.map((a) => [a.path, lineCounts(a.text)]));
  for (const s of sources) {
    const mine = lineCounts(s.text);
    const scored = added
      .filter((a) => a.format === s.format)
      .map((a) => ({ path: a.path, score: similarity(mine, counted.get(a.path)!) }))
      .filter((x) => x.score >= MOVE_SIMILARITY)
      .sort((x, y) => y.score - x.score || (x.path < y.path ? -1 : 1));
    if (scored.length > 0) out.set(s.path, scored.map((x) => x.path));
  }
  return out;
}

/** Whether two texts are copies by the same rule as moves, each text's lines counted once. */
export function copyJudge(texts: Map<string, string>): (a: string, b: string) => boolean {
  const counts = new Map<string, Counts>();
  const of = (path: string) => {
    let c = counts.get(path);
    if (!c) counts.set(path, (c = lineCounts(texts.get(path) ?? "")));
    return c;
  };
  return (a, b) => similarity(of(a), of(b)) >= MOVE_SIMILARITY;
}

interface Counts {
  lines: Map<string, number>;
  total: number;
}

function lineCounts(text: string): Counts {
  const lines = new Map<string, number>();
  let total = 0;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    lines.set(line, (lines.get(line) ?? 0) + 1);
    total++;
  }
  return { lines, total };
}

/** Lines in common (as a multiset) over the longer file's line count. */
function similarity(a: Counts, b: Counts): number {
  const longest = Math.max(a.total, b.total);
  if (longest === 0) return 0;
  let common = 0;
  for (const [line, n] of a.lines) common += Math.min(n, b.lines.get(line) ?? 0);
  return common / longest;
}
