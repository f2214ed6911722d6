/** Before/after share rows for one pool or route, shared by the text and Markdown renderers. */
import type { BackendShare } from "../diff/shares.js";
import type { TrafficEntry } from "./json.js";

export interface ShareRow {
  backend: string;
  state: string;
  weight: string;
  before: number | null | undefined;
  after: number | null | undefined;
}

export function shareRows(entry: TrafficEntry): ShareRow[] {
  const before = new Map((entry.before?.backends ?? []).map((b) => [b.id, b]));
  const after = new Map((entry.after?.backends ?? []).map((b) => [b.id, b]));
  return [...new Set([...before.keys(), ...after.keys()])].map((id) => {
    const b = before.get(id);
    const a = after.get(id);
    return {
      backend: id,
      state: transition(b?.state, a?.state),
      weight: transition(b?.weight, a?.weight),
      before: b ? b.share : undefined,
      after: a ? a.share : undefined,
    };
  });
}

function transition(b: BackendShare["state"] | number | null | undefined, a: BackendShare["state"] | number | null | undefined): string {
  const show = (x: typeof b) => (x === undefined ? "—" : x === null ? "?" : String(x));
  return b === a ? show(a) : `${show(b)} → ${show(a)}`;
}

/** "25%", "?" for unknown, "—" for absent. */
export function pct(share: number | null | undefined): string {
  if (share === undefined) return "—";
  if (share === null) return "?";
  const p = share * 100;
  return `${Number.isInteger(p) ? p : p.toFixed(1)}%`;
}

export function delta(row: ShareRow): string {
  if (row.before === null || row.after === null) return "?";
  const d = Math.round(((row.after ?? 0) - (row.before ?? 0)) * 1000) / 10;
  if (d === 0) return "";
  return `${d > 0 ? "+" : "−"}${Math.abs(d)} pts`;
}

/** A 20-cell bar: the picture of a share in any terminal or Markdown view. */
export function bar(share: number | null | undefined): string {
  if (share === null || share === undefined) return "";
  const cells = Math.round(share * 20);
  return "█".repeat(cells) + "░".repeat(20 - cells);
}
