/**
 * Minimal line diff (Myers) producing GitHub-style unified patches.
 *
 * The emulator uses the same hunks to render `patch` and to decide which lines
 * a review comment may target, so the two always agree. The algorithm may pick
 * a different (equally minimal) alignment than git in ambiguous cases; that is
 * fine for tests because the app is expected to read line numbers from the
 * patch, never to predict git's choice.
 */

/** Lines of context around each change, like `git diff -U3` (GitHub's default). */
export const CONTEXT_LINES = 3;
/** Above this edit distance we stop searching and emit "delete all, add all" (still a valid diff). */
const MAX_EDIT_DISTANCE = 4000;

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** Patch lines with their ' ', '-', '+' or '\' prefix. */
  lines: string[];
}

export interface FileDiff {
  binary: boolean;
  additions: number;
  deletions: number;
  hunks: Hunk[];
  /** GitHub's `patch`: hunks joined by "\n", no trailing newline; undefined for binary or no textual change. */
  patch: string | undefined;
}

type Op = { kind: "=" | "-" | "+"; text: string };

/** git's heuristic: a NUL byte in the first 8000 bytes means binary. */
export function isBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8000).includes(0);
}

/** Split into line tokens that keep their "\n", so a missing final newline is a difference. */
function tokens(buf: Buffer | undefined): string[] {
  if (!buf || buf.length === 0) return [];
  const text = buf.toString("utf8");
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      out.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/** Myers O(ND) shortest edit script over a and b (after trimming the common prefix and suffix). */
function editScript(a: string[], b: string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const A = a.slice(pre, a.length - suf);
  const B = b.slice(pre, b.length - suf);
  const middle = myers(A, B);
  const ops: Op[] = [];
  for (let i = 0; i < pre; i++) ops.push({ kind: "=", text: a[i]! });
  ops.push(...middle);
  for (let i = a.length - suf; i < a.length; i++) ops.push({ kind: "=", text: a[i]! });
  return ops;
}

function myers(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  if (n === 0) return b.map((text) => ({ kind: "+", text }));
  if (m === 0) return a.map((text) => ({ kind: "-", text }));
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)) x = v[offset + k + 1]!;
      else x = v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    if (found >= 0) break;
  }
  if (found < 0) {
    // Too different: replace everything. Valid, just not minimal.
    return [...a.map((text) => ({ kind: "-" as const, text })), ...b.map((text) => ({ kind: "+" as const, text }))];
  }
  // Backtrack through the saved V arrays (trace[d] is V before step d).
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1]! < vd[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = vd[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: "=", text: a[x - 1]! });
      x--;
      y--;
    }
    if (x === prevX) ops.push({ kind: "+", text: b[y - 1]! });
    else ops.push({ kind: "-", text: a[x - 1]! });
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    ops.push({ kind: "=", text: a[x - 1]! });
    x--;
    y--;
  }
  return ops.reverse();
}

function render(op: Op): string[] {
  const prefix = op.kind === "=" ? " " : op.kind;
  if (op.text.endsWith("\n")) return [prefix + op.text.slice(0, -1)];
  return [prefix + op.text, "\\ No newline at end of file"];
}

function range(start: number, count: number): string {
  // git prints "start,count" but omits ",1"; an empty side uses the line before it.
  return count === 1 ? `${start}` : `${start},${count}`;
}

export function hunkHeader(h: Hunk): string {
  return `@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@`;
}

/** Diff two file versions (undefined = file absent). */
export function diffFiles(oldBuf: Buffer | undefined, newBuf: Buffer | undefined): FileDiff {
  if ((oldBuf && isBinary(oldBuf)) || (newBuf && isBinary(newBuf))) {
    return { binary: true, additions: 0, deletions: 0, hunks: [], patch: undefined };
  }
  const ops = editScript(tokens(oldBuf), tokens(newBuf));
  let additions = 0;
  let deletions = 0;
  for (const op of ops) {
    if (op.kind === "+") additions++;
    else if (op.kind === "-") deletions++;
  }
  // Group changes into hunks: a change plus CONTEXT_LINES on each side; merge when contexts touch.
  const changeIdx: number[] = [];
  ops.forEach((op, i) => {
    if (op.kind !== "=") changeIdx.push(i);
  });
  const groups: Array<[number, number]> = [];
  for (const i of changeIdx) {
    const last = groups[groups.length - 1];
    if (last && i - last[1] - 1 <= 2 * CONTEXT_LINES) last[1] = i;
    else groups.push([i, i]);
  }
  // Line numbers (1-based) of ops[i] in old/new before that op.
  const oldBefore: number[] = [];
  const newBefore: number[] = [];
  let o = 0;
  let nn = 0;
  for (const op of ops) {
    oldBefore.push(o);
    newBefore.push(nn);
    if (op.kind !== "+") o++;
    if (op.kind !== "-") nn++;
  }
  const hunks: Hunk[] = groups.map(([first, last]) => {
    const from = Math.max(0, first - CONTEXT_LINES);
    const to = Math.min(ops.length - 1, last + CONTEXT_LINES);
    let oldLines = 0;
    let newLines = 0;
    const lines: string[] = [];
    for (let i = from; i <= to; i++) {
      const op = ops[i]!;
      if (op.kind !== "+") oldLines++;
      if (op.kind !== "-") newLines++;
      lines.push(...render(op));
    }
    const oldStart = oldLines === 0 ? oldBefore[from]! : oldBefore[from]! + 1;
    const newStart = newLines === 0 ? newBefore[from]! : newBefore[from]! + 1;
    return { oldStart, oldLines, newStart, newLines, lines };
  });
  const patch = hunks.length ? hunks.map((h) => [hunkHeader(h), ...h.lines].join("\n")).join("\n") : undefined;
  return { binary: false, additions, deletions, hunks, patch };
}

export interface DiffLine {
  hunk: number;
  /** 1-based `position` in the patch (the line after the first "@@" is 1). */
  position: number;
}

/** Lines a review comment may target, per side, mapped to their hunk and patch position. */
export function commentableLines(hunks: Hunk[]): { LEFT: Map<number, DiffLine>; RIGHT: Map<number, DiffLine> } {
  const LEFT = new Map<number, DiffLine>();
  const RIGHT = new Map<number, DiffLine>();
  let position = 0;
  hunks.forEach((h, hunk) => {
    if (hunk > 0) position++; // later "@@" headers count as positions
    let oldLine = h.oldStart;
    let newLine = h.newStart;
    for (const line of h.lines) {
      position++;
      const kind = line[0];
      if (kind === " ") {
        LEFT.set(oldLine++, { hunk, position });
        RIGHT.set(newLine++, { hunk, position });
      } else if (kind === "-") LEFT.set(oldLine++, { hunk, position });
      else if (kind === "+") RIGHT.set(newLine++, { hunk, position });
    }
  });
  return { LEFT, RIGHT };
}
