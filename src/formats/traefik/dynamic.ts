/**
 * Traefik's dynamic configuration (file provider, YAML or TOML): http/tcp/udp routers and
 * services. Load-balancer services are pools; routers are routes whose targets are found by
 * walking weighted, mirroring and failover services down to pools (see graph.ts).
 */
import { uniqueIds } from "../../model/ids.js";
import type { Algorithm, Backend, HealthCheck, Listener, Loc, Pool, Route, Target } from "../../model/types.js";
import { parseAddress } from "../address.js";
import { describeNode, type PEntry, type PMap, type PNode } from "../yaml-lines.js";
import { type Child, expand, type ServiceNode } from "./graph.js";
import { at, type Ctx, duration, entry, error, get, int, listOf, mapOf, splitProvider, str, strings, warn } from "./values.js";

export type Protocol = "http" | "tcp" | "udp";
const PROTOCOLS: readonly Protocol[] = ["http", "tcp", "udp"];

const SERVICE_KINDS: Record<Protocol, readonly string[]> = {
  http: ["loadBalancer", "weighted", "mirroring", "failover", "highestRandomWeight"],
  tcp: ["loadBalancer", "weighted"],
  udp: ["loadBalancer", "weighted"],
};

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, h2c: 80, ws: 80, wss: 443 };

export const serviceKey = (proto: Protocol, name: string) => `traefik:${proto}:service:${name}`;

export interface Output {
  pools: Pool[];
  routes: Route[];
}

interface ServiceDef {
  name: string;
  kind: string;
  body: PMap;
  entry: PEntry;
}

/** Whether a document is dynamic configuration: a top-level http, tcp, udp or tls section. */
export function isDynamic(ctx: Ctx, root: PNode): boolean {
  return [...PROTOCOLS, "tls"].some((p) => entry(ctx, root, p) !== undefined);
}

export function readDynamic(ctx: Ctx, root: PMap, out: Output): void {
  for (const proto of PROTOCOLS) {
    const section = mapOf(ctx, root, proto);
    if (!section) continue;
    const services = readServices(ctx, proto, section);
    const pools = new Map<string, Pool>();
    for (const def of services.values()) {
      if (def.kind === "loadBalancer") pools.set(def.name, loadBalancer(ctx, proto, def));
    }
    propagation(ctx, proto, services, pools);
    out.pools.push(...pools.values());
    const nodes = new Map<string, ServiceNode>();
    const lookup = (id: string) => {
      let n = nodes.get(id);
      if (!n) nodes.set(id, (n = serviceNode(ctx, proto, id, services)));
      return n;
    };
    const referenced = new Set<string>();
    for (const def of services.values()) for (const c of childrenOf(ctx, proto, def)) referenced.add(c);
    const routers = mapOf(ctx, section, "routers");
    const family = routerFamily(ctx, routers?.entries ?? []);
    for (const r of routers?.entries ?? []) {
      const route = router(ctx, proto, r, lookup, family);
      if (!route) continue;
      out.routes.push(route.route);
      for (const id of route.visited) referenced.add(id);
    }
    // A split no router in this file reaches is still reviewed as its own route.
    for (const def of services.values()) {
      if (def.kind === "loadBalancer" || referenced.has(`${proto}:${def.name}`)) continue;
      const root: Child = { id: `${proto}:${def.name}`, weight: 1, loc: at(ctx, def.entry) };
      const x = expand(lookup, root, 1, true, (m, loc) => problem(ctx, m, loc));
      out.routes.push({
        key: `traefik:${proto}:${def.kind}:${def.name}`,
        name: withNotes(`${proto} service ${def.name} (${def.kind})`, x.notes),
        format: "traefik",
        listeners: [],
        targets: x.targets,
        loc: at(ctx, def.entry),
      });
    }
  }
}

function problem(ctx: Ctx, message: string, loc: Loc): void {
  if (ctx.diagnostics.some((d) => d.message === message)) return;
  ctx.diagnostics.push({ severity: "error", message, loc });
}

const withNotes = (name: string, notes: string[]) => (notes.length > 0 ? `${name} [${notes.join("; ")}]` : name);

function readServices(ctx: Ctx, proto: Protocol, section: PMap): Map<string, ServiceDef> {
  const out = new Map<string, ServiceDef>();
  const services = mapOf(ctx, section, "services", `${proto}.services`);
  for (const e of services?.entries ?? []) {
    if (e.value.kind !== "map") {
      error(ctx, e, `${proto} service "${e.key}" must be a mapping, found ${describeNode(e.value)}`);
      continue;
    }
    const kinds = SERVICE_KINDS[proto].filter((k) => entry(ctx, e.value, k));
    if (kinds.length === 0) {
      error(ctx, e, `${proto} service "${e.key}" needs one of ${SERVICE_KINDS[proto].join(", ")}`);
      continue;
    }
    if (kinds.length > 1) error(ctx, e, `${proto} service "${e.key}" must have only one of ${kinds.join(", ")}`);
    const kind = kinds[0]!;
    const body = mapOf(ctx, e.value, kind, `${proto} service "${e.key}" ${kind}`);
    if (!body) continue;
    out.set(e.key, { name: e.key, kind, body, entry: e });
  }
  return out;
}

