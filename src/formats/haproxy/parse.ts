/**
 * HAProxy configuration → normalized model. Each backend and listen section becomes a pool;
 * each use_backend rule and each default backend of a frontend or listen section becomes a
 * route. Problems become diagnostics: the parser never throws.
 */

import { type Diagnostic, emptyModel, loc, type Model } from "../../model/types.js";
import { buildPool, buildRoutes } from "./build.js";
import { applyGlobalLine, type GlobalConf } from "./global.js";
import { lookup, SERVER_SECTIONS } from "./keywords.js";
import {
  applyProxyLine,
  cloneConf,
  hasBackend,
  hasFrontend,
  initialConf,
  newBody,
  type Proxy,
  type ProxyBody,
  type ProxyConf,
} from "./proxy.js";
import { exclusive, MAY_BE_SKIPPED, type Section, splitSections } from "./sections.js";
import { parseRelease, type Release } from "./versions.js";
import { checkServerSettings, initialServerParams, parseServer, type Say, type ServerDecl } from "./server.js";

/** State while reading one file, in order: defaults are visible only below their section. */
interface Run {
  file: string;
  report: (severity: Diagnostic["severity"], message: string, line: number) => void;
  global: GlobalConf;
  defaults: Map<string, ProxyConf>;
  /** Names of several defaults sections: `from` cannot designate them. */
  ambiguousDefaults: Set<string>;
  lastDefaults?: ProxyConf;
  proxies: Proxy[];
  /** Names of http-errors sections, which `errorfiles` lines refer to. */
  httpErrors: Set<string>;
  frontendNames: Map<string, Section>;
  backendNames: Map<string, Section>;
}

export interface HaproxyParseOptions {
  /** The policy's haproxyVersion: the release whose errors and warnings apply. */
  version?: string;
}

export function parseHaproxy(text: string, file: string, options: HaproxyParseOptions = {}): Model {
  const model = emptyModel(file, "haproxy");
  try {
    const { sections, conditionalLines } = splitSections(text, file, model.diagnostics);
    const run = newRun(file, model.diagnostics, conditionalLines, parseRelease(options.version));
    for (const section of sections) readSection(run, section);
    checkReferences(run);
    checkServers(run);
    model.pools = run.proxies.filter(hasBackend).map((p) => buildPool(p, file));
    model.routes = run.proxies.filter(hasFrontend).flatMap((p) => buildRoutes(p, file));
  } catch (err) {
    // A parser bug must reach the reviewer as a diagnostic rather than abort the review.
    model.diagnostics.push({ severity: "error", message: `internal HAProxy parser error: ${String(err)}`, loc: loc(file, 1) });
  }
  // Cross-section checks run last; readers expect findings in file order.
  model.diagnostics.sort((a, b) => a.loc.line - b.loc.line);
  return model;
}

function newRun(file: string, diagnostics: Diagnostic[], conditionalLines: Set<number>, target: Release | undefined): Run {
  const seen = new Set<string>();
  const report: Run["report"] = (severity, message, line) => {
    // Template slots and inherited settings can repeat one finding on one line.
    const id = `${severity}:${line}:${message}`;
    if (seen.has(id)) return;
    seen.add(id);
    if (severity === "error" && conditionalLines.has(line)) {
      diagnostics.push({ severity: "warning", message: message + MAY_BE_SKIPPED, loc: loc(file, line) });
    } else diagnostics.push({ severity, message, loc: loc(file, line) });
  };
  return {
    file,
    report,
    global: { sslVerifyNone: false, ...(target ? { target } : {}) },
    defaults: new Map(),
    ambiguousDefaults: new Set(),
    proxies: [],
    httpErrors: new Set(),
    frontendNames: new Map(),
    backendNames: new Map(),
  };
}

const sayAt =
  (run: Run, line: number): Say =>
  (severity, message) =>
    run.report(severity, message, line);

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
  readBody(run, s, conf, newBody());
  if (s.name !== "") {
    if (run.defaults.has(s.name)) run.ambiguousDefaults.add(s.name);
    run.defaults.set(s.name, conf);
  }
  run.lastDefaults = conf;
}

function namedDefaults(run: Run, s: Section): ProxyConf | undefined {
  const conf = run.defaults.get(s.from!);
  if (!conf) run.report("error", `defaults section '${s.from}' not found (it must come before '${s.keyword} ${s.name}')`, s.header.line);
  if (run.ambiguousDefaults.has(s.from!)) run.report("error", `several defaults sections are named '${s.from}'`, s.header.line);
  return conf;
}

function readProxy(run: Run, s: Section): void {
  const unique = claimName(run, s);
  // HAProxy 1.x took a listen address on the header line; 2.x no longer does.
  if (s.address !== undefined && !(run.global.target && run.global.target.major < 2)) {
    // HAProxy 2.6 creates no proxy for a header with an address, so it rejects every line below it.
    const severity = s.body.length > 0 ? "error" : "warning";
    run.report(severity, `'${s.keyword} ${s.name} ${s.address}': HAProxy 2.6 takes listening addresses on 'bind' lines only`, s.header.line);
  }
  const parent = s.from === undefined ? run.lastDefaults : namedDefaults(run, s);
  const proxy: Proxy = { section: s, conf: parent ? cloneConf(parent) : initialConf(), body: newBody() };
  // Only proxies with a frontend side inherit default_backend.
  if (s.kind === "backend") delete proxy.conf.defaultBackend;
  readBody(run, s, proxy.conf, proxy.body);
  checkUniqueServers(run, proxy.body.servers);
  if (unique) run.proxies.push(proxy);
}

function readBody(run: Run, s: Section, conf: ProxyConf, body: ProxyBody): void {
  const kind = s.kind as Exclude<Section["kind"], "global" | "other">;
  const lineLoc = (line: number) => loc(run.file, line);
  for (const d of s.body) applyProxyLine({ kind, named: s.name !== "", conf, body, lineLoc, say: sayAt(run, d.line), target: run.global.target }, d);
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
  if (s.keyword === "http-errors") run.httpErrors.add(s.name);
  for (const d of s.body.filter((d) => d.words[0] === "server")) {
    const say = sayAt(run, d.line);
    const kind = lookup(SERVER_SECTIONS, s.keyword);
    if (kind === "checked") parseServer(d, initialServerParams(), say, run.global.target);
    else if (!kind) say("error", `'server' is not allowed in a '${s.keyword}' section`);
  }
}

/**
 * What `haproxy -c` checks once all sections are read: every named backend (even where the rule
 * is ignored, in a backend section) and http-errors section must exist, and http frontends need
 * http backends.
 */
function checkReferences(run: Run): void {
  const backends = new Map(run.proxies.filter(hasBackend).map((p) => [p.section.name, p]));
  for (const p of run.proxies) {
    for (const d of p.section.body.filter((d) => d.words[0] === "errorfiles" && !run.httpErrors.has(d.words[1]!))) {
      run.report("error", `no http-errors section named '${d.words[1]}' in this file`, d.line);
    }
    const uses = [...p.body.rules.map((r) => ({ name: r.backend, line: r.line })), ...(p.conf.defaultBackend ? [p.conf.defaultBackend] : [])];
    for (const { name, line } of uses.filter((u) => !u.name.includes("%"))) {
      const target = backends.get(name);
      if (!target) run.report("error", `no backend or listen section named '${name}' in this file`, line);
      else if (hasFrontend(p) && p.conf.mode === "http" && target.conf.mode === "tcp") {
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
