/**
 * TOML into the positioned tree. smol-toml gives the values (and errors with a line); it keeps no
 * positions, so a small scanner maps every key path (tables, array-of-tables elements, keys,
 * array items, inline-table keys) to the lines it spans. The scanner runs only on text smol-toml
 * accepted, so it may assume valid TOML; on any surprise, nodes fall back to their parent's lines.
 */
import { parse as parseToml, TomlError } from "smol-toml";
import type { Diagnostic } from "../../model/types.js";
import type { PEntry, PNode } from "../yaml-lines.js";

type Segment = string | number;
interface Span {
  line: number;
  endLine: number;
}

export interface TomlResult {
  root: PNode | null;
  diagnostics: Diagnostic[];
}

export function parseTomlTree(text: string, file: string): TomlResult {
  let value: unknown;
  try {
    value = parseToml(text);
  } catch (e) {
    const line = e instanceof TomlError ? e.line : 1;
    const message = (e instanceof Error ? e.message : String(e)).split("\n")[0]!.replace(/^Invalid TOML document:\s*/, "");
    return { root: null, diagnostics: [{ severity: "error", message: `TOML: ${message}`, loc: { file, line, endLine: line } }] };
  }
  let positions = new Map<string, Span>();
  try {
    positions = scanPositions(text);
  } catch {
    // Positions are a convenience: values stay right even if the scanner is confused.
  }
  const lines = text.split("\n").length;
  return { root: build(value, "", positions, { line: 1, endLine: Math.max(1, lines) }), diagnostics: [] };
}

/**
 * A key path as a map key, built one segment at a time (the root is ""), so that walking a tree
 * costs one step per node, not one per level of every node. Names are quoted, indexes are not:
 * the two never collide.
 */
const childKey = (parent: string, seg: Segment) => `${parent}/${typeof seg === "number" ? seg : JSON.stringify(seg)}`;
const pathKey = (p: readonly Segment[]) => p.reduce<string>(childKey, "");

function build(value: unknown, key: string, positions: Map<string, Span>, parent: Span): PNode {
  const span = positions.get(key) ?? parent;
  if (Array.isArray(value)) {
    return { kind: "seq", items: value.map((v, i) => build(v, childKey(key, i), positions, span)), ...span };
  }
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    const entries: PEntry[] = Object.entries(value as Record<string, unknown>).map(([k, v]) => {
      const child = build(v, childKey(key, k), positions, span);
      return { key: k, value: child, line: child.line, endLine: child.endLine };
    });
    return { kind: "map", entries, ...span };
  }
  const v = typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? value : value instanceof Date ? String(value) : null;
  return { kind: "scalar", value: typeof value === "bigint" ? Number(value) : v, ...span };
}

/** Key path → line span for valid TOML. Spans of parents grow to cover their children. */
export function scanPositions(text: string): Map<string, Span> {
  const out = new Map<string, Span>();
  const grow = (k: string, line: number, endLine: number) => {
    const s = out.get(k);
    if (!s) out.set(k, { line, endLine });
    else {
      s.line = Math.min(s.line, line);
      s.endLine = Math.max(s.endLine, endLine);
    }
  };
  const record = (path: readonly Segment[], line: number, endLine: number) => {
    let k = "";
    grow(k, line, endLine);
    for (const seg of path) grow((k = childKey(k, seg)), line, endLine);
  };
  const s = new Scanner(text);
  /** Last index of each array of tables, by its concrete path. */
  const aot = new Map<string, number>();
  const concrete = (segments: string[], isArray: boolean): Segment[] => {
    const cur: Segment[] = [];
    segments.forEach((seg, i) => {
      cur.push(seg);
      const last = i === segments.length - 1;
      const k = pathKey(cur);
      if (last && isArray) {
        const idx = (aot.get(k) ?? -1) + 1;
        aot.set(k, idx);
        cur.push(idx);
      } else if (aot.has(k)) {
        cur.push(aot.get(k)!);
      }
    });
    return cur;
  };
  let table: Segment[] = [];
  for (;;) {
    s.skipBlank();
    if (s.done()) break;
    if (s.peek() === "[") {
      const line = s.line;
      const isArray = s.peek(1) === "[";
      s.pos += isArray ? 2 : 1;
      const segments = s.key();
      s.skipSpaces();
      s.pos += isArray ? 2 : 1;
      table = concrete(segments, isArray);
      record(table, line, line);
      s.skipToLineEnd();
      continue;
    }
    const line = s.line;
    const key = s.key();
    s.skipSpaces();
    if (s.peek() !== "=") throw new Error("unexpected");
    s.pos++;
    const path = [...table, ...key];
    const end = s.value(path, record);
    record(path, line, end);
    s.skipToLineEnd();
  }
  return out;
}

