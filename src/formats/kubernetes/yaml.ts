/**
 * Typed, position-keeping reads over the yaml@2 AST. Everything the Kubernetes parser looks at is
 * read through here, so every value keeps its line and every wrong type becomes a diagnostic.
 *
 * Aliases are resolved by our own anchor index, under a per-document budget, instead of
 * `Document.toJS({ maxAliasCount })`: toJS finds each anchor by walking the document, which is
 * quadratic (tens of seconds for a 1 MB file with many anchors), and we only need the few paths
 * we read anyway.
 */
import { type Document, isAlias, isMap, isNode, isPair, isScalar, isSeq, type LineCounter, type Node, Scalar, visit, YAMLMap, YAMLSeq } from "yaml";
import { type Diagnostic, type Loc, loc } from "../../model/types.js";

/**
 * How many nodes a document may expand to through its aliases. yaml's own guard
 * (`maxAliasCount`, 100 by default) lives in `toJS()`, which we do not call (see above); this is
 * the same protection measured on the AST: a "billion laughs" document is rejected in linear time
 * before anything reads it, whatever paths we would have read.
 */
export const MAX_EXPANDED_NODES = 100_000;
/** A second guard on the reader itself: alias look-ups while reading one object. */
export const MAX_ALIAS_EXPANSIONS = 100_000;
/** Beyond this a file's further diagnostics are summarised, not listed. */
export const MAX_DIAGNOSTICS = 200;

export class AliasBudgetExceeded extends Error {
  constructor(
    readonly at: unknown,
    message = `more than ${MAX_ALIAS_EXPANSIONS} alias expansions while reading one object: not read`,
  ) {
    super(message);
  }
}

interface Anchor {
  offset: number;
  node: Node;
}

/** Reading context of one file (and, while reading one, its current document). */
export class Reader {
  readonly diagnostics: Diagnostic[] = [];
  private dropped = 0;
  private anchors = new Map<string, Anchor[]>();
  private expansions = 0;
  /** The document being read. */
  current: Document.Parsed | undefined;

  constructor(
    readonly file: string,
    readonly lines: LineCounter,
  ) {}

  /**
   * Starts reading a document: indexes its anchors and resets the alias budget. Throws
   * AliasBudgetExceeded when its aliases expand it beyond MAX_EXPANDED_NODES.
   */
  enter(doc: Document.Parsed): void {
    this.expansions = 0;
    if (this.current === doc) return;
    this.current = doc;
    this.anchors = new Map();
    const aliases: Node[] = [];
    visit(doc, (_key, node) => {
      if (isAlias(node)) aliases.push(node);
      if (!isNode(node) || isAlias(node) || !node.anchor || !node.range) return;
      const list = this.anchors.get(node.anchor) ?? [];
      list.push({ offset: node.range[0], node });
      this.anchors.set(node.anchor, list);
    });
    if (aliases.length === 0) return;
    const sizes = new Map<Node, number>();
    let total = 0;
    for (const alias of aliases) {
      total += this.expandedSize(this.lookup(alias), sizes, 0);
      if (total > MAX_EXPANDED_NODES) {
        this.current = undefined;
        throw new AliasBudgetExceeded(alias, `aliases expand this document to more than ${MAX_EXPANDED_NODES} nodes (an alias bomb?): not read`);
      }
    }
  }

