/** Turning the proxies read from a file into the model's pools and routes. */

import { uniqueIds } from "../../model/ids.js";
import {
  type Algorithm,
  type Backend,
  type HealthCheck,
  type Listener,
  type Loc,
  loc,
  type Pool,
  type Resilience,
  type Retries,
  type Route,
  type Target,
  type Timeout,
} from "../../model/types.js";
import { BALANCE_ALGORITHMS, lookup } from "./keywords.js";
import type { Proxy, ProxyConf } from "./proxy.js";
import type { ServerDecl } from "./server.js";

/** HAProxy's defaults when `check` is set without `inter`, `rise` or `fall`. */
const CHECK_DEFAULTS = { intervalMs: 2000, rise: 2, fall: 3 };

export function buildPool(p: Proxy, file: string): Pool {
  const { section, conf } = p;
  return {
    key: poolKey(section.name),
    name: section.name,
    format: "haproxy",
    algorithm: algorithm(conf, file),
    allBackups: conf.allBackups,
    backupsSupported: true,
    backends: withUniqueIds(p.body.servers.map((s) => buildBackend(s, conf, file))),
    settings: { mode: conf.mode, ...conf.settings },
    ...resilience(conf, BACKEND_TIMEOUTS, file, section.loc),
    loc: { ...section.loc },
  };
}

/** Timeouts that bound a request to the servers, and the client-side ones of a frontend. */
const BACKEND_TIMEOUTS = ["connect", "server", "queue", "tunnel"];
const FRONTEND_TIMEOUTS = ["client", "http-request", "http-keep-alive"];

/** HAProxy retries a failed connection 3 times by default, on the same server unless redispatch. */
function resilience(conf: ProxyConf, names: string[], file: string, at: Loc): Resilience {
  const timeouts: Record<string, Timeout> = {};
  for (const name of names) {
    const t = conf.timeouts[name];
    if (t) timeouts[name] = { ms: t.ms, loc: loc(file, t.line) };
  }
  if (names === FRONTEND_TIMEOUTS) return { timeouts };
  const line = conf.retries?.line ?? conf.retryOn?.line ?? conf.redispatch?.line;
  const retries: Retries = {
    attempts: conf.retries?.attempts ?? 3,
    on: conf.retryOn?.on ?? ["conn-failure", "empty-response", "response-timeout"],
    redispatch: conf.redispatch?.on ?? false,
    loc: line !== undefined ? loc(file, line) : at,
  };
  return { timeouts, retries };
}

const poolKey = (name: string) => `haproxy:backend:${name}`;

function algorithm(conf: ProxyConf, file: string): Algorithm {
  if (!conf.balance) return { name: "round-robin", args: [] };
  const [algo = "", ...rest] = conf.balance.words;
  const [, base = "", inner] = /^([a-z_-]+)(?:\((.*)\))?$/.exec(algo) ?? [];
  return { name: lookup(BALANCE_ALGORITHMS, base) ?? base, args: inner ? [inner, ...rest] : rest, loc: loc(file, conf.balance.line) };
}

function buildBackend(s: ServerDecl, conf: ProxyConf, file: string): Backend {
  const at = loc(file, s.line);
  const { address, params } = s;
  return {
    id: s.template ? s.name : address.id,
    name: s.name,
    ...(address.host !== "" ? { host: address.host } : {}),
    ...(address.port !== undefined ? { port: address.port } : {}),
    weight: params.weight,
    ...(params.weightFrom !== undefined ? { weightFrom: `the environment variable ${params.weightFrom}` } : {}),
    state: params.disabled ? "down" : params.backup ? "backup" : "active",
    healthCheck: healthCheck(s, conf, at),
    limits: { ...params.limits },
    notes: notes(s),
    loc: at,
  };
}

