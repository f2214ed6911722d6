/**
 * An element's identity: the file that declares it plus its format-scoped key. Two declarations
 * of one name in different files are two elements; a move maps the file part (see diff/moves).
 */
import type { Loc } from "./types.js";

export function identity(x: { key: string; loc: Loc }, file: string = x.loc.file): string {
  return `${file}|${x.key}`;
}

/**
 * How far a declaration in `decl` is from a reference in `from`, smaller is nearer: the same
 * file, then a file in the same include scope, then by directory (steps up to the common
 * ancestor, then steps down), so a sibling directory is nearer than a cousin.
 */
export function distance(from: string, decl: string, includeScope: ReadonlySet<string>): number {
  if (from === decl) return 0;
  if (includeScope.has(decl)) return 1;
  const a = from.split("/").slice(0, -1);
  const b = decl.split("/").slice(0, -1);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return 2 + (a.length - common) * 1000 + (b.length - common);
}

/** The candidates at the smallest distance: one, or a tie (sorted by file, never by input order). */
export function nearest<T extends { loc: Loc }>(candidates: readonly T[], from: string, includeScope: ReadonlySet<string>): T[] {
  let best = Infinity;
  let out: T[] = [];
  for (const c of candidates) {
    const d = distance(from, c.loc.file, includeScope);
    if (d < best) {
      best = d;
      out = [c];
    } else if (d === best) out.push(c);
  }
  return out.sort(byPlace);
}

/** File, then line: an order that never depends on the order files were read in. */
export function byPlace(x: { loc: Loc }, y: { loc: Loc }): number {
  return x.loc.file < y.loc.file ? -1 : x.loc.file > y.loc.file ? 1 : x.loc.line - y.loc.line;
}