class Scanner {
  pos = 0;
  line = 1;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.pos >= this.text.length;
  }

  peek(ahead = 0): string {
    return this.text[this.pos + ahead] ?? "";
  }

  private advance(): string {
    const c = this.text[this.pos++] ?? "";
    if (c === "\n") this.line++;
    return c;
  }

  skipSpaces(): void {
    while (this.peek() === " " || this.peek() === "\t") this.pos++;
  }

  /** Whitespace, newlines and comments. */
  skipBlank(): void {
    for (;;) {
      const c = this.peek();
      if (c === " " || c === "\t" || c === "\r" || c === "\n") this.advance();
      else if (c === "#") while (!this.done() && this.peek() !== "\n") this.pos++;
      else return;
    }
  }

  skipToLineEnd(): void {
    while (!this.done() && this.peek() !== "\n") this.pos++;
  }

  /** A dotted key: bare, "basic" or 'literal' parts. */
  key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipSpaces();
      const c = this.peek();
      if (c === '"' || c === "'") parts.push(this.string());
      else {
        const start = this.pos;
        while (/[A-Za-z0-9_-]/.test(this.peek())) this.pos++;
        if (this.pos === start) throw new Error("bad key");
        parts.push(this.text.slice(start, this.pos));
      }
      this.skipSpaces();
      if (this.peek() !== ".") return parts;
      this.pos++;
    }
  }

  /** A quoted string (one-line or multi-line) starting at the cursor; returns its value roughly. */
  string(): string {
    const q = this.peek();
    const multi = this.peek(1) === q && this.peek(2) === q;
    const start = this.pos;
    this.pos += multi ? 3 : 1;
    for (;;) {
      if (this.done()) throw new Error("unterminated string");
      const c = this.peek();
      if (c === "\\" && q === '"') {
        this.advance();
        this.advance();
        continue;
      }
      if (c === q) {
        if (!multi) {
          this.pos++;
          break;
        }
        if (this.peek(1) === q && this.peek(2) === q) {
          this.pos += 3;
          // Up to two more quotes belong to the content: """a"""""
          let extra = 0;
          while (this.peek() === q && extra < 2) {
            this.pos++;
            extra++;
          }
          break;
        }
      }
      this.advance();
    }
    const raw = this.text.slice(start + (multi ? 3 : 1), this.pos - (multi ? 3 : 1));
    if (q === "'") return raw;
    try {
      return JSON.parse(`"${raw.replace(/\n/g, "\\n")}"`) as string;
    } catch {
      return raw;
    }
  }

  /** Skips a value, recording nested positions; returns its last line. */
  value(path: Segment[], record: (p: Segment[], line: number, end: number) => void): number {
    this.skipSpaces();
    const c = this.peek();
    if (c === '"' || c === "'") {
      this.string();
      return this.line;
    }
    if (c === "[") {
      this.advance();
      let i = 0;
      for (;;) {
        this.skipBlank();
        if (this.peek() === "]") {
          this.advance();
          return this.line;
        }
        if (this.peek() === ",") {
          this.advance();
          continue;
        }
        if (this.done()) throw new Error("unterminated array");
        const line = this.line;
        const end = this.value([...path, i], record);
        record([...path, i], line, end);
        i++;
      }
    }
    if (c === "{") {
      this.advance();
      for (;;) {
        this.skipBlank();
        if (this.peek() === "}") {
          this.advance();
          return this.line;
        }
        if (this.peek() === ",") {
          this.advance();
          continue;
        }
        if (this.done()) throw new Error("unterminated inline table");
        const line = this.line;
        const key = this.key();
        this.skipSpaces();
        if (this.peek() !== "=") throw new Error("unexpected");
        this.pos++;
        const end = this.value([...path, ...key], record);
        record([...path, ...key], line, end);
      }
    }
    // Numbers, booleans, dates: up to a delimiter. Dates may contain one space ("1979-05-27 07:32").
    while (!this.done() && !/[,\]}\n#]/.test(this.peek())) {
      if ((this.peek() === " " || this.peek() === "\t") && !/^[ \t]\d{2}:/.test(this.text.slice(this.pos, this.pos + 4))) break;
      this.pos++;
    }
    return this.line;
  }
}
