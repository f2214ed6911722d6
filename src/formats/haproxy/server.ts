/** `server`, `default-server` and `server-template` lines. */

import {
  LENIENT_SERVER_ARGS,
  lookup,
  SERVER_ARG_KEYWORDS,
  SERVER_ENUMS,
  SERVER_FLAGS,
} from "./keywords.js";
import type { Directive } from "./sections.js";
import { judgeKeyword, newerArity, type Release } from "./versions.js";
import { type Address, atol, fromEnvironment, invalidChar, parseAddress, parseTime } from "./values.js";

export type Say = (severity: "error" | "warning", message: string) => void;

/** The server settings we model; `default-server` lines build the same structure. */
export interface ServerParams {
  /** null when HAProxy would reject the weight, or it comes from the environment: unknown. */
  weight: number | null;
  /** The environment reference the weight is read from, as written. */
  weightFrom?: string;
  backup: boolean;
  disabled: boolean;
  check: boolean;
  interMs?: number;
  rise?: number;
  fall?: number;
  limits: Record<string, string>;
  ssl: boolean;
  checkSsl: boolean;
  verify?: string;
  caFile: boolean;
  agentCheck: boolean;
  agentPort: boolean;
  /** A `port` parameter: health checks go to that port. */
  checkPort: boolean;
}

export interface ServerDecl {
  name: string;
  address: Address;
  params: ServerParams;
  line: number;
  /** Created by `server-template`: the address comes from DNS at run time. */
  template: boolean;
}

export function initialServerParams(): ServerParams {
  return {
    weight: 1,
    backup: false,
    disabled: false,
    check: false,
    limits: {},
    ssl: false,
    checkSsl: false,
    caFile: false,
    agentCheck: false,
    agentPort: false,
    checkPort: false,
  };
}

export function cloneServerParams(p: ServerParams): ServerParams {
  return { ...p, limits: { ...p.limits } };
}

const FLAG_EFFECTS: Record<string, (p: ServerParams) => void> = {
  backup: (p) => { p.backup = true; },
  "no-backup": (p) => { p.backup = false; },
  disabled: (p) => { p.disabled = true; },
  enabled: (p) => { p.disabled = false; },
  check: (p) => { p.check = true; },
  "no-check": (p) => { p.check = false; },
  ssl: (p) => { p.ssl = true; },
  "no-ssl": (p) => { p.ssl = false; },
  "check-ssl": (p) => { p.checkSsl = true; },
  "no-check-ssl": (p) => { p.checkSsl = false; },
  "agent-check": (p) => { p.agentCheck = true; },
  "no-agent-check": (p) => { p.agentCheck = false; },
};

type ArgEffect = (p: ServerParams, arg: string, say: Say) => void;

const ARG_EFFECTS: Record<string, ArgEffect> = {
  weight: setWeight,
  inter: (p, arg, say) => { p.interMs = checkInterval("inter", arg, say) ?? p.interMs; },
  fastinter: (_p, arg, say) => { checkInterval("fastinter", arg, say); },
  downinter: (_p, arg, say) => { checkInterval("downinter", arg, say); },
  "agent-inter": (_p, arg, say) => { checkInterval("agent-inter", arg, say); },
  rise: (p, arg, say) => { p.rise = positive("rise", arg, say) ?? p.rise; },
  fall: (p, arg, say) => { p.fall = positive("fall", arg, say) ?? p.fall; },
  maxconn: (p, arg) => { p.limits.maxconn = arg; },
  maxqueue: (p, arg) => { p.limits.maxqueue = arg; },
  minconn: (p, arg) => { p.limits.minconn = arg; },
  slowstart: (p, arg, say) => {
    const t = parseTime(arg);
    if ("error" in t) say("error", `'slowstart': ${t.error}`);
    else p.limits.slowstart = arg;
  },
  verify: (p, arg) => { p.verify = arg; },
  "ca-file": (p) => { p.caFile = true; },
  "agent-port": (p) => { p.agentPort = true; },
  port: (p) => { p.checkPort = true; },
};

/** HAProxy reads weights with atol(): `abc` means 0, which HAProxy accepts silently. */
function setWeight(p: ServerParams, arg: string, say: Say): void {
  const w = atol(arg);
  if (!/^[+-]?\d+$/.test(arg)) say("warning", `weight '${arg}' is not an integer: HAProxy reads it as ${w}`);
  if (w < 0 || w > 256) {
    say("error", `weight ${w} is not within 0 and 256`);
    p.weight = null;
  } else p.weight = w;
}

function checkInterval(kw: string, arg: string, say: Say): number | undefined {
  const t = parseTime(arg);
  if ("error" in t) say("error", `'${kw}': ${t.error}`);
  else if (t.ms === 0) say("error", `invalid value 0 for '${kw}'`);
  else return t.ms;
  return undefined;
}

function positive(kw: string, arg: string, say: Say): number | undefined {
  const n = atol(arg);
  if (n > 0) return n;
  say("error", `'${kw}' has to be > 0`);
  return undefined;
}

