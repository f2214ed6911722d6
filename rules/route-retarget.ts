import type { TargetShare } from "../src/diff/shares.js";
import { targetPool } from "../src/model/link.js";
import { FORMATS, type Pool, type Target, targetIdentity, targetName } from "../src/model/types.js";
import type { Rule, RuleHit } from "./rule.js";

export const routeRetarget: Rule = {
  id: "route-retarget",
  severity: "high",
  title: "Route sends traffic to another pool",
  description:
    "A route (nginx location, HAProxy use_backend or default_backend, a listener) now sends its traffic to a different pool or address, or no longer forwards at all (a listener turned into a redirect or fixed response); critical when the new destination has fewer active backends.",
  rationale:
    "Retargeting moves a whole stream of requests at once. If the new pool is smaller, it takes the old pool's load on fewer servers.",
  assumptions:
    "Weight changes inside a weighted split are share changes, not retargets. A target that no longer exists is dangling-reference. A pool renamed together with its references (the same servers, weights and states) is not a retarget. A route that forwarded nowhere before (its configuration did not apply) and forwards now was repaired: not a retarget.",
  formats: FORMATS,
  examples: {
    fires: {
      format: "haproxy",
      before:
        "frontend www\n  bind :80\n  default_backend big\nbackend big\n  server a 10.0.0.1:80\n  server b 10.0.0.2:80\nbackend small\n  server c 10.0.0.3:80\n",
      after:
        "frontend www\n  bind :80\n  default_backend small\nbackend big\n  server a 10.0.0.1:80\n  server b 10.0.0.2:80\nbackend small\n  server c 10.0.0.3:80\n",
      severity: "critical",
    },
    silent: {
      format: "haproxy",
      before: "frontend www\n  bind :80\n  default_backend big\nbackend big\n  server a 10.0.0.1:80\n  server b 10.0.0.2:80\n",
      after: "frontend www\n  bind :80\n  bind :8080\n  default_backend big\nbackend big\n  server a 10.0.0.1:80\n  server b 10.0.0.2:80\n",
    },
  },
  check({ changes }) {
    const hits: RuleHit[] = [];
    for (const r of changes.routes) {
      if (!r.before || !r.after || !r.targetsChanged) continue;
      const describe = (targets: Target[], n: number | null) =>
        `${targets.map(targetName).join(" + ") || "nothing"} (${n ?? "unknown"} active backend${n === 1 ? "" : "s"})`;
      const served = (targets: Target[]) => targets.filter((t) => t.kind !== "missing");
      // A route that forwarded nowhere and now forwards was repaired, not re-targeted.
      if (served(r.before.targets).length === 0) continue;
      // One that forwarded and now forwards nowhere (a redirect, a fixed response) drops its traffic's backends.
      if (r.after.targets.length === 0) {
        hits.push({ message: `${r.after.name}: no longer forwards; it sent traffic to ${describe(r.before.targets, capacity(r.targetsBefore!))}`, loc: r.after.loc });
        continue;
      }
      const was = new Set(r.before.targets.map(targetIdentity));
      // A target a template fills in is unknown: no retarget is claimed from it alone.
      const added = r.after.targets.filter((t) => !was.has(targetIdentity(t)) && t.kind !== "missing" && !(t.kind === "dynamic" && t.placeholder));
      if (added.length === 0) continue;
      // A pool renamed together with its references still sends to the same servers.
      if (sameServers(r.before.targets, changes.before.pools, r.after.targets, changes.after.pools)) continue;
      const capacityBefore = capacity(r.targetsBefore!);
      const capacityAfter = capacity(r.targetsAfter!);
      const smaller = capacityBefore !== null && capacityAfter !== null && capacityAfter < capacityBefore;
      const hit: RuleHit = {
        message: `${r.name}: now sends traffic to ${describe(r.after.targets, capacityAfter)} instead of ${describe(r.before.targets, capacityBefore)}`,
        loc: added[0]!.loc,
      };
      if (smaller) hit.severity = "critical";
      hits.push(hit);
    }
    return hits;
  },
};

function sameServers(before: Target[], poolsBefore: Map<string, Pool>, after: Target[], poolsAfter: Map<string, Pool>): boolean {
  const servers = (targets: Target[], pools: Map<string, Pool>) => {
    const found = targets.map((t) => targetPool(t, pools));
    if (found.some((p) => !p || p.backends.length === 0)) return null;
    return found
      .flatMap((p, i) => p!.backends.map((b) => `${targets[i]!.weight}|${b.id}|${b.weight}|${b.state}`))
      .sort()
      .join(",");
  };
  const was = servers(before, poolsBefore);
  return was !== null && was === servers(after, poolsAfter);
}

/** Active backends behind a route's targets; null when any is unknown (a variable target). */
function capacity(targets: TargetShare[]): number | null {
  let n = 0;
  for (const t of targets) {
    if (t.kind === "missing" || t.kind === "external") continue;
    if (t.activeBackends === null) return null;
    n += t.activeBackends;
  }
  return n;
}
