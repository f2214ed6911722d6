import { describeBackends, uniqueLocs } from "../src/diff/diff.js";
import { FORMATS } from "../src/model/types.js";
import type { Rule, RuleHit } from "./rule.js";

export const poolRepointed: Rule = {
  id: "pool-repointed",
  severity: "medium",
  title: "Pool re-pointed to new backends",
  description:
    "Every backend that took a pool's traffic is replaced by backends at addresses the pool never used (same server names with new ports, or all addresses new).",
  rationale:
    "The pool now sends all of its traffic somewhere it never did: a typo in an address or port, or a host not yet ready, takes the whole pool down at once. Shares alone do not show it, since a one-for-one swap keeps every share.",
  assumptions: "Addresses are compared as written (host:port). Backends that took no traffic before (down, backup) do not count as the old destination.",
  formats: FORMATS,
  examples: {
    fires: {
      format: "haproxy",
      before: "backend app\n  server a 10.0.0.1:80 check\n  server b 10.0.0.2:80 check\n",
      after: "backend app\n  server a 10.0.0.1:8080 check\n  server b 10.0.0.2:8080 check\n",
    },
    silent: {
      format: "haproxy",
      before: "backend app\n  server a 10.0.0.1:80 check\n  server b 10.0.0.2:80 check\n",
      after: "backend app\n  server a 10.0.0.1:80 check\n  server b 10.0.0.3:80 check\n",
    },
  },
  check({ changes }) {
    const hits: RuleHit[] = [];
    for (const p of changes.pools) {
      // Backends a template loop or Lua code picks are not known: nothing to say they moved.
      if (!p.before || !p.after || p.before.sharesFrom || p.after.sharesFrom) continue;
      const serving = (side: "before" | "after") =>
        p.backends.filter((b) => b[side] !== null && (side === "before" ? b.shareBefore : b.shareAfter) !== 0).map((b) => b[side]!);
      const was = serving("before");
      const now = serving("after");
      if (was.length === 0 || now.length === 0) continue;
      const old = new Set(was.map((b) => b.id));
      if (now.some((b) => old.has(b.id))) continue;
      const [at, ...related] = uniqueLocs(now.map((b) => b.loc));
      hits.push({
        message: `${p.name}: every backend is new: ${describeBackends(now)} (was ${describeBackends(was)})`,
        loc: at!,
        related,
        subject: p.key,
      });
    }
    return hits;
  },
};
