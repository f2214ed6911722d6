/**
 * Resolves references across all files of one version: a nginx conf.d fragment may proxy to an
 * upstream declared in another file, and a Kubernetes Service selects Deployments from any file.
 * A name declared in several files resolves to the nearest declaration (see identity.ts); a tie
 * resolves to every candidate (a workload declared twice is still one object) and is recorded
 * as an ambiguity, whatever the order of the files.
 */
import { byPlace, identity, nearest } from "./identity.js";
import { includeScopes } from "./includes.js";
import type { Backend, Loc, Model, Pool, Target, Workload } from "./types.js";

/** A reference that resolved to several declarations at the same distance. */
export interface Ambiguity {
  message: string;
  loc: Loc;
  candidates: Loc[];
}

export interface Version {
  models: Model[];
  /** Every pool by identity (file|key); a key repeated within one file gets "#2", "#3"… */
  pools: Map<string, Pool>;
  /** The identity of each pool and route, as the diff matches them. */
  ids: Map<object, string>;
  ambiguities: Ambiguity[];
}

/** Beyond this many replicas a workload is one backend of unknown share, not thousands of rows. */
export const MAX_REPLICAS_EXPANDED = 1000;

const NO_SCOPE: ReadonlySet<string> = new Set();

/** Whether two files are copies of each other (at least half of their lines alike). */
export type AreCopies = (a: string, b: string) => boolean;

export function link(models: Model[], areCopies: AreCopies = () => false): Version {
  const pools = new Map<string, Pool>();
  const ids = new Map<object, string>();
  const byKey = new Map<string, Pool[]>();
  for (const m of models) {
    for (const p of m.pools) {
      const id = claim(pools, identity(p));
      pools.set(id, p);
      ids.set(p, id);
      byKey.set(p.key, [...(byKey.get(p.key) ?? []), p]);
    }
    const routeIds = new Set<string>();
    for (const r of m.routes) {
      const id = claim(routeIds, identity(r));
      routeIds.add(id);
      ids.set(r, id);
    }
  }
  const scopes = includeScopes(models);
  const ambiguities: Ambiguity[] = [];
  const copies = copiesOf(models, areCopies);
  const select = selector(models.flatMap((m) => m.workloads));
  for (const p of pools.values()) {
    if (!p.selector) continue;
    const scope = scopes.get(p.loc.file) ?? NO_SCOPE;
    const sel = p.selector.within ? withinService(p, p.selector.within, byKey, scope) : p.selector;
    p.backends = sel ? select({ ...p, selector: sel }, scope, copies("pool", p), ambiguities) : unknownEndpoints(p, p.selector.within!.name);
  }
  for (const m of models) {
    const scope = scopes.get(m.file) ?? NO_SCOPE;
    for (const route of m.routes) {
      const own = copies("route", route);
      route.targets = route.targets.map((t) => resolve(t, byKey, ids, m.file, scope, own, ambiguities));
    }
  }
  return { models, pools, ids, ambiguities };
}

/**
 * The files, other than its own, that copy an element's file: they declare the same element
 * (kind and key) and are mostly the same text. A declaration in such a file belongs to that
 * copy, which is nearer to it: a decoy copy of a whole file never lends its upstreams or
 * Deployments to the original. A file that merely declares the same Service is no copy.
 */
function copiesOf(models: Model[], areCopies: AreCopies) {
  const files = new Map<string, Set<string>>();
  const add = (k: string, file: string) => files.set(k, (files.get(k) ?? new Set()).add(file));
  for (const m of models) {
    for (const p of m.pools) add(`pool|${p.key}`, m.file);
    for (const r of m.routes) add(`route|${r.key}`, m.file);
  }
  return (kind: "pool" | "route", x: { key: string; loc: Loc }): ReadonlySet<string> => {
    const all = files.get(`${kind}|${x.key}`);
    return all && all.size > 1 ? new Set([...all].filter((f) => f !== x.loc.file && areCopies(x.loc.file, f))) : NO_SCOPE;
  };
}

function claim(taken: { has(id: string): boolean }, base: string): string {
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}#${n}`;
  return id;
}

function resolve(
  t: Target,
  byKey: Map<string, Pool[]>,
  ids: Map<object, string>,
  from: string,
  scope: ReadonlySet<string>,
  copies: ReadonlySet<string>,
  out: Ambiguity[],
): Target {
  if (t.kind !== "ref") return t;
  const found = nearest((byKey.get(t.poolKey) ?? []).filter((p) => !copies.has(p.loc.file)), from, scope);
  if (found.length > 0) {
    if (found.length > 1) out.push(ambiguity(`"${t.name}"`, t.loc, found.map((p) => p.loc)));
    return { kind: "pool", poolKey: t.poolKey, poolIds: found.map((p) => ids.get(p)!), name: t.name, weight: t.weight, loc: t.loc };
  }
  if (t.unresolved === "address") return { kind: "address", id: t.name, weight: t.weight, loc: t.loc };
  if (t.unresolved === "external") return { kind: "external", name: t.name, poolKey: t.poolKey, weight: t.weight, loc: t.loc };
  return { kind: "missing", name: t.name, weight: t.weight, loc: t.loc };
}

