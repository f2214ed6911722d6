/** SARIF 2.1.0 for GitHub code scanning: rule metadata with help, and a region per result. */
import { RULES } from "../../rules/index.js";
import type { Severity } from "../model/types.js";
import type { JsonReport } from "./json.js";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { critical: "error", high: "error", medium: "warning", low: "note", info: "note" };
/** GitHub ranks security results by this 0–10 score. */
const SCORE: Record<Severity, string> = { critical: "9.5", high: "7.5", medium: "5.0", low: "2.0", info: "0.0" };

export function renderSarif(r: JsonReport, version: string): string {
  const ids = RULES.map((rule) => rule.id);
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "lb-review",
            version,
            informationUri: "https://github.com/lb-review/lb-review",
            rules: RULES.map((rule) => ({
              id: rule.id,
              name: rule.title.replace(/[^A-Za-z0-9]+/g, ""),
              shortDescription: { text: rule.title },
              fullDescription: { text: rule.description },
              help: { text: `${rule.description}\n\n${rule.rationale}`, markdown: `${rule.description}\n\n${rule.rationale}` },
              defaultConfiguration: { level: LEVEL[rule.severity] },
              properties: { tags: ["load-balancer", ...rule.formats], "security-severity": SCORE[rule.severity] },
            })),
          },
        },
        results: r.findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: ids.indexOf(f.rule),
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.file },
                region: { startLine: f.line, endLine: Math.max(f.line, f.endLine) },
              },
            },
          ],
          partialFingerprints: { "lbReview/v1": `${f.rule}:${f.file}:${f.message}` },
          properties: { severity: f.severity },
        })),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
