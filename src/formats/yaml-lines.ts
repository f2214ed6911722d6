/**
 * A positioned tree for structured config (YAML, JSON, TOML): plain values with the 1-based
 * line span of every node, so parsers can point diagnostics and model elements at lines.
 * YAML and JSON are read with `yaml` (parseAllDocuments + LineCounter); aliases are expanded
 * only after `toJS` has checked them against an alias budget, so alias bombs stay cheap.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node as YamlNode, parseAllDocuments, type Document } from "yaml";
import type { Diagnostic } from "../model/types.js";

interface Span {
  line: number;
  endLine: number;
}

export interface PScalar extends Span {
  kind: "scalar";
  value: string | number | boolean | null;
}

export interface PEntry extends Span {
  key: string;
  value: PNode;
}

export interface PMap extends Span {
  kind: "map";
  entries: PEntry[];
}

export interface PSeq extends Span {
  kind: "seq";
  items: PNode[];
}

export type PNode = PScalar | PMap | PSeq;

export interface PDocument {
  /** null for an empty document, or one that could not be read. */
  root: PNode | null;
  line: number;
  endLine: number;
}

export interface YamlParseResult {
  documents: PDocument[];
  diagnostics: Diagnostic[];
}

/** yaml's own default: enough for ordinary anchors, far too few for a billion laughs. */
export const MAX_ALIAS_COUNT = 100;

/** Reads every `---` document; syntax errors become diagnostics on their lines, never exceptions. */
export function parseYamlDocuments(text: string, file: string): YamlParseResult {
  const diagnostics: Diagnostic[] = [];
  const lineCounter = new LineCounter();
  const lineAt = (offset: number) => lineCounter.linePos(Math.max(0, Math.min(offset, text.length))).line;
  let docs: Document.Parsed[];
  try {
    docs = [...parseAllDocuments(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: true })];
  } catch (e) {
    return { documents: [], diagnostics: [{ severity: "error", message: `YAML: ${firstLine(e)}`, loc: { file, line: 1, endLine: 1 } }] };
  }
  const documents: PDocument[] = [];
  for (const doc of docs) {
    const [start = 0, end = start] = doc.range ?? [];
    const span = { line: lineAt(start), endLine: endLineOf(text, lineAt, start, end) };
    const problems = [...doc.errors.map((e) => ["error", e] as const), ...doc.warnings.map((w) => ["warning", w] as const)];
    for (const [severity, e] of problems) {
      const line = lineAt(e.pos[0]);
      diagnostics.push({ severity, message: `YAML: ${firstLine(e)}`, loc: { file, line, endLine: line } });
    }
    try {
      // Expands aliases with yaml's budget: throws on alias bombs before we walk anything.
      doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      diagnostics.push({ severity: "error", message: `YAML: ${firstLine(e)}`, loc: { file, ...span } });
      documents.push({ root: null, ...span });
      continue;
    }
    let root: PNode | null = null;
    try {
      root = doc.contents ? convert(doc, doc.contents as YamlNode, text, lineAt, new Map()) : null;
    } catch (e) {
      // Only a stack overflow on absurdly deep nesting gets here.
      diagnostics.push({ severity: "error", message: `YAML: cannot read the document (${firstLine(e)})`, loc: { file, ...span } });
    }
    documents.push({ root, ...span });
  }
  return { documents, diagnostics };
}

function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "").trim();
}

/** The line of the last non-blank character before `end`. */
function endLineOf(text: string, lineAt: (o: number) => number, start: number, end: number): number {
  let i = Math.min(end, text.length) - 1;
  while (i > start && /\s/.test(text[i]!)) i--;
  return lineAt(Math.max(start, i));
}

type Converting = Map<YamlNode, PNode | "converting">;

