import { FORMATS } from "../src/model/types.js";
import { z } from "zod";
import { isWeighted, ownFirst, routeCauses, shareCauses, uniqueLocs } from "../src/diff/diff.js";
import { activeCount, type BackendShare, type TargetShare } from "../src/diff/shares.js";
import { backendName, percent, type Rule, type RuleHit } from "./rule.js";

const options = z.strictObject({ threshold: z.number().gt(0).max(1).default(0.8) });

export const trafficConcentration: Rule<z.infer<typeof options>> = {
  id: "traffic-concentration",
  severity: "critical",
  title: "Traffic concentrates on one backend",
  description:
    "A pool now sends a share at or above the threshold (default 0.8) to one backend, or a weighted route to one target, that had less than that before.",
  rationale:
    "This is the outage lb-review exists for: maintenance marks servers down and one under-sized server silently takes everything. The diff shows a few `down` flags; the effect is one machine carrying the whole site.",
  assumptions:
    "Shares are the configured steady state: every backend not taken out (down, disabled, drained, weight 0) is healthy. Hashing and least-connections balancers are treated as proportional to weight. Pools new in this change, or that served nothing before, are not judged, since nothing concentrated onto them. On a weighted route the severity is high instead of critical when the receiving target is known to have several active backends (a blue/green cut-over to a healthy fleet).",
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
    for (const p of changes.pools) {
      if (!p.before || !p.after || !p.sharesBefore || !p.sharesAfter) continue;
      // A pool that served nothing before and now has a backend gained one; nothing concentrated.
      if (activeCount(p.sharesBefore) === 0) continue;
      const top = concentrated(p.sharesBefore, p.sharesAfter, threshold);
      if (!top) continue;
      const backend = p.after.backends.find((b) => b.id === top.after.id)!;
      // The finding sits on the lines that moved the traffic; the receiving backend is related.
      const [cause = backend.loc, ...more] = ownFirst(shareCauses(p), backend.loc);
      hits.push({
        message: `${p.name}: ${backendName(backend)} now receives ${percent(top.after.share)} of traffic (was ${percent(top.before)})`,
        loc: cause,
        related: uniqueLocs([cause, ...more, backend.loc]).slice(1),
        subject: `${p.key}/${backendSubject(backend)}`,
        detail: `now ${percent(top.after.share)}`,
      });
    }
    // A weighted route's backends are its targets (Gateway API backendRefs, ALB target groups…).
    for (const r of changes.routes) {
      if (!r.targetsBefore || !r.targetsAfter || !isWeighted(r)) continue;
      const before = r.targetsBefore;
      const after = r.targetsAfter;
      const top = concentrated(before.map(asShare), after.map(asShare), threshold);
      if (!top) continue;
      const target = after.find((t) => t.name === top.after.id)!;
      const [cause = target.loc, ...more] = ownFirst(routeCauses(r), target.loc);
      const hit: RuleHit = {
        message: `${r.name}: ${target.name} now receives ${percent(top.after.share)} of this route's traffic (was ${percent(top.before)})`,
        loc: cause,
        related: uniqueLocs([cause, ...more, ...after.map((t) => t.loc)]).slice(1),
        subject: `${r.key}/${target.name}`,
        detail: `now ${percent(top.after.share)}`,
      };
      // Cutting over to a target with several healthy backends is a deploy, not a single point of failure.
      if (target.activeBackends !== null && target.activeBackends > 1) hit.severity = "high";
      hits.push(hit);
    }
    return hits;
  },
};

function asShare(t: TargetShare): BackendShare {
  return { id: t.name, weight: null, state: "active", share: t.share };
}

/** Replicas of one workload are one subject: the workload. */
export function backendSubject(b: { id: string; replicaOf?: string | undefined }): string {
  return b.replicaOf ?? b.id;
}

/**
 * The backend at or above the threshold now, if it was below it before (absent counts as 0) and
 * nothing was at or above it before: a pool that already sent everything to one backend (a
 * single-server pool re-pointed elsewhere) did not become concentrated.
 */
function concentrated(before: BackendShare[], after: BackendShare[], threshold: number) {
  const top = after.reduce<BackendShare | undefined>((m, s) => (s.share !== null && s.share > (m?.share ?? -1) ? s : m), undefined);
  if (!top || top.share === null || top.share < threshold) return undefined;
  if (before.some((s) => s.share !== null && s.share >= threshold)) return undefined;
  const was = before.find((s) => s.id === top.id);
  // An unknown share before is still less than all of it when others took traffic too.
  if (was?.share === null && activeCount(before) <= 1) return undefined;
  return { after: top, before: was ? was.share : 0 };
}