function ambiguity(what: string, at: Loc, candidates: Loc[]): Ambiguity {
  const files = [...new Set(candidates.map((c) => c.file))].join(", ");
  return { message: `${what} is declared in ${files}, all equally near; every one of them is counted`, loc: at, candidates };
}

/** An Istio subset's selector: its host Service's selector plus its own labels; none if the Service is not read. */
function withinService(p: Pool, within: { serviceKey: string }, byKey: Map<string, Pool[]>, scope: ReadonlySet<string>): Pool["selector"] | undefined {
  const [svc] = nearest(byKey.get(within.serviceKey) ?? [], p.loc.file, scope);
  if (!svc?.selector || Object.keys(svc.selector.labels).length === 0) return undefined;
  return { namespace: svc.selector.namespace, labels: { ...svc.selector.labels, ...p.selector!.labels } };
}

/** Backends that exist but cannot be known from the files: one entry for all of them, with an unknown share. */
function unknownEndpoints(p: Pool, service: string): Backend[] {
  const why = `the host Service ${service} (or its selector) is not in the files reviewed, so which pods this subset holds is unknown`;
  return [{ id: `${service}/*`, weight: null, state: "active", replicaOf: service, healthCheck: { kind: "none", loc: p.loc }, limits: {}, notes: [why], loc: p.loc }];
}

/**
 * One backend per replica of every workload whose pod labels include the selector's. Workloads
 * are indexed by label, so linking stays linear; a workload name declared in several files
 * counts once, from its nearest declaration.
 */
function selector(workloads: Workload[]) {
  const index = new Map<string, Workload[]>();
  for (const w of workloads) {
    for (const [k, v] of Object.entries(w.labels)) {
      const key = `${w.namespace}\u0000${k}=${v}`;
      const list = index.get(key);
      if (list) list.push(w);
      else index.set(key, [w]);
    }
  }
  return (pool: Pool, scope: ReadonlySet<string>, copies: ReadonlySet<string>, out: Ambiguity[]): Backend[] => {
    const sel = pool.selector!;
    const entries = Object.entries(sel.labels);
    if (entries.length === 0) return [];
    const lists = entries.map(([k, v]) => index.get(`${sel.namespace}\u0000${k}=${v}`) ?? []);
    const smallest = lists.reduce((a, b) => (b.length < a.length ? b : a));
    const matching = smallest.filter((w) => !copies.has(w.loc.file) && entries.every(([k, v]) => w.labels[k] === v));
    const byName = new Map<string, Workload[]>();
    for (const w of matching) {
      const name = `${w.kind}:${w.name}`;
      byName.set(name, [...(byName.get(name) ?? []), w]);
    }
    const chosen = [...byName.values()].map((candidates) => {
      const found = nearest(candidates, pool.loc.file, scope);
      if (found.length === 1) return found[0]!;
      out.push(ambiguity(`${found[0]!.kind} ${found[0]!.name}`, pool.loc, found.map((w) => w.loc)));
      return oneObject(found);
    });
    // Declaration order, by file then line: never the order the files were given in.
    return chosen.sort(byPlace).flatMap(replicas);
  };
}

/**
 * One workload name declared in equally near files is still one object in the cluster: its
 * replica count is known only when every declaration agrees.
 */
function oneObject(found: Workload[]): Workload {
  const first = found[0]!;
  if (found.every((w) => w.replicas === first.replicas)) return first;
  const counts = found.map((w) => `${w.replicas ?? "?"} in ${w.loc.file}`).join(", ");
  return { ...first, replicas: null, notes: [...first.notes, `declared with different replica counts: ${counts}`] };
}

function replicas(w: Workload): Backend[] {
  const base = { name: w.name, state: "active" as const, healthCheck: w.healthCheck, limits: {}, loc: w.loc };
  if (w.replicas === null || w.replicas > MAX_REPLICAS_EXPANDED) {
    const why = w.replicas === null ? "replica count unknown" : `${w.replicas} replicas, shown as one`;
    return [{ ...base, id: `${w.name}/*`, weight: null, replicaOf: w.name, notes: [...w.notes, why] }];
  }
  return Array.from({ length: w.replicas }, (_, i) => ({ ...base, id: `${w.name}/${i + 1}`, weight: 1, replicaOf: w.name, notes: [...w.notes] }));
}

/** The pool a target sends to: one pool, or, for an ambiguous name, all candidates as one. */
export function targetPool(t: Target, pools: Map<string, Pool>): Pool | undefined {
  if (t.kind !== "pool") return undefined;
  const found = t.poolIds.map((id) => pools.get(id)).filter((p): p is Pool => p !== undefined);
  if (found.length <= 1) return found[0];
  return { ...found[0]!, backends: found.flatMap((p) => p.backends) };
}
