import { FORMATS, type Loc } from "../src/model/types.js";
import type { Rule, RuleHit } from "./rule.js";

const site = "server {\n  listen 80;\n  location / {\n    proxy_pass http://app;\n  }\n}\n";
const upstream = (addr: string) => `upstream app {\n  server ${addr};\n}\n`;

export const referenceMoved: Rule = {
  id: "reference-moved",
  severity: "high",
  title: "Reference now resolves to another file",
  description:
    "A route's pool is now taken from a different file than before, because its declaration left the file it came from while another file declares the same name.",
  rationale:
    "Names repeat across a tree: per-environment copies, examples, old versions. When the declaration a route used is deleted, the reference silently falls to the next one found, which may not be deployed with it at all. The balancer would see a missing upstream or a Service without pods; the diff shows only a deletion.",
  assumptions:
    "Files moved or renamed in the change count as the same file. Which file a name resolves to is decided as in ambiguous-reference. Label selectors (a Service's pods) match wherever the workloads are declared and are not judged here.",
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
    // What each file still declares: a reference that merely found a nearer declaration did not lose its own.
    const declared = new Set(changes.after.models.flatMap((m) => m.pools.map((p) => `${m.file}|${p.key}`)));
    const jumped = (was: Set<string>, now: Set<string>, name: string) =>
      was.size > 0 && now.size > 0 && ![...now].some((f) => moved(was).has(f)) && ![...moved(was)].some((f) => declared.has(`${f}|${name}`));
    for (const r of changes.routes) {
      if (!r.before || !r.after) continue;
      for (const t of r.after.targets) {
        if (t.kind !== "pool") continue;
        const old = r.before.targets.find((x) => x.kind === "pool" && x.poolKey === t.poolKey);
        if (old?.kind !== "pool") continue;
        const was = filesOf(old.poolIds);
        const now = filesOf(t.poolIds);
        if (jumped(was, now, t.poolKey)) hits.push(hit(`${r.name}: "${t.name}"`, was, now, t.loc));
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
