import { FORMATS } from "../src/model/types.js";
import { z } from "zod";
import type { BackendShare } from "../src/diff/shares.js";
import { percent, type Rule, type RuleHit } from "./rule.js";

const options = z.strictObject({ threshold: z.number().gt(0).max(1).default(0.8) });

export const trafficConcentration: Rule<z.infer<typeof options>> = {
  id: "traffic-concentration",
  severity: "critical",
  title: "Traffic concentrates on one backend",
  description:
    "A pool or a weighted route now sends a share at or above the threshold (default 0.8) to one backend, where no backend had that much before.",
  rationale:
    "This is the outage lb-review exists for: maintenance marks servers down and one under-sized server silently takes everything. The diff shows a few `down` flags; the effect is one machine carrying the whole site.",
  assumptions:
    "Shares are the configured steady state: every backend not taken out (down, disabled, drained, weight 0) is healthy. Hashing and least-connections balancers are treated as proportional to weight. Pools new in this change are not judged, since nothing concentrated onto them.",
  formats: FORMATS,
  options,
  examples: {
    fires: {
      format: "nginx",
      before: "upstream shop {\n  server 10.0.0.1:8080;\n  server 10.0.0.2:8080;\n}\n",
      after: "upstream shop {\n  server 10.0.0.1:8080;\n  server 10.0.0.2:8080 down;\n}\n",
    },
    silent: {
      format: "nginx",
      before: "upstream shop {\n  server 10.0.0.1:8080;\n  server 10.0.0.2:8080;\n}\n",
      after: "upstream shop {\n  server 10.0.0.1:8080;\n  server 10.0.0.2:8080;\n  server 10.0.0.3:8080;\n}\n",
    },
  },
  check({ changes, options: { threshold } }) {
    const hits: RuleHit[] = [];
    const flagged = new Set<string>();
    for (const p of changes.pools) {
      if (!p.before || !p.after || !p.sharesBefore || !p.sharesAfter) continue;
      const top = concentrated(p.sharesBefore, p.sharesAfter, threshold);
      if (!top) continue;
      flagged.add(`${p.name}/${top.after.id}`);
      const backend = p.after.backends.find((b) => b.id === top.after.id)!;
      hits.push({
        message: `${p.name}: ${top.after.id} now receives ${percent(top.after.share)} of traffic (was ${percent(top.before)})`,
        loc: backend.loc,
        related: p.changes.map((c) => c.loc),
      });
    }
    for (const r of changes.routes) {
      if (!r.before || !r.after || !r.sharesBefore || !r.sharesAfter) continue;
      const top = concentrated(r.sharesBefore, r.sharesAfter, threshold);
      if (!top || flagged.has(top.after.id)) continue;
      hits.push({
        message: `${r.name}: ${top.after.id} now receives ${percent(top.after.share)} of this route's traffic (was ${percent(top.before)})`,
        loc: r.after.targets[0]?.loc ?? r.after.loc,
        related: r.after.targets.map((t) => t.loc),
      });
    }
    return hits;
  },
};

/** The backend at or above the threshold now, if none was before. */
function concentrated(before: BackendShare[], after: BackendShare[], threshold: number) {
  const top = after.reduce<BackendShare | undefined>((m, s) => (s.share !== null && s.share > (m?.share ?? -1) ? s : m), undefined);
  if (!top || top.share === null || top.share < threshold) return undefined;
  if (before.some((s) => s.share === null || s.share >= threshold)) return undefined;
  return { after: top, before: before.find((s) => s.id === top.id)?.share ?? 0 };
}
