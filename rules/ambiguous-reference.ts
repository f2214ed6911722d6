import { FORMATS } from "../src/model/types.js";
import type { Rule, RuleHit } from "./rule.js";

const upstream = "upstream app {\n  server 10.0.0.1:80;\n}\n";
const site = "server {\n  listen 80;\n  location / {\n    proxy_pass http://app;\n  }\n}\n";

/** Beyond this, a tree full of copies says nothing new with each one. */
const MAX_REPORTED = 10;

export const ambiguousReference: Rule = {
  id: "ambiguous-reference",
  severity: "info",
  title: "Reference to a name declared in several equally near files",
  description:
    "A route or selector in a changed file names a pool or workload that is declared in several files at the same distance from it, so every candidate is counted.",
  rationale:
    "Per-environment copies, examples and fixtures often reuse names. lb-review resolves a name to its nearest declaration (same file, include scope, same directory, then ancestors); when two are equally near, the shares it shows are those of all candidates together, which may not be what the load balancer sees.",
  assumptions: "Distance is by path: the same file, then files of one nginx include scope, then directories up to the common ancestor and down again. The result never depends on the order files are read in.",
  formats: FORMATS,
  examples: {
    fires: {
      format: "nginx",
      before: null,
      after: site,
      extra: [
        { path: "lb/a/upstream.conf", text: upstream },
        { path: "lb/b/upstream.conf", text: upstream },
      ],
    },
    silent: {
      format: "nginx",
      before: null,
      after: site,
      extra: [
        { path: "lb/upstream.conf", text: upstream },
        { path: "lb/a/upstream.conf", text: upstream },
      ],
    },
  },
  check({ changes }) {
    const changed = new Set(changes.files.map((f) => f.path));
    // Said where the change is: a reference in a changed file, or one made ambiguous by it.
    const before = new Set(changes.before.ambiguities.map((a) => `${a.loc.file}:${a.loc.line}|${a.message}`));
    const hits: RuleHit[] = [];
    for (const a of changes.after.ambiguities) {
      if (!changed.has(a.loc.file) && before.has(`${a.loc.file}:${a.loc.line}|${a.message}`)) continue;
      if (!changed.has(a.loc.file) && !a.candidates.some((c) => changed.has(c.file))) continue;
      hits.push({ message: a.message, loc: a.loc, related: a.candidates });
    }
    if (hits.length <= MAX_REPORTED) return hits;
    const rest = hits.length - MAX_REPORTED;
    return [...hits.slice(0, MAX_REPORTED), { message: `${rest} more reference${rest === 1 ? "" : "s"} resolve to several equally near declarations (not listed)`, loc: hits[MAX_REPORTED]!.loc }];
  },
};
