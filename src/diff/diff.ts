/**
 * Semantic diff of two versions: pools matched by key (moves and reordering do not matter),
 * backends by server name then address, routes by key.
 */
import type { Version } from "../model/link.js";
import { type Backend, type Format, type HealthCheck, type Loc, type Model, type Pool, type Route, targetName } from "../model/types.js";
import { type BackendShare, poolShares, routeShares, type TargetShare, targetShares } from "./shares.js";

export type FileStatus = "added" | "modified" | "removed";

export interface FileChange {
  path: string;
  format: Format;
  status: FileStatus;
  before: Model | null;
  after: Model | null;
}

export interface BackendChange {
  id: string;
  before: Backend | null;
  after: Backend | null;
  shareBefore: number | null;
  shareAfter: number | null;
}

export interface Change {
  kind: "algorithm" | "health-check" | "limits" | "settings" | "backend-added" | "backend-removed" | "weight" | "state";
  message: string;
  loc: Loc;
}

export interface PoolChange {
  key: string;
  name: string;
  /** The file the pool is in now, or was in when removed. */
  file: string;
  before: Pool | null;
  after: Pool | null;
  sharesBefore: BackendShare[] | null;
  sharesAfter: BackendShare[] | null;
  backends: BackendChange[];
  changes: Change[];
}

export interface RouteChange {
  key: string;
  name: string;
  file: string;
  before: Route | null;
  after: Route | null;
  sharesBefore: BackendShare[] | null;
  sharesAfter: BackendShare[] | null;
  /** Each target's fraction of the route: the backends of a weighted route. */
  targetsBefore: TargetShare[] | null;
  targetsAfter: TargetShare[] | null;
  targetsChanged: boolean;
}

/** A route that splits traffic across targets (now or before), so its targets are judged as backends. */
export function isWeighted(r: RouteChange): boolean {
  return Math.max(r.before?.targets.length ?? 0, r.after?.targets.length ?? 0) >= 2;
}

export interface ChangeSet {
  files: FileChange[];
  pools: PoolChange[];
  routes: RouteChange[];
  before: Version;
  after: Version;
}

/** Compares everything declared in the changed files of the two versions. */
export function diffVersions(files: FileChange[], before: Version, after: Version): ChangeSet {
  const changed = new Set(files.map((f) => f.path));
  // Unchanged files count too: an upstream removed elsewhere leaves their routes dangling, and a
  // Deployment scaled in another file changes the Service that selects it.
  const differs = (x: { file: string; sharesBefore: BackendShare[] | null; sharesAfter: BackendShare[] | null }) =>
    changed.has(x.file) || sharesSignature(x.sharesBefore) !== sharesSignature(x.sharesAfter);
  const poolsBefore = byKey(before.models.flatMap((m) => m.pools));
  const poolsAfter = byKey(after.models.flatMap((m) => m.pools));
  const routesBefore = byKey(before.models.flatMap((m) => m.routes));
  const routesAfter = byKey(after.models.flatMap((m) => m.routes));
  const pools = union(poolsBefore, poolsAfter)
    .map((key) => diffPool(key, poolsBefore.get(key) ?? null, poolsAfter.get(key) ?? null))
    .filter((p) => differs(p) || p.changes.length > 0);
  const routes = union(routesBefore, routesAfter)
    .map((key) => diffRoute(key, routesBefore.get(key) ?? null, routesAfter.get(key) ?? null, before, after))
    .filter((r) => differs(r) || r.targetsChanged);
  return { files, pools, routes, before, after };
}

/** Keys are unique per version; a key declared in two files is told apart by its file. */
function byKey<T extends { key: string; loc: Loc }>(items: T[]): Map<string, T> {
  const counts = new Map<string, number>();
  for (const x of items) counts.set(x.key, (counts.get(x.key) ?? 0) + 1);
  return new Map(items.map((x) => [(counts.get(x.key) ?? 0) > 1 ? `${x.loc.file}|${x.key}` : x.key, x]));
}

function union<T>(a: Map<string, T>, b: Map<string, T>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])];
}

function diffPool(key: string, before: Pool | null, after: Pool | null): PoolChange {
  const sharesBefore = before ? poolShares(before) : null;
  const sharesAfter = after ? poolShares(after) : null;
  // An absent backend has share 0; a present one keeps its share, which may be unknown (null).
  const byBackend = (pool: Pool | null, shares: BackendShare[] | null) => new Map(pool && shares ? pool.backends.map((b, i) => [b, shares[i]!.share]) : []);
  const shareBefore = byBackend(before, sharesBefore);
  const shareAfter = byBackend(after, sharesAfter);
  const backends = matchBackends(before?.backends ?? [], after?.backends ?? []).map(([b, a]) => ({
    id: (a ?? b)!.id,
    before: b,
    after: a,
    shareBefore: b ? (shareBefore.get(b) ?? 0) : 0,
    shareAfter: a ? (shareAfter.get(a) ?? 0) : 0,
  }));
  const pool = (after ?? before)!;
  const change: PoolChange = {
    key,
    name: pool.name,
    file: pool.loc.file,
    before,
    after,
    sharesBefore,
    sharesAfter,
    backends,
    changes: before && after ? poolChanges(before, after, backends) : [],
  };
  return change;
}

