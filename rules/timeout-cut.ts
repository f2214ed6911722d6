import { resilienceChanges } from "../src/diff/diff.js";
import type { Resilience } from "../src/model/types.js";
import type { Rule, RuleHit } from "./rule.js";

/** A timeout cut to a fifth or less: short enough to fail requests that used to succeed. */
export const CUT_FACTOR = 5;

export const timeoutCut: Rule = {
  id: "timeout-cut",
  severity: "medium",
  title: "Timeout cut sharply",
  description:
    "A timeout on a pool or route becomes 5 times shorter or more (nginx `proxy_*_timeout`, HAProxy `timeout server/connect/client`, Envoy and Istio route `timeout`), counting the balancer's default where none was set.",
  rationale:
    "Requests that took longer than the new limit used to succeed and now fail: slow endpoints, reports and uploads break, and clients retrying them add load at the worst moment.",
  assumptions: "A timeout of 0 means none. Defaults: nginx 60s (stream proxy_timeout 10m), Envoy route 15s; HAProxy and Istio have none and are compared only where set.",
  formats: ["nginx", "haproxy", "envoy", "kubernetes"],
  examples: {
    fires: {
      format: "nginx",
      before: "server {\n  listen 80;\n  location / {\n    proxy_pass http://10.0.0.1:8080;\n    proxy_read_timeout 60s;\n  }\n}\n",
      after: "server {\n  listen 80;\n  location / {\n    proxy_pass http://10.0.0.1:8080;\n    proxy_read_timeout 12s;\n  }\n}\n",
    },
    silent: {
      format: "nginx",
      before: "server {\n  listen 80;\n  location / {\n    proxy_pass http://10.0.0.1:8080;\n    proxy_read_timeout 60s;\n  }\n}\n",
      after: "server {\n  listen 80;\n  location / {\n    proxy_pass http://10.0.0.1:8080;\n    proxy_read_timeout 13s;\n  }\n}\n",
    },
  },
  check({ changes }) {
    const hits: RuleHit[] = [];
    const judge = (name: string, before: Resilience, after: Resilience) => {
      const was = before.timeouts ?? {};
      const cuts = Object.entries(after.timeouts ?? {}).flatMap(([key, now]) => {
        const old = was[key];
        if (!old) return [];
        const eff = (ms: number) => (ms === 0 ? Infinity : ms);
        return eff(old.ms) >= CUT_FACTOR * eff(now.ms) ? [{ key, old: old.ms, now }] : [];
      });
      if (cuts.length === 0) return;
      const show = (ms: number) => (ms === 0 ? "none" : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);
      hits.push({
        message: `${name}: ${cuts.map((c) => `${c.key} ${show(c.old)} → ${show(c.now.ms)}`).join(", ")}`,
        loc: cuts[0]!.now.loc,
        related: cuts.slice(1).map((c) => c.now.loc),
      });
    };
    for (const x of resilienceChanges(changes)) judge(x.name, x.before, x.after);
    return hits;
  },
};
