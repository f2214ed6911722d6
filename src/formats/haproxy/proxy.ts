/** Reading the lines of `defaults`, `frontend`, `backend` and `listen` sections. */

import type { Listener, Loc } from "../../model/types.js";
import {
  BALANCE_ALGORITHMS,
  BIND_KEYWORDS,
  CHECK_OPTIONS,
  lookup,
  OPTIONS,
  PROXY_ARITY,
  PROXY_KEYWORDS,
  type ProxyKind,
  unknownKeyword,
  REMOVED_PROXY_KEYWORDS,
  type Side,
  STATS_KEYWORDS,
  TIMEOUTS,
} from "./keywords.js";
import { conditionProblem, conditionStart } from "./conditions.js";
import type { Directive, Section } from "./sections.js";
import {
  applyServerParams,
  cloneServerParams,
  initialServerParams,
  parseServer,
  parseServerTemplate,
  type Say,
  type ServerDecl,
  type ServerParams,
} from "./server.js";
import { fromEnvironment, INET_FAMILIES, parseTime } from "./values.js";
import { judgeKeyword, newerArity, newerKeyword, type Release } from "./versions.js";

/** Settings a proxy inherits from its defaults section and may override. */
export interface ProxyConf {
  mode: string;
  balance?: { words: string[]; line: number };
  allBackups: boolean;
  /** The last health-check option (`httpchk`, `ssl-hello-chk`...) and its arguments. */
  check?: { option: string; args: string[] };
  httpCheckSend?: string;
  /** A `tcp-check connect port N` (or http-check) rule gives checks a port of their own. */
  checkConnectPort: boolean;
  defaultServer: ServerParams;
  defaultBackend?: { name: string; line: number };
  settings: Record<string, string>;
  timeouts: Record<string, { ms: number; line: number }>;
  /** `retries N` (HAProxy's default is 3), `retry-on`, `option redispatch`, with their lines. */
  retries?: { attempts: number; line: number };
  retryOn?: { on: string[]; line: number };
  redispatch?: { on: boolean; line: number };
}

export function initialConf(): ProxyConf {
  return { mode: "tcp", allBackups: false, checkConnectPort: false, defaultServer: initialServerParams(), settings: {}, timeouts: {} };
}

export function cloneConf(c: ProxyConf): ProxyConf {
  return { ...c, defaultServer: cloneServerParams(c.defaultServer), settings: { ...c.settings }, timeouts: { ...c.timeouts } };
}

export interface SwitchRule {
  backend: string;
  /** `if COND` / `unless COND` as written. */
  condition?: string;
  line: number;
}

/** What a proxy section declares, beyond inheritable settings. */
export interface ProxyBody {
  servers: ServerDecl[];
  rules: SwitchRule[];
  binds: Listener[];
  /** ACL names declared so far: conditions may only use these (a defaults' ACLs are not inherited). */
  acls: Set<string>;
}

export function newBody(): ProxyBody {
  return { servers: [], rules: [], binds: [], acls: new Set() };
}

/** A frontend, backend or listen section once read. */
export interface Proxy {
  section: Section;
  conf: ProxyConf;
  body: ProxyBody;
}

export const hasBackend = (p: Proxy) => p.section.kind === "backend" || p.section.kind === "listen";
export const hasFrontend = (p: Proxy) => p.section.kind === "frontend" || p.section.kind === "listen";

export interface ProxyContext {
  kind: ProxyKind;
  /** Named defaults accept rules that anonymous ones reject. */
  named: boolean;
  conf: ProxyConf;
  body: ProxyBody;
  lineLoc: (line: number) => Loc;
  say: Say;
  /** The release the policy says the repository targets. */
  target: Release | undefined;
}

/** Section settings copied into Pool.settings: few, and useful to a reviewer. */
const RECORDED_SETTINGS = new Set(["fullconn", "hash-type", "cookie", "retries"]);
const RECORDED_TIMEOUTS = new Set(["connect", "server"]);

