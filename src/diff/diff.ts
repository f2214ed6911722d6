/**
 * Semantic diff of two versions. Pools and routes are matched by identity (declaring file and
 * key), with moved files mapped to their new paths; backends by server name, then address.
 */
import { identity } from "../model/identity.js";
import type { Version } from "../model/link.js";
import { type Backend, type Format, type HealthCheck, type Loc, type Model, type Pool, type Resilience, type Route, targetIdentity } from "../model/types.js";
import type { LineMap } from "./lines.js";
import { type BackendShare, poolShares, routeShares, type TargetShare, targetShares } from "./shares.js";

export type FileStatus = "added" | "modified" | "removed" | "moved";

export interface FileChange {
  path: string;
  format: Format;
  status: FileStatus;
  /** moved: the path it had before (its content, possibly changed, lives at `path` now). */
  from?: string;
  /** modified: it lost every pool and route it had, which is judged like a deletion. */
  emptied?: boolean;
  before: Model | null;
  after: Model | null;
  /** Old line → new line, when both versions have errors to compare (see lines.ts). */
  lineMap?: LineMap;
}

export interface BackendChange {
  id: string;
  before: Backend | null;
  after: Backend | null;
  shareBefore: number | null;
  shareAfter: number | null;
}

export interface Change {
  kind: "algorithm" | "health-check" | "limits" | "settings" | "backend-added" | "backend-removed" | "weight" | "state" | "address" | "replicas";
  message: string;
  loc: Loc;
}

/** Changes that move traffic between backends: what a share finding points at. */
export const SHARE_CHANGES: ReadonlySet<Change["kind"]> = new Set(["backend-added", "backend-removed", "weight", "state", "address", "replicas"]);

export interface PoolChange {
  /** Identity: the declaring file (now, or before when removed) and the pool's key. */
  key: string;
  name: string;
  /** The file the pool is in now, or was in when removed. */
  file: string;
  /** The file it was declared in before, when that was another file (a move). */
  movedFrom?: string;
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
  movedFrom?: string;
  before: Route | null;
  after: Route | null;
  sharesBefore: BackendShare[] | null;
  sharesAfter: BackendShare[] | null;
  /** Each target's fraction of the route: the backends of a weighted route. */
  targetsBefore: TargetShare[] | null;
  targetsAfter: TargetShare[] | null;
  targetsChanged: boolean;
}

/**
 * The changed lines that moved a pool's traffic (down flags, weights, removed or re-addressed
 * backends, replica counts), in line order: where a share finding belongs.
 */
export function shareCauses(p: PoolChange): Loc[] {
  return uniqueLocs(p.changes.filter((c) => SHARE_CHANGES.has(c.kind)).map((c) => c.loc)).sort(byLine);
}

/** The targets of a route whose weight changed or that are new: where a route's share finding belongs. */
export function routeCauses(r: RouteChange): Loc[] {
  const was = new Map((r.before?.targets ?? []).map((t) => [targetIdentity(t), t.weight]));
  return uniqueLocs((r.after?.targets ?? []).filter((t) => was.get(targetIdentity(t)) !== t.weight).map((t) => t.loc)).sort(byLine);
}

/** The causes with `own` first when it is one of them: a backend whose own line changed is the cause. */
export function ownFirst(causes: Loc[], own: Loc): Loc[] {
  const i = causes.findIndex((c) => c.file === own.file && c.line === own.line);
  return i <= 0 ? causes : [causes[i]!, ...causes.slice(0, i), ...causes.slice(i + 1)];
}

/** The first of each file:line, in the order given. */
export function uniqueLocs(locs: Loc[]): Loc[] {
  const seen = new Set<string>();
  return locs.filter((l) => !seen.has(`${l.file}:${l.line}`) && seen.add(`${l.file}:${l.line}`));
}

function byLine(a: Loc, b: Loc): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line;
}

/** Every pool and route present in both versions, with its timeouts and retries on each side. */
export function resilienceChanges(changes: ChangeSet): { name: string; before: Resilience; after: Resilience }[] {
  return [...changes.pools, ...changes.routes].flatMap((x) => (x.before && x.after ? [{ name: x.name, before: x.before, after: x.after }] : []));
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
  /** Old path → the added paths its content moved or was copied to. */
  moves: Map<string, string[]>;
  /** Changed files that are not config but templates of it, each said once (why, as a sentence). */
  notEvaluated?: { file: string; message: string }[];
  /** Changed files over the size limit that were not evaluated (and were not evaluable before). */
  tooLarge?: { file: string; message: string }[];
  /** Files that were plain config in the base and hold template syntax now. */
  becameTemplates?: { file: string; engines: string[]; line: number }[];
}

