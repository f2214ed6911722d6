import { FORMATS, type HealthCheck } from "../src/model/types.js";
import { uniqueLocs } from "../src/diff/diff.js";
import type { Rule, RuleHit } from "./rule.js";

/** Stronger kinds see more failures: an HTTP check catches a broken app that still accepts TCP. */
const STRENGTH: Record<HealthCheck["kind"], number> = { none: 0, passive: 1, tcp: 2, http: 3 };

export const healthCheckWeakened: Rule = {
  id: "health-check-weakened",
  severity: "medium",
  title: "Health check weakened",
  description:
    "A backend's health check becomes a weaker kind (HTTP → TCP → passive), checks less often, or needs more failures before marking the server out.",
  rationale: "A weaker check leaves a failing server in rotation for longer, so more requests fail before it is taken out.",
  assumptions: "Compared per backend: interval (inter), fall, and nginx max_fails. Removal entirely is health-check-removed.",
  formats: FORMATS,
  examples: {
    fires: {
      format: "haproxy",
      before: "backend app\n  option httpchk GET /health\n  server a 10.0.0.1:80 check inter 2s fall 3\n",
      after: "backend app\n  option httpchk GET /health\n  server a 10.0.0.1:80 check inter 30s fall 3\n",
    },
    silent: {
      format: "haproxy",
      before: "backend app\n  option httpchk GET /health\n  server a 10.0.0.1:80 check inter 2s fall 3\n",
      after: "backend app\n  option httpchk GET /health\n  server a 10.0.0.1:80 check inter 1s fall 2\n",
    },
  },
  check({ changes }) {
    const hits: RuleHit[] = [];
    for (const p of changes.pools) {
      const weakened = p.backends.flatMap((b) => {
        if (!b.before || !b.after || b.after.healthCheck.kind === "none") return [];
        const why = weakenings(b.before.healthCheck, b.after.healthCheck);
        return why.length > 0 ? [{ id: b.after.replicaOf ?? b.id, why: why.join(", "), locs: [b.after.healthCheck.loc, b.after.loc] }] : [];
      });
      if (weakened.length === 0) continue;
      const described = [...new Set(weakened.map((w) => `${w.id} (${w.why})`))];
      const [at, ...related] = uniqueLocs(weakened.flatMap((w) => w.locs));
      hits.push({ message: `${p.name}: health check weakened on ${described.join("; ")}`, loc: at!, related });
    }
    return hits;
  },
};

function weakenings(b: HealthCheck, a: HealthCheck): string[] {
  const out: string[] = [];
  if (STRENGTH[a.kind] < STRENGTH[b.kind]) out.push(`${b.kind} → ${a.kind}`);
  const worse = (field: "intervalMs" | "fall" | "maxFails", label: string) => {
    const was = b[field];
    const now = a[field];
    if (was !== undefined && now !== undefined && now > was) out.push(`${label} ${was} → ${now}`);
  };
  worse("intervalMs", "interval ms");
  worse("fall", "fall");
  worse("maxFails", "max_fails");
  return out;
}
