import type { RouteChange } from "../src/diff/diff.js";
import { type Route, targetIdentity, targetName } from "../src/model/types.js";
import type { Rule, RuleHit } from "./rule.js";

const frontend = (rule: string) =>
  `frontend www\n  bind :80\n  acl is_api path_beg /api\n${rule}  default_backend web\nbackend api\n  server a 10.0.0.1:80\nbackend web\n  server w 10.0.0.5:80\n`;

export const routeRemovedToDefault: Rule = {
  id: "route-removed-to-default",
  severity: "high",
  title: "Route removed: its traffic falls to the default",
  description:
    "A route is removed while its entry point stays, so the requests it matched now go to the fallback (HAProxy `default_backend`, the ALB listener's default action, nginx `location /`), or get no backend at all.",
  rationale:
    "Removing a routing rule rarely removes the traffic: `/api` requests now reach the web servers, a fixed 404, or a 503. The diff shows a deleted line; the effect is a whole class of requests served by something else.",
  assumptions:
    "A route whose match changed but that still sends to the same place is a changed match, not a removal. A removed file is lb-config-deleted.",
  formats: ["nginx", "haproxy", "terraform"],
  examples: {
    fires: { format: "haproxy", before: frontend("  use_backend api if is_api\n"), after: frontend("") },
    silent: { format: "haproxy", before: frontend("  use_backend api if is_api\n"), after: frontend("  use_backend api if is_api || { path_beg /v2 }\n") },
  },
  check({ changes }) {
    const hits: RuleHit[] = [];
    const removedFiles = new Set(changes.files.filter((f) => f.status === "removed").map((f) => f.path));
    for (const r of changes.routes) {
      const gone = r.before;
      if (!gone || r.after || gone.scope === undefined || gone.fallback || removedFiles.has(gone.loc.file)) continue;
      // The entry point is the same scope in the same file (or where that file moved): a copy's is another.
      const files = new Set([gone.loc.file, ...(changes.moves.get(gone.loc.file) ?? [])]);
      const now = changes.after.models.filter((m) => files.has(m.file)).flatMap((m) => m.routes);
      if (rematched(r, changes.routes, files)) continue;
      const fallback = now.find((x) => x.scope === gone.scope && x.fallback);
      if (fallback) {
        hits.push({ message: `${r.name} removed: the requests it matched now go to ${describe(fallback)}`, loc: fallback.loc });
      } else if (gone.format === "haproxy") {
        const at = now.find((x) => x.scope === gone.scope)?.loc;
        if (at) hits.push({ message: `${r.name} removed: the requests it matched now find no backend (HAProxy answers 503; no default_backend)`, loc: at });
      }
    }
    return hits;
  },
};

/** An added route of the same entry point sending to the same place: the match was edited. */
function rematched(r: RouteChange, all: RouteChange[], files: Set<string>): boolean {
  const same = (a: Route) => a.targets.map(targetIdentity).join(",") === r.before!.targets.map(targetIdentity).join(",");
  return all.some((x) => !x.before && x.after !== null && files.has(x.after.loc.file) && x.after.scope === r.before!.scope && same(x.after));
}

function describe(route: Route): string {
  if (route.targets.length === 0) return `${route.name} (no backend: it answers itself)`;
  return `${route.targets.map(targetName).join(" + ")} (${route.name})`;
}
