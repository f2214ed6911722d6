import { FORMATS } from "../src/model/types.js";
import { routeCauses, shareCauses, uniqueLocs } from "../src/diff/diff.js";
import { activeCount } from "../src/diff/shares.js";
import type { Rule, RuleHit } from "./rule.js";

export const noActiveBackend: Rule = {
  id: "no-active-backend",
  severity: "critical",
  title: "Pool serves nothing",
  description:
    "A pool that served traffic has no backend left to take it (all out, or none left at all), or a weighted route's weights are all zero.",
  rationale:
    "Every request to it fails (nginx answers 502, HAProxy 503). Backups count: when every primary is out and the balancer supports backups, the backups serve.",
  assumptions:
    "A pool that never had backends is not judged: NGINX Plus fills such upstreams through its API at run time, and a Kubernetes Service's pods may be declared elsewhere.",
  formats: FORMATS,
  examples: {
    fires: {
      format: "haproxy",
      before: "backend app\n  server a 10.0.0.1:80\n  server b 10.0.0.2:80\n",
      after: "backend app\n  server a 10.0.0.1:80 disabled\n  server b 10.0.0.2:80 disabled\n",
    },
    silent: {
      format: "haproxy",
      before: "backend app\n  server a 10.0.0.1:80\n  server b 10.0.0.2:80 backup\n",
      after: "backend app\n  server a 10.0.0.1:80 disabled\n  server b 10.0.0.2:80 backup\n",
    },
  },
  check({ changes }) {
    const hits: RuleHit[] = [];
    for (const p of changes.pools) {
      if (!p.after || !p.sharesAfter || activeCount(p.sharesAfter) > 0) continue;
      const served = p.sharesBefore !== null && activeCount(p.sharesBefore) > 0;
      // Empty and never serving: filled at run time (NGINX Plus API) or declared elsewhere.
      if (p.after.backends.length === 0 && !served) continue;
      // Already serving nothing before: not this change's doing.
      if (!served && p.before && p.before.backends.length > 0) continue;
      const left = p.after.backends.length > 0 ? p.after.backends.map((b) => `${b.id} ${b.state}`).join(", ") : `none left, ${p.before!.backends.length} before`;
      const [cause = p.after.loc, ...more] = shareCauses(p);
      hits.push({ message: `${p.name}: no backend takes traffic any more (${left})`, loc: cause, related: uniqueLocs([cause, ...more, ...p.after.backends.map((b) => b.loc)]).slice(1) });
    }
    for (const r of changes.routes) {
      const targets = r.after?.targets ?? [];
      if (targets.length < 2 || !targets.every((t) => t.weight === 0)) continue;
      if (r.before?.targets.every((t) => t.weight === 0)) continue;
      const [cause = r.after!.loc, ...more] = routeCauses(r);
      hits.push({ message: `${r.name}: every target has weight 0`, loc: cause, related: uniqueLocs([cause, ...more, ...targets.map((t) => t.loc)]).slice(1) });
    }
    return hits;
  },
};
