import { isWeighted, ownFirst, routeCauses, shareCauses, uniqueLocs } from "../src/diff/diff.js";
import { backendSubject } from "./traffic-concentration.js";
import { FORMATS, type Loc } from "../src/model/types.js";
import { z } from "zod";
import { backendName, percent, type Rule, type RuleHit } from "./rule.js";

const options = z.strictObject({ threshold: z.number().gt(0).max(1).default(0.25) });

export const shareShift: Rule<z.infer<typeof options>> = {
  id: "share-shift",
  severity: "high",
  title: "Large share shift onto a backend",
  description:
    "A backend that existed before now receives at least 25 percentage points more of its pool's traffic, or a target of a weighted route more of the route's.",
  rationale:
    "A backend sized for a quarter of the traffic that now gets half of it may fall over at peak. Only increases count: a decrease moves load somewhere, and that shows as another backend's increase, so scale-out stays silent.",
  assumptions: "Steady-state shares, as in traffic-concentration. Backends new in this change are not judged here.",
  formats: FORMATS,
  options,
  examples: {
    fires: {
      format: "nginx",
      before: "upstream api {\n  server 10.0.0.1:80 weight=1;\n  server 10.0.0.2:80 weight=1;\n}\n",
      after: "upstream api {\n  server 10.0.0.1:80 weight=3;\n  server 10.0.0.2:80 weight=1;\n}\n",
    },
    silent: {
      format: "nginx",
      before: "upstream api {\n  server 10.0.0.1:80 weight=1;\n  server 10.0.0.2:80 weight=1;\n}\n",
      after: "upstream api {\n  server 10.0.0.1:80 weight=3;\n  server 10.0.0.2:80 weight=2;\n}\n",
    },
  },
  check({ changes, options: { threshold } }) {
    const hits: RuleHit[] = [];
    const judge = (where: string, who: string, subject: string, before: number | null, after: number | null, causes: Loc[], at: Loc) => {
      if (before === null || after === null) return;
      // Rounding keeps 25% → 50% at exactly 25 points, not 24.999….
      const delta = Math.round((after - before) * 1e9) / 1e9;
      if (delta < threshold) return;
      const points = `+${Math.round(delta * 1000) / 10} points`;
      const [cause = at, ...more] = ownFirst(causes, at);
      hits.push({
        message: `${where}: ${who} share ${percent(before)} → ${percent(after)} (${points})`,
        loc: cause,
        related: uniqueLocs([cause, ...more, at]).slice(1),
        subject,
        detail: points,
      });
    };
    for (const p of changes.pools) {
      const causes = shareCauses(p);
      const seen = new Set<string>();
      for (const b of p.backends) {
        if (!b.before || !b.after) continue;
        // Replicas of one workload shift together: one fact, said once.
        const subject = `${p.key}/${backendSubject(b.after)}`;
        if (seen.has(subject)) continue;
        seen.add(subject);
        judge(p.name, backendName(b.after, true), subject, b.shareBefore, b.shareAfter, causes, b.after.loc);
      }
    }
    // A weighted route's targets are its backends.
    for (const r of changes.routes) {
      if (!r.targetsBefore || !r.targetsAfter || !isWeighted(r)) continue;
      const before = new Map(r.targetsBefore.map((t) => [t.name, t]));
      const causes = routeCauses(r);
      for (const t of r.targetsAfter) {
        const was = before.get(t.name);
        if (was) judge(r.name, t.name, `${r.key}/${t.name}`, was.share, t.share, causes, t.loc);
      }
    }
    return hits;
  },
};