function healthCheck({ params }: ServerDecl, conf: ProxyConf, at: Loc): HealthCheck {
  if (!params.check) return { kind: "none", loc: at };
  const detail = checkDetail(conf);
  return {
    kind: conf.check?.option === "httpchk" ? "http" : "tcp",
    intervalMs: params.interMs ?? CHECK_DEFAULTS.intervalMs,
    rise: params.rise ?? CHECK_DEFAULTS.rise,
    fall: params.fall ?? CHECK_DEFAULTS.fall,
    ...(detail ? { detail } : {}),
    loc: at,
  };
}

function checkDetail(conf: ProxyConf): string | undefined {
  if (!conf.check) return undefined;
  const line = ["option", conf.check.option, ...conf.check.args].join(" ");
  return conf.check.option === "httpchk" && conf.httpCheckSend ? `${line}; ${conf.httpCheckSend}` : line;
}

function notes({ address, template }: ServerDecl): string[] {
  const out: string[] = [];
  if (template) out.push("server-template slot: its address comes from DNS at run time");
  else if (address.kind === "dns") out.push(`'${address.host}' is a DNS name: HAProxy resolves it to a single address`);
  if (address.kind === "env") out.push("the address comes from an environment variable, unknown until HAProxy starts");
  if (address.portText === undefined && address.kind !== "unix" && address.kind !== "other" && address.kind !== "env") {
    out.push("no port: HAProxy connects to the port the client connected to");
  } else if (/^[+-]/.test(address.portText ?? "")) out.push(`port ${address.portText} is relative to the port the client connected to`);
  return out;
}

function withUniqueIds(backends: Backend[]): Backend[] {
  uniqueIds(backends);
  return backends;
}

export function buildRoutes(p: Proxy, file: string): Route[] {
  const { section, conf, body } = p;
  const label = `${section.kind} ${section.name}`;
  const prefix = `haproxy:${section.kind}:${section.name}`;
  const listeners: Listener[] = [
    ...(section.address !== undefined ? [{ address: section.address, flags: [], loc: loc(file, section.header.line) }] : []),
    ...body.binds,
  ];
  const route = (key: string, name: string, targets: Target[], at: Loc, condition?: string): Route => ({
    key,
    name,
    format: "haproxy",
    ...(condition !== undefined ? { condition } : {}),
    listeners: listeners.map((l) => ({ ...l, flags: [...l.flags] })),
    targets,
    scope: prefix,
    ...(key === `${prefix}:default` ? { fallback: true } : {}),
    ...resilience(conf, FRONTEND_TIMEOUTS, file, at),
    loc: at,
  });
  const keys = new Set<string>();
  const routes = body.rules.map((r) => {
    const rule = `use_backend ${r.backend}${r.condition === undefined ? "" : ` ${r.condition}`}`;
    const at = loc(file, r.line);
    // A rule is what it matches: its condition, not its line (moves keep it) nor its backend
    // (changing only the backend is a retarget of the same route).
    const matches = r.condition === undefined ? "always" : r.condition.split(/\s+/).join(" ");
    return route(claimUnique(keys, `${prefix}:use_backend ${matches}`), `${label}: ${rule}`, [target(r.backend, at)], at, r.condition);
  });
  const fallback = conf.defaultBackend;
  if (fallback) {
    const at = loc(file, fallback.line);
    routes.push(route(`${prefix}:default`, `${label} (default)`, [target(fallback.name, at)], at));
  } else if (section.kind === "listen") {
    // Without a default_backend, a listen section balances over its own servers.
    const at = { ...section.loc };
    routes.push(route(`${prefix}:default`, `${label} (default)`, [target(section.name, at)], at));
  }
  return routes;
}

/** `base`, or `base#2`, `base#3`... whichever is not yet in `seen` (which then holds it). */
function claimUnique(seen: Set<string>, base: string): string {
  let unique = base;
  for (let n = 2; seen.has(unique); n++) unique = `${base}#${n}`;
  seen.add(unique);
  return unique;
}

function target(name: string, at: Loc): Target {
  // HAProxy evaluates a backend name containing '%' as a log-format expression per request.
  if (name.includes("%")) return { kind: "dynamic", expression: name, weight: null, loc: at };
  return { kind: "ref", poolKey: poolKey(name), name, unresolved: "missing", weight: 1, loc: at };
}
