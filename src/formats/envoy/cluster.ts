/**
 * Envoy clusters and ClusterLoadAssignments into pools.
 *
 * Shares follow Envoy's steady state: priority 0 takes everything; higher priorities are failover
 * (modelled as backups, noted with their priority). DRAINING endpoints are "drain", UNHEALTHY and
 * TIMEOUT "down", DEGRADED a backup (used only when healthy hosts run short).
 */
import type { Algorithm, Backend, BackendState, HealthCheck, Pool } from "../../model/types.js";
import { uniqueIds } from "../../model/ids.js";
import { isIpAddress, parseAddress } from "../address.js";
import type { PMap, PNode } from "../yaml-lines.js";
import { at, type Ctx, durationMs, entry, error, get, has, listOf, mapOf, mapsOf, scalar, str, typeUrl, uint, warn } from "./values.js";

export const clusterKey = (name: string) => `envoy:cluster:${name}`;

const LB_POLICIES: Record<string, string> = {
  ROUND_ROBIN: "round-robin",
  LEAST_REQUEST: "least-request",
  RING_HASH: "ring-hash",
  MAGLEV: "maglev",
  RANDOM: "random",
  CLUSTER_PROVIDED: "cluster-provided",
  ORIGINAL_DST_LB: "original-dst",
  LOAD_BALANCING_POLICY_CONFIG: "load-balancing-policy",
};

const HEALTH_STATUS: Record<string, BackendState | "degraded"> = {
  UNKNOWN: "active",
  HEALTHY: "active",
  UNHEALTHY: "down",
  DRAINING: "drain",
  TIMEOUT: "down",
  DEGRADED: "degraded",
};
const HEALTH_STATUS_NUMBERS = ["UNKNOWN", "HEALTHY", "UNHEALTHY", "DRAINING", "TIMEOUT", "DEGRADED"];

/** What a cluster contributes to reading its endpoints. */
export interface ClusterInfo {
  pool: Pool;
  node: PMap;
  /** Locality weights count (common_lb_config.locality_weighted_lb_config or a policy's). */
  localityWeighted: boolean;
  discovery: string;
  health: HealthCheck;
  /** Whether the cluster itself listed endpoints (load_assignment or v2 hosts). */
  hasEndpoints: boolean;
}

export function buildCluster(ctx: Ctx, node: PMap, name: string): ClusterInfo {
  const customType = has(ctx, node, "cluster_type");
  const discovery = customType ? "CUSTOM" : (str(ctx, node, "type") ?? "STATIC").toUpperCase();
  const pool: Pool = {
    key: clusterKey(name),
    name,
    format: "envoy",
    algorithm: algorithm(ctx, node),
    allBackups: true,
    backupsSupported: true,
    backends: [],
    settings: { type: discovery },
    loc: at(ctx, node),
  };
  const localityWeighted = isLocalityWeighted(ctx, node);
  if (localityWeighted) pool.settings["locality weighting"] = "on";
  const info: ClusterInfo = { pool, node, localityWeighted, discovery, health: clusterHealth(ctx, node, pool), hasEndpoints: false };
  const la = mapOf(ctx, node, "load_assignment");
  if (la) {
    info.hasEndpoints = true;
    pool.backends = readAssignment(ctx, la, info, "cluster");
  }
  const hosts = entry(ctx, node, "hosts");
  if (hosts && !(hosts.value.kind === "scalar" && hosts.value.value === null)) {
    // The v2 API's flat host list: equal weights, priority 0. Envoy v3 no longer reads it.
    warn(ctx, hosts, `cluster "${name}" uses the v2 "hosts" field; Envoy v3 reads endpoints from load_assignment`);
    info.hasEndpoints = true;
    for (const h of listOf(ctx, node, "hosts")) {
      const raw = readAddress(ctx, h, info);
      if (raw) pool.backends.push(toBackend(raw, 1, "active", [], info.health, ctx, h));
    }
    uniqueIds(pool.backends);
  }
  if (!info.hasEndpoints && discovery === "EDS") pool.settings.endpoints = "EDS (delivered at run time)";
  return info;
}

