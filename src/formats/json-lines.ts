/**
 * JSON read straight into the positioned tree of yaml-lines.ts, in one pass: Envoy and Kubernetes
 * JSON are often machine-written and large, and the YAML reader costs many times JSON's own
 * parse. Returns null for anything that is not plain valid JSON with unique keys, so the YAML
 * reader (which reports problems with their lines) takes over.
 */
import type { PEntry, PNode } from "./yaml-lines.js";

/** Nesting beyond this is left to the YAML reader, which reports it. */
const MAX_DEPTH = 500;

class NotPlainJson extends Error {}

export function parseJsonTree(text: string): PNode | null {
  const r = new JsonReader(text);
  try {
    r.space();
    const root = r.value(0);
    r.space();
    return r.pos === text.length ? root : null;
  } catch (e) {
    if (e instanceof NotPlainJson) return null;
    throw e;
  }
}

class JsonReader {
  pos = 0;
  line = 1;

  constructor(private readonly text: string) {}

  space(): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === 10) this.line++;
      else if (c !== 32 && c !== 9 && c !== 13) return;
      this.pos++;
    }
  }

  value(depth: number): PNode {
    if (depth > MAX_DEPTH) throw new NotPlainJson();
    const c = this.text[this.pos];
    if (c === "{") return this.object(depth);
    if (c === "[") return this.array(depth);
    if (c === '"') {
      const line = this.line;
      return { kind: "scalar", value: this.string(), line, endLine: this.line };
    }
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!m) throw new NotPlainJson();
    this.pos += m[0].length;
    const source = m[0];
    const value = source === "true" ? true : source === "false" ? false : source === "null" ? null : Number(source);
    return { kind: "scalar", value, source, line: this.line, endLine: this.line };
  }

  private object(depth: number): PNode {
    const line = this.line;
    this.pos++;
    const entries: PEntry[] = [];
    const keys = new Set<string>();
    this.space();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return { kind: "map", entries, line, endLine: this.line };
    }
    for (;;) {
      if (this.text[this.pos] !== '"') throw new NotPlainJson();
      const keyLine = this.line;
      const key = this.string();
      // Duplicate keys are an error kubectl and the YAML reader report: leave them to it.
      if (keys.has(key)) throw new NotPlainJson();
      keys.add(key);
      this.space();
      if (this.text[this.pos++] !== ":") throw new NotPlainJson();
      this.space();
      const value = this.value(depth + 1);
      entries.push({ key, value, line: keyLine, endLine: Math.max(keyLine, value.endLine) });
      this.space();
      const sep = this.text[this.pos++];
      if (sep === "}") return { kind: "map", entries, line, endLine: this.line };
      if (sep !== ",") throw new NotPlainJson();
      this.space();
    }
  }

  private array(depth: number): PNode {
    const line = this.line;
    this.pos++;
    const items: PNode[] = [];
    this.space();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return { kind: "seq", items, line, endLine: this.line };
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.space();
      const sep = this.text[this.pos++];
      if (sep === "]") return { kind: "seq", items, line, endLine: this.line };
      if (sep !== ",") throw new NotPlainJson();
      this.space();
    }
  }

  /** A string at `pos` (which is its opening quote), decoded as JSON.parse decodes it. */
  private string(): string {
    const t = this.text;
    let end = this.pos + 1;
    for (;;) {
      const c = t.charCodeAt(end);
      if (Number.isNaN(c) || c < 0x20) throw new NotPlainJson();
      if (c === 34) break;
      end += c === 92 ? 2 : 1;
    }
    const raw = t.slice(this.pos, end + 1);
    this.pos = end + 1;
    return raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  }
}
