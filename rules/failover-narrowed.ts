import { FORMATS, type Pool } from "../src/model/types.js";
import type { Rule, RuleHit } from "./rule.js";

export const failoverNarrowed: Rule = {
  id: "failover-narrowed",
  severity: "medium",
  title: "Failover narrowed",
  description:
    "A pool has fewer backup backends than before (nginx `backup`, HAProxy `backup`, Envoy priorities above 0, Traefik failover), or HAProxy stops spreading over all backups (`option allbackups` removed).",
  rationale:
    "Backups carry the pool when every primary is down. Fewer of them, or only the first of them, means the next full outage lands on less capacity, or on nothing.",
  assumptions: "Backups are counted in the steady-state model: a backup that became a primary counts as one fewer backup.",
  formats: FORMATS,
  examples: {
    fires: {
      format: "nginx",
      before: "upstream app {\n  server 10.0.0.1:80;\n  server 10.0.0.9:80 backup;\n}\n",
      after: "upstream app {\n  server 10.0.0.1:80;\n  server 10.0.0.9:80 down;\n}\n",
    },
    silent: {
      format: "nginx",
      before: "upstream app {\n  server 10.0.0.1:80;\n  server 10.0.0.9:80 backup;\n}\n",
      after: "upstream app {\n  server 10.0.0.1:80;\n  server 10.0.0.9:80 backup;\n  server 10.0.0.8:80 backup;\n}\n",
    },
  },
  check({ changes }) {
    const hits: RuleHit[] = [];
    for (const p of changes.pools) {
      if (!p.before || !p.after || !p.after.backupsSupported) continue;
      const before = backups(p.before);
      const after = backups(p.after);
      if (after.length < before.length) {
        const lost = p.backends.filter((b) => b.before?.state === "backup" && b.after?.state !== "backup");
        const at = lost.flatMap((b) => (b.after ? [b.after.loc] : []));
        hits.push({
          message: `${p.name}: backups ${before.length} → ${after.length}${lost.length > 0 ? ` (${lost.map((b) => b.id).join(", ")})` : ""}`,
          loc: at[0] ?? p.after.loc,
          related: at.slice(1),
        });
      } else if (p.before.allBackups && !p.after.allBackups && after.length > 1) {
        hits.push({ message: `${p.name}: option allbackups removed: only the first of ${after.length} backups takes over when the primaries fail`, loc: p.after.loc });
      }
    }
    return hits;
  },
};

function backups(p: Pool) {
  return p.backends.filter((b) => b.state === "backup" && (b.weight === null || b.weight > 0));
}
