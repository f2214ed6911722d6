/**
 * Resolves references across all files of one version: a nginx conf.d fragment may proxy to an
 * upstream declared in another file, and a Kubernetes Service selects Deployments from any file.
 * References prefer their own file.
 */
import type { Backend, Model, Pool, Target, Workload } from "./types.js";

export interface Version {
  models: Model[];
  /** Pool by key; a key declared in several files maps to the first file's pool. */
  pools: Map<string, Pool>;
}

/** Beyond this many replicas a workload is one backend of unknown share, not thousands of rows. */
export const MAX_REPLICAS_EXPANDED = 1000;

export function link(models: Model[]): Version {
  const pools = new Map<string, Pool>();
  for (const m of models) for (const p of m.pools) if (!pools.has(p.key)) pools.set(p.key, p);
  const workloads = models.flatMap((m) => m.workloads);
  for (const p of pools.values()) if (p.selector) p.backends = selected(p.selector, workloads);
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
  if (t.unresolved === "external") return { kind: "external", name: t.name, poolKey: t.poolKey, weight: t.weight, loc: t.loc };
  return { kind: "missing", name: t.name, weight: t.weight, loc: t.loc };
}

/** One backend per replica of every workload whose pod labels include the selector's. */
function selected(selector: NonNullable<Pool["selector"]>, workloads: Workload[]): Backend[] {
  const entries = Object.entries(selector.labels);
  if (entries.length === 0) return [];
  const matching = workloads.filter((w) => w.namespace === selector.namespace && entries.every(([k, v]) => w.labels[k] === v));
  return matching.flatMap((w): Backend[] => {
    const base = { name: w.name, state: "active" as const, healthCheck: w.healthCheck, limits: {}, loc: w.loc };
    if (w.replicas === null || w.replicas > MAX_REPLICAS_EXPANDED) {
      const why = w.replicas === null ? "replica count unknown" : `${w.replicas} replicas, shown as one`;
      return [{ ...base, id: `${w.name}/*`, weight: null, notes: [...w.notes, why] }];
    }
    return Array.from({ length: w.replicas }, (_, i) => ({ ...base, id: `${w.name}/${i + 1}`, weight: 1, notes: [...w.notes] }));
  });
}