/** Compares everything declared in the changed files of the two versions. */
export function diffVersions(files: FileChange[], before: Version, after: Version, moves: Map<string, string[]>): ChangeSet {
  const changed = new Set(files.map((f) => f.path));
  const dead = new Set(files.filter((f) => f.status === "removed" || f.emptied).map((f) => f.path));
  for (const f of files) if (f.from) dead.add(f.from);
  const matcher = { before, after, moves, dead };
  // Unchanged files count too: an upstream removed elsewhere leaves their routes dangling, and a
  // Deployment scaled in another file changes the Service that selects it.
  const differs = (x: { file: string; sharesBefore: BackendShare[] | null; sharesAfter: BackendShare[] | null }) =>
    changed.has(x.file) || sharesSignature(x.sharesBefore) !== sharesSignature(x.sharesAfter);
  const pools = match(matcher, (m) => m.pools)
    .map(([b, a]) => diffPool(b, a, before, after))
    .filter((p) => differs(p) || p.changes.length > 0);
  const routes = match(matcher, (m) => m.routes)
    .map(([b, a]) => diffRoute(b, a, before, after))
    .filter((r) => differs(r) || r.targetsChanged);
  return { files, pools, routes, before, after, moves };
}

interface Matcher {
  before: Version;
  after: Version;
  /** Old path → paths its content moved or was copied to. */
  moves: Map<string, string[]>;
  /** Old paths whose elements no longer live there (removed, emptied or moved away). */
  dead: Set<string>;
}

/**
 * Pairs each old element with its new self: same identity, else the same key in each file its
 * file moved to, else the same name there (keys that embed the directory, like a Terraform
 * module's, change with a move), else (its file being gone) every new element of that key left
 * unpaired. An old element may pair with several new ones (copies); each pair is judged.
 */
function match<T extends { key: string; name: string; loc: Loc }>(m: Matcher, of: (model: Model) => T[]): [T | null, T | null][] {
  const olds = m.before.models.flatMap(of);
  const news = m.after.models.flatMap(of);
  const newById = new Map(news.map((x) => [m.after.ids.get(x) ?? identity(x), x]));
  const paired = new Set<T>();
  const pairs: [T | null, T | null][] = [];
  const pair = (o: T, found: T[]) => {
    for (const n of found) {
      pairs.push([o, n]);
      paired.add(n);
    }
    return found.length > 0;
  };
  const orphans: T[] = [];
  for (const o of olds) {
    const id = m.before.ids.get(o) ?? identity(o);
    const rest = id.slice(o.loc.file.length);
    const found = [o.loc.file, ...(m.moves.get(o.loc.file) ?? [])].map((file) => newById.get(file + rest)).filter((x): x is T => x !== undefined);
    if (!pair(o, found)) orphans.push(o);
  }
  const destinations = (o: T) => new Set(m.moves.get(o.loc.file) ?? []);
  const byName = (o: T) => news.filter((n) => !paired.has(n) && n.name === o.name && destinations(o).has(n.loc.file));
  const left = orphans.filter((o) => !(m.moves.has(o.loc.file) && pair(o, byName(o))));
  const unpaired = new Map<string, T[]>();
  for (const n of news) if (!paired.has(n)) unpaired.set(n.key, [...(unpaired.get(n.key) ?? []), n]);
  for (const o of left) if (!pair(o, m.dead.has(o.loc.file) ? (unpaired.get(o.key) ?? []) : [])) pairs.push([o, null]);
  for (const n of news) if (!paired.has(n)) pairs.push([null, n]);
  return pairs;
}

function moved<T extends { loc: Loc }>(before: T | null, after: T | null): { movedFrom?: string } {
  return before && after && before.loc.file !== after.loc.file ? { movedFrom: before.loc.file } : {};
}

function diffPool(before: Pool | null, after: Pool | null, vb: Version, va: Version): PoolChange {
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
    key: (after ? va.ids.get(after) : vb.ids.get(before!)) ?? identity(pool),
    name: pool.name,
    file: pool.loc.file,
    ...moved(before, after),
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
  out.push(...replicaChanges(backends, after));
  const where = removedAt(before, backends, after.loc);
  const seen = new Set<string>();
  for (const bc of backends) {
    const replica = (bc.after ?? bc.before)!.replicaOf !== undefined;
    if (!bc.before) {
      if (!replica) out.push({ kind: "backend-added", message: `${bc.id} added`, loc: bc.after!.loc });
    } else if (!bc.after) {
      if (!replica) out.push({ kind: "backend-removed", message: `${bc.id} removed`, loc: where(bc.before) });
    } else {
      // Replicas of one workload change together: say it once, in the workload's name.
      for (const c of backendChanges(bc.before, bc.after)) if (!seen.has(c.message) && seen.add(c.message)) out.push(c);
    }
  }
  return out;
}

