/**
 * A positioned tree for structured config (YAML, JSON, TOML): plain values with the 1-based
 * line span of every node, so parsers can point diagnostics and model elements at lines.
 * YAML and JSON are read with `yaml` (parseAllDocuments + LineCounter).
 *
 * Aliases are resolved by our own anchor index, under a per-document budget, instead of
 * `Document.toJS({ maxAliasCount })` or `Alias.resolve`: both walk the document for each alias,
 * which is quadratic (tens of seconds for a 1 MB file with many anchors).
 */
import { type Alias, isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, type Node as YamlNode, parseAllDocuments, type Document, visit } from "yaml";
import type { Diagnostic } from "../model/types.js";
import { parseJsonTree } from "./json-lines.js";

export interface Span {
  line: number;
  endLine: number;
  /** The file the node was written in, when it is not the file being read (kustomize renders). */
  file?: string;
}

export interface PScalar extends Span {
  kind: "scalar";
  value: string | number | boolean | null;
  /** A number, boolean or null as written (`1.10`, `0x1F`, `yes`), for messages. */
  source?: string;
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

/** A node reached through an alias has the alias's span, and its anchor's span in `anchored`. */
export type PNode = (PScalar | PMap | PSeq) & { anchored?: Span };

export interface PDocument {
  /** null for an empty document, or one that could not be read. */
  root: PNode | null;
  line: number;
  endLine: number;
  /** yaml reported errors in it: `root` is what it recovered. */
  hasErrors: boolean;
}

export interface YamlParseResult {
  documents: PDocument[];
  diagnostics: Diagnostic[];
}

/**
 * How many nodes a document may expand to through its aliases: a "billion laughs" document is
 * rejected in linear time, before it is converted.
 */
export const MAX_EXPANDED_NODES = 100_000;

/** Reads every `---` document; syntax errors become diagnostics on their lines, never exceptions. */
export function parseYamlDocuments(text: string, file: string): YamlParseResult {
  // JSON, read as JSON when it is plain valid JSON; anything else goes through the YAML reader.
  if (/^\s*[{[]/.test(text)) {
    const root = parseJsonTree(text);
    if (root) return { documents: [{ root, line: root.line, endLine: root.endLine, hasErrors: false }], diagnostics: [] };
  }
  const result = parseYamlStrict(text, file);
  if (!result.diagnostics.some((d) => d.message.startsWith("YAML: Missing closing"))) return result;
  // kubectl's YAML 1.1 reader accepts a quoted scalar whose continuation lines are indented less
  // than its key; the `yaml` package does not. Indenting them (same lines) reads what kubectl reads.
  const repaired = indentQuotedContinuations(text);
  if (repaired === text) return result;
  const second = parseYamlStrict(repaired, file);
  return second.diagnostics.some((d) => d.severity === "error") ? result : second;
}

/** Continuation lines of a multi-line quoted scalar, indented one more than the key that opens it. */
export function indentQuotedContinuations(text: string): string {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(?:-\s+)?[^\s#"'][^:#]*:\s+(["'])(.*)$/.exec(lines[i]!);
    if (!open || closesQuote(open[3]!, open[2]!)) continue;
    const indent = " ".repeat(open[1]!.length + 1);
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j]!;
      if (/^\s*$/.test(line)) continue;
      if (line.length - line.trimStart().length < indent.length) lines[j] = indent + line.trimStart();
      if (closesQuote(line, open[2]!)) {
        i = j;
        break;
      }
    }
  }
  return lines.join("\n");
}

/** Whether a quoted scalar's text (after its opening quote) closes on this line. */
function closesQuote(rest: string, quote: string): boolean {
  if (quote === "'") return rest.replace(/''/g, "").includes("'");
  return rest.replace(/\\./g, "").includes('"');
}

/** The YAML reader alone, without the JSON shortcut. */
export function parseYamlStrict(text: string, file: string): YamlParseResult {
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
      diagnostics.push({ severity, message: `YAML: ${firstLine(e)}`, loc: { file, line, endLine: Math.max(line, lineAt(e.pos[1] - 1)) } });
    }
    const hasErrors = doc.errors.length > 0;
    const anchors = indexAnchors(doc);
    const bad = badAlias(anchors);
    if (bad) {
      const line = lineAt(bad.alias.range?.[0] ?? start);
      diagnostics.push(
        bad.unresolved
          ? { severity: "error", message: `YAML: Unresolved alias (the anchor must be set before the alias): ${bad.alias.source}`, loc: { file, line, endLine: line } }
          : { severity: "error", message: `aliases expand this document to more than ${MAX_EXPANDED_NODES} nodes (an alias bomb?): not read`, loc: { file, line, endLine: line } },
      );
      documents.push({ root: null, ...span, hasErrors });
      continue;
    }
    let root: PNode | null = null;
    try {
      root = doc.contents ? convert(doc.contents as YamlNode, { anchors, lineAt, memo: new Map() }) : null;
    } catch (e) {
      // Only a stack overflow on absurdly deep nesting gets here.
      diagnostics.push({ severity: "error", message: `YAML: cannot read the document (${firstLine(e)})`, loc: { file, ...span } });
    }
    documents.push({ root, ...span, hasErrors });
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

interface Anchors {
  /** Anchored nodes by name, in document order. */
  byName: Map<string, { offset: number; node: YamlNode }[]>;
  aliases: Alias[];
}

function indexAnchors(doc: Document.Parsed): Anchors {
  const byName: Anchors["byName"] = new Map();
  const aliases: Alias[] = [];
  visit(doc, (_key, node) => {
    if (isAlias(node)) aliases.push(node);
    if (!isNode(node) || isAlias(node) || !node.anchor || !node.range) return;
    const list = byName.get(node.anchor) ?? [];
    list.push({ offset: node.range[0], node });
    byName.set(node.anchor, list);
  });
  return { byName, aliases };
}

/** The node an alias stands for: the last anchor of that name before it. */
function resolveAlias(anchors: Anchors, alias: YamlNode): YamlNode | undefined {
  if (!isAlias(alias)) return alias;
  const list = anchors.byName.get(alias.source);
  const at = alias.range?.[0] ?? Number.MAX_SAFE_INTEGER;
  let lo = 0;
  let hi = (list?.length ?? 0) - 1;
  let found: YamlNode | undefined;
  while (list && lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.offset < at) {
      found = list[mid]!.node;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  // An alias to an alias cannot be written in YAML (an alias has no anchor), so one step suffices.
  return found;
}

/** The first alias without an anchor, or whose expansion takes the document beyond MAX_EXPANDED_NODES. */
function badAlias(anchors: Anchors): { alias: Alias; unresolved: boolean } | undefined {
  const sizes = new Map<YamlNode, number>();
  let total = 0;
  for (const alias of anchors.aliases) {
    const target = resolveAlias(anchors, alias);
    if (!target) return { alias, unresolved: true };
    total += expandedSize(anchors, target, sizes, 0);
    if (total > MAX_EXPANDED_NODES) return { alias, unresolved: false };
  }
  return undefined;
}

/** Nodes a value stands for once every alias in it is expanded (memoised, so linear). */
function expandedSize(anchors: Anchors, node: unknown, sizes: Map<YamlNode, number>, depth: number): number {
  if (!isNode(node)) return 1;
  const known = sizes.get(node);
  if (known !== undefined) return known;
  if (depth > 200) return MAX_EXPANDED_NODES + 1;
  sizes.set(node, 1); // a node containing an alias to itself counts once
  let size = 1;
  if (isAlias(node)) size = expandedSize(anchors, resolveAlias(anchors, node), sizes, depth + 1);
  else if (isMap(node)) for (const p of node.items) size += expandedSize(anchors, p.key, sizes, depth + 1) + expandedSize(anchors, p.value, sizes, depth + 1);
  else if (isSeq(node)) for (const i of node.items) size += expandedSize(anchors, i, sizes, depth + 1);
  size = Math.min(size, MAX_EXPANDED_NODES + 1);
  sizes.set(node, size);
  return size;
}

interface Converting {
  anchors: Anchors;
  lineAt: (offset: number) => number;
  memo: Map<YamlNode, PNode | "converting">;
}

/** A node's lines: from its start to where its content ends, trailing comments excluded. */
function spanOf(node: YamlNode, lineAt: (offset: number) => number): Span {
  const [start = 0] = node.range ?? [];
  const line = lineAt(start);
  const end = Math.max(start + 1, endOffset(node));
  return { line, endLine: Math.max(line, lineAt(end - 1)) };
}

/** Where a node's content ends: block collections end at their last item, not after trailing comments. */
function endOffset(node: YamlNode): number {
  if ((isMap(node) || isSeq(node)) && !node.flow) {
    for (let i = node.items.length - 1; i >= 0; i--) {
      const item: unknown = node.items[i];
      const last = isPair(item) ? (isNode(item.value) && item.value.range ? item.value : item.key) : item;
      if (isNode(last) && last.range) return endOffset(last);
    }
  }
  return node.range?.[1] ?? 0;
}

function convert(node: YamlNode, c: Converting): PNode {
  const span = spanOf(node, c.lineAt);
  if (isAlias(node)) {
    // Every alias resolves (badAlias checked); one inside its own anchor reads as null.
    const target = resolveAlias(c.anchors, node);
    const done = target && c.memo.get(target);
    if (!target || done === "converting") return { kind: "scalar", value: null, ...span };
    // An alias points at its anchor's node: same values, the alias's own position.
    const value = done ?? convert(target, c);
    return { ...value, ...span, anchored: { line: value.line, endLine: value.endLine } };
  }
  const known = c.memo.get(node);
  if (known && known !== "converting") return known;
  c.memo.set(node, "converting");
  let out: PNode;
  if (isMap(node)) {
    const entries: PEntry[] = [];
    const merged: PEntry[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const written = pair.key as YamlNode | null;
      // An alias key reads as its anchor's value, at the alias's position.
      const keyNode = written ? resolveAlias(c.anchors, written) : undefined;
      const raw: unknown = isScalar(keyNode) ? keyNode.value : keyNode ? keyNode.toJSON?.() : "";
      const key = typeof raw === "symbol" ? (raw.description ?? "") : String(raw ?? "");
      const keySpan = written?.range ? spanOf(written, c.lineAt) : { line: span.line, endLine: span.line };
      const value: PNode = pair.value ? convert(pair.value as YamlNode, c) : { kind: "scalar", value: null, line: keySpan.line, endLine: keySpan.line };
      if (key === "<<" && isScalar(keyNode)) {
        // YAML merge keys: explicit keys of this mapping win over merged ones.
        const sources = value.kind === "seq" ? value.items : [value];
        for (const s of sources) if (s.kind === "map") merged.push(...s.entries);
        continue;
      }
      entries.push({ key, value, line: keySpan.line, endLine: Math.max(keySpan.endLine, value.endLine) });
    }
    const own = new Set(entries.map((e) => e.key));
    for (const e of merged) {
      if (own.has(e.key)) continue;
      own.add(e.key);
      entries.push(e);
    }
    out = { kind: "map", entries, ...span };
  } else if (isSeq(node)) {
    out = { kind: "seq", items: node.items.map((i) => convert(i as YamlNode, c)), ...span };
  } else if (isScalar(node)) {
    const value = scalarValue(node.value);
    out = typeof value === "string" || node.source === undefined ? { kind: "scalar", value, ...span } : { kind: "scalar", value, source: node.source, ...span };
  } else {
    out = { kind: "scalar", value: null, ...span };
  }
  c.memo.set(node, out);
  return out;
}

function scalarValue(v: unknown): PScalar["value"] {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return Number(v);
  return String(v);
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
