/**
 * `include` inside `upstream {}`: the included file's `server` lines are servers of that pool,
 * with their own file and line. Resolved once every file of a version is parsed, since the
 * fragment is usually a file of its own (often not nginx-looking: only `server` lines).
 */
import { includeMatcher } from "../../model/includes.js";
import { uniqueIds } from "../../model/ids.js";
import type { Model } from "../../model/types.js";
import { parseTree } from "./tree.js";
import { type NginxContext, serverToBackend, upstreamIncludeContext } from "./upstream.js";

export function resolveUpstreamIncludes(models: Map<string, Model>, files: readonly { path: string; text: string }[]): void {
  for (const m of models.values()) {
    if (m.format !== "nginx") continue;
    for (const pool of m.pools) {
      const includes = m.includes.filter((i) => i.context === upstreamIncludeContext(pool.key));
      if (includes.length === 0) continue;
      const ctx = pool.key.split(":")[1] as NginxContext;
      for (const inc of includes) {
        const match = includeMatcher(inc.pattern);
        const fragments = files.filter((f) => f.path !== m.file && match(f.path));
        if (fragments.length === 0) {
          pool.sharesFrom ??= { what: `the servers of ${inc.pattern}, a file not among those reviewed`, loc: inc.loc, unseen: true };
          continue;
        }
        for (const f of fragments) {
          const diagnostics = models.get(f.path)?.diagnostics ?? m.diagnostics;
          for (const d of parseTree(f.text).directives) {
            if (d.name !== "server" || d.block) continue;
            const backend = serverToBackend(d, ctx, f.path, diagnostics);
            if (backend) pool.backends.push(backend);
          }
        }
      }
      uniqueIds(pool.backends);
    }
  }
}
