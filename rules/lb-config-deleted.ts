import type { ChangeSet, FileChange } from "../src/diff/diff.js";
import { FORMATS, loc } from "../src/model/types.js";
import type { Rule, RuleHit } from "./rule.js";

export const lbConfigDeleted: Rule = {
  id: "lb-config-deleted",
  severity: "high",
  title: "Load-balancer config file deleted",
  description:
    "A file that held load-balancer config is deleted, or emptied of every pool and route, and what it declared is not found again elsewhere (a moved or renamed file is not a deletion); low when it declared no pool or route.",
  rationale:
    "Deleting the file removes every pool and route in it at once; whatever included it or routed to it loses its destination.",
  formats: FORMATS,
  examples: {
    fires: { format: "nginx", before: "upstream app {\n  server 10.0.0.1:80;\n}\n", after: null },
    silent: { format: "nginx", before: null, after: "upstream app {\n  server 10.0.0.1:80;\n}\n" },
  },
  check({ changes }) {
    return changes.files.flatMap((f) => {
      if (f.status !== "removed" && !f.emptied) return [];
      const { pools, routes, declared } = gone(f, changes);
      // A removed file whose every element lives on elsewhere was restructured, and is judged
      // element by element. An emptied one is a deletion whatever else declares the same names.
      if (f.status === "removed" && declared > 0 && pools + routes === 0) return [];
      const what = f.status === "removed" ? "deleted" : "emptied (still present, but declares no pool or route)";
      const hit: RuleHit = { message: `${f.path} ${what}: ${pools} pool(s) and ${routes} route(s) gone`, loc: loc(f.path, 1) };
      // It declared no pool or route (workloads only, settings): what that breaks, other rules say.
      if (declared === 0) hit.severity = "low";
      return [hit];
    });
  },
};

/** The file's pools and routes that no longer exist anywhere. */
function gone(f: FileChange, changes: ChangeSet) {
  const mine = (x: { before: { loc: { file: string } } | null; after: unknown }) => x.before?.loc.file === f.path && x.after === null;
  const declared = (f.before?.pools.length ?? 0) + (f.before?.routes.length ?? 0);
  if (f.emptied) return { pools: f.before?.pools.length ?? 0, routes: f.before?.routes.length ?? 0, declared };
  return { pools: changes.pools.filter(mine).length, routes: changes.routes.filter(mine).length, declared };
}