/** Names a service refers to (children, main, fallback, mirrors), as graph ids. */
function childrenOf(ctx: Ctx, proto: Protocol, def: ServiceDef): string[] {
  const quiet: Ctx = { ...ctx, diagnostics: [] };
  const names: string[] = [];
  if (def.kind === "weighted" || def.kind === "highestRandomWeight") {
    for (const s of listOf(quiet, def.body, "services")) {
      const n = str(quiet, s, "name");
      if (n) names.push(n);
    }
  } else if (def.kind === "mirroring" || def.kind === "failover") {
    for (const k of ["service", "fallback"]) {
      const n = str(quiet, def.body, k);
      if (n) names.push(n);
    }
    for (const m of listOf(quiet, def.body, "mirrors")) {
      const n = str(quiet, m, "name");
      if (n) names.push(n);
    }
  }
  return names.map((n) => idOf(proto, n));
}

/** Graph id of a reference: file-provider names lose their `@file`; others keep their provider. */
const idOf = (proto: Protocol, ref: string) => `${proto}:${localName(ref) ?? ref}`;

/** The file-provider name of a reference, or undefined when it names another provider. */
function localName(ref: string): string | undefined {
  const { name, provider } = splitProvider(ref);
  return provider === undefined || provider === "file" ? name : undefined;
}

function serviceNode(ctx: Ctx, proto: Protocol, id: string, services: Map<string, ServiceDef>): ServiceNode {
  const ref = id.slice(proto.length + 1);
  const name = localName(ref);
  if (name === undefined) {
    // Declared by another provider (docker, kubernetescrd, internal): outside these files.
    return { kind: "leaf", target: (weight, loc) => ({ kind: "external", name: ref, weight, loc }) };
  }
  const def = services.get(name);
  if (!def || def.kind === "loadBalancer") {
    // Not declared here: another file may hold it, as a load balancer (the linker finds it) or as
    // a weighted/mirroring service we cannot follow across files, so unresolved means unknown.
    return {
      kind: "leaf",
      target: (weight, loc) => ({ kind: "ref", poolKey: serviceKey(proto, name), name, unresolved: def ? "missing" : "external", weight, loc }),
    };
  }
  const child = (n: PNode | undefined, key: string): Child | null => {
    const e = entry(ctx, n, key);
    const v = str(ctx, n, key);
    if (!e || !v) return null;
    return { id: idOf(proto, v), weight: undefined, loc: at(ctx, e) };
  };
  if (def.kind === "weighted" || def.kind === "highestRandomWeight") {
    const children: Child[] = [];
    for (const s of listOf(ctx, def.body, "services")) {
      const n = str(ctx, s, "name");
      if (!n) {
        error(ctx, s, `service "${name}": each ${def.kind} entry needs a name`);
        continue;
      }
      const w = int(ctx, s, "weight");
      if (w && w.value < 0) warn(ctx, w.entry, `weight ${w.value} is not positive: "${n}" gets no traffic`);
      const loc = w ? { line: w.entry.line, endLine: Math.max(w.entry.line, s.endLine) } : s;
      children.push({ id: idOf(proto, n), weight: w === undefined ? undefined : w === null ? null : w.value, loc: at(ctx, loc) });
    }
    if (children.length === 0) error(ctx, def.entry, `${def.kind} service "${name}" needs services`);
    return { kind: "split", name, hashing: def.kind === "highestRandomWeight", children, loc: at(ctx, def.entry) };
  }
  if (def.kind === "mirroring") {
    const main = child(def.body, "service");
    if (!main) error(ctx, def.entry, `mirroring service "${name}" needs a service`);
    const mirrors = listOf(ctx, def.body, "mirrors").flatMap((m) => {
      const n = str(ctx, m, "name");
      if (!n) {
        error(ctx, m, `mirroring service "${name}": each mirror needs a name`);
        return [];
      }
      const p = int(ctx, m, "percent");
      if (p && (p.value < 0 || p.value > 100)) error(ctx, p.entry, `mirror percent must be between 0 and 100, found ${p.value}`);
      return [p ? `${n} ${p.value}%` : n];
    });
    return { kind: "mirror", name, main, mirrors, loc: at(ctx, def.entry) };
  }
  const main = child(def.body, "service");
  if (!main) error(ctx, def.entry, `failover service "${name}" needs a service`);
  const fallback = str(ctx, def.body, "fallback") ?? null;
  if (!fallback) error(ctx, def.entry, `failover service "${name}" needs a fallback`);
  return { kind: "failover", name, main, fallback, loc: at(ctx, def.entry) };
}