function algorithm(ctx: Ctx, node: PMap): Algorithm {
  const policy = entry(ctx, node, "lb_policy");
  const lbp = mapOf(ctx, node, "load_balancing_policy");
  if (lbp) {
    const name = policyName(ctx, lbp);
    const e = entry(ctx, node, "load_balancing_policy")!;
    if (name) return { name, args: [], loc: at(ctx, e) };
  }
  if (!policy) return { name: "round-robin", args: [] };
  const raw = str(ctx, node, "lb_policy") ?? "ROUND_ROBIN";
  const known = LB_POLICIES[raw.toUpperCase()];
  if (!known) error(ctx, policy, `unknown lb_policy "${raw}"`);
  return { name: known ?? raw.toLowerCase(), args: [], loc: at(ctx, policy) };
}

/** Best-effort name of a load_balancing_policy's first typed extension, e.g. least-request. */
function policyName(ctx: Ctx, lbp: PNode, depth = 0): string | null {
  const first = get(ctx, lbp, "policies");
  const item = first?.kind === "seq" ? first.items[0] : undefined;
  const ext = get(ctx, item, "typed_extension_config");
  if (!ext || depth > 4) return null;
  const typed = get(ctx, ext, "typed_config");
  const type = typeUrl(typed);
  const extName = scalar(get(ctx, ext, "name"));
  const source = type || (typeof extName === "string" ? extName : "");
  // envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest → least_request
  const segment = /load_balancing_policies\.([a-z0-9_]+)/.exec(source)?.[1] ?? source.split(".").pop() ?? "";
  if (segment === "wrr_locality") {
    const inner = get(ctx, typed, "endpoint_picking_policy");
    return inner ? policyName(ctx, inner, depth + 1) : "wrr-locality";
  }
  return segment ? segment.replace(/_/g, "-").toLowerCase() : null;
}

function isLocalityWeighted(ctx: Ctx, node: PMap): boolean {
  if (get(ctx, get(ctx, node, "common_lb_config"), "locality_weighted_lb_config") !== undefined) return true;
  const policies = get(ctx, get(ctx, node, "load_balancing_policy"), "policies");
  if (policies?.kind !== "seq") return false;
  return policies.items.some((p) => {
    const ext = get(ctx, p, "typed_extension_config");
    const typed = get(ctx, ext, "typed_config");
    const name = `${typeUrl(typed)} ${String(scalar(get(ctx, ext, "name")) ?? "")}`;
    return name.includes("wrr_locality") || get(ctx, get(ctx, typed, "locality_lb_config"), "locality_weighted_lb_config") !== undefined;
  });
}

