/** The stable, versioned JSON report. Other renderers read the same object. */
import type { PoolChange, RouteChange } from "../diff/diff.js";
import type { BackendShare } from "../diff/shares.js";
import type { Analysis, Finding, Risk } from "../engine/analyze.js";
import type { Format, Loc, Severity } from "../model/types.js";

export interface ShareView {
  backends: BackendShare[];
}

export interface TrafficEntry {
  file: string;
  name: string;
  before: ShareView | null;
  after: ShareView | null;
  /** What changed, one phrase each (weights, states, algorithm, health checks, targets). */
  changes: string[];
}

export interface JsonReport {
  schemaVersion: 1;
  risk: Risk;
  /** The sentences a reviewer must read first. */
  headline: string[];
  /** `from`: where a moved file was (its elements are compared with their old selves). */
  files: { path: string; format: Format; status: string; from?: string }[];
  findings: (Omit<Finding, "related"> & { related: Loc[] })[];
  pools: TrafficEntry[];
  routes: TrafficEntry[];
  approvals: { required: { severity: Severity; count: number; teams: string[]; users: string[] }[] };
}

export function toJsonReport(a: Analysis): JsonReport {
  return {
    schemaVersion: 1,
    risk: a.risk,
    headline: headline(a),
    files: a.changes.files.map((f) => ({ path: f.path, format: f.format, status: f.status, ...(f.from !== undefined ? { from: f.from } : {}) })),
    findings: a.findings.map((f) => ({ ...f })),
    pools: a.changes.pools.filter(poolChanged).map(poolEntry),
    routes: a.changes.routes.map(routeEntry),
    approvals: { required: a.approvals.map(({ severity, count, teams, users }) => ({ severity, count, teams, users })) },
  };
}

/** The most severe findings' messages; a quiet summary when there are none. */
export function headline(a: Analysis): string[] {
  const top = a.findings.filter((f) => f.severity === a.findings[0]?.severity && f.severity !== "info");
  if (top.length > 0) return top.slice(0, 3).map((f) => f.message);
  if (a.changes.files.length === 0) return ["No load-balancer config changed."];
  const pools = a.changes.pools.filter(poolChanged).length;
  const moves = a.changes.files.filter((f) => f.from !== undefined).map((f) => `${f.path} moved from ${f.from}.`);
  return [`${a.changes.files.length} load-balancer file(s) changed, ${pools} pool(s) affected; no risky traffic change found.`, ...moves];
}

function poolChanged(p: PoolChange): boolean {
  const sig = (s: BackendShare[] | null) => JSON.stringify(s);
  return !p.before || !p.after || p.changes.length > 0 || sig(p.sharesBefore) !== sig(p.sharesAfter);
}

function poolEntry(p: PoolChange): TrafficEntry {
  const changes = p.before && p.after ? p.changes.map((c) => c.message) : [p.before ? "pool removed" : "pool added"];
  return {
    file: p.file,
    name: p.name,
    before: p.sharesBefore ? { backends: p.sharesBefore } : null,
    after: p.sharesAfter ? { backends: p.sharesAfter } : null,
    changes: p.movedFrom !== undefined ? [`moved from ${p.movedFrom}`, ...changes] : changes,
  };
}

function routeEntry(r: RouteChange): TrafficEntry {
  const changes: string[] = [];
  if (r.movedFrom !== undefined) changes.push(`moved from ${r.movedFrom}`);
  if (!r.before) changes.push("route added");
  else if (!r.after) changes.push("route removed");
  else if (r.targetsChanged) changes.push("targets changed");
  return {
    file: r.file,
    name: r.name,
    before: r.sharesBefore ? { backends: r.sharesBefore } : null,
    after: r.sharesAfter ? { backends: r.sharesAfter } : null,
    changes,
  };
}
