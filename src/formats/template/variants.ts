/**
 * A template as config text: tags become neutral text on the same lines, and each branch of an
 * `if`/`elif`/`else` is read in a variant of its own, since the branches never run together.
 * Variant v takes branch v of every condition (the last one once a condition has fewer), so
 * exclusive server lists are never summed.
 */
import { type Engine, scanTags, type Tag } from "./scan.js";

/** Stands for a value the template fills in. `0` where a port goes, so that an address still parses. */
export const PLACEHOLDER = "tpl";
const PORT_PLACEHOLDER = "0";
/** More variants than this would only slow reviews down; later branches share the last variant. */
const MAX_VARIANTS = 8;

export interface Choice {
  /** The condition's branch this variant reads, as written ("if staging", "else", "not if canary"). */
  label: string;
  fromLine: number;
  toLine: number;
}

export interface Variant {
  text: string;
  choices: Choice[];
}

export interface TemplateReading {
  variants: Variant[];
  /** Lines holding a placeholder, with the expressions as written. */
  placeholders: Map<number, string[]>;
  /** Lines inside a loop, with the loop's statement. */
  loops: Map<number, string>;
  /** Lines holding any template tag: the format cannot be judged there. */
  tagLines: Set<number>;
}

interface Branch {
  label: string;
  start: number;
  end: number;
}

interface Chain {
  branches: Branch[];
  /**
   * Inside a loop a condition is decided per iteration: its branches are not alternatives of the
   * whole file, so it makes no variants (the loop's backends are unknown anyway).
   */
  inLoop: boolean;
  /** Whether the last branch is an `else` (otherwise there is an implicit empty one). */
  closedByElse: boolean;
  start: number;
  end: number;
}

export function readTemplateText(text: string, engines: readonly Engine[]): TemplateReading {
  const tags = scanTags(text, engines);
  const lineAt = lineIndex(text);
  const { chains, loops } = structure(tags, text.length);
  const placeholders = new Map<number, string[]>();
  const tagLines = new Set<number>();
  for (const t of tags) {
    for (let l = lineAt(t.start); l <= lineAt(t.end - 1); l++) tagLines.add(l);
    if (t.kind === "expression") placeholders.set(lineAt(t.start), [...(placeholders.get(lineAt(t.start)) ?? []), t.text]);
  }
  const loopLines = new Map<number, string>();
  for (const loop of loops) for (let l = lineAt(loop.start); l <= lineAt(Math.max(loop.start, loop.end - 1)); l++) loopLines.set(l, loop.label);
  const count = Math.min(MAX_VARIANTS, Math.max(1, ...chains.filter((c) => !c.inLoop).map((c) => c.branches.length + (c.closedByElse ? 0 : 1))));
  const variants = Array.from({ length: count }, (_, v) => variant(text, tags, chains, v, lineAt));
  return { variants, placeholders, loops: loopLines, tagLines };
}

function structure(tags: Tag[], length: number): { chains: Chain[]; loops: Branch[] } {
  const chains: Chain[] = [];
  const loops: Branch[] = [];
  const stack: ({ kind: "if"; chain: Chain } | { kind: "loop"; loop: Branch } | { kind: "open" })[] = [];
  const close = (at: number) => {
    const top = stack.pop();
    if (top?.kind === "if") {
      top.chain.branches.at(-1)!.end = at;
      top.chain.end = at;
    } else if (top?.kind === "loop") top.loop.end = at;
  };
  for (const t of tags) {
    if (t.kind !== "statement") continue;
    if (t.flow === "if") {
      const inLoop = stack.some((s) => s.kind === "loop");
      const chain: Chain = { branches: [{ label: t.body, start: t.end, end: length }], closedByElse: false, inLoop, start: t.start, end: length };
      chains.push(chain);
      stack.push({ kind: "if", chain });
    } else if (t.flow === "else") {
      const top = stack.at(-1);
      // `{{ else }}` of a range or with has no condition to alternate with.
      if (top?.kind !== "if") continue;
      top.chain.branches.at(-1)!.end = t.start;
      top.chain.branches.push({ label: t.body, start: t.end, end: length });
      top.chain.closedByElse = /^else\s*$/.test(t.body);
    } else if (t.flow === "loop") {
      const loop = { label: t.body, start: t.end, end: length };
      loops.push(loop);
      stack.push({ kind: "loop", loop });
    } else if (t.flow === "open") stack.push({ kind: "open" });
    else if (t.flow === "end") close(t.start);
  }
  return { chains, loops };
}

function variant(text: string, tags: Tag[], chains: Chain[], v: number, lineAt: (o: number) => number): Variant {
  const skipped: Branch[] = [];
  const choices: Choice[] = [];
  for (const c of chains) {
    const last = c.branches.length - (c.closedByElse ? 1 : 0);
    const pick = c.inLoop ? last : Math.min(v, last);
    c.branches.forEach((b, i) => i !== pick && skipped.push(b));
    const label = pick < c.branches.length ? c.branches[pick]!.label : `not ${c.branches[0]!.label}`;
    choices.push({ label, fromLine: lineAt(c.start), toLine: lineAt(Math.max(c.start, c.end - 1)) });
  }
  const inSkipped = (at: number) => skipped.some((b) => at >= b.start && at < b.end);
  const newlines = (s: string) => s.replace(/[^\n]/g, "");
  let out = "";
  let pos = 0;
  for (const t of tags) {
    const between = text.slice(pos, t.start);
    out += inSkipped(pos) ? newlines(between) : between;
    out += inSkipped(t.start) || t.kind !== "expression" ? newlines(t.text) : placeholder(text, t) + newlines(t.text);
    pos = t.end;
  }
  const rest = text.slice(pos);
  out += inSkipped(pos) ? newlines(rest) : rest;
  return { text: out, choices };
}

/** A whole-line expression (e.g. `{{ extra_config }}`) becomes a comment; one after `host:` a port. */
function placeholder(text: string, t: Tag): string {
  const lineStart = text.lastIndexOf("\n", t.start - 1) + 1;
  const lineEnd = text.indexOf("\n", t.end);
  const before = text.slice(lineStart, t.start);
  const after = text.slice(t.end, lineEnd < 0 ? text.length : lineEnd);
  if (before.trim() === "" && after.trim() === "") return `#${PLACEHOLDER}`;
  if (before.endsWith(":") && /^[^\w.]?/.test(after) && /[\w\]}]:$/.test(before)) return PORT_PLACEHOLDER;
  return PLACEHOLDER;
}

function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
