import { FORMATS, type Target } from "../src/model/types.js";
import type { Rule, RuleHit } from "./rule.js";

export const danglingReference: Rule = {
  id: "dangling-reference",
  severity: "critical",
  title: "Route points to a pool that no longer exists",
  description:
    "A route names a pool that is not declared anywhere in the change set: HAProxy refuses to start, and nginx looks the name up as a host name.",
  rationale:
    "A reload with a dangling backend fails (HAProxy, and nginx when the name does not resolve) or, worse, sends traffic to whatever that name resolves to.",
  assumptions:
    "Pools are looked up across every load-balancer file of the version, so a conf.d fragment may use an upstream declared in another file. Only references that were fine before are reported.",
  formats: FORMATS,
  examples: {
    fires: {
      format: "nginx",
      before: "upstream app {\n  server 10.0.0.1:80;\n}\nserver {\n  listen 80;\n  location / {\n    proxy_pass http://app;\n  }\n}\n",
      after: "server {\n  listen 80;\n  location / {\n    proxy_pass http://app;\n  }\n}\n",
    },
    silent: {
      format: "nginx",
      before: "upstream app {\n  server 10.0.0.1:80;\n}\nserver {\n  listen 80;\n  location / {\n    proxy_pass http://app;\n  }\n}\n",
      after: "server {\n  listen 80;\n  location / {\n    proxy_pass http://app;\n  }\n}\nupstream app {\n  server 10.0.0.1:80;\n}\n",
    },
  },
  check({ changes }) {
    const hits: RuleHit[] = [];
    for (const r of changes.routes) {
      if (!r.after) continue;
      const before = r.before?.targets ?? [];
      for (const t of r.after.targets) {
        const dangling = isDangling(t, before);
        if (dangling) hits.push({ message: `${r.name}: ${dangling}`, loc: t.loc });
      }
    }
    return hits;
  },
};

function isDangling(t: Target, before: Target[]): string | null {
  if (t.kind === "missing") {
    if (before.some((b) => b.kind === "missing" && b.name === t.name)) return null;
    return `"${t.name}" is not declared anywhere`;
  }
  // nginx: an upstream name that no longer resolves to a pool silently becomes a host name.
  if (t.kind === "address" && before.some((b) => b.kind === "pool" && b.name === t.id)) {
    return `upstream "${t.id}" no longer exists; nginx will try to resolve "${t.id}" as a host name`;
  }
  return null;
}