export function applyProxyLine(ctx: ProxyContext, d: Directive): void {
  const [kw, sub] = d.words as [string, string | undefined];
  if (kw === "no" || kw === "default") {
    negated(ctx, d);
    return;
  }
  const placement = lookup(PROXY_KEYWORDS, `${kw} ${sub}`) ?? lookup(PROXY_KEYWORDS, kw);
  if (placement === undefined) {
    const removed = lookup(REMOVED_PROXY_KEYWORDS, kw);
    if (removed) ctx.say("error", `'${kw}' is ${removed}`);
    else {
      const { verdict } = judgeKeyword("proxy", kw, ctx.target, Object.keys(PROXY_KEYWORDS).map((k) => k.split(" ")[0]!), `keyword in '${ctx.kind}' sections`);
      if (verdict) ctx.say(verdict.severity, verdict.message);
    }
    return;
  }
  if (!placed(ctx, kw, placement) || !argumentsFit(ctx, d)) return;
  lookup(HANDLERS, kw)?.(ctx, d);
  checkCondition(ctx, d);
}

function argumentsFit(ctx: ProxyContext, d: Directive): boolean {
  const [kw, ...args] = d.words as [string, ...string[]];
  const [min, max = Number.POSITIVE_INFINITY] = lookup(PROXY_ARITY, kw) ?? [0];
  if (args.length < min) ctx.say("error", `'${kw}' expects ${min === 1 ? "an argument" : `${min} arguments`}`);
  else if (args.length > max) ctx.say("error", `'${kw}' cannot handle unexpected argument '${args[max]}'`);
  return args.length >= min && args.length <= max;
}

function checkCondition(ctx: ProxyContext, d: Directive): void {
  const start = conditionStart(d.words);
  const problem = start === undefined ? undefined : conditionProblem(d.words.slice(start + 1), ctx.body.acls);
  if (problem) ctx.say("error", problem);
}

/**
 * Applies the placement letter for this section type; false when HAProxy refuses the line. An
 * ignored line is still parsed (and rejected if malformed), as HAProxy does.
 */
function placed(ctx: ProxyContext, kw: string, placement: string): boolean {
  const index = { defaults: ctx.named ? 1 : 0, frontend: 2, backend: 3, listen: -1 }[ctx.kind];
  const letter = placement[index] ?? "X";
  const where = ctx.kind === "defaults" && !ctx.named ? "an anonymous defaults" : `a ${ctx.kind}`;
  if (letter === "E") ctx.say("error", `'${kw}' is not allowed in ${where} section`);
  if (letter === "w") ctx.say("warning", `'${kw}' is ignored in ${where} section`);
  return letter !== "E";
}

/** HAProxy warns about, and ignores, frontend settings in a backend and the reverse. */
function sideApplies(ctx: ProxyContext, side: Side, what: string): boolean {
  const wrong = (side === "frontend" && ctx.kind === "backend") || (side === "backend" && ctx.kind === "frontend");
  if (wrong) ctx.say("warning", `'${what}' is ignored in a ${ctx.kind} section`);
  return !wrong;
}

/** `no option X`, `default option X` and `no log` are the only negations in proxies. */
function negated(ctx: ProxyContext, d: Directive): void {
  const [prefix, kw, name = ""] = d.words;
  if (kw === "log" && prefix === "no") return;
  if (kw !== "option") {
    ctx.say("error", `'${prefix}' can only prefix 'option' or 'log'`);
    return;
  }
  const spec = lookup(OPTIONS, name);
  if (!spec) ctx.say("error", `unknown option '${name}'`);
  else if (!spec.negatable) ctx.say("error", `'${prefix} option ${name}' is not supported`);
  else if (name === "allbackups" && sideApplies(ctx, spec.side, `option ${name}`)) ctx.conf.allBackups = false;
  else if (name === "redispatch" && sideApplies(ctx, spec.side, `option ${name}`)) ctx.conf.redispatch = { on: false, line: d.line };
}

type Handler = (ctx: ProxyContext, d: Directive) => void;

