/**
 * Reading Envoy's proto-shaped YAML/JSON: every field may be written in snake_case (static
 * config) or lowerCamelCase (proto JSON), numbers may be strings, durations are "1.5s".
 */
import { at, entry, error, type Fields, get, isNull, listOf, mapOf, str, warn } from "../fields.js";
import { describeNode, type PEntry, type PMap, type PNode } from "../yaml-lines.js";

export type Ctx = Fields;

export { at, entry, error, get, listOf, mapOf, str, warn };

/** load_balancing_weight → loadBalancingWeight. */
export const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Envoy reads both spellings of a proto field: snake_case and lowerCamelCase. */
export const protoKeys = (written: string, wanted: string) => written === wanted || written === camel(wanted);

export function has(ctx: Ctx, map: PNode | null | undefined, key: string): boolean {
  const v = get(ctx, map, key);
  return v !== undefined && !isNull(v);
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
  const e = entry(ctx, map, key);
  if (!e || isNull(e.value)) return undefined;
  let v: PNode = e.value;
  // Some proto-JSON writers spell wrappers out: {value: 3}.
  if (v.kind === "map") v = get(ctx, v, "value") ?? v;
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
  const e = entry(ctx, map, key);
  if (!e || isNull(e.value)) return undefined;
  const v = e.value;
  if (v.kind === "map") {
    const s = Number(scalar(get(ctx, v, "seconds")) ?? 0);
    const ns = Number(scalar(get(ctx, v, "nanos")) ?? 0);
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
  const t = n?.kind === "map" ? scalar(n.entries.find((e) => e.key === "@type")?.value) : undefined;
  return typeof t === "string" ? t.replace(/^.*\//, "") : "";
}
