import { resilienceChanges } from "../src/diff/diff.js";
import type { Resilience, Retries } from "../src/model/types.js";
import type { Rule, RuleHit } from "./rule.js";

export const retriesNarrowed: Rule = {
  id: "retries-narrowed",
  severity: "medium",
  title: "Retries removed or narrowed",
  description:
    "A pool or route retries a failed request fewer times, on fewer kinds of failure, or no longer on another server (nginx `proxy_next_upstream[_tries]`, HAProxy `retries`/`retry-on`/`option redispatch`, Envoy `retry_policy`, Istio `retries`).",
  rationale:
    "Retries are what hides a single failing server from users. Without them, every request that lands on a server while it restarts or before its health check marks it out fails.",
  assumptions:
    "Defaults count: nginx retries on error and timeout with no limit, HAProxy 3 times on connection failures, Istio 2 times; Envoy does not retry without a retry_policy.",
  formats: ["nginx", "haproxy", "envoy", "kubernetes"],
  examples: {
    fires: {
      format: "haproxy",
      before: "backend app\n  retries 3\n  option redispatch\n  server a 10.0.0.1:80 check\n  server b 10.0.0.2:80 check\n",
      after: "backend app\n  retries 3\n  server a 10.0.0.1:80 check\n  server b 10.0.0.2:80 check\n",
    },
    silent: {
      format: "haproxy",
      before: "backend app\n  retries 3\n  server a 10.0.0.1:80 check\n  server b 10.0.0.2:80 check\n",
      after: "backend app\n  retries 3\n  option redispatch\n  server a 10.0.0.1:80 check\n  server b 10.0.0.2:80 check\n",
    },
  },
  check({ changes }) {
    const hits: RuleHit[] = [];
    const judge = (name: string, before: Resilience, after: Resilience) => {
      if (!before.retries || !after.retries) return;
      const why = narrowings(before.retries, after.retries);
      if (why.length > 0) hits.push({ message: `${name}: retries narrowed: ${why.join("; ")}`, loc: after.retries.loc });
    };
    for (const x of resilienceChanges(changes)) judge(x.name, x.before, x.after);
    return hits;
  },
};

function narrowings(b: Retries, a: Retries): string[] {
  const count = (n: number | null) => (n === null ? "unlimited" : String(n));
  if (b.attempts !== 0 && (a.attempts === 0 || a.on.length === 0 || a.on.includes("none"))) return [`retries off (was ${count(b.attempts)} on ${b.on.join(", ") || "?"})`];
  const out: string[] = [];
  if (a.attempts !== null && (b.attempts === null || a.attempts < b.attempts)) out.push(`attempts ${count(b.attempts)} → ${a.attempts}`);
  const lost = b.on.filter((x) => !a.on.includes(x));
  if (lost.length > 0 && !a.on.includes("all-retryable-errors")) out.push(`no longer on ${lost.join(", ")}`);
  if (b.redispatch === true && a.redispatch !== true) out.push("no longer redispatched to another server");
  return out;
}
