import type { FileChange } from "../src/diff/diff.js";
import { type Diagnostic, FORMATS } from "../src/model/types.js";
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
    "Errors already present in the old version, of the same kind at the corresponding line (lines that merely shifted still correspond), are not repeated; new errors in a file that already had errors (the balancer already rejected it, or it is a template) are one medium finding. NGINX Plus directives, and HAProxy keywords newer than 2.6 that are not near-typos of known ones, are warnings: reported at info severity, never blocking. Binary or oversized files count as unparseable.",
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
      const fresh = introduced(f, "error");
      const broken = (f.before?.diagnostics ?? []).filter((d) => d.severity === "error").length;
      if (broken > 0 && fresh.length > 0) {
        // Already rejected before the change (often a template): one finding, never a wall of them.
        const more = fresh.length > 1 ? ` (and ${fresh.length - 1} more)` : "";
        hits.push({ severity: "medium", message: `${f.path}: ${fresh[0]!.message}${more}; the file already had errors before this change`, loc: fresh[0]!.loc });
        continue;
      }
      for (const d of fresh.slice(0, MAX_PER_FILE)) hits.push({ message: `${f.path}: ${d.message}`, loc: d.loc });
      if (fresh.length > MAX_PER_FILE) {
        hits.push({ message: `${f.path}: ${fresh.length - MAX_PER_FILE} more errors not shown`, loc: fresh[MAX_PER_FILE]!.loc });
      }
      // What parses but cannot be evaluated (e.g. a keyword newer than our tables) is said, not blocked.
      for (const d of introduced(f, "warning").slice(0, MAX_PER_FILE)) hits.push({ severity: "info", message: `${f.path}: ${d.message}`, loc: d.loc });
    }
    return hits;
  },
};

/**
 * The diagnostics the change introduced. One of the same kind (its message with numbers
 * masked, so a byte count or a line number in it does not matter) at the corresponding line of
 * the old version was already there.
 */
function introduced(f: FileChange, severity: Diagnostic["severity"]): Diagnostic[] {
  const old = new Set(
    (f.before?.diagnostics ?? []).filter((d) => d.severity === severity).map((d) => `${f.lineMap?.[d.loc.line] ?? d.loc.line}|${kind(d.message)}`),
  );
  const seen = new Set<string>();
  return f.after!.diagnostics.filter((d) => {
    const key = `${d.loc.line}|${kind(d.message)}`;
    return d.severity === severity && !old.has(key) && !seen.has(key) && seen.add(key);
  });
}

export function kind(message: string): string {
  return message.replace(/\d+(\.\d+)?/g, "#");
}
