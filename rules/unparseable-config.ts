import { FORMATS } from "../src/model/types.js";
import type { Rule, RuleHit } from "./rule.js";

/** Enough to show the problem without burying the review under one broken file. */
const MAX_PER_FILE = 10;

export const unparseableConfig: Rule = {
  id: "unparseable-config",
  severity: "critical",
  title: "Config does not parse",
  description:
    "The new version of a load-balancer file has an error the load balancer itself would reject (syntax, unknown directive or parameter, bad value), that the old version did not have.",
  rationale:
    "A config that does not parse cannot be evaluated, so nothing else lb-review says about it can be trusted; and the load balancer will refuse to reload it.",
  assumptions:
    "Errors already present in the old version are not repeated. NGINX Plus directives, and HAProxy keywords newer than 2.6 that are not near-typos of known ones, are warnings: reported at info severity, never blocking. Binary or oversized files count as unparseable.",
  formats: FORMATS,
  examples: {
    fires: {
      format: "nginx",
      before: "upstream app {\n  server 10.0.0.1:80;\n}\n",
      after: "upstream app {\n  server 10.0.0.1:80 weight=0;\n}\n",
    },
    silent: {
      format: "nginx",
      before: "upstream app {\n  server 10.0.0.1:80;\n}\n",
      after: "# primary only\nupstream app {\n    server 10.0.0.1:80;   # rack 4\n}\n",
    },
  },
  check({ changes }) {
    const hits: RuleHit[] = [];
    for (const f of changes.files) {
      if (!f.after) continue;
      const old = new Set((f.before?.diagnostics ?? []).filter((d) => d.severity === "error").map((d) => d.message));
      const fresh = f.after.diagnostics.filter((d) => d.severity === "error" && !old.has(d.message));
      for (const d of fresh.slice(0, MAX_PER_FILE)) hits.push({ message: `${f.path}:${d.loc.line}: ${d.message}`, loc: d.loc });
      if (fresh.length > MAX_PER_FILE) {
        hits.push({ message: `${f.path}: ${fresh.length - MAX_PER_FILE} more errors not shown`, loc: fresh[MAX_PER_FILE]!.loc });
      }
      // What parses but cannot be evaluated (e.g. a keyword newer than our tables) is said, not blocked.
      const oldWarnings = new Set((f.before?.diagnostics ?? []).filter((d) => d.severity === "warning").map((d) => d.message));
      const warnings = f.after.diagnostics.filter((d) => d.severity === "warning" && !oldWarnings.has(d.message));
      for (const d of warnings.slice(0, MAX_PER_FILE)) hits.push({ severity: "info", message: `${f.path}:${d.loc.line}: ${d.message}`, loc: d.loc });
    }
    return hits;
  },
};
