import { FORMATS } from "../src/model/types.js";
import type { Rule, RuleHit } from "./rule.js";

export const algorithmChange: Rule = {
  id: "algorithm-change",
  severity: "medium",
  title: "Balancing algorithm changed",
  description: "A pool's balancing algorithm or its arguments change (e.g. round robin → ip_hash, or a new hash key).",
  rationale:
    "Switching algorithm reshuffles which client lands on which server: caches go cold, sessions without shared state break, and hashing can skew load.",
  formats: FORMATS,
  examples: {
    fires: {
      format: "nginx",
      before: "upstream app {\n  server 10.0.0.1:80;\n  server 10.0.0.2:80;\n}\n",
      after: "upstream app {\n  ip_hash;\n  server 10.0.0.1:80;\n  server 10.0.0.2:80;\n}\n",
    },
    silent: {
      format: "nginx",
      before: "upstream app {\n  least_conn;\n  server 10.0.0.1:80;\n  server 10.0.0.2:80;\n}\n",
      after: "upstream app {\n  server 10.0.0.2:80;\n  server 10.0.0.1:80;\n  least_conn;\n}\n",
    },
  },
  check({ changes }) {
    const hits: RuleHit[] = [];
    for (const p of changes.pools) {
      for (const c of p.changes) if (c.kind === "algorithm") hits.push({ message: `${p.name}: ${c.message}`, loc: c.loc });
    }
    return hits;
  },
};