  /** Nodes a value stands for once every alias in it is expanded (memoised, so linear). */
  private expandedSize(node: unknown, sizes: Map<Node, number>, depth: number): number {
    if (!isNode(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (depth > 200) return MAX_EXPANDED_NODES + 1;
    sizes.set(node, 1); // a node containing an alias to itself counts once
    let size = 1;
    if (isAlias(node)) size = this.expandedSize(this.lookup(node), sizes, depth + 1);
    else if (isMap(node)) for (const p of node.items) size += this.expandedSize(p.key, sizes, depth + 1) + this.expandedSize(p.value, sizes, depth + 1);
    else if (isSeq(node)) for (const i of node.items) size += this.expandedSize(i, sizes, depth + 1);
    size = Math.min(size, MAX_EXPANDED_NODES + 1);
    sizes.set(node, size);
    return size;
  }

  /** The node an alias stands for (the last anchor of that name before it), within budget. */
  deref(value: unknown): Node | undefined {
    if (!isNode(value)) return undefined;
    if (!isAlias(value)) return value;
    if (++this.expansions > MAX_ALIAS_EXPANSIONS) throw new AliasBudgetExceeded(value);
    return this.lookup(value);
  }

  private lookup(value: Node): Node | undefined {
    if (!isAlias(value)) return value;
    const list = this.anchors.get(value.source);
    const at = value.range?.[0] ?? Number.MAX_SAFE_INTEGER;
    let lo = 0;
    let hi = (list?.length ?? 0) - 1;
    let found: Anchor | undefined;
    while (list && lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.offset < at) {
        found = list[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    // An alias to an alias cannot be written in YAML (an alias has no anchor), so one step suffices.
    return found?.node;
  }

  loc(node: unknown): Loc {
    if (!isNode(node) || !node.range) return loc(this.file, 1);
    const start = this.lines.linePos(node.range[0]).line;
    const end = Math.max(node.range[0] + 1, endOffset(node));
    return loc(this.file, start, Math.max(start, this.lines.linePos(end - 1).line));
  }

  /** The line of a map entry's key (where `replicas:` is written), falling back to its value. */
  keyLoc(entry: Entry): Loc {
    const l = this.loc(entry.key);
    return { ...l, endLine: Math.max(l.endLine, this.loc(entry.value).endLine) };
  }

  /** The lines of a key and its value, when the key is present. */
  at(parent: YAMLMap | undefined, key: string): Loc | undefined {
    const e = this.entry(parent, key);
    return e ? this.keyLoc(e) : undefined;
  }

  error(message: string, at: unknown): void {
    this.push("error", message, at);
  }

  warn(message: string, at: unknown): void {
    this.push("warning", message, at);
  }

  private push(severity: Diagnostic["severity"], message: string, at: unknown): void {
    const where = isLoc(at) ? at : this.loc(at);
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

  /** A key of a mapping, honouring `<<` merge keys (the mapping's own keys win). */
  entry(map: YAMLMap | undefined, key: string, depth = 0): Entry | undefined {
    if (!map || depth > 8) return undefined;
    const merges: unknown[] = [];
    for (const pair of map.items) {
      if (!isPair(pair)) continue;
      const k = this.deref(pair.key);
      if (!isScalar(k)) continue;
      if (isMergeKey(k)) {
        merges.push(pair.value);
        continue;
      }
      if (k.value === key || (typeof k.value !== "object" && String(k.value) === key)) {
        const value = this.deref(pair.value);
        if (isScalar(value) && value.value === null) return undefined;
        return { key: k, value: value ?? k };
      }
    }
    for (const m of merges) {
      const source = this.deref(m);
      const sources = isSeq(source) ? source.items.map((i) => this.deref(i)) : [source];
      for (const s of sources) {
        const found = isMap(s) ? this.entry(s, key, depth + 1) : undefined;
        if (found) return found;
      }
    }
    return undefined;
  }

  /** The keys of a mapping in order (scalars only; merge keys expanded after its own). */
  entries(map: YAMLMap): Entry[] {
    const out: Entry[] = [];
    const seen = new Set<string>();
    const add = (m: YAMLMap, depth: number) => {
      const merges: unknown[] = [];
      for (const pair of m.items) {
        if (!isPair(pair)) continue;
        const k = this.deref(pair.key);
        if (!isScalar(k)) continue;
        if (isMergeKey(k)) {
          merges.push(pair.value);
          continue;
        }
        const name = String(k.value);
        if (seen.has(name)) continue;
        seen.add(name);
        out.push({ key: k, value: this.deref(pair.value) ?? k });
      }
      if (depth > 8) return;
      for (const mv of merges) {
        const source = this.deref(mv);
        for (const s of isSeq(source) ? source.items.map((i) => this.deref(i)) : [source]) if (isMap(s)) add(s, depth + 1);
      }
    };
    add(map, 0);
    return out;
  }

  map(parent: YAMLMap | undefined, key: string, what: string): YAMLMap | undefined {
    const e = this.entry(parent, key);
    if (!e) return undefined;
    if (isMap(e.value)) return e.value;
    this.error(`${what} must be a mapping`, e.value);
    return undefined;
  }

  seq(parent: YAMLMap | undefined, key: string, what: string): YAMLSeq | undefined {
    const e = this.entry(parent, key);
    if (!e) return undefined;
    if (isSeq(e.value)) return e.value;
    this.error(`${what} must be a list`, e.value);
    return undefined;
  }

  /** The items of a list that are mappings; other items are reported. */
  maps(list: YAMLSeq | undefined, what: string): YAMLMap[] {
    const out: YAMLMap[] = [];
    for (const item of list?.items ?? []) {
      const node = this.deref(item);
      if (isMap(node)) out.push(node);
      else this.error(`${what} must be a mapping`, node ?? list);
    }
    return out;
  }

  /** A string field. Kubernetes rejects numbers and booleans where it expects a string. */
  string(parent: YAMLMap | undefined, key: string, what: string): Str | undefined {
    const e = this.entry(parent, key);
    if (!e) return undefined;
    return this.asString(e.value, what, e);
  }

  asString(node: Node | undefined, what: string, e?: Entry): Str | undefined {
    if (isScalar(node) && typeof node.value === "string") return { value: node.value, loc: e ? this.keyLoc(e) : this.loc(node) };
    if (isScalar(node) && (typeof node.value === "number" || typeof node.value === "boolean")) {
      this.error(`${what} must be a string: quote ${JSON.stringify(String(node.source ?? node.value))}`, node);
      return { value: String(node.source ?? node.value), loc: e ? this.keyLoc(e) : this.loc(node) };
    }
    this.error(`${what} must be a string`, node);
    return undefined;
  }

  /** An integer field within bounds; a quoted number is an error, as in Kubernetes. */
  int(parent: YAMLMap | undefined, key: string, what: string, min = 0, max = 2 ** 31 - 1): Num | undefined {
    const e = this.entry(parent, key);
    if (!e) return undefined;
    const node = e.value;
    if (!isScalar(node) || typeof node.value !== "number" || !Number.isInteger(node.value)) {
      const shown = isScalar(node) ? JSON.stringify(node.value) : isMap(node) ? "a mapping" : "a list";
      this.error(`${what} must be an integer, not ${shown}`, node);
      return undefined;
    }
    if (node.value < min || node.value > max) {
      this.error(`${what} must be between ${min} and ${max}, not ${node.value}`, node);
      return undefined;
    }
    return { value: node.value, loc: this.keyLoc(e) };
  }

  /** An int-or-string field (ports): numbers stay numbers, names stay names. */
  intOrString(parent: YAMLMap | undefined, key: string, what: string): { value: number | string; loc: Loc } | undefined {
    const e = this.entry(parent, key);
    if (!e) return undefined;
    if (isScalar(e.value) && (typeof e.value.value === "number" || typeof e.value.value === "string")) {
      return { value: e.value.value, loc: this.keyLoc(e) };
    }
    this.error(`${what} must be a number or a name`, e.value);
    return undefined;
  }

  bool(parent: YAMLMap | undefined, key: string, what: string): boolean | undefined {
    const e = this.entry(parent, key);
    if (!e) return undefined;
    if (isScalar(e.value) && typeof e.value.value === "boolean") return e.value.value;
    this.error(`${what} must be true or false`, e.value);
    return undefined;
  }

  /** A map of strings (labels, annotations, selectors). Non-string values are reported and kept as text. */
  strings(parent: YAMLMap | undefined, key: string, what: string): StrMap | undefined {
    const m = this.map(parent, key, what);
    if (!m) return undefined;
    const values: Record<string, string> = {};
    const locs: Record<string, Loc> = {};
    for (const e of this.entries(m)) {
      const name = String(e.key.value);
      const s = this.asString(e.value, `${what}.${name}`, e);
      if (!s) continue;
      values[name] = s.value;
      locs[name] = s.loc;
    }
    return { values, locs, loc: this.loc(m) };
  }

  /** Any scalar as text (for settings shown to a reader). */
  text(parent: YAMLMap | undefined, key: string): string | undefined {
    const e = this.entry(parent, key);
    if (!e || !isScalar(e.value)) return undefined;
    return String(e.value.source ?? e.value.value);
  }
}

export interface Entry {
  key: Scalar;
  value: Node;
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

/** Where a node's content ends: block collections end at their last item, not after trailing comments. */
function endOffset(node: Node): number {
  const range = node.range!;
  if ((node instanceof YAMLMap || node instanceof YAMLSeq) && !node.flow) {
    for (let i = node.items.length - 1; i >= 0; i--) {
      const item: unknown = node.items[i];
      const last = isPair(item) ? (isNode(item.value) && item.value.range ? item.value : item.key) : item;
      if (isNode(last) && last.range) return endOffset(last);
    }
  }
  if (node instanceof Scalar || isAlias(node)) return range[1];
  return range[1];
}

/** `<<` with merge keys enabled: yaml gives its key a symbol value. */
function isMergeKey(k: Scalar): boolean {
  return k.value === "<<" || (typeof k.value === "symbol" && k.source === "<<");
}

function isLoc(x: unknown): x is Loc {
  return typeof x === "object" && x !== null && "file" in x && "line" in x && "endLine" in x;
}