function clusterHealth(ctx: Ctx, node: PMap, pool: Pool): HealthCheck {
  const checks = mapsOf(ctx, node, "health_checks", "health check");
  const hc = checks[0];
  if (hc) {
    const out: HealthCheck = { kind: "http", loc: at(ctx, hc) };
    if (has(ctx, hc, "http_health_check")) {
      const http = get(ctx, hc, "http_health_check");
      const path = str(ctx, http, "path");
      if (path === undefined) error(ctx, hc, "http_health_check needs a path");
      out.detail = `${str(ctx, http, "method") ?? "GET"} ${path ?? "?"}`;
    } else if (has(ctx, hc, "grpc_health_check") || entry(ctx, hc, "grpc_health_check")) {
      const service = str(ctx, get(ctx, hc, "grpc_health_check"), "service_name");
      out.detail = service ? `gRPC ${service}` : "gRPC";
    } else if (entry(ctx, hc, "tcp_health_check")) {
      out.kind = "tcp";
    } else if (entry(ctx, hc, "custom_health_check")) {
      out.kind = "tcp";
      out.detail = `custom ${str(ctx, get(ctx, hc, "custom_health_check"), "name") ?? ""}`.trim();
    } else {
      error(ctx, hc, "health check needs one of http_health_check, tcp_health_check, grpc_health_check or custom_health_check");
    }
    const interval = durationMs(ctx, hc, "interval");
    if (interval === undefined) error(ctx, hc, "health check needs an interval");
    else if (interval !== null) out.intervalMs = interval;
    if (!entry(ctx, hc, "timeout")) error(ctx, hc, "health check needs a timeout");
    else durationMs(ctx, hc, "timeout");
    const fall = uint(ctx, hc, "unhealthy_threshold");
    const rise = uint(ctx, hc, "healthy_threshold");
    if (fall === undefined) error(ctx, hc, "health check needs an unhealthy_threshold");
    if (rise === undefined) error(ctx, hc, "health check needs a healthy_threshold");
    if (fall) out.fall = fall.value;
    if (rise) out.rise = rise.value;
    if (has(ctx, node, "outlier_detection")) pool.settings["outlier detection"] = "on";
    return out;
  }
  const od = mapOf(ctx, node, "outlier_detection");
  if (od) {
    // Passive: hosts are ejected after consecutive 5xx (default 5) for base_ejection_time (30s).
    const out: HealthCheck = { kind: "passive", loc: at(ctx, entry(ctx, node, "outlier_detection")!) };
    const fails = uint(ctx, od, "consecutive_5xx");
    out.maxFails = fails ? fails.value : 5;
    out.failTimeoutMs = durationMs(ctx, od, "base_ejection_time") ?? 30_000;
    out.intervalMs = durationMs(ctx, od, "interval") ?? 10_000;
    return out;
  }
  return { kind: "none", loc: at(ctx, node) };
}

interface RawEndpoint {
  id: string;
  host?: string;
  port?: number;
  notes: string[];
}

interface Endpoint extends RawEndpoint {
  node: PNode;
  weight: number | null;
  status: BackendState | "degraded";
  priority: number;
  locality: number;
  health: HealthCheck;
}

interface Locality {
  weight: number | null | undefined;
  node: PNode;
  weightNode?: { line: number; endLine: number } | undefined;
}

/**
 * Endpoints of a ClusterLoadAssignment (inline load_assignment or a standalone EDS resource).
 * `source` says which: a standalone assignment does not know its cluster's lb config.
 */
export function readAssignment(ctx: Ctx, la: PMap, info: ClusterInfo, source: "cluster" | "eds", assumeLocalityWeights = false): Backend[] {
  const endpoints: Endpoint[] = [];
  const localities: Locality[] = [];
  const overprovision = uint(ctx, get(ctx, la, "policy"), "overprovisioning_factor")?.value ?? 140;
  for (const lle of mapsOf(ctx, la, "endpoints", "locality")) {
    const lw = uint(ctx, lle, "load_balancing_weight");
    if (lw && lw.value === 0) error(ctx, lw.entry, "locality load_balancing_weight must be at least 1");
    const index = localities.length;
    localities.push({ weight: lw === null ? null : lw && lw.value > 0 ? lw.value : lw ? null : undefined, node: lle, weightNode: lw?.entry });
    const priority = uint(ctx, lle, "priority")?.value ?? 0;
    for (const lb of mapsOf(ctx, lle, "lb_endpoints", "lb_endpoint")) {
      const ep = readLbEndpoint(ctx, lb, info);
      if (!ep) continue;
      endpoints.push({ ...ep, priority, locality: index });
    }
  }
  if (endpoints.length === 0 && source === "cluster" && info.discovery !== "EDS") {
    warn(ctx, la, `cluster "${info.pool.name}" has a load_assignment without endpoints`);
  }
  const anyLocalityWeight = localities.some((l) => l.weight !== undefined);
  const weighted = info.localityWeighted || (assumeLocalityWeights && anyLocalityWeight);
  if (!weighted && anyLocalityWeight && !assumeLocalityWeights) {
    const first = localities.find((l) => l.weightNode)!;
    warn(ctx, first.weightNode!, `locality load_balancing_weight has no effect: cluster "${info.pool.name}" does not enable locality_weighted_lb_config`);
  }
  if (weighted) applyLocalityWeights(ctx, endpoints, localities, overprovision / 100);
  const backends = endpoints.map((e) => {
    const notes = [...e.notes];
    let state: BackendState;
    if (e.status === "degraded") {
      state = "backup";
      notes.push("DEGRADED: used only when healthy hosts run short");
    } else if (e.status !== "active") {
      state = e.status;
    } else {
      state = e.priority > 0 ? "backup" : "active";
    }
    if (e.priority > 0) notes.push(`priority ${e.priority} (failover)`);
    return toBackend(e, e.weight, state, notes, e.health, ctx, e.node);
  });
  uniqueIds(backends);
  return backends;
}