/** Pairs backends: by server name where both have one, then by id. Indexed: pools can be large. */
function matchBackends(before: Backend[], after: Backend[]): [Backend | null, Backend | null][] {
  const pairs: [Backend | null, Backend | null][] = [];
  const left = new Set(after);
  const index = (key: (b: Backend) => string | undefined) => {
    const out = new Map<string, Backend[]>();
    for (const a of after) {
      const k = key(a);
      if (k !== undefined) out.set(k, [...(out.get(k) ?? []), a]);
    }
    return out;
  };
  const byName = index((b) => b.name);
  const byId = index((b) => b.id);
  const take = (candidates: Backend[] | undefined, ok: (a: Backend) => boolean = () => true) => {
    const a = candidates?.find((x) => left.has(x) && ok(x)) ?? null;
    if (a) left.delete(a);
    return a;
  };
  const unmatched: Backend[] = [];
  for (const b of before) {
    const a = b.name !== undefined ? take(byName.get(b.name)) : null;
    if (a) pairs.push([b, a]);
    else unmatched.push(b);
  }
  for (const b of unmatched) pairs.push([b, take(byId.get(b.id), (x) => x.name === undefined || b.name === undefined)]);
  for (const a of after) if (left.has(a)) pairs.push([null, a]);
  return pairs;
}

function poolChanges(before: Pool, after: Pool, backends: BackendChange[]): Change[] {
  const out: Change[] = [];
  const algo = (p: Pool) => [p.algorithm.name, ...p.algorithm.args].join(" ");
  if (algo(before) !== algo(after)) {
    out.push({ kind: "algorithm", message: `balancing ${algo(before)} → ${algo(after)}`, loc: after.algorithm.loc ?? after.loc });
  }
  const settings = describeRecordChange(before.settings, after.settings);
  if (settings) out.push({ kind: "settings", message: settings, loc: after.loc });
  for (const bc of backends) {
    if (!bc.before) out.push({ kind: "backend-added", message: `${bc.id} added`, loc: bc.after!.loc });
    else if (!bc.after) out.push({ kind: "backend-removed", message: `${bc.id} removed`, loc: after.loc });
    else out.push(...backendChanges(bc.before, bc.after));
  }
  return out;
}

function backendChanges(b: Backend, a: Backend): Change[] {
  const out: Change[] = [];
  if (b.weight !== a.weight) out.push({ kind: "weight", message: `${a.id} weight ${b.weight ?? "?"} → ${a.weight ?? "?"}`, loc: a.loc });
  if (b.state !== a.state) out.push({ kind: "state", message: `${a.id} ${b.state} → ${a.state}`, loc: a.loc });
  if (describeHealthCheck(b.healthCheck) !== describeHealthCheck(a.healthCheck)) {
    const message = `${a.id} health check ${describeHealthCheck(b.healthCheck)} → ${describeHealthCheck(a.healthCheck)}`;
    out.push({ kind: "health-check", message, loc: a.loc });
  }
  const limits = describeRecordChange(b.limits, a.limits);
  if (limits) out.push({ kind: "limits", message: `${a.id} ${limits}`, loc: a.loc });
  return out;
}

export function describeHealthCheck(h: HealthCheck): string {
  if (h.kind === "none") return "none";
  const parts: string[] = [h.kind];
  if (h.intervalMs !== undefined) parts.push(`every ${h.intervalMs}ms`);
  if (h.rise !== undefined) parts.push(`rise ${h.rise}`);
  if (h.fall !== undefined) parts.push(`fall ${h.fall}`);
  if (h.maxFails !== undefined) parts.push(`max_fails ${h.maxFails}`);
  if (h.failTimeoutMs !== undefined) parts.push(`fail_timeout ${h.failTimeoutMs}ms`);
  if (h.detail) parts.push(h.detail);
  return parts.join(" ");
}

function describeRecordChange(before: Record<string, string>, after: Record<string, string>): string | null {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const parts = keys
    .filter((k) => before[k] !== after[k])
    .map((k) => `${k} ${before[k] ?? "(unset)"} → ${after[k] ?? "(unset)"}`);
  return parts.length > 0 ? parts.join(", ") : null;
}

function diffRoute(key: string, before: Route | null, after: Route | null, vb: Version, va: Version): RouteChange {
  const route = (after ?? before)!;
  return {
    key,
    name: route.name,
    file: route.loc.file,
    before,
    after,
    sharesBefore: before ? routeShares(before, vb.pools) : null,
    sharesAfter: after ? routeShares(after, va.pools) : null,
    targetsBefore: before ? targetShares(before, vb.pools) : null,
    targetsAfter: after ? targetShares(after, va.pools) : null,
    targetsChanged: !!before && !!after && targetSignature(before) !== targetSignature(after),
  };
}

function sharesSignature(shares: BackendShare[] | null): string {
  return (shares ?? []).map((s) => `${s.id}=${s.share}`).join(",");
}

/** Includes the resolved kind: a ref that became "missing" is a change even with the same name. */
export function targetSignature(route: Route): string {
  return route.targets.map((t) => `${t.kind}:${targetName(t)}*${t.weight ?? "?"}`).join(",");
}

