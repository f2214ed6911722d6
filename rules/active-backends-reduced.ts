import { FORMATS } from "../src/model/types.js";
import { describeBackends, shareCauses, uniqueLocs } from "../src/diff/diff.js";
import { activeCount, type BackendShare } from "../src/diff/shares.js";
import type { Rule, RuleHit } from "./rule.js";

export const activeBackendsReduced: Rule = {
  id: "active-backends-reduced",
  severity: "critical",
  title: "Active backends reduced",
  description:
    "A pool drops to a single active backend or to its backups alone (critical), or loses at least half of its active backends (high).",
  rationale:
    "Each backend taken out moves its load onto the rest. One survivor is a single point of failure; losing half doubles the load on each remaining server.",
  assumptions:
    "A backend is active when its steady-state share is above zero (see traffic-concentration). Pools with a backend of unknown share (e.g. a replica count that is not static) are not judged.",
  formats: FORMATS,
  examples: {
    fires: {
      format: "haproxy",
      before: "backend app\n  server a 10.0.0.1:80 check\n  server b 10.0.0.2:80 check\n  server c 10.0.0.3:80 check\n",
      after: "backend app\n  server a 10.0.0.1:80 check\n  server b 10.0.0.2:80 check disabled\n  server c 10.0.0.3:80 check disabled\n",
    },
    silent: {
      format: "haproxy",
      before: "backend app\n  server a 10.0.0.1:80 check\n  server b 10.0.0.2:80 check\n  server c 10.0.0.3:80 check\n",
      after: "backend app\n  server a 10.0.0.1:80 check\n  server b 10.0.0.2:80 check\n  server c 10.0.0.3:80 check disabled\n",
    },
  },
  check({ changes }) {
    const hits: RuleHit[] = [];
    for (const p of changes.pools) {
      if (!p.sharesBefore || !p.sharesAfter || !p.after) continue;
      // An unknown replica count is not "one backend": judge only what is known on both sides.
      if ([...p.sharesBefore, ...p.sharesAfter].some((s) => s.share === null)) continue;
      const before = activeCount(p.sharesBefore);
      const after = activeCount(p.sharesAfter);
      const [cause = p.after.loc, ...more] = shareCauses(p);
      // Every primary out: the steady state is the failover, however many backups carry it.
      if (after > 0 && onlyBackups(p.sharesAfter) && !onlyBackups(p.sharesBefore)) {
        const backups = p.sharesAfter.filter((s) => s.share !== 0).map((s) => s.id);
        hits.push({ message: `${p.name}: no primary backend left: all traffic runs on backup ${backups.join(", ")}`, loc: cause, related: more });
        continue;
      }
      if (after === 0 || after >= before) continue;
      const lost = p.backends.filter((b) => b.shareBefore !== 0 && b.shareAfter === 0);
      const survivors = p.backends.filter((b) => b.after && b.shareAfter !== 0);
      const related = uniqueLocs([cause, ...more, ...survivors.map((b) => b.after!.loc)]).slice(1);
      // Replicas are counted in their workload's words ("web replicas 4 → 1"), never listed.
      const replicas = p.changes.filter((c) => c.kind === "replicas").map((c) => c.message);
      const what = (list: typeof lost) => describeBackends(list.map((b) => (b.after ?? b.before)!));
      const detail = replicas.length > 0 ? replicas.join(", ") : null;
      if (after === 1 && before > 1) {
        hits.push({ message: `${p.name}: only 1 active backend left (was ${before}): ${detail ?? `${what(survivors)}; out: ${what(lost)}`}`, loc: cause, related });
      } else if (after <= before / 2) {
        hits.push({ severity: "high", message: `${p.name}: active backends ${before} → ${after}; ${detail ?? `out: ${what(lost)}`}`, loc: cause, related });
      }
    }
    return hits;
  },
};

function onlyBackups(shares: BackendShare[]): boolean {
  const serving = shares.filter((s) => s.share !== 0);
  return serving.length > 0 && serving.every((s) => s.state === "backup");
}