const HANDLERS: Record<string, Handler> = {
  acl: (ctx, d) => ctx.body.acls.add(d.words[1]!),
  mode: (ctx, d) => {
    const mode = d.words[1]!;
    const newer = newerKeyword("mode", mode, "proxy mode", ctx.target);
    if (mode === "tcp" || mode === "http") ctx.conf.mode = mode;
    else if (mode === "health") ctx.say("error", "'mode health' was removed; use 'http-request return status 200'");
    else if (newer !== undefined) {
      ctx.conf.mode = mode;
      if (newer) ctx.say(newer.severity, newer.message);
    } else ctx.say("error", `unknown proxy mode '${mode}'`);
  },
  balance: balance,
  "hash-type": (ctx, d) => {
    const type = d.words[1];
    if (type !== "consistent" && type !== "map-based") ctx.say("error", "'hash-type' only supports 'consistent' and 'map-based'");
    else record(ctx, d);
  },
  option: option,
  timeout: timeout,
  log: (ctx, d) => {
    if (d.words[1] === "global" && d.words.length > 2) ctx.say("error", `'log global' cannot handle unexpected argument '${d.words[2]}'`);
  },
  stats: (ctx, d) => {
    if (!STATS_KEYWORDS.has(d.words[1]!)) ctx.say("error", `unknown stats parameter '${d.words[1]}'`);
  },
  fullconn: record,
  cookie: record,
  retries: (ctx, d) => {
    record(ctx, d);
    const n = Number(d.words[1]);
    if (Number.isInteger(n) && n >= 0) ctx.conf.retries = { attempts: n, line: d.line };
  },
  "retry-on": (ctx, d) => {
    ctx.conf.retryOn = { on: d.words.slice(1), line: d.line };
  },
  "http-check": (ctx, d) => {
    if (d.words[1] === "send") {
      ctx.conf.httpCheckSend = d.raws.join(" ");
      checkSendArguments(ctx, d.words.slice(2));
    }
    checkConnect(ctx, d);
  },
  "tcp-check": checkConnect,
  "default-server": (ctx, d) => applyServerParams(ctx.conf.defaultServer, d.words.slice(1), ctx.say, ctx.target),
  server: (ctx, d) => ctx.body.servers.push(...parseServer(d, ctx.conf.defaultServer, ctx.say, ctx.target)),
  "server-template": (ctx, d) => ctx.body.servers.push(...parseServerTemplate(d, ctx.conf.defaultServer, ctx.say, ctx.target)),
  bind: bind,
  use_backend: useBackend,
  default_backend: (ctx, d) => {
    ctx.conf.defaultBackend = { name: d.words[1]!, line: d.line };
  },
};

/** `http-check send` options and how many values each takes, as HAProxy 2.6 reads them. */
const CHECK_SEND_OPTIONS: Record<string, number> = { comment: 1, meth: 1, uri: 1, "uri-lf": 1, ver: 1, hdr: 2, body: 1, "body-lf": 1 };

function checkSendArguments(ctx: ProxyContext, words: string[]): void {
  for (let i = 0; i < words.length; i++) {
    const kw = words[i]!;
    const arity = lookup(CHECK_SEND_OPTIONS, kw);
    if (arity === undefined) {
      const u = unknownKeyword(kw, Object.keys(CHECK_SEND_OPTIONS), "'http-check send' option");
      ctx.say(u.severity, u.message);
      return;
    }
    if (words.length - i - 1 < arity) {
      ctx.say("error", `'http-check send': '${kw}' expects ${arity === 2 ? "<name> and <value>" : "a value"}`);
      return;
    }
    i += arity;
  }
}

/** The listening addresses of a `bind` line that HAProxy rejects for want of a port. */
function portlessBindAddresses(list: string): string[] {
  return list.split(",").filter((a) => {
    if (a === "" || fromEnvironment(a) || a.startsWith("/")) return false;
    const family = /^([a-z0-9]+)@(.*)$/.exec(a);
    if (family && !INET_FAMILIES.has(family[1]!)) return false;
    const rest = family ? family[2]! : a;
    return rest.startsWith("[") ? !/\]:/.test(rest) : !rest.includes(":");
  });
}

function checkConnect(ctx: ProxyContext, d: Directive): void {
  if (d.words[1] === "connect" && d.words.includes("port")) ctx.conf.checkConnectPort = true;
}

function record(ctx: ProxyContext, d: Directive): void {
  const [kw] = d.words as [string];
  if (RECORDED_SETTINGS.has(kw)) ctx.conf.settings[kw] = d.words.slice(1).join(" ");
}

