/**
 * Reading Traefik's dynamic configuration tree. The file provider matches option names without
 * regard to case (`healthCheck`, `healthcheck`); Kubernetes CRDs are exact. Names of routers and
 * services are always exact.
 */
import { at, entry, error, type Fields, get, isNull, listOf, mapOf, str, warn } from "../fields.js";
import { describeNode, type PEntry, type PNode } from "../yaml-lines.js";

export type Ctx = Fields;

export { at, entry, error, get, listOf, mapOf, str, warn };

/** A list of strings; a single string is read as a one-item list. */
export function strings(ctx: Ctx, map: PNode | null | undefined, key: string): { values: string[]; entry?: PEntry } {
  const e = entry(ctx, map, key);
  if (!e || isNull(e.value)) return { values: [] };
  if (e.value.kind === "scalar") return { values: [String(e.value.value)], entry: e };
  if (e.value.kind === "map") {
    error(ctx, e, `${key} must be a list, found ${describeNode(e.value)}`);
    return { values: [], entry: e };
  }
  const values: string[] = [];
  for (const item of e.value.items) {
    if (item.kind === "scalar" && item.value !== null) values.push(String(item.value));
    else error(ctx, item, `${key} must list strings, found ${describeNode(item)}`);
  }
  return { values, entry: e };
}

/** An integer option (a number or numeric string). undefined when absent, null when malformed. */
export function int(ctx: Ctx, map: PNode | null | undefined, key: string, what = key): { value: number; entry: PEntry } | null | undefined {
  const e = entry(ctx, map, key);
  if (!e || isNull(e.value)) return undefined;
  const raw = e.value.kind === "scalar" ? e.value.value : undefined;
  const n = typeof raw === "number" ? raw : typeof raw === "string" && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n)) {
    error(ctx, e, `${what} must be a whole number, found ${describeNode(e.value)}`);
    return null;
  }
  return { value: n, entry: e };
}

/** Go durations ("1s", "0.9s", "1m30s", "500ms"); a bare number is seconds. Null when malformed. */
export function parseGoDuration(text: string | number): number | null {
  if (typeof text === "number") return Number.isFinite(text) && text >= 0 ? text * 1000 : null;
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = t.match(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g);
  if (!parts || parts.join("") !== t) return null;
  let ms = 0;
  for (const p of parts) {
    const [, num, unit] = /^(\d+(?:\.\d+)?)(\D+)$/.exec(p)!;
    ms += Number(num) * units[unit!]!;
  }
  return Math.round(ms * 1000) / 1000;
}

/** A duration option; undefined when absent, null (with an error) when malformed. */
export function duration(ctx: Ctx, map: PNode | null | undefined, key: string): number | null | undefined {
  const e = entry(ctx, map, key);
  if (!e || isNull(e.value)) return undefined;
  const raw = e.value.kind === "scalar" ? e.value.value : null;
  const ms = typeof raw === "string" || typeof raw === "number" ? parseGoDuration(raw) : null;
  if (ms === null) error(ctx, e, `${key} must be a duration such as "10s", found ${describeNode(e.value)}`);
  return ms;
}

/** `name@provider` → name and provider (undefined when none). */
export function splitProvider(name: string): { name: string; provider?: string } {
  const at = name.lastIndexOf("@");
  if (at <= 0) return { name };
  return { name: name.slice(0, at), provider: name.slice(at + 1) };
}
