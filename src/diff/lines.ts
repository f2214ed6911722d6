/**
 * Which line of the new text each line of the old text became, so that a problem that was
 * already there is recognised after lines shift. Lines inside a replaced hunk correspond by
 * position: an edited line is still the same line.
 */
import { diffLines } from "diff";

/** Index: old line (1-based); value: new line, or 0 when it has no counterpart. */
export type LineMap = number[];

export function mapLines(before: string, after: string): LineMap {
  const map: LineMap = [0];
  let oldLine = 1;
  let newLine = 1;
  let removed = 0;
  let removedStart = 0;
  for (const part of diffLines(before, after)) {
    const n = part.count ?? 0;
    if (part.removed) {
      removedStart = oldLine;
      removed = n;
      for (let i = 0; i < n; i++) map[oldLine++] = 0;
      continue;
    }
    if (part.added) {
      for (let i = 0; i < Math.min(n, removed); i++) map[removedStart + i] = newLine + i;
      newLine += n;
    } else {
      for (let i = 0; i < n; i++) map[oldLine++] = newLine++;
    }
    removed = 0;
  }
  // One past the end (where "unexpected end of file" is reported) maps to one past the end.
  map[oldLine] = newLine;
  return map;
}