/**
 * Locality-weighted balancing (Envoy's locality_weight docs): a locality is picked by its weight
 * scaled by its availability, min(1, overprovisioning × available/total endpoints), among the
 * localities of the same priority; then an endpoint by its weight among the locality's available
 * endpoints. So an available endpoint's effective weight is
 *   locality weight × availability × endpoint weight / Σ available endpoint weights in the locality,
 * which makes the model's weight ratios equal Envoy's shares. With every endpoint available this
 * is locality weight × endpoint weight / Σ endpoint weights in the locality. A locality without a
 * weight gets no load while others at its priority have one; with none weighted, weights are flat.
 */
function applyLocalityWeights(ctx: Ctx, endpoints: Endpoint[], localities: Locality[], overprovision: number): void {
  const priorities = new Set(endpoints.map((e) => e.priority));
  for (const p of priorities) {
    const here = endpoints.filter((e) => e.priority === p);
    const locs = [...new Set(here.map((e) => e.locality))];
    if (!locs.some((l) => localities[l]!.weight !== undefined)) continue;
    for (const l of locs) {
      const loc = localities[l]!;
      const members = here.filter((e) => e.locality === l);
      if (loc.weight === undefined) {
        warn(ctx, loc.node, "locality has no load_balancing_weight: with locality-weighted balancing it gets no traffic");
      }
      const lw = loc.weight === undefined ? 0 : loc.weight;
      const available = members.filter((e) => e.status === "active");
      const availability = members.length > 0 ? Math.min(1, (overprovision * available.length) / members.length) : 0;
      const sum = (xs: Endpoint[]) => (xs.some((e) => e.weight === null) ? null : xs.reduce((s, e) => s + (e.weight ?? 0), 0));
      const sumAvailable = sum(available);
      const sumAll = sum(members);
      for (const e of members) {
        if (lw === null || e.weight === null) {
          e.weight = null;
          continue;
        }
        const inAvailable = available.includes(e);
        const denominator = inAvailable ? sumAvailable : sumAll;
        const factor = inAvailable ? availability : 1;
        e.weight = denominator === null ? null : denominator > 0 ? round(lw * factor * (e.weight / denominator)) : 0;
      }
    }
  }
}

/** Twelve significant digits: exact enough for shares, free of float noise in reports. */
const round = (x: number) => Number(x.toPrecision(12));

