/**
 * Resolves route references across all files of one version: a nginx conf.d fragment may
 * proxy to an upstream declared in another file. References prefer their own file.
 */
import type { Model, Pool, Target } from "./types.js";

export interface Version {
  models: Model[];
  /** Pool by key; a key declared in several files maps to the first file's pool. */
  pools: Map<string, Pool>;
}

export function link(models: Model[]): Version {
  const pools = new Map<string, Pool>();
  for (const m of models) for (const p of m.pools) if (!pools.has(p.key)) pools.set(p.key, p);
  for (const m of models) {
    const local = new Map(m.pools.map((p) => [p.key, p]));
    for (const route of m.routes) route.targets = route.targets.map((t) => resolve(t, local, pools));
  }
  return { models, pools };
}

function resolve(t: Target, local: Map<string, Pool>, all: Map<string, Pool>): Target {
  if (t.kind !== "ref") return t;
  const pool = local.get(t.poolKey) ?? all.get(t.poolKey);
  if (pool) return { kind: "pool", poolKey: pool.key, name: t.name, weight: t.weight, loc: t.loc };
  if (t.unresolved === "address") return { kind: "address", id: t.name, weight: t.weight, loc: t.loc };
  return { kind: "missing", name: t.name, weight: t.weight, loc: t.loc };
}
