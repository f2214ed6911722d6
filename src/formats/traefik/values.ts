/**
 * Reading Traefik's dynamic configuration tree. The file provider matches option names without
 * regard to case (`healthCheck`, `healthcheck`); Kubernetes CRDs are exact. Names of routers and
 * services are always exact.
 */
import type { Diagnostic, Loc } from "../../model/types.js";
import { describeNode, type PEntry, type PMap, type PNode } from "../yaml-lines.js";

export interface Ctx {
  file: string;
  diagnostics: Diagnostic[];
  /** Option names match case-insensitively (file provider) or exactly (CRDs). */
  anyCase: boolean;
}

type Span = { line: number; endLine: number };

export const at = (ctx: Ctx, n: Span): Loc => ({ file: ctx.file, line: n.line, endLine: n.endLine });

export function error(ctx: Ctx, n: Span, message: string): void {
  ctx.diagnostics.push({ severity: "error", message, loc: at(ctx, n) });
}

export function warn(ctx: Ctx, n: Span, message: string): void {
  ctx.diagnostics.push({ severity: "warning", message, loc: at(ctx, n) });
}

const isNull = (n: PNode) => n.kind === "scalar" && n.value === null;

export function entry(ctx: Ctx, map: PNode | null | undefined, key: string): PEntry | undefined {
  if (map?.kind !== "map") return undefined;
  if (!ctx.anyCase) return map.entries.find((e) => e.key === key);
  const lower = key.toLowerCase();
  return map.entries.find((e) => e.key.toLowerCase() === lower);
}

export function get(ctx: Ctx, map: PNode | null | undefined, key: string): PNode | undefined {
  return entry(ctx, map, key)?.value;
}

/** A string option: numbers are taken as written; lists and mappings are errors. */
export function str(ctx: Ctx, map: PNode | null | undefined, key: string, what = key): string | undefined {
  const e = entry(ctx, map, key);
  if (!e || isNull(e.value)) return undefined;
  if (e.value.kind !== "scalar") {
    error(ctx, e, `${what} must be a string, found ${describeNode(e.value)}`);
    return undefined;
  }
  return String(e.value.value);
}

/** A mapping option; an empty TOML table or YAML `{}` is an empty mapping, null is absent. */
export function mapOf(ctx: Ctx, map: PNode | null | undefined, key: string, what = key): PMap | undefined {
  const e = entry(ctx, map, key);
  if (!e || isNull(e.value)) return undefined;
  if (e.value.kind !== "map") {
    error(ctx, e, `${what} must be a mapping, found ${describeNode(e.value)}`);
    return undefined;
  }
  return e.value;
}

export function listOf(ctx: Ctx, map: PNode | null | undefined, key: string, what = key): PNode[] {
  const e = entry(ctx, map, key);
  if (!e || isNull(e.value)) return [];
  if (e.value.kind !== "seq") {
    error(ctx, e, `${what} must be a list, found ${describeNode(e.value)}`);
    return [];
  }
  return e.value.items;
}

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