/** Applies `words` (server parameters) to `p`; like HAProxy, stops at the first error. */
export function applyServerParams(p: ServerParams, words: string[], report: Say, target?: Release): void {
  let failed = false;
  const say: Say = (severity, message) => {
    failed ||= severity === "error";
    report(severity, message);
  };
  for (let i = 0; i < words.length && !failed; i++) {
    const kw = words[i]!;
    if (SERVER_FLAGS.has(kw)) lookup(FLAG_EFFECTS, kw)?.(p);
    else if (!SERVER_ARG_KEYWORDS.has(kw)) {
      if (kw === "usesrc") say("error", "'usesrc' is only allowed after 'source'");
      else {
        const { verdict, newer } = judgeKeyword("server", kw, target, [...SERVER_FLAGS, ...SERVER_ARG_KEYWORDS], "server keyword");
        if (verdict) say(verdict.severity, verdict.message);
        // A newer keyword's value is its value, not the next keyword.
        if (newer) i += newerArity("server", kw);
      }
    } else {
      const arg = words[++i];
      if (arg === undefined && !LENIENT_SERVER_ARGS.has(kw)) say("error", `'${kw}' expects an argument`);
      else applyArgument(p, kw, arg ?? "", say);
      if (kw === "source") i = skipSourceOptions(words, i);
    }
  }
}

function applyArgument(p: ServerParams, kw: string, arg: string, say: Say): void {
  if (fromEnvironment(arg)) {
    if (kw === "weight") {
      p.weight = null;
      p.weightFrom = arg;
    }
    return;
  }
  if (kw === "weight") delete p.weightFrom;
  const allowed = lookup(SERVER_ENUMS, kw);
  if (allowed && !allowed.includes(arg)) say("error", `'${kw}' expects one of ${allowed.join(", ")} but got '${arg}'`);
  lookup(ARG_EFFECTS, kw)?.(p, arg, say);
}

/** `source ADDR` may be followed by `usesrc ADDR` and `interface NAME`. */
function skipSourceOptions(words: string[], i: number): number {
  let j = i;
  while ((words[j + 1] === "usesrc" || words[j + 1] === "interface") && words[j + 2] !== undefined) j += 2;
  return j;
}

/** Reports what HAProxy checks once every section is read, for one server's settings. */
export function checkServerSettings(p: ServerParams, sslVerifyNone: boolean, say: Say): void {
  if ((p.ssl || p.checkSsl) && p.verify !== "none" && !p.caFile && !sslVerifyNone) {
    say("error", "ssl verification is enabled by default but no 'ca-file' is given (set 'verify none' or 'ca-file')");
  }
  if (p.agentCheck && !p.agentPort) say("error", "'agent-check' needs an 'agent-port'");
}

/** `server NAME ADDR[:PORT] [params]`. */
export function parseServer(d: Directive, defaults: ServerParams, say: Say, target?: Release): ServerDecl[] {
  const [, name, addr] = d.words;
  if (name === undefined || addr === undefined) {
    say("error", "'server' expects <name> and <addr>[:<port>] as arguments");
    return [];
  }
  checkName(name, say);
  const address = parseAddress(addr);
  if (address.error) say("error", address.error);
  const params = cloneServerParams(defaults);
  applyServerParams(params, d.words.slice(3), say, target);
  return [{ name, address, params, line: d.line, template: false }];
}

/** Expanding more slots than this would only slow the review down; HAProxy has no such limit. */
const MAX_TEMPLATE_SLOTS = 1024;

/** `server-template PREFIX NUM|LOW-HIGH FQDN[:PORT] [params]`: one server per slot. */
export function parseServerTemplate(d: Directive, defaults: ServerParams, say: Say, target?: Release): ServerDecl[] {
  const [, prefix, range, addr] = d.words;
  if (prefix === undefined || range === undefined || addr === undefined) {
    say("error", "'server-template' expects <prefix> <nb | range> <addr>[:<port>] as arguments");
    return [];
  }
  const slots = templateSlots(range);
  if (!slots) {
    say("error", `wrong server-template number or range '${range}'`);
    return [];
  }
  checkName(prefix, say);
  const address = parseAddress(addr);
  if (address.error) say("error", address.error);
  const params = cloneServerParams(defaults);
  applyServerParams(params, d.words.slice(4), say, target);
  const [low, high] = slots;
  if (high - low >= MAX_TEMPLATE_SLOTS) say("warning", `only the first ${MAX_TEMPLATE_SLOTS} template slots are shown`);
  const count = Math.min(high - low + 1, MAX_TEMPLATE_SLOTS);
  return Array.from({ length: count }, (_, k) => ({
    name: `${prefix}${low + k}`,
    address,
    params: cloneServerParams(params),
    line: d.line,
    template: true,
  }));
}

function templateSlots(range: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(range);
  if (!m) return undefined;
  const [low, high] = m[2] === undefined ? [1, Number(m[1])] : [Number(m[1]), Number(m[2])];
  return low >= 1 && low <= high ? [low, high] : undefined;
}

function checkName(name: string, say: Say): void {
  const bad = invalidChar(name);
  if (bad) say("error", `character '${bad}' is not permitted in server name '${name}'`);
}
