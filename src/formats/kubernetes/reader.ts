/**
 * Typed reads over the shared positioned tree (../yaml-lines.ts). Everything the Kubernetes
 * parser looks at is read through here, so every value keeps its line and every wrong type
 * becomes a diagnostic.
 */
import { type Diagnostic, type Loc, loc } from "../../model/types.js";
import type { PEntry, PMap, PNode, PSeq } from "../yaml-lines.js";

/** Beyond this a file's further diagnostics are summarised, not listed. */
export const MAX_DIAGNOSTICS = 200;

/** Reading context of one file. */
export class Reader {
  readonly diagnostics: Diagnostic[] = [];
  private dropped = 0;

  constructor(readonly file: string) {}

  /** A node's lines; a value reached through an alias is placed where its anchor is written. */
  loc(node: PNode | PEntry | undefined): Loc {
    if (!node) return loc(this.file, 1);
    const at = "anchored" in node && node.anchored ? node.anchored : node;
    return loc(at.file ?? this.file, at.line, at.endLine);
  }

  /** The lines of a key and its value, when the key is present. */
  at(parent: PMap | undefined, key: string): Loc | undefined {
    const e = this.entry(parent, key);
    return e ? this.loc(e) : undefined;
  }

  error(message: string, at: PNode | Loc | undefined): void {
    this.push("error", message, at);
  }

  warn(message: string, at: PNode | Loc | undefined): void {
    this.push("warning", message, at);
  }

  private push(severity: Diagnostic["severity"], message: string, at: PNode | Loc | undefined): void {
    const where = at && !("kind" in at) && "file" in at ? (at as Loc) : this.loc(at as PNode | undefined);
    if (this.diagnostics.length < MAX_DIAGNOSTICS) {
      this.diagnostics.push({ severity, message, loc: where });
      return;
    }
    this.dropped++;
  }

  /** Call once at the end: says how many diagnostics were left out. */
  finish(): void {
    if (this.dropped > 0) {
      this.diagnostics.push({ severity: "warning", message: `${this.dropped} more diagnostics not shown`, loc: this.diagnostics[this.diagnostics.length - 1]!.loc });
    }
  }

  // ── map access ────────────────────────────────────────────────────────────

  /** A key of a mapping (merge keys are already expanded); a null value counts as absent. */
  entry(map: PMap | undefined, key: string): PEntry | undefined {
    const e = map?.entries.find((x) => x.key === key);
    return e && !(e.value.kind === "scalar" && e.value.value === null) ? e : undefined;
  }

  map(parent: PMap | undefined, key: string, what: string): PMap | undefined {
    const e = this.entry(parent, key);
    if (!e) return undefined;
    if (e.value.kind === "map") return e.value;
    this.error(`${what} must be a mapping`, e.value);
    return undefined;
  }

  seq(parent: PMap | undefined, key: string, what: string): PSeq | undefined {
    const e = this.entry(parent, key);
    if (!e) return undefined;
    if (e.value.kind === "seq") return e.value;
    this.error(`${what} must be a list`, e.value);
    return undefined;
  }

  /** The items of a list that are mappings; other items are reported. */
  maps(list: PSeq | undefined, what: string): PMap[] {
    const out: PMap[] = [];
    for (const item of list?.items ?? []) {
      if (item.kind === "map") out.push(item);
      else this.error(`${what} must be a mapping`, item);
    }
    return out;
  }

  /** A string field. Kubernetes rejects numbers and booleans where it expects a string. */
  string(parent: PMap | undefined, key: string, what: string): Str | undefined {
    const e = this.entry(parent, key);
    if (!e) return undefined;
    return this.asString(e.value, what, e);
  }

  asString(node: PNode, what: string, e?: PEntry): Str | undefined {
    if (node.kind === "scalar" && typeof node.value === "string") return { value: node.value, loc: this.loc(e ?? node) };
    if (node.kind === "scalar" && (typeof node.value === "number" || typeof node.value === "boolean")) {
      const written = node.source ?? String(node.value);
      this.error(`${what} must be a string: quote ${JSON.stringify(written)}`, node);
      return { value: written, loc: this.loc(e ?? node) };
    }
    this.error(`${what} must be a string`, node);
    return undefined;
  }

  /** An integer field within bounds; a quoted number is an error, as in Kubernetes. */
  int(parent: PMap | undefined, key: string, what: string, min = 0, max = 2 ** 31 - 1): Num | undefined {
    const e = this.entry(parent, key);
    if (!e) return undefined;
    const node = e.value;
    if (node.kind !== "scalar" || typeof node.value !== "number" || !Number.isInteger(node.value)) {
      const shown = node.kind === "scalar" ? JSON.stringify(node.value) : node.kind === "map" ? "a mapping" : "a list";
      this.error(`${what} must be an integer, not ${shown}`, node);
      return undefined;
    }
    if (node.value < min || node.value > max) {
      this.error(`${what} must be between ${min} and ${max}, not ${node.value}`, node);
      return undefined;
    }
    return { value: node.value, loc: this.loc(e) };
  }

  /** An int-or-string field (ports): numbers stay numbers, names stay names. */
  intOrString(parent: PMap | undefined, key: string, what: string): { value: number | string; loc: Loc } | undefined {
    const e = this.entry(parent, key);
    if (!e) return undefined;
    if (e.value.kind === "scalar" && (typeof e.value.value === "number" || typeof e.value.value === "string")) {
      return { value: e.value.value, loc: this.loc(e) };
    }
    this.error(`${what} must be a number or a name`, e.value);
    return undefined;
  }

  bool(parent: PMap | undefined, key: string, what: string): boolean | undefined {
    const e = this.entry(parent, key);
    if (!e) return undefined;
    if (e.value.kind === "scalar" && typeof e.value.value === "boolean") return e.value.value;
    this.error(`${what} must be true or false`, e.value);
    return undefined;
  }

  /** A map of strings (labels, annotations, selectors). Non-string values are reported and kept as text. */
  strings(parent: PMap | undefined, key: string, what: string): StrMap | undefined {
    const m = this.map(parent, key, what);
    if (!m) return undefined;
    const values: Record<string, string> = {};
    const locs: Record<string, Loc> = {};
    for (const e of m.entries) {
      const s = this.asString(e.value, `${what}.${e.key}`, e);
      if (!s) continue;
      values[e.key] = s.value;
      locs[e.key] = s.loc;
    }
    return { values, locs, loc: this.loc(m) };
  }

  /** Any scalar as text (for settings shown to a reader). */
  text(parent: PMap | undefined, key: string): string | undefined {
    const e = this.entry(parent, key);
    if (!e || e.value.kind !== "scalar") return undefined;
    return e.value.source ?? String(e.value.value);
  }
}

export interface Str {
  value: string;
  loc: Loc;
}

export interface Num {
  value: number;
  loc: Loc;
}

export interface StrMap {
  values: Record<string, string>;
  locs: Record<string, Loc>;
  loc: Loc;
}