/** `balance ALGO [args]`, `hdr(NAME)`, `rdp-cookie[(NAME)]`, `random[(DRAWS)]`. */
function balance(ctx: ProxyContext, d: Directive): void {
  const [, algo, arg] = d.words;
  // A bare `balance` is accepted by HAProxy and changes nothing.
  if (algo === undefined) return;
  const m = /^([a-z_-]+)(?:\((.*)\))?$/.exec(algo);
  const name = m?.[1] ?? "";
  const newer = lookup(BALANCE_ALGORITHMS, name) ? undefined : newerKeyword("balance", name, "balance algorithm", ctx.target);
  if (newer !== undefined) {
    if (newer) ctx.say(newer.severity, newer.message);
    ctx.conf.balance = { words: d.words.slice(1), line: d.line };
  } else if (!lookup(BALANCE_ALGORITHMS, name) || (name === "hdr" && !m?.[2])) {
    ctx.say("error", `unknown balance algorithm '${algo}'`);
  } else if ((name === "url_param" || name === "hash") && arg === undefined) {
    ctx.say("error", `balance ${name} needs an argument`);
  } else ctx.conf.balance = { words: d.words.slice(1), line: d.line };
}

function option(ctx: ProxyContext, d: Directive): void {
  const [, name = "", ...args] = d.words;
  const spec = lookup(OPTIONS, name);
  if (!spec) {
    const newer = newerKeyword("option", name, "proxy option", ctx.target);
    if (newer !== undefined) {
      if (newer) ctx.say(newer.severity, newer.message);
    } else ctx.say("error", `unknown option '${name}'`);
    return;
  }
  if (spec.maxArgs !== undefined && args.length > spec.maxArgs) {
    ctx.say("error", `'option ${name}' cannot handle unexpected argument '${args[spec.maxArgs]}'`);
    return;
  }
  if (!sideApplies(ctx, spec.side, `option ${name}`)) return;
  if (name === "allbackups") ctx.conf.allBackups = true;
  if (name === "redispatch") ctx.conf.redispatch = { on: true, line: d.line };
  if (CHECK_OPTIONS.has(name)) ctx.conf.check = { option: name, args };
}

function timeout(ctx: ProxyContext, d: Directive): void {
  const [, name, value] = d.words as [string, string, string];
  const side = lookup(TIMEOUTS, name);
  const t = parseTime(value);
  const newer = side ? undefined : newerKeyword("timeout", name, "timeout", ctx.target);
  if (newer !== undefined) {
    if (newer) ctx.say(newer.severity, newer.message);
  } else if (!side) ctx.say("error", `unknown timeout '${name}'`);
  else if (fromEnvironment(value)) return;
  else if ("error" in t) ctx.say("error", `'timeout ${name}': ${t.error}`);
  else if (sideApplies(ctx, side, `timeout ${name}`)) {
    if (RECORDED_TIMEOUTS.has(name)) ctx.conf.settings[`timeout ${name}`] = value;
    ctx.conf.timeouts[name] = { ms: t.ms, line: d.line };
  }
}

/** `bind ADDR [params]`: every parameter must be a known bind keyword. */
function bind(ctx: ProxyContext, d: Directive): void {
  const [, address, ...params] = d.words as [string, string, ...string[]];
  for (const a of portlessBindAddresses(address)) ctx.say("error", `'bind': missing port specification in '${a}'`);
  for (let i = 0; i < params.length; i++) {
    const kw = params[i]!;
    const arity = lookup(BIND_KEYWORDS, kw);
    if (arity === undefined) {
      const { verdict, newer } = judgeKeyword("bind", kw, ctx.target, Object.keys(BIND_KEYWORDS), "bind keyword");
      if (verdict) ctx.say(verdict.severity, verdict.message);
      if (newer) i += newerArity("bind", kw);
    }
    else if (arity === 1 && params[++i] === undefined) ctx.say("error", `bind '${kw}' expects an argument`);
  }
  if (params.includes("ssl") && !params.includes("crt") && !params.includes("crt-list")) {
    ctx.say("error", "'bind ... ssl' needs a certificate ('crt' or 'crt-list')");
  }
  ctx.body.binds.push({ address, flags: params, loc: ctx.lineLoc(d.line) });
}

/** `use_backend NAME [{if|unless} COND]`. */
function useBackend(ctx: ProxyContext, d: Directive): void {
  const [, backend, cond] = d.words as [string, string, string | undefined];
  if (cond !== undefined && cond !== "if" && cond !== "unless") {
    ctx.say("error", `unexpected keyword '${cond}' after use_backend: only 'if' and 'unless' are allowed`);
  } else {
    const condition = cond === undefined ? undefined : d.raws.slice(2).join(" ");
    ctx.body.rules.push({ backend, condition, line: d.line });
  }
}
