import { FORMATS } from "../src/model/types.js";
import { ownFirst, shareCauses, uniqueLocs } from "../src/diff/diff.js";
import type { Rule, RuleHit } from "./rule.js";

export const capacity: Rule = {
  id: "capacity",
  severity: "critical",
  title: "Backend over its declared capacity",
  description:
    "A backend's share × the pool's declared peak load exceeds the capacity the policy file declares for it, and its load grows with this change. Runs only when the policy declares capacities.",
  rationale:
    "Shares alone cannot tell a big server from a small one. The incident's survivor was under-resourced: with capacities declared, lb-review says it would take 3× what it can serve.",
  assumptions:
    "Peak load is per pool name (`capacity.peak`), capacity per backend id or `pool/backend` (`capacity.backends`), both in the same unit.",
  formats: FORMATS,
  examples: {
    fires: {
      format: "nginx",
      before: "upstream shop {\n  server 10.0.0.1:8080;\n  server 10.0.0.2:8080;\n}\n",
      after: "upstream shop {\n  server 10.0.0.1:8080 weight=3;\n  server 10.0.0.2:8080;\n}\n",
      policy: "capacity:\n  peak: { shop: 1000 }\n  backends: { '10.0.0.1:8080': 600, '10.0.0.2:8080': 600 }\n",
    },
    silent: {
      format: "nginx",
      before: "upstream shop {\n  server 10.0.0.1:8080;\n  server 10.0.0.2:8080;\n}\n",
      after: "upstream shop {\n  server 10.0.0.1:8080;\n  server 10.0.0.2:8080;\n  server 10.0.0.3:8080;\n}\n",
      policy: "capacity:\n  peak: { shop: 1000 }\n  backends: { '10.0.0.1:8080': 600, '10.0.0.2:8080': 600 }\n",
    },
  },
  check({ changes, capacity }) {
    if (!capacity) return [];
    const hits: RuleHit[] = [];
    for (const p of changes.pools) {
      const peak = capacity.peak[p.name];
      if (peak === undefined || !p.after) continue;
      for (const b of p.backends) {
        const limit = capacity.backends[`${p.name}/${b.id}`] ?? capacity.backends[b.id];
        if (limit === undefined || !b.after || b.shareAfter === null) continue;
        const load = b.shareAfter * peak;
        const was = (b.shareBefore ?? 0) * peak;
        if (load <= limit || load <= was) continue;
        const n = (x: number) => Math.round(x).toLocaleString("en-US");
        const [cause = b.after.loc, ...more] = ownFirst(shareCauses(p), b.after.loc);
        hits.push({
          message: `${p.name}: ${b.id} would take ${n(load)} ${capacity.unit} at peak, above its capacity of ${n(limit)} ${capacity.unit} (was ${n(was)})`,
          loc: cause,
          related: uniqueLocs([cause, ...more, b.after.loc]).slice(1),
        });
      }
    }
    return hits;
  },
};
