/**
 * Steady-state traffic shares (see docs/traffic-model.md): every backend not explicitly taken
 * out is healthy. Weights divide traffic among active backends; backups take over only when no
 * primary is left; hashing and least-connections are treated as proportional to weight.
 */
import { targetPool } from "../model/link.js";
import { type Backend, type Pool, type Route, type Target, targetName } from "../model/types.js";

/** share is null when it cannot be known statically (an unknown weight). */
export interface BackendShare {
  id: string;
  name?: string;
  weight: number | null;
  state: Backend["state"] | "dynamic" | "missing" | "external";
  share: number | null;
}

export function poolShares(pool: Pool): BackendShare[] {
  const receiving = receivers(pool);
  const known = receiving.every((b) => b.weight !== null);
  const total = receiving.reduce((sum, b) => sum + (b.weight ?? 0), 0);
  return pool.backends.map((b) => {
    const entry: BackendShare = { id: b.id, weight: b.weight, state: b.state, share: 0 };
    if (b.name !== undefined) entry.name = b.name;
    // The only receiving backend takes everything, whatever its unknown weight says, unless it
    // stands for replicas of unknown number (see link.ts).
    if (receiving.length === 1 && receiving[0] === b && !(b.replicaOf !== undefined && b.weight === null)) entry.share = 1;
    else if (receiving.includes(b)) entry.share = known && total > 0 ? (b.weight ?? 0) / total : null;
    return entry;
  });
}

/** The backends that take traffic in the steady state. */
function receivers(pool: Pool): Backend[] {
  const live = (b: Backend) => b.weight === null || b.weight > 0;
  const primaries = pool.backends.filter((b) => b.state === "active" && live(b));
  if (primaries.length > 0 || !pool.backupsSupported) return primaries;
  const backups = pool.backends.filter((b) => b.state === "backup" && live(b));
  // HAProxy uses only the first backup unless `option allbackups` is set.
  return pool.allBackups ? backups : backups.slice(0, 1);
}

export function activeCount(shares: BackendShare[]): number {
  return shares.filter((s) => s.share === null || s.share > 0).length;
}

/**
 * End-to-end shares of one route: its weighted split across targets, multiplied through each
 * target pool's own shares. Backends are named "pool/backend" to stay unique across pools.
 */
export function routeShares(route: Route, pools: Map<string, Pool>): BackendShare[] {
  const weights = route.targets.map((t) => t.weight);
  const known = weights.every((w) => w !== null);
  const total = weights.reduce<number>((sum, w) => sum + (w ?? 0), 0);
  const out: BackendShare[] = [];
  route.targets.forEach((t, i) => {
    const fraction = known && total > 0 ? (weights[i] ?? 0) / total : null;
    const scale = (s: number | null) => (s === null || fraction === null ? null : s * fraction);
    switch (t.kind) {
      case "pool": {
        const pool = targetPool(t, pools);
        for (const s of pool ? poolShares(pool) : []) out.push({ ...s, id: `${t.name}/${s.id}`, share: scale(s.share) });
        return;
      }
      case "address":
        out.push({ id: t.id, weight: t.weight, state: "active", share: fraction });
        return;
      case "dynamic":
        out.push({ id: t.expression, weight: t.weight, state: "dynamic", share: null });
        return;
      case "external":
        // What the route sends there is known; how it spreads inside is not.
        out.push({ id: t.name, weight: t.weight, state: "external", share: fraction });
        return;
      default:
        out.push({ id: t.name, weight: t.weight, state: "missing", share: 0 });
    }
  });
  return out;
}

/** One target's fraction of a weighted route: what Gateway API and ALBs call a backend. */
export interface TargetShare {
  name: string;
  kind: Target["kind"];
  share: number | null;
  loc: Route["loc"];
  /** Active backends behind the target; null when unknown (a variable, an external service). */
  activeBackends: number | null;
}

export function targetShares(route: Route, pools: Map<string, Pool>): TargetShare[] {
  const weights = route.targets.map((t) => t.weight);
  const known = weights.every((w) => w !== null);
  const total = weights.reduce<number>((sum, w) => sum + (w ?? 0), 0);
  return route.targets.map((t, i) => {
    const pool = targetPool(t, pools);
    return {
      name: targetName(t),
      kind: t.kind,
      share: known && total > 0 ? (weights[i] ?? 0) / total : null,
      loc: t.loc,
      activeBackends: pool ? activeCount(poolShares(pool)) : t.kind === "address" ? 1 : null,
    };
  });
}
