/**
 * HAProxy configuration → normalized model. Each backend and listen section becomes a pool;
 * each use_backend rule and each default backend of a frontend or listen section becomes a
 * route. Problems become diagnostics: the parser never throws.
 */

import {
  type Algorithm,
  type Backend,
  type Diagnostic,
  emptyModel,
  type HealthCheck,
  type Listener,
  type Loc,
  loc,
  type Model,
  type Pool,
  type Route,
  type Target,
} from "../../model/types.js";
import { applyGlobalLine, type GlobalConf } from "./global.js";
import { BALANCE_ALGORITHMS, lookup, SERVER_SECTIONS } from "./keywords.js";
import { applyProxyLine, cloneConf, initialConf, type ProxyBody, type ProxyConf } from "./proxy.js";
import { exclusive, type Section, splitSections } from "./sections.js";
import { checkServerSettings, initialServerParams, parseServer, type Say, type ServerDecl } from "./server.js";

/** HAProxy's defaults when `check` is set without `inter`, `rise` or `fall`. */
const CHECK_DEFAULTS = { intervalMs: 2000, rise: 2, fall: 3 };

interface Proxy {
  section: Section;
  conf: ProxyConf;
  body: ProxyBody;
}

/** State while reading one file, in order: defaults are visible only below their section. */
interface Run {
  file: string;
  report: (severity: Diagnostic["severity"], message: string, line: number) => void;
  global: GlobalConf;
  defaults: Map<string, ProxyConf>;
  lastDefaults?: ProxyConf;
  proxies: Proxy[];
  frontendNames: Map<string, Section>;
  backendNames: Map<string, Section>;
}

export function parseHaproxy(text: string, file: string): Model {
  const model = emptyModel(file, "haproxy");
  try {
    const run = newRun(file, model.diagnostics);
    for (const section of splitSections(text, file, model.diagnostics)) readSection(run, section);
    checkReferences(run);
    checkServers(run);
    model.pools = run.proxies.filter(hasBackend).map((p) => buildPool(p, file));
    model.routes = run.proxies.filter(hasFrontend).flatMap((p) => buildRoutes(p, file));
  } catch (err) {
    // A parser bug must reach the reviewer as a diagnostic rather than abort the review.
    model.diagnostics.push({ severity: "error", message: `internal HAProxy parser error: ${String(err)}`, loc: loc(file, 1) });
  }
  return model;
}

function newRun(file: string, diagnostics: Diagnostic[]): Run {
  const seen = new Set<string>();
  const report: Run["report"] = (severity, message, line) => {
    // Template slots and inherited settings can repeat one finding on one line.
    const id = `${severity}:${line}:${message}`;
    if (seen.has(id)) return;
    seen.add(id);
    diagnostics.push({ severity, message, loc: loc(file, line) });
  };
  return { file, report, global: { sslVerifyNone: false }, defaults: new Map(), proxies: [], frontendNames: new Map(), backendNames: new Map() };
}

const sayAt =
  (run: Run, line: number): Say =>
  (severity, message) =>
    run.report(severity, message, line);

const hasBackend = (p: Proxy) => p.section.kind === "backend" || p.section.kind === "listen";
const hasFrontend = (p: Proxy) => p.section.kind === "frontend" || p.section.kind === "listen";

function readSection(run: Run, s: Section): void {
  if (s.kind === "global") {
    for (const d of s.body) applyGlobalLine(run.global, d, sayAt(run, d.line));
  } else if (s.kind === "defaults") readDefaults(run, s);
  else if (s.kind === "other") readOther(run, s);
  else if (!s.broken) readProxy(run, s);
}

function readDefaults(run: Run, s: Section): void {
  // A defaults section starts afresh unless it names a parent with `from`.
  const parent = s.from === undefined ? undefined : namedDefaults(run, s);
  const conf = parent ? cloneConf(parent) : initialConf();
  readBody(run, s, conf, { servers: [], rules: [], binds: [] });
  if (s.name !== "") run.defaults.set(s.name, conf);
  run.lastDefaults = conf;
}

function namedDefaults(run: Run, s: Section): ProxyConf | undefined {
  const conf = run.defaults.get(s.from!);
  if (!conf) run.report("error", `defaults section '${s.from}' not found (it must come before '${s.keyword} ${s.name}')`, s.header.line);
  return conf;
}

function readProxy(run: Run, s: Section): void {
  const unique = claimName(run, s);
  if (s.address !== undefined) {
    // HAProxy 2.6 creates no proxy for a header with an address, so it rejects every line below it.
    const severity = s.body.length > 0 ? "error" : "warning";
    run.report(severity, `'${s.keyword} ${s.name} ${s.address}': addresses go on 'bind' lines since HAProxy 2.1`, s.header.line);
  }
  const parent = s.from === undefined ? run.lastDefaults : namedDefaults(run, s);
  const proxy: Proxy = { section: s, conf: parent ? cloneConf(parent) : initialConf(), body: { servers: [], rules: [], binds: [] } };
  readBody(run, s, proxy.conf, proxy.body);
  checkUniqueServers(run, proxy.body.servers);
  if (unique) run.proxies.push(proxy);
}

function readBody(run: Run, s: Section, conf: ProxyConf, body: ProxyBody): void {
  const kind = s.kind as Exclude<Section["kind"], "global" | "other">;
  const lineLoc = (line: number) => loc(run.file, line);
  for (const d of s.body) applyProxyLine({ kind, named: s.name !== "", conf, body, lineLoc, say: sayAt(run, d.line) }, d);
}

