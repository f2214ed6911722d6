/** docs/rules.md, generated from the rule files so the docs cannot drift from the code. */
import type { z } from "zod";
import { RULES } from "../../rules/index.js";
import type { Example } from "../../rules/rule.js";

export function renderRulesMarkdown(): string {
  const out: string[] = [
    "# Rules",
    "",
    "Generated from `rules/*.ts` by `npm run docs:rules`; do not edit by hand.",
    "",
    "Every rule reads the same normalized model, so it covers every format listed. Shares are the",
    "configured steady state: every backend not explicitly taken out is healthy (see",
    "[traffic model](traffic-model.md)). Severities and options can be set per rule in",
    "`.github/lb-review.yml` under `rules.<id>`; `severity: off` disables a rule.",
    "",
    "| rule | default severity | fires when |",
    "|---|---|---|",
    ...RULES.map((r) => `| [\`${r.id}\`](#${r.id}) | ${r.severity} | ${r.description} |`),
    "",
  ];
  for (const r of RULES) {
    out.push(`## ${r.id}`, "", `**${r.title}.** Default severity: **${r.severity}**. Formats: ${r.formats.join(", ")}.`, "");
    out.push(r.description, "", `*Why:* ${r.rationale}`, "");
    if (r.assumptions) out.push(`*Assumptions:* ${r.assumptions}`, "");
    if (r.options) out.push(`*Options:* \`${JSON.stringify(defaults(r.options))}\``, "");
    out.push("### Fires", "", ...example(r.examples.fires), "### Stays silent", "", ...example(r.examples.silent));
  }
  return `${out.join("\n").trimEnd()}\n`;
}

function defaults(schema: z.ZodType): unknown {
  return schema.parse({});
}

function example(e: Example): string[] {
  const where = e.path ? ` (\`${e.path}\`)` : "";
  const block = (label: string, text: string | null) =>
    text === null ? [`${label}: *(file absent)*`, ""] : [`${label}${where}:`, "", `\`\`\`${e.format}`, text.trimEnd(), "```", ""];
  const policy = e.policy ? ["Policy:", "", "```yaml", e.policy.trimEnd(), "```", ""] : [];
  const extra = (e.extra ?? []).flatMap((f) => [`Unchanged \`${f.path}\`:`, "", `\`\`\`${e.format}`, f.text.trimEnd(), "```", ""]);
  const padded = e.padAfterTo !== undefined ? [`*(after: padded with comment lines to ${e.padAfterTo.toLocaleString("en-US")} bytes)*`, ""] : [];
  return [...block("Before", e.before), ...block("After", e.after), ...padded, ...extra, ...policy];
}

