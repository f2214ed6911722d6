import { FORMATS, type Loc } from "../src/model/types.js";
import type { Rule, RuleHit } from "./rule.js";

const site = "server {\n  listen 80;\n  location / {\n    proxy_pass http://app;\n  }\n}\n";
const upstream = (addr: string) => `upstream app {\n  server ${addr};\n}\n`;

export const referenceMoved: Rule = {
  id: "reference-moved",
  severity: "high",
  title: "Reference now resolves to another file",
  description:
    "A route's pool, or a Service's workload, is now taken from a different file than before, because its declaration left the file it came from while another file declares the same name.",
  rationale:
    "Names repeat across a tree: per-environment copies, examples, old versions. When the declaration a route used is deleted, the reference silently falls to the next one found, which may not be deployed with it at all. The balancer would see a missing upstream or a Service without pods; the diff shows only a deletion.",
  assumptions: "Files moved or renamed in the change count as the same file. Which file a name resolves to is decided as in ambiguous-reference.",
  formats: FORMATS,
  examples: {
    fires: {
      format: "nginx",
      before: `${upstream("10.0.0.1:80")}${site}`,
      after: site,
      extra: [{ path: "lb/examples/app.conf", text: upstream("10.0.0.1:80") }],
    },
    silent: {
      format: "nginx",
      before: `${upstream("10.0.0.1:80")}${site}`,
      after: `${upstream("10.0.0.2:80")}${site}`,
      extra: [{ path: "lb/examples/app.conf", text: upstream("10.0.0.1:80") }],
    },
  },
  check({ changes }) {
    const hits: RuleHit[] = [];
    const moved = (files: Iterable<string>) => new Set([...files].flatMap((f) => [f, ...(changes.moves.get(f) ?? [])]));
    const jumped = (was: Set<string>, now: Set<string>) => was.size > 0 && now.size > 0 && ![...now].some((f) => moved(was).has(f));
    for (const r of changes.routes) {
      if (!r.before || !r.after) continue;
      for (const t of r.after.targets) {
        if (t.kind !== "pool") continue;
        const old = r.before.targets.find((x) => x.kind === "pool" && x.poolKey === t.poolKey);
        if (old?.kind !== "pool") continue;
        const was = filesOf(old.poolIds);
        const now = filesOf(t.poolIds);
        if (jumped(was, now)) hits.push(hit(`${r.name}: "${t.name}"`, was, now, t.loc));
      }
    }
    for (const p of changes.pools) {
      if (!p.before?.selector || !p.after?.selector) continue;
      const byWorkload = (backends: { replicaOf?: string | undefined; loc: Loc }[]) => {
        const out = new Map<string, Set<string>>();
        for (const b of backends) if (b.replicaOf !== undefined) out.set(b.replicaOf, (out.get(b.replicaOf) ?? new Set()).add(b.loc.file));
        return out;
      };
      const was = byWorkload(p.before.backends);
      for (const [name, now] of byWorkload(p.after.backends)) {
        const before = was.get(name);
        if (before && jumped(before, now)) hits.push(hit(`${p.name}: workload ${name}`, before, now, p.after.loc));
      }
    }
    return hits;
  },
};

function filesOf(ids: string[]): Set<string> {
  return new Set(ids.map((id) => id.slice(0, id.indexOf("|"))));
}

function hit(what: string, was: Set<string>, now: Set<string>, at: Loc): RuleHit {
  return {
    message: `${what} now comes from ${[...now].join(", ")} instead of ${[...was].join(", ")}, where it is no longer declared`,
    loc: at,
  };
}
