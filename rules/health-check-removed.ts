import { FORMATS } from "../src/model/types.js";
import { describeBackends, describeHealthCheck, uniqueLocs } from "../src/diff/diff.js";
import type { Rule, RuleHit } from "./rule.js";

export const healthCheckRemoved: Rule = {
  id: "health-check-removed",
  severity: "high",
  title: "Health check removed",
  description: "A backend that was health-checked no longer is (HAProxy `check` dropped, nginx `max_fails=0`).",
  rationale:
    "Without a check the balancer keeps sending traffic to a dead server: every request it gets fails until someone notices.",
  assumptions:
    "nginx open source checks passively: a server is marked out after max_fails (default 1) failures within fail_timeout. max_fails=0 turns that off.",
  formats: FORMATS,
  examples: {
    fires: {
      format: "haproxy",
      before: "backend app\n  server a 10.0.0.1:80 check\n  server b 10.0.0.2:80 check\n",
      after: "backend app\n  server a 10.0.0.1:80\n  server b 10.0.0.2:80 check\n",
    },
    silent: {
      format: "haproxy",
      before: "backend app\n  server a 10.0.0.1:80 check\n  server b 10.0.0.2:80 check\n",
      after: "backend app\n  server a 10.0.0.1:80 check inter 1s\n  server b 10.0.0.2:80 check\n",
    },
  },
  check({ changes }) {
    const hits: RuleHit[] = [];
    for (const p of changes.pools) {
      const removed = p.backends.filter((b) => b.before && b.after && b.before.healthCheck.kind !== "none" && b.after.healthCheck.kind === "none");
      if (removed.length === 0) continue;
      const first = removed[0]!;
      // The check's own line (a dropped `check`, `enabled = false`), then the backends it covered.
      const [at, ...related] = uniqueLocs(removed.flatMap((b) => [b.after!.healthCheck.loc, b.after!.loc]));
      hits.push({
        message: `${p.name}: health check removed from ${describeBackends(removed.map((b) => b.after!))} (was ${describeHealthCheck(first.before!.healthCheck)})`,
        loc: at!,
        related,
      });
    }
    return hits;
  },
};
