/**
 * What the GitHub App posts, shaped purely from the report and the approval status: the check
 * run's output and annotations, and the sticky summary comment. GitHub's size limits are
 * enforced here so the adapter cannot exceed them.
 */
import type { ApprovalStatus, TierStatus } from "../approvals/evaluate.js";
import type { Severity } from "../model/types.js";
import type { JsonReport } from "./json.js";
import { escapeMd, renderMarkdown } from "./markdown.js";

/** Checks API: output.summary and output.text (bytes); issue comments: body (characters). */
export const MAX_CHECK_TEXT = 65_535;
export const MAX_COMMENT = 65_536;
export const ANNOTATIONS_PER_REQUEST = 50;
export const COMMENT_MARKER = "<!-- lb-review:summary -->";

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "notice" | "warning" | "failure";
  title: string;
  message: string;
}

export interface CheckOutput {
  conclusion: "success" | "failure" | "neutral";
  title: string;
  summary: string;
  annotations: Annotation[];
}

const LEVEL: Record<Severity, Annotation["annotation_level"]> = { critical: "failure", high: "failure", medium: "warning", low: "notice", info: "notice" };

export function teamLabel(team: string, org: string): string {
  return `@${team.includes("/") ? team : `${org}/${team}`}`;
}

export function tierProgress(t: TierStatus, org: string): string {
  const who = [...t.teams.map((x) => teamLabel(x, org)), ...t.users.map((u) => `@${u}`)];
  const from = who.length > 0 ? who.join(" or ") : "reviewers with write access";
  const blocked = t.changesRequestedBy.length > 0 ? `; changes requested by ${t.changesRequestedBy.map((u) => `@${u}`).join(", ")}` : "";
  return `${Math.min(t.approvedBy.length, t.count)} of ${t.count} approval${t.count === 1 ? "" : "s"} from ${from}${blocked}`;
}

export function checkOutput(report: JsonReport, approvals: ApprovalStatus, org: string): CheckOutput {
  const blocking = approvals.tiers.length > 0;
  const conclusion = !blocking || approvals.satisfied ? "success" : "failure";
  const risk = report.risk[0]!.toUpperCase() + report.risk.slice(1);
  const open = approvals.tiers.find((t) => !t.satisfied);
  const title = !blocking
    ? `Risk ${report.risk}: ${report.findings.length} finding${report.findings.length === 1 ? "" : "s"}, no approval required`
    : approvals.satisfied
      ? `${risk}: approved (${approvals.counted.map((u) => `@${u}`).join(", ")})`
      : `${risk}: needs ${tierProgress(open!, org)}`;
  const lines = [approvalSection(approvals, org), "", renderMarkdown(report)];
  return {
    conclusion,
    title: title.slice(0, 250),
    summary: fitWithin(lines.join("\n"), MAX_CHECK_TEXT),
    annotations: report.findings.map((f) => ({
      path: f.file,
      start_line: f.line,
      end_line: Math.max(f.line, f.endLine),
      annotation_level: LEVEL[f.severity],
      title: `${f.severity}: ${f.rule}`,
      message: f.message,
    })),
  };
}

function approvalSection(a: ApprovalStatus, org: string): string {
  if (a.tiers.length === 0) return "**Approvals:** none required.";
  const out = [`**Approvals:** ${a.satisfied ? "✅ satisfied" : "⏳ waiting"}`, ""];
  for (const t of a.tiers) out.push(`- ${t.satisfied ? "✅" : "⏳"} ${t.severity}: ${tierProgress(t, org)}`);
  if (a.rejected.length > 0) {
    out.push("", "<details><summary>Reviews not counted</summary>", "");
    for (const r of a.rejected) out.push(`- @${r.login}: ${escapeMd(r.reason)}`);
    out.push("", "</details>");
  }
  return out.join("\n");
}

/** Batches of at most 50, the Checks API's limit per request. */
export function annotationBatches(annotations: Annotation[]): Annotation[][] {
  const out: Annotation[][] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) out.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  return out;
}

export interface CommentMeta {
  sha: string;
  /** Reviewers already requested ("team:slug" or "user:login"): requested once, never again. */
  requested: string[];
}

export function commentBody(report: JsonReport, approvals: ApprovalStatus, org: string, meta: CommentMeta, link: (file: string, line: number) => string): string {
  const head = `${COMMENT_MARKER}\n<!-- lb-review:meta ${JSON.stringify(meta)} -->\n`;
  const details = renderMarkdown(report, { link });
  const body = [
    approvalSection(approvals, org),
    "",
    "<details open><summary>Traffic and findings</summary>",
    "",
    details,
    "</details>",
    "",
    `<sub>lb-review evaluated ${meta.sha.slice(0, 7)}.</sub>`,
  ].join("\n");
  return head + fitWithin(body, MAX_COMMENT - head.length);
}

export function parseCommentMeta(body: string): CommentMeta | null {
  const m = body.match(/<!-- lb-review:meta (\{.*?\}) -->/);
  if (!m) return null;
  try {
    const meta = JSON.parse(m[1]!) as CommentMeta;
    return typeof meta.sha === "string" && Array.isArray(meta.requested) ? meta : null;
  } catch {
    return null;
  }
}

/**
 * Cuts at a line boundary, closing any open <details>, and says that it did. Counts UTF-8 bytes:
 * GitHub measures check output in bytes, and bytes are never fewer than characters.
 */
export function fitWithin(text: string, limit: number): string {
  if (Buffer.byteLength(text) <= limit) return text;
  const note = "\n\n…truncated: the full report is in the check run and `lb-review check --format markdown`.\n";
  const budget = limit - Buffer.byteLength(note) - 200;
  let cut = Buffer.from(text).subarray(0, budget).toString("utf8");
  cut = cut.slice(0, Math.max(0, cut.lastIndexOf("\n")));
  const open = (cut.match(/<details/g) ?? []).length - (cut.match(/<\/details>/g) ?? []).length;
  return `${cut}${"\n</details>".repeat(Math.max(0, open))}${note}`;
}
