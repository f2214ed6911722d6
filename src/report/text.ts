/** Plain-text report for terminals and CI logs: the sentence first, then the tables. */
import type { JsonReport, TrafficEntry } from "./json.js";
import { bar, delta, pct, shareRows } from "./table.js";

export function renderText(r: JsonReport): string {
  const out: string[] = [];
  out.push(`lb-review: risk ${r.risk.toUpperCase()}`);
  for (const h of r.headline) out.push(`  ${h}`);
  out.push("");
  if (r.findings.length > 0) {
    out.push(`Findings (${r.findings.length}):`);
    for (const f of r.findings) out.push(`  ${f.severity.padEnd(8)} ${f.file}:${f.line}  ${f.message}  [${f.rule}]`);
    out.push("");
  }
  for (const p of r.pools) out.push(...entryTable("pool", p), "");
  const retargeted = r.routes.filter((x) => x.changes.length > 0);
  for (const x of retargeted) out.push(...entryTable("route", x), "");
  if (r.approvals.required.length > 0) {
    out.push("Approvals required:");
    for (const a of r.approvals.required) out.push(`  ${a.severity}: ${approvalText(a)}`);
  }
  return `${out.join("\n").trimEnd()}\n`;
}

function entryTable(kind: string, e: TrafficEntry): string[] {
  const rows = shareRows(e);
  const width = Math.max(7, ...rows.map((x) => x.backend.length));
  const lines = [`${kind} ${e.name} (${e.file})${e.changes.length ? `: ${e.changes.join("; ")}` : ""}`];
  lines.push(`  ${"backend".padEnd(width)}  ${"state".padEnd(16)}  before   after    change     after`);
  for (const row of rows) {
    lines.push(
      `  ${row.backend.padEnd(width)}  ${row.state.padEnd(16)}  ${pct(row.before).padEnd(7)}  ${pct(row.after).padEnd(7)}  ${delta(row).padEnd(9)}  ${bar(row.after)}`,
    );
  }
  return lines;
}

export function approvalText(a: { count: number; teams: string[]; users: string[] }): string {
  const who = [...a.teams.map((t) => `team ${t}`), ...a.users.map((u) => `@${u}`)];
  const from = who.length > 0 ? who.join(" or ") : "anyone with write access other than the author";
  return `${a.count} approval${a.count === 1 ? "" : "s"} from ${from}`;
}
