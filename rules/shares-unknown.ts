import { FORMATS, type Loc } from "../src/model/types.js";
import type { Rule, RuleHit } from "./rule.js";

const pool = (weight: string) => `backend shop\n  server a 10.0.0.1:80 weight 2\n  server b 10.0.0.2:80 weight ${weight}\n`;

export const sharesUnknown: Rule = {
  id: "shares-unknown",
  severity: "info",
  title: "Shares depend on something outside the config",
  description:
    "A new or changed pool has a backend whose weight comes from outside the file (an environment variable, a template placeholder), or its balancing is done by code (an OpenResty Lua balancer), so its traffic shares cannot be computed.",
  rationale:
    "lb-review never guesses a weight: an unknown one is neither 0 nor the default, so no share rule judges the pool. Saying so keeps a reviewer from reading silence as safety, and tells them where the real split is decided.",
  assumptions:
    "Said once per pool and cause, only when the pool is new or changed in this change. When the change moves a pool whose shares were known into a file the review cannot see (an nginx `include` of a file not among those read), it is high: that is a way to take a change out of sight.",
  formats: FORMATS,
  examples: {
    fires: { format: "haproxy", before: pool("2"), after: pool('"${B_WEIGHT}"') },
    silent: { format: "haproxy", before: pool("2"), after: pool('"${B_WEIGHT-2}"') },
  },
  check({ changes }) {
    const hits: RuleHit[] = [];
    for (const p of changes.pools) {
      const after = p.after;
      if (!after || (p.before && p.changes.length === 0)) continue;
      const causes = new Map<string, Loc>();
      if (after.sharesFrom) causes.set(after.sharesFrom.what, after.sharesFrom.loc);
      for (const b of after.backends) if (b.weightFrom && !causes.has(b.weightFrom)) causes.set(b.weightFrom, b.loc);
      // Known shares before, and now decided in a file nobody reviews: fail closed.
      const hidden = after.sharesFrom?.unseen === true && p.before !== null && !p.before.sharesFrom && (p.sharesBefore ?? []).every((s) => s.share !== null);
      for (const [what, at] of causes) {
        const hit: RuleHit = { message: `${p.name}: traffic shares depend on ${what}, which the config does not fix; they are not judged`, loc: at };
        if (hidden && what === after.sharesFrom!.what) {
          hit.severity = "high";
          hit.message = `${p.name}: its servers now come from a file this review cannot see (${what.replace(/^the servers of /, "")}); their shares are not judged`;
        }
        hits.push(hit);
      }
    }
    return hits;
  },
};