/**
 * Where a removed backend's line was, in the new file: the next backend that is still there (the
 * diff shows the deletion just above it), else the last one left, else the pool.
 */
function removedAt(before: Pool, backends: BackendChange[], fallback: Loc): (b: Backend) => Loc {
  const now = new Map(backends.filter((bc) => bc.before && bc.after).map((bc) => [bc.before!, bc.after!.loc]));
  return (b) => {
    const i = before.backends.indexOf(b);
    const next = before.backends.slice(i + 1).find((x) => now.has(x));
    const prev = before.backends.slice(0, i).reverse().find((x) => now.has(x));
    return now.get((next ?? prev)!) ?? fallback;
  };
}

/** "web replicas 4 → 1", at the line that sets the count; never per invented replica. */
function replicaChanges(backends: BackendChange[], after: Pool): Change[] {
  const counts = new Map<string, { before: number; after: number; loc: Loc }>();
  for (const bc of backends) {
    const b = (bc.after ?? bc.before)!;
    if (b.replicaOf === undefined) continue;
    const c = counts.get(b.replicaOf) ?? { before: 0, after: 0, loc: bc.after?.loc ?? bc.before!.loc };
    if (bc.before) c.before += bc.before.weight === null ? NaN : 1;
    if (bc.after) {
      c.after += bc.after.weight === null ? NaN : 1;
      c.loc = bc.after.loc;
    }
    counts.set(b.replicaOf, c);
  }
  const n = (x: number) => (Number.isNaN(x) ? "?" : String(x));
  return [...counts]
    .filter(([, c]) => n(c.before) !== n(c.after))
    .map(([name, c]) => ({ kind: "replicas" as const, message: `${name} replicas ${n(c.before)} → ${n(c.after)}`, loc: c.after === 0 ? after.loc : c.loc }));
}

function backendChanges(b: Backend, a: Backend): Change[] {
  const out: Change[] = [];
  const label = a.replicaOf ?? a.id;
  if (b.id !== a.id && a.replicaOf === undefined) out.push({ kind: "address", message: `${a.name ?? b.id} ${b.id} → ${a.id}`, loc: a.loc });
  if (b.weight !== a.weight) out.push({ kind: "weight", message: `${label} weight ${b.weight ?? "?"} → ${a.weight ?? "?"}`, loc: a.loc });
  if (b.state !== a.state) out.push({ kind: "state", message: `${label} ${b.state} → ${a.state}`, loc: a.loc });
  if (describeHealthCheck(b.healthCheck) !== describeHealthCheck(a.healthCheck)) {
    const message = `${label} health check ${describeHealthCheck(b.healthCheck)} → ${describeHealthCheck(a.healthCheck)}`;
    out.push({ kind: "health-check", message, loc: a.loc });
  }
  const limits = describeRecordChange(b.limits, a.limits);
  if (limits) out.push({ kind: "limits", message: `${label} ${limits}`, loc: a.loc });
  return out;
}

/**
 * Backends named for a reviewer: replicas of one workload are counted ("web (3 replicas)"),
 * never listed under invented names.
 */
export function describeBackends(backends: readonly { id: string; replicaOf?: string | undefined }[]): string {
  const groups = new Map<string, number>();
  for (const b of backends) {
    const k = b.replicaOf === undefined ? `id:${b.id}` : `of:${b.replicaOf}`;
    groups.set(k, (groups.get(k) ?? 0) + 1);
  }
  return [...groups].map(([k, n]) => (k.startsWith("id:") ? k.slice(3) : `${k.slice(3)} (${n} replica${n === 1 ? "" : "s"})`)).join(", ");
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

function diffRoute(before: Route | null, after: Route | null, vb: Version, va: Version): RouteChange {
  const route = (after ?? before)!;
  return {
    key: (after ? va.ids.get(after) : vb.ids.get(before!)) ?? identity(route),
    name: route.name,
    file: route.loc.file,
    ...moved(before, after),
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
  return route.targets.map((t) => `${targetIdentity(t)}*${t.weight ?? "?"}`).join(",");
}

