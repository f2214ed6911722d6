/**
 * The sticky summary comment (found by its hidden marker, edited in place, never re-posted,
 * not written when unchanged) and inline review comments (fingerprinted, never duplicated,
 * marked resolved when their finding goes away).
 */
import { createHash } from "node:crypto";
import type { Finding } from "../../engine/analyze.js";
import { COMMENT_MARKER, type CommentMeta, parseCommentMeta } from "../../report/github.js";
import { escapeMd } from "../../report/markdown.js";
import type { RepoGitHub } from "./context.js";
import type { PullInfo } from "./pull.js";

export interface Sticky {
  id: number;
  body: string;
  meta: CommentMeta | null;
}

/**
 * The app's own summary: its marker *and* its author. Anyone can paste the marker into a
 * comment; only the app's bot can write as the app, so nobody else can plant its state.
 */
export async function findSticky(gh: RepoGitHub, number: number, bot: string): Promise<Sticky | null> {
  const comments = await gh.issueComments(number);
  const mine = comments.find((c) => c.user?.login === bot && c.body?.startsWith(COMMENT_MARKER));
  return mine ? { id: mine.id, body: mine.body!, meta: parseCommentMeta(mine.body!) } : null;
}

export async function writeSticky(gh: RepoGitHub, number: number, existing: Sticky | null, body: string): Promise<void> {
  if (existing?.body === body) return;
  if (existing) await gh.updateComment(existing.id, body);
  else await gh.createComment(number, body);
}

/** Inline comments per evaluation: more would trip GitHub's secondary rate limits. */
export const MAX_INLINE = 20;
const FP = /<!-- lb-review:fp=([0-9a-f]+) -->/;

interface Placed {
  path: string;
  line: number | null;
  findings: Finding[];
  fingerprint: string;
}

/** One comment per file line (or per file, off the diff), listing every finding there. */
export function placeInline(findings: Finding[], pull: PullInfo): Placed[] {
  const groups = new Map<string, Placed>();
  for (const f of findings) {
    const onDiff = [{ file: f.file, line: f.line }, ...f.related].find((l) => pull.diffLines.get(l.file)?.has(l.line));
    const path = onDiff?.file ?? f.file;
    const line = onDiff?.line ?? null;
    const key = `${path}:${line}`;
    const g = groups.get(key) ?? { path, line, findings: [], fingerprint: "" };
    g.findings.push(f);
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    const basis = g.findings.map((f) => `${f.rule}|${f.file}|${f.message}`).sort().join("\n");
    g.fingerprint = createHash("sha256").update(basis).digest("hex").slice(0, 16);
  }
  return [...groups.values()];
}

/**
 * Posts the new inline comments as one review (file-level ones, which reviews cannot carry, one
 * by one), edits those whose text changed, and marks the app's own that no longer apply.
 */
export async function syncInline(gh: RepoGitHub, pull: PullInfo, findings: Finding[], bot: string): Promise<void> {
  const existing = await gh.reviewComments(pull.number);
  const ours = new Map(existing.flatMap((c) => (c.user?.login === bot && c.body.match(FP) ? [[c.body.match(FP)![1]!, c] as const] : [])));
  const wanted = placeInline(findings, pull).filter((p) => pull.diffLines.has(p.path));
  const fresh: { p: Placed; body: string }[] = [];
  for (const p of wanted) {
    const body = `${p.findings.map((f) => `**lb-review ${f.severity}** (\`${f.rule}\`): ${escapeMd(f.message)}`).join("\n\n")}\n\n<!-- lb-review:fp=${p.fingerprint} -->`;
    const old = ours.get(p.fingerprint);
    // A finding that comes back after being resolved gets its comment back, not a second one.
    if (old) {
      if (old.body !== body) await gh.updateReviewComment(old.id, body);
    } else if (fresh.length < MAX_INLINE) fresh.push({ p, body });
  }
  const onLines = fresh.filter((x) => x.p.line !== null);
  if (onLines.length > 0) {
    await gh.createReview(pull.number, pull.headSha, onLines.map((x) => ({ path: x.p.path, line: x.p.line!, side: "RIGHT" as const, body: x.body })));
  }
  for (const x of fresh.filter((y) => y.p.line === null)) {
    await gh.createFileComment(pull.number, pull.headSha, x.p.path, x.body);
  }
  const keep = new Set(wanted.map((p) => p.fingerprint));
  for (const [fp, c] of ours) {
    if (keep.has(fp) || c.body.startsWith("✅ Resolved")) continue;
    const body = `✅ Resolved in ${pull.headSha.slice(0, 7)}: this finding no longer applies.\n\n<details><summary>Was</summary>\n\n${c.body}\n</details>`;
    await gh.updateReviewComment(c.id, body);
  }
}