/**
 * Multi-layer routing (Traefik 3.5+): a router with `parentRefs` matches only inside its parents,
 * so it inherits their rules and entry points; a parent needs no service of its own.
 */
interface RouterFamily {
  parents: Set<string>;
  /** The rules and entry points a router inherits from its parents, outermost first. */
  inherited(name: string): { rules: string[]; entryPoints?: { values: string[]; entry?: PEntry } };
}

function routerFamily(ctx: Ctx, routers: PEntry[]): RouterFamily {
  const byName = new Map(routers.map((r) => [r.key, r]));
  const parentsOf = (name: string) => strings(ctx, byName.get(name)?.value, "parentRefs").values.filter((p) => byName.has(p));
  const parents = new Set(routers.flatMap((r) => parentsOf(r.key)));
  const inherited = (name: string, depth = 0): ReturnType<RouterFamily["inherited"]> => {
    const [parent] = parentsOf(name);
    if (parent === undefined || depth > 8) return { rules: [] };
    const above = inherited(parent, depth + 1);
    const node = byName.get(parent)!.value;
    const rule = str(ctx, node, "rule");
    const eps = strings(ctx, node, "entryPoints");
    return { rules: [...above.rules, ...(rule !== undefined ? [rule] : [])], ...(eps.values.length > 0 ? { entryPoints: eps } : above.entryPoints ? { entryPoints: above.entryPoints } : {}) };
  };
  return { parents, inherited: (name) => inherited(name) };
}

function router(ctx: Ctx, proto: Protocol, e: PEntry, lookup: (id: string) => ServiceNode, family: RouterFamily): { route: Route; visited: Set<string> } | null {
  const name = e.key;
  if (e.value.kind !== "map") {
    error(ctx, e, `${proto} router "${name}" must be a mapping, found ${describeNode(e.value)}`);
    return null;
  }
  const r = e.value;
  const service = str(ctx, r, "service");
  // A parent without a service only narrows its children's traffic: not a route of its own.
  if (!service && family.parents.has(name)) return null;
  const from = family.inherited(name);
  const own = str(ctx, r, "rule");
  const rules = [...from.rules, ...(own !== undefined ? [own] : [])];
  const rule = rules.length > 1 ? rules.map((x) => `(${x})`).join(" && ") : rules[0];
  if (rule === undefined && proto !== "udp") error(ctx, e, `${proto} router "${name}" needs a rule`);
  const serviceEntry = entry(ctx, r, "service");
  const ownEps = strings(ctx, r, "entryPoints");
  const eps = ownEps.values.length > 0 ? ownEps : (from.entryPoints ?? ownEps);
  const tlsNode = get(ctx, r, "tls");
  const tls = tlsNode !== undefined && !(tlsNode.kind === "scalar" && (tlsNode.value === false || tlsNode.value === null));
  const epLoc = eps.entry ?? e;
  const listeners: Listener[] = (eps.values.length > 0 ? eps.values : ["*"]).map((address) => ({ address, flags: tls ? ["tls"] : [], loc: at(ctx, epLoc) }));
  let targets: Target[] = [];
  let notes: string[] = [];
  let visited = new Set<string>();
  if (!service) {
    error(ctx, e, `${proto} router "${name}" needs a service`);
  } else {
    const root: Child = { id: idOf(proto, service), weight: 1, loc: at(ctx, serviceEntry!) };
    const x = expand(lookup, root, 1, true, (m, loc) => problem(ctx, m, loc));
    targets = x.targets;
    notes = x.notes;
    visited = x.visited;
  }
  const route: Route = {
    key: `traefik:${proto}:router:${name}`,
    name: withNotes(name, notes),
    format: "traefik",
    listeners,
    targets,
    loc: at(ctx, e),
  };
  if (rule !== undefined) route.condition = rule;
  return { route, visited };
}