function readLbEndpoint(ctx: Ctx, lb: PMap, info: ClusterInfo): Omit<Endpoint, "priority" | "locality"> | null {
  const endpoint = mapOf(ctx, lb, "endpoint");
  const named = str(ctx, lb, "endpoint_name");
  let raw: RawEndpoint | null = null;
  if (endpoint) {
    const address = get(ctx, endpoint, "address");
    if (!address) error(ctx, endpoint, "endpoint needs an address");
    else raw = readAddress(ctx, address, info);
  } else if (named) {
    raw = { id: named, notes: ["named endpoint: its address comes from named_endpoints"] };
  } else {
    error(ctx, lb, "lb_endpoint needs an endpoint");
  }
  if (!raw) return null;
  const w = uint(ctx, lb, "load_balancing_weight");
  let weight: number | null = 1;
  if (w === null) weight = null;
  else if (w) {
    if (w.value === 0) {
      error(ctx, w.entry, "load_balancing_weight must be at least 1");
      weight = null;
    } else weight = w.value;
  }
  const statusEntry = entry(ctx, lb, "health_status");
  let status: Endpoint["status"] = "active";
  if (statusEntry) {
    const v = statusEntry.value.kind === "scalar" ? statusEntry.value.value : undefined;
    const name = typeof v === "number" ? HEALTH_STATUS_NUMBERS[v] : typeof v === "string" ? v.toUpperCase() : undefined;
    const mapped = name !== undefined ? HEALTH_STATUS[name] : undefined;
    if (!mapped) error(ctx, statusEntry, `unknown health_status ${JSON.stringify(v ?? null)}`);
    else {
      status = mapped;
      if (name !== "UNKNOWN" && name !== "HEALTHY") raw.notes.push(`health_status ${name}`);
    }
  }
  const hcConfig = get(ctx, endpoint, "health_check_config");
  let health = info.health;
  if (scalar(get(ctx, hcConfig, "disable_active_health_check")) === true && health.kind !== "none" && health.kind !== "passive") {
    health = { kind: "none", detail: "active health checking disabled for this endpoint", loc: at(ctx, hcConfig!) };
  }
  return { ...raw, node: lb, weight, status, health };
}

function readAddress(ctx: Ctx, address: PNode, info: ClusterInfo): RawEndpoint | null {
  const sock = get(ctx, address, "socket_address");
  if (sock) {
    if (sock.kind !== "map") {
      error(ctx, sock, "socket_address must be a mapping");
      return null;
    }
    const host = str(ctx, sock, "address");
    if (!host) {
      error(ctx, sock, "socket_address needs an address");
      return null;
    }
    const port = uint(ctx, sock, "port_value");
    const named = str(ctx, sock, "named_port");
    if (port === undefined && !named) error(ctx, sock, `socket_address ${host} needs a port_value`);
    if (port && port.value > 65535) error(ctx, port.entry, `port_value ${port.value} is out of range`);
    const notes: string[] = [];
    const ip = isIpAddress(host);
    if (!ip) {
      if (info.discovery === "STATIC") error(ctx, sock, `STATIC cluster "${info.pool.name}" needs IP addresses, not "${host}" (use STRICT_DNS or LOGICAL_DNS)`);
      else if (info.discovery === "STRICT_DNS") notes.push("DNS name: STRICT_DNS makes every address it resolves to a host");
      else if (info.discovery === "LOGICAL_DNS") notes.push("DNS name: LOGICAL_DNS connects to the first address it resolves to");
      else notes.push("host name: it may resolve to several addresses");
    }
    const parsed = parseAddress(host.includes(":") && !host.startsWith("[") ? `[${host}]` : host, port?.value);
    const id = parsed?.id ?? (port ? `${host}:${port.value}` : host);
    return { id: named && !port ? `${id}:${named}` : id, host, ...(port ? { port: port.value } : {}), notes };
  }
  const pipe = get(ctx, address, "pipe");
  if (pipe) {
    const path = str(ctx, pipe, "path");
    if (!path) {
      error(ctx, pipe, "pipe needs a path");
      return null;
    }
    return { id: `unix:${path}`, host: `unix:${path}`, notes: [] };
  }
  const internal = get(ctx, address, "envoy_internal_address");
  if (internal) {
    const name = str(ctx, internal, "server_listener_name") ?? "?";
    return { id: `internal:${name}`, notes: ["internal listener"] };
  }
  error(ctx, address, "address needs a socket_address, pipe or envoy_internal_address");
  return null;
}

function toBackend(raw: RawEndpoint, weight: number | null, state: BackendState, notes: string[], health: HealthCheck, ctx: Ctx, node: PNode): Backend {
  const b: Backend = { id: raw.id, weight, state, healthCheck: health, limits: {}, notes: [...raw.notes.filter((n) => !notes.includes(n)), ...notes], loc: at(ctx, node) };
  if (raw.host !== undefined) b.host = raw.host;
  if (raw.port !== undefined) b.port = raw.port;
  return b;
}

