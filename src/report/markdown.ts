/** Markdown report: what a reviewer reads in a pull request. */
import type { JsonReport, TrafficEntry } from "./json.js";
import { bar, delta, pct, shareRows } from "./table.js";
import { approvalText } from "./text.js";

const ICON: Record<string, string> = { critical: "🛑", high: "🔴", medium: "🟠", low: "🟡", info: "ℹ️", none: "✅" };

export interface MarkdownOptions {
  /** Turns a finding's file and line into a link (the GitHub App passes blob URLs). */
  link?: (file: string, line: number) => string;
}

export function renderMarkdown(r: JsonReport, options: MarkdownOptions = {}): string {
  const out: string[] = [];
  out.push(`### ${ICON[r.risk]} lb-review: risk **${r.risk}**`, "");
  for (const h of r.headline) out.push(`> **${escapeMd(h)}**`);
  out.push("");
  if (r.findings.length > 0) {
    out.push("| severity | finding | where | rule |", "|---|---|---|---|");
    for (const f of r.findings) {
      const where = `${f.file}:${f.line}`;
      const cell = options.link ? `[${where}](${options.link(f.file, f.line)})` : `\`${where}\``;
      out.push(`| ${ICON[f.severity]} ${f.severity} | ${escapeMd(f.message)} | ${cell} | \`${f.rule}\` |`);
    }
    out.push("");
  }
  const entries = [...r.pools.map((p) => ["pool", p] as const), ...r.routes.filter((x) => x.changes.length > 0).map((x) => ["route", x] as const)];
  for (const [kind, e] of entries) out.push(...entryTable(kind, e), "");
  if (r.approvals.required.length > 0) {
    out.push("**Approvals required:**", "");
    for (const a of r.approvals.required) out.push(`- ${a.severity}: ${approvalText(a)}`);
    out.push("");
  }
  return `${out.join("\n").trimEnd()}\n`;
}

function entryTable(kind: string, e: TrafficEntry): string[] {
  const lines = [`#### Traffic: ${kind} \`${escapeMd(e.name)}\` (\`${e.file}\`)`, ""];
  if (e.changes.length > 0) lines.push(`Changed: ${escapeMd(e.changes.join("; "))}`, "");
  lines.push("| backend | state | weight | before | after | change | after |", "|---|---|---|--:|--:|--:|---|");
  for (const row of shareRows(e)) {
    lines.push(
      `| \`${escapeMd(row.backend)}\` | ${row.state} | ${row.weight} | ${pct(row.before)} | **${pct(row.after)}** | ${delta(row)} | \`${bar(row.after)}\` |`,
    );
  }
  return lines;
}

/** Keeps config text from breaking tables or injecting markup. */
export function escapeMd(text: string): string {
  return text.replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`).replace(/\n/g, " ");
}