function convert(doc: Document.Parsed, node: YamlNode, text: string, lineAt: (o: number) => number, memo: Converting): PNode {
  const [start = 0, end = start] = node.range ?? [];
  const span = { line: lineAt(start), endLine: endLineOf(text, lineAt, start, end) };
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (!target) return { kind: "scalar", value: null, ...span };
    const done = memo.get(target);
    if (done === "converting") return { kind: "scalar", value: null, ...span };
    // An alias points at its anchor's node: same values, the alias's own position.
    const value = done ?? convert(doc, target, text, lineAt, memo);
    return { ...value, ...span };
  }
  const known = memo.get(node);
  if (known && known !== "converting") return known;
  memo.set(node, "converting");
  let out: PNode;
  if (isMap(node)) {
    const entries: PEntry[] = [];
    const merged: PEntry[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as YamlNode | null;
      const raw: unknown = isScalar(keyNode) ? keyNode.value : keyNode ? keyNode.toJSON?.() : "";
      const key = typeof raw === "symbol" ? (raw.description ?? "") : String(raw ?? "");
      const [ks = start] = keyNode?.range ?? [];
      const keyLine = lineAt(ks);
      const value: PNode = pair.value
        ? convert(doc, pair.value as YamlNode, text, lineAt, memo)
        : { kind: "scalar", value: null, line: keyLine, endLine: keyLine };
      if (key === "<<" && isScalar(keyNode)) {
        // YAML merge keys: explicit keys of this mapping win over merged ones.
        const sources = value.kind === "seq" ? value.items : [value];
        for (const s of sources) if (s.kind === "map") merged.push(...s.entries);
        continue;
      }
      entries.push({ key, value, line: keyLine, endLine: Math.max(keyLine, value.endLine) });
    }
    const own = new Set(entries.map((e) => e.key));
    for (const e of merged) {
      if (own.has(e.key)) continue;
      own.add(e.key);
      entries.push(e);
    }
    out = { kind: "map", entries, ...span };
  } else if (isSeq(node)) {
    out = { kind: "seq", items: node.items.map((i) => convert(doc, i as YamlNode, text, lineAt, memo)), ...span };
  } else if (isScalar(node)) {
    out = { kind: "scalar", value: scalarValue(node.value), ...span };
  } else {
    out = { kind: "scalar", value: null, ...span };
  }
  memo.set(node, out);
  return out;
}

function scalarValue(v: unknown): PScalar["value"] {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return Number(v);
  return String(v);
}

/** The first entry whose key satisfies `match`. */
export function findEntry(map: PNode | null | undefined, match: (key: string) => boolean): PEntry | undefined {
  return map?.kind === "map" ? map.entries.find((e) => match(e.key)) : undefined;
}

/** A short description of a node's type for messages ("a list", "a mapping", "the text \"x\""). */
export function describeNode(n: PNode): string {
  if (n.kind === "map") return "a mapping";
  if (n.kind === "seq") return "a list";
  if (n.value === null) return "nothing";
  return typeof n.value === "string" ? `the text "${n.value.length > 40 ? `${n.value.slice(0, 40)}…` : n.value}"` : `${typeof n.value} ${n.value}`;
}

/**
 * Strict JSON: yaml reads JSON leniently (trailing commas), so JSON files are checked with
 * JSON.parse first. V8 does not always say where the error is; a small scanner finds it.
 */
export function jsonSyntaxError(text: string): { message: string; line: number } | null {
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
    const stated = message.match(/at position (\d+)/);
    const offset = stated ? Number(stated[1]) : jsonErrorOffset(text);
    const line = text.slice(0, Math.min(offset, text.length)).split("\n").length;
    const short = message.replace(/, ".*$|, \.\.\..*$/, "").replace(/ in JSON at position \d+.*$/, "");
    return { message: `JSON: ${short}`, line };
  }
}

/** The offset of the first character that makes `text` invalid JSON (text.length if it ends early). */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (depth: number): void => {
    if (depth > 2_000) fail();
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ":") fail();
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return;
        }
        fail();
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return;
        }
        fail();
      }
    }
    if (c === '"') return string();
    const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) fail();
    i += m![0].length;
  };
  const string = () => {
    i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c === "\\") {
        const n = text[i + 1];
        if (n === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail();
          i += 6;
          continue;
        }
        if (n === undefined || !'"\\/bfnrt'.includes(n)) {
          i++;
          fail();
        }
        i += 2;
        continue;
      }
      if (c < " ") fail();
      i++;
    }
    fail();
  };
  try {
    value(0);
    ws();
    return i < text.length ? i : text.length;
  } catch (at) {
    return typeof at === "number" ? at : 0;
  }
}
