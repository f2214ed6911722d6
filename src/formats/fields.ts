/**
 * Typed fields of a parsed config tree (YAML, JSON or TOML as `PNode`s), with diagnostics at the
 * field's lines. Formats differ only in how a written key names an option, so that is a parameter.
 */
import type { Diagnostic, Loc } from "../model/types.js";
import { describeNode, type PEntry, type PMap, type PNode } from "./yaml-lines.js";

export interface Fields {
  file: string;
  diagnostics: Diagnostic[];
  /** Whether a key as written names the wanted option (exact, any case, snake or camel case). */
  match: (written: string, wanted: string) => boolean;
  /**
   * What a mapping written where a list is expected stands for, when the format's own loader
   * accepts it (Envoy: one item; Traefik's TOML: an empty table is an empty list).
   */
  listFromMap?: (m: PMap) => PNode[] | undefined;
}

export const exactKeys = (written: string, wanted: string) => written === wanted;
export const anyCaseKeys = (written: string, wanted: string) => written.toLowerCase() === wanted.toLowerCase();

type Span = { line: number; endLine: number };

export const at = (ctx: Fields, n: Span): Loc => ({ file: ctx.file, line: n.line, endLine: n.endLine });

export function error(ctx: Fields, n: Span, message: string): void {
  ctx.diagnostics.push({ severity: "error", message, loc: at(ctx, n) });
}

export function warn(ctx: Fields, n: Span, message: string): void {
  ctx.diagnostics.push({ severity: "warning", message, loc: at(ctx, n) });
}

export const isNull = (n: PNode) => n.kind === "scalar" && n.value === null;

export function entry(ctx: Fields, map: PNode | null | undefined, key: string): PEntry | undefined {
  if (map?.kind !== "map") return undefined;
  return map.entries.find((e) => ctx.match(e.key, key));
}

export function get(ctx: Fields, map: PNode | null | undefined, key: string): PNode | undefined {
  return entry(ctx, map, key)?.value;
}

/** A string field: numbers and booleans are taken as written; lists and mappings are errors. */
export function str(ctx: Fields, map: PNode | null | undefined, key: string, what = key): string | undefined {
  const e = entry(ctx, map, key);
  if (!e || isNull(e.value)) return undefined;
  if (e.value.kind !== "scalar") {
    error(ctx, e, `${what} must be a string, found ${describeNode(e.value)}`);
    return undefined;
  }
  return String(e.value.value);
}

/** A mapping field; absent or null is undefined. */
export function mapOf(ctx: Fields, map: PNode | null | undefined, key: string, what = key): PMap | undefined {
  const e = entry(ctx, map, key);
  if (!e || isNull(e.value)) return undefined;
  if (e.value.kind !== "map") {
    error(ctx, e, `${what} must be a mapping, found ${describeNode(e.value)}`);
    return undefined;
  }
  return e.value;
}

/** A list field; absent or null is empty. */
export function listOf(ctx: Fields, map: PNode | null | undefined, key: string, what = key): PNode[] {
  const e = entry(ctx, map, key);
  if (!e || isNull(e.value)) return [];
  const lenient = e.value.kind === "map" ? ctx.listFromMap?.(e.value) : undefined;
  if (lenient) return lenient;
  if (e.value.kind !== "seq") {
    error(ctx, e, `${what} must be a list, found ${describeNode(e.value)}`);
    return [];
  }
  return e.value.items;
}