/**
 * Frontends share a namespace, backends another; a listen section is in both. Returns false
 * for a second proxy of the same name: the model keeps the first so that keys stay unique.
 */
function claimName(run: Run, s: Section): boolean {
  const spaces = [
    ...(s.kind !== "backend" ? [run.frontendNames] : []),
    ...(s.kind !== "frontend" ? [run.backendNames] : []),
  ];
  let unique = true;
  for (const names of spaces) {
    const previous = names.get(s.name);
    if (!previous) names.set(s.name, s);
    else {
      unique = false;
      const at = `'${s.name}' is also declared at line ${previous.header.line}`;
      if (exclusive(previous, s)) run.report("warning", `${at}, in another branch of an '.if'; the model shows that one`, s.header.line);
      else run.report("error", `${at}: proxies need distinct names`, s.header.line);
    }
  }
  return unique;
}

function checkUniqueServers(run: Run, servers: ServerDecl[]): void {
  const lines = new Map<string, number>();
  for (const s of servers) {
    const previous = lines.get(s.name);
    if (previous !== undefined) run.report("error", `another server named '${s.name}' was already defined at line ${previous}`, s.line);
    else lines.set(s.name, s.line);
  }
}

/** Sections that are neither global nor proxies: only their `server` lines concern us. */
function readOther(run: Run, s: Section): void {
  for (const d of s.body.filter((d) => d.words[0] === "server")) {
    const say = sayAt(run, d.line);
    // peers and ring sections use servers for replication and log shipping, never for balancing.
    if (SERVER_SECTIONS.has(s.keyword)) parseServer(d, initialServerParams(), say);
    else say("error", `'server' is not allowed in a '${s.keyword}' section`);
  }
}

/** What `haproxy -c` checks once all sections are read: every named backend must exist. */
function checkReferences(run: Run): void {
  const backends = new Map(run.proxies.filter(hasBackend).map((p) => [p.section.name, p]));
  for (const p of run.proxies.filter(hasFrontend)) {
    const uses = [...p.body.rules.map((r) => ({ name: r.backend, line: r.line })), ...(p.conf.defaultBackend ? [p.conf.defaultBackend] : [])];
    for (const { name, line } of uses.filter((u) => !u.name.includes("%"))) {
      const target = backends.get(name);
      if (!target) run.report("error", `no backend or listen section named '${name}' in this file`, line);
      else if (p.conf.mode === "http" && target.conf.mode === "tcp") {
        run.report("error", `http ${p.section.kind} '${p.section.name}' cannot use tcp backend '${name}' (see 'mode')`, line);
      }
    }
  }
}

function checkServers(run: Run): void {
  for (const p of run.proxies) {
    for (const s of p.body.servers) {
      const say = sayAt(run, s.line);
      checkServerSettings(s.params, run.global.sslVerifyNone, say);
      if (checksWithoutPort(s, p.conf)) say("error", `server '${s.name}' is checked but has neither a service port nor a check 'port'`);
    }
  }
}

/**
 * HAProxy needs a port to health-check an IP server: its own, a `port` parameter or a connect
 * rule. For DNS names it depends on what resolution yields at start-up, so they are left alone.
 */
function checksWithoutPort({ params, address }: ServerDecl, conf: ProxyConf): boolean {
  return params.check && address.kind === "ip" && address.portText === undefined && !params.checkPort && !conf.checkConnectPort;
}

function buildPool(p: Proxy, file: string): Pool {
  const { section, conf } = p;
  return {
    key: poolKey(section.name),
    name: section.name,
    format: "haproxy",
    algorithm: algorithm(conf, file),
    allBackups: conf.allBackups,
    backupsSupported: true,
    backends: uniqueIds(p.body.servers.map((s) => buildBackend(s, conf, file))),
    settings: { mode: conf.mode, ...conf.settings },
    loc: { ...section.loc },
  };
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
  if (address.portText === undefined && address.kind !== "unix" && address.kind !== "other") {
    out.push("no port: HAProxy connects to the port the client connected to");
  } else if (/^[+-]/.test(address.portText ?? "")) out.push(`port ${address.portText} is relative to the port the client connected to`);
  return out;
}

/** Ids must be unique within a pool: later servers at the same address get `#2`, `#3`... */
function uniqueIds(backends: Backend[]): Backend[] {
  const seen = new Set<string>();
  for (const b of backends) {
    let id = b.id;
    for (let n = 2; seen.has(id); n++) id = `${b.id}#${n}`;
    b.id = id;
    seen.add(id);
  }
  return backends;
}

function buildRoutes(p: Proxy, file: string): Route[] {
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
    loc: at,
  });
  const keys = new Set<string>();
  const routes = body.rules.map((r) => {
    const rule = `use_backend ${r.backend}${r.condition === undefined ? "" : ` ${r.condition}`}`;
    const at = loc(file, r.line);
    return route(uniqueKey(keys, `${prefix}:${rule}`), `${label}: ${rule}`, [target(r.backend, at)], at, r.condition);
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

/** Keys come from names and conditions, not line numbers, so moving lines keeps them. */
function uniqueKey(keys: Set<string>, key: string): string {
  let unique = key;
  for (let n = 2; keys.has(unique); n++) unique = `${key}#${n}`;
  keys.add(unique);
  return unique;
}

function target(name: string, at: Loc): Target {
  // HAProxy evaluates a backend name containing '%' as a log-format expression per request.
  if (name.includes("%")) return { kind: "dynamic", expression: name, weight: null, loc: at };
  return { kind: "ref", poolKey: poolKey(name), name, unresolved: "missing", weight: 1, loc: at };
}