function loadBalancer(ctx: Ctx, proto: Protocol, def: ServiceDef): Pool {
  const lb = def.body;
  const pool: Pool = {
    key: serviceKey(proto, def.name),
    name: def.name,
    format: "traefik",
    algorithm: strategy(ctx, lb),
    allBackups: false,
    backupsSupported: false,
    backends: [],
    settings: {},
    loc: at(ctx, def.entry),
  };
  const health = healthCheck(ctx, proto, lb, def.entry);
  const sticky = get(ctx, lb, "sticky");
  if (sticky) pool.settings.sticky = str(ctx, get(ctx, sticky, "cookie"), "name") ?? "cookie";
  const serversEntry = entry(ctx, lb, "servers");
  const servers = listOf(ctx, lb, "servers", `servers of service "${def.name}"`);
  const field = proto === "http" ? "url" : "address";
  for (const s of servers) {
    if (s.kind !== "map") {
      error(ctx, s, `each server of service "${def.name}" must be a mapping, found ${describeNode(s)}`);
      continue;
    }
    const where = str(ctx, s, field);
    if (!where) {
      error(ctx, s, `server of service "${def.name}" needs a ${field}`);
      continue;
    }
    const w = int(ctx, s, "weight");
    if (w && w.value < 0) warn(ctx, w.entry, `weight ${w.value} is not positive: the server gets no traffic`);
    const weight = w === undefined ? 1 : w === null ? null : Math.max(0, w.value);
    pool.backends.push({ ...address(where, proto), weight, state: "active", healthCheck: health, limits: {}, loc: at(ctx, s) });
  }
  if (servers.length === 0) warn(ctx, serversEntry ?? def.entry, `service "${def.name}" has no servers: Traefik answers 503`);
  uniqueIds(pool.backends);
  return pool;
}

function strategy(ctx: Ctx, lb: PMap): Algorithm {
  const e = entry(ctx, lb, "strategy");
  const s = str(ctx, lb, "strategy");
  if (!e || !s) return { name: "round-robin", args: [] };
  const name = s.toLowerCase() === "wrr" ? "round-robin" : s.toLowerCase();
  return { name, args: [], loc: at(ctx, e) };
}

function healthCheck(ctx: Ctx, proto: Protocol, lb: PMap, owner: PEntry): HealthCheck {
  const e = entry(ctx, lb, "healthCheck");
  if (e && !(e.value.kind === "scalar" && e.value.value === null)) {
    const hc = mapOf(ctx, lb, "healthCheck");
    const out: HealthCheck = { kind: proto === "http" ? "http" : "tcp", intervalMs: 30_000, loc: at(ctx, e) };
    const interval = duration(ctx, hc, "interval");
    if (interval !== undefined && interval !== null) out.intervalMs = interval;
    if (proto === "http") {
      const mode = str(ctx, hc, "mode");
      out.detail = mode?.toLowerCase() === "grpc" ? "gRPC" : `${str(ctx, hc, "method") ?? "GET"} ${str(ctx, hc, "path") ?? "/"}`;
    }
    duration(ctx, hc, "timeout");
    return out;
  }
  const passive = entry(ctx, lb, "passiveHealthCheck");
  if (passive) {
    const p = mapOf(ctx, lb, "passiveHealthCheck");
    const fails = int(ctx, p, "maxFailedAttempts");
    const windowMs = duration(ctx, p, "failureWindow");
    return { kind: "passive", maxFails: fails ? fails.value : 1, failTimeoutMs: windowMs ?? 10_000, loc: at(ctx, passive) };
  }
  return { kind: "none", loc: at(ctx, owner) };
}

/** A server's backend id: host:port from a URL (default port by scheme) or a TCP/UDP address. */
function address(where: string, proto: Protocol): Pick<Backend, "id" | "host" | "port" | "notes"> {
  if (where.includes("{{")) return { id: where, notes: ["templated address: not known until Traefik renders it"] };
  if (proto === "http") {
    const m = /^([a-z][a-z0-9+.-]*):\/\/(\[[^\]]*\]|[^/:?#@]*)(?::(\d+))?/i.exec(where);
    if (!m) return { id: where, notes: ["not a URL with a scheme and host"] };
    const scheme = m[1]!.toLowerCase();
    const port = m[3] !== undefined ? Number(m[3]) : DEFAULT_PORTS[scheme];
    const parsed = parseAddress(port !== undefined ? `${m[2]}:${port}` : m[2]!);
    if (!parsed) return { id: where, notes: [] };
    const out: Pick<Backend, "id" | "host" | "port" | "notes"> = { id: parsed.id, host: parsed.host, notes: [] };
    if (parsed.port !== undefined) out.port = parsed.port;
    return out;
  }
  const parsed = parseAddress(where);
  if (!parsed) return { id: where, notes: ["not a host:port address"] };
  const out: Pick<Backend, "id" | "host" | "port" | "notes"> = { id: parsed.id, host: parsed.host, notes: [] };
  if (parsed.port !== undefined) out.port = parsed.port;
  return out;
}


/** Weighted services with a healthCheck hear about their children's health: note it on the pools. */
function propagation(ctx: Ctx, proto: Protocol, services: Map<string, ServiceDef>, pools: Map<string, Pool>): void {
  for (const def of services.values()) {
    if (def.kind !== "weighted" || !entry(ctx, def.body, "healthCheck")) continue;
    for (const id of childrenOf(ctx, proto, def)) {
      const pool = pools.get(id.slice(proto.length + 1));
      if (!pool) continue;
      const was = pool.settings["health propagates to"];
      pool.settings["health propagates to"] = was ? `${was}, ${def.name}` : def.name;
    }
  }
}
