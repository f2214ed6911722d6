import type { Model } from "../../src/model/types.js";

/**
 * Applies line edits for property tests: "delete" and "dup" remove or repeat a line; any other
 * operation rewrites the line with the transform of that name.
 */
export function mutateLines(lines: string[], edits: [number, string][], transforms: Record<string, (line: string) => string>): string {
  const out = [...lines];
  for (const [i, op] of edits) {
    const at = i % out.length;
    if (op === "delete") out.splice(at, 1);
    else if (op === "dup") out.splice(at, 0, out[at]!);
    else out[at] = transforms[op]!(out[at]!);
  }
  return out.join("\n");
}

/** Every location a model reports lies within the text: 1 ≤ line ≤ endLine ≤ last line. */
export function locationsInText(m: Model, text: string): boolean {
  const n = text.split("\n").length;
  const locs = [
    ...m.diagnostics.map((d) => d.loc),
    ...m.pools.flatMap((p) => [p.loc, ...p.backends.map((b) => b.loc)]),
    ...m.routes.flatMap((r) => [r.loc, ...r.targets.map((t) => t.loc)]),
  ];
  return locs.every((l) => l.line >= 1 && l.line <= l.endLine && l.endLine <= n);
}
