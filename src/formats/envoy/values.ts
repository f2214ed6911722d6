/**
 * Reading Envoy's proto-shaped YAML/JSON: every field may be written in snake_case (static
 * config) or lowerCamelCase (proto JSON), numbers may be strings, durations are "1.5s".
 */
import type { Diagnostic, Loc } from "../../model/types.js";
import { describeNode, type PEntry, type PMap, type PNode } from "../yaml-lines.js";

export interface Ctx {
  file: string;
  diagnostics: Diagnostic[];
}

export const at = (ctx: Ctx, n: { line: number; endLine: number }): Loc => ({ file: ctx.file, line: n.line, endLine: n.endLine });

export function error(ctx: Ctx, n: { line: number; endLine: number }, message: string): void {
  ctx.diagnostics.push({ severity: "error", message, loc: at(ctx, n) });
}

export function warn(ctx: Ctx, n: { line: number; endLine: number }, message: string): void {
  ctx.diagnostics.push({ severity: "warning", message, loc: at(ctx, n) });
}

/** load_balancing_weight → loadBalancingWeight. */
export const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export function entry(map: PNode | null | undefined, key: string): PEntry | undefined {
  if (map?.kind !== "map") return undefined;
  const alt = camel(key);
  return map.entries.find((e) => e.key === key || e.key === alt);
}

export function get(map: PNode | null | undefined, key: string): PNode | undefined {
  return entry(map, key)?.value;
}

export function has(map: PNode | null | undefined, key: string): boolean {
  const v = get(map, key);
  return v !== undefined && !(v.kind === "scalar" && v.value === null);
}

/** A string field; numbers and booleans are taken as written. Wrong types are errors. */
export function str(ctx: Ctx, map: PNode | null | undefined, key: string): string | undefined {
  const e = entry(map, key);
  if (!e || (e.value.kind === "scalar" && e.value.value === null)) return undefined;
  if (e.value.kind !== "scalar") {
    error(ctx, e, `${key} must be a string, found ${describeNode(e.value)}`);
    return undefined;
  }
  return String(e.value.value);
}

/** A mapping field (absent or null → undefined). */
export function mapOf(ctx: Ctx, map: PNode | null | undefined, key: string): PMap | undefined {
  const e = entry(map, key);
  if (!e || (e.value.kind === "scalar" && e.value.value === null)) return undefined;
  if (e.value.kind !== "map") {
    error(ctx, e, `${key} must be a mapping, found ${describeNode(e.value)}`);
    return undefined;
  }
  return e.value;
}

/** A list field (absent or null → empty). */
export function listOf(ctx: Ctx, map: PNode | null | undefined, key: string): PNode[] {
  const e = entry(map, key);
  if (!e || (e.value.kind === "scalar" && e.value.value === null)) return [];
  if (e.value.kind !== "seq") {
    error(ctx, e, `${key} must be a list, found ${describeNode(e.value)}`);
    return [];
  }
  return e.value.items;
}

/** The mappings of a list field; other items are errors. */
export function mapsOf(ctx: Ctx, map: PNode | null | undefined, key: string, what: string): PMap[] {
  return listOf(ctx, map, key).filter((n): n is PMap => {
    if (n.kind === "map") return true;
    error(ctx, n, `each ${what} must be a mapping, found ${describeNode(n)}`);
    return false;
  });
}

/**
 * A non-negative integer (proto uint32, or a UInt32Value wrapper): a number or a numeric string.
 * undefined when absent, null (with an error) when malformed.
 */
export function uint(ctx: Ctx, map: PNode | null | undefined, key: string): { value: number; entry: PEntry } | null | undefined {
  const e = entry(map, key);
  if (!e || (e.value.kind === "scalar" && e.value.value === null)) return undefined;
  let v: PNode = e.value;
  // Some proto-JSON writers spell wrappers out: {value: 3}.
  if (v.kind === "map") v = get(v, "value") ?? v;
  const raw = v.kind === "scalar" ? v.value : undefined;
  const n = typeof raw === "number" ? raw : typeof raw === "string" && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 4294967295) {
    error(ctx, e, `${key} must be a non-negative integer, found ${describeNode(e.value)}`);
    return null;
  }
  return { value: n, entry: e };
}

/**
 * A google.protobuf.Duration: "1.5s" in proto JSON; Envoy's YAML also accepts {seconds, nanos}.
 * Plain units ("500ms") are tolerated as well. undefined when absent, null when malformed.
 */
export function durationMs(ctx: Ctx, map: PNode | null | undefined, key: string): number | null | undefined {
  const e = entry(map, key);
  if (!e || (e.value.kind === "scalar" && e.value.value === null)) return undefined;
  const v = e.value;
  if (v.kind === "map") {
    const s = Number(scalar(get(v, "seconds")) ?? 0);
    const ns = Number(scalar(get(v, "nanos")) ?? 0);
    if (Number.isFinite(s) && Number.isFinite(ns)) return s * 1000 + ns / 1e6;
  } else if (v.kind === "scalar" && v.value !== null) {
    const ms = parseProtoDuration(String(v.value));
    if (ms !== null) return ms;
  }
  error(ctx, e, `${key} must be a duration such as "5s", found ${describeNode(v)}`);
  return null;
}

export function parseProtoDuration(text: string): number | null {
  const t = text.trim();
  const m = /^(\d+(?:\.\d+)?)(s|ms|us|m|h)$/.exec(t) ?? /^(\d+(?:\.\d+)?)()$/.exec(t);
  if (!m) return null;
  const factor: Record<string, number> = { "": 1000, s: 1000, ms: 1, us: 0.001, m: 60_000, h: 3_600_000 };
  return Math.round(Number(m[1]) * factor[m[2]!]! * 1000) / 1000;
}

export function scalar(n: PNode | undefined): string | number | boolean | null | undefined {
  return n?.kind === "scalar" ? n.value : undefined;
}

/** The `@type` of an Any (typed_config), without the type.googleapis.com/ prefix. */
export function typeUrl(n: PNode | undefined): string {
  const t = scalar(get(n, "@type"));
  return typeof t === "string" ? t.replace(/^.*\//, "") : "";
}
