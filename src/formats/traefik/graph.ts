/**
 * Traefik services that are not load balancers (weighted, highestRandomWeight, mirroring,
 * failover) are not pools: they decide which pools a router's traffic reaches. A router's targets
 * are found by walking them down to load balancers (pools) or names declared elsewhere.
 *
 * - weighted / highestRandomWeight: each child gets parent weight × child weight / Σ weights.
 *   Directly under a router the children keep their own weights as written (shares only use
 *   ratios). Non-positive weights send nothing (Traefik drops such children). HRW hashes by
 *   weight, so its expected split is proportional to weight too. A nested split whose children
 *   all have weight 0 passes nothing on: its share of the parent falls to the siblings in the
 *   model, while Traefik answers 503 for it (or skips it when health checks propagate).
 * - mirroring: all traffic goes to the main service; mirrors get copies and are never counted.
 * - failover: all traffic goes to the main service; the fallback only when it is down.
 * Mirrors and fallbacks are noted in the route's name.
 */
import type { Loc, Target } from "../../model/types.js";

export interface Child {
  /** Lookup id in the graph. */
  id: string;
  /** As written (null when malformed); undefined means the default of 1. */
  weight: number | null | undefined;
  /** Where the child is declared: its weight's line when it has one. */
  loc: Loc;
}

export type ServiceNode =
  | { kind: "leaf"; target: (weight: number | null, loc: Loc) => Target }
  | { kind: "split"; name: string; hashing: boolean; children: Child[]; loc: Loc }
  | { kind: "mirror"; name: string; main: Child | null; mirrors: string[]; loc: Loc }
  | { kind: "failover"; name: string; main: Child | null; fallback: string | null; loc: Loc };

export interface Expansion {
  targets: Target[];
  notes: string[];
  /** Every service id passed through, for reachability. */
  visited: Set<string>;
}

const MAX_DEPTH = 32;

/**
 * Targets of one reference. `literal`: the reference is a router's only service, so a split's
 * children keep their written weights. `onProblem` receives cycles and excessive nesting.
 */
export function expand(
  lookup: (id: string) => ServiceNode,
  root: Child,
  weight: number | null,
  literal: boolean,
  onProblem: (message: string, loc: Loc) => void,
): Expansion {
  const out: Expansion = { targets: [], notes: [], visited: new Set() };
  const note = (n: string) => {
    if (!out.notes.includes(n)) out.notes.push(n);
  };
  const walk = (child: Child, w: number | null, lit: boolean, loc: Loc, path: string[]): void => {
    if (path.includes(child.id)) {
      // The same cycle reads the same from wherever it is entered: start at its smallest name.
      const ring = path.slice(path.indexOf(child.id)).map(display);
      const start = ring.indexOf([...ring].sort()[0]!);
      const cycle = [...ring.slice(start), ...ring.slice(0, start)];
      onProblem(`services refer to each other in a cycle: ${[...cycle, cycle[0]].join(" → ")}`, child.loc);
      return;
    }
    if (path.length >= MAX_DEPTH) {
      onProblem(`services nest more than ${MAX_DEPTH} levels deep`, child.loc);
      return;
    }
    const node = lookup(child.id);
    out.visited.add(child.id);
    const next = [...path, child.id];
    switch (node.kind) {
      case "leaf":
        out.targets.push(node.target(w, loc));
        return;
      case "split": {
        if (node.hashing) note(`${node.name}: highest random weight`);
        const weights = node.children.map((c) => (c.weight === undefined ? 1 : c.weight === null ? null : Math.max(0, c.weight)));
        const known = weights.every((x) => x !== null);
        const total = weights.reduce<number>((s, x) => s + (x ?? 0), 0);
        node.children.forEach((c, i) => {
          const own = weights[i]!;
          let cw: number | null;
          if (lit) cw = own;
          else if (w === null || !known || own === null) cw = null;
          else cw = total > 0 ? round((w * own) / total) : 0;
          walk(c, cw, false, c.loc, next);
        });
        return;
      }
      case "mirror":
        if (node.mirrors.length > 0) note(`${node.name} mirrors copies to ${node.mirrors.join(", ")} (not counted)`);
        if (node.main) walk(node.main, w, lit, loc, next);
        return;
      case "failover":
        if (node.fallback) note(`${node.name} falls back to ${node.fallback} when its service is down`);
        if (node.main) walk(node.main, w, lit, loc, next);
        return;
    }
  };
  walk(root, weight, literal, root.loc, []);
  out.targets = merge(out.targets);
  return out;
}

/** Twelve significant digits: exact enough for shares, free of float noise in reports. */
const round = (x: number) => Number(x.toPrecision(12));

/** An id "http:name" or "ts:ns/name" shown as its name. */
const display = (id: string) => id.slice(id.indexOf(":") + 1);

/** One target per destination: a pool reached along two paths gets the sum of both weights. */
function merge(targets: Target[]): Target[] {
  const out: Target[] = [];
  const byKey = new Map<string, Target>();
  for (const t of targets) {
    const key = `${t.kind}|${"poolKey" in t ? t.poolKey : "name" in t ? t.name : "id" in t ? t.id : t.expression}`;
    const seen = byKey.get(key);
    if (!seen) {
      const copy = { ...t };
      byKey.set(key, copy);
      out.push(copy);
      continue;
    }
    seen.weight = seen.weight === null || t.weight === null ? null : round(seen.weight + t.weight);
  }
  return out;
}
