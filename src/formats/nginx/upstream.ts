/** nginx `upstream` blocks into pools: servers, their parameters and the balancing method. */
import { type Algorithm, type Backend, type Diagnostic, type HealthCheck, type Include, loc, type Pool } from "../../model/types.js";
import { uniqueIds } from "../../model/ids.js";
import { parseAddress } from "../address.js";
import { parseDuration } from "../duration.js";
import { error, warning } from "./diag.js";
import { PLUS_SERVER_PARAMS, SERVER_FLAG_PARAMS, SERVER_VALUE_PARAMS, UPSTREAM_DIRECTIVES } from "./directives.js";
import type { Directive } from "./tree.js";

export type NginxContext = "http" | "stream";

/** Methods that accept `backup` servers; nginx rejects backup under hash, ip_hash and random. */
const BACKUP_CAPABLE = new Set(["round-robin", "least-conn", "least-time"]);

/** OpenResty directives that hand the choice of server to Lua code. */
const LUA_BALANCERS = new Set(["balancer_by_lua_block", "balancer_by_lua_file", "balancer_by_lua", "balancer_keepalive"]);

/** The context of an `include` inside an upstream: its servers belong to that pool (see upstream-includes.ts). */
export const upstreamIncludeContext = (poolKey: string) => `upstream:${poolKey}`;

export function upstreamToPool(d: Directive, ctx: NginxContext, file: string, diags: Diagnostic[], includes: Include[] = []): Pool {
  const name = d.args[0] ?? "";
  const at = loc(file, d.line, d.endLine);
  if (d.args.length !== 1) diags.push(error(`invalid number of arguments in "upstream" directive`, d, file));
  const pool: Pool = {
    key: `nginx:${ctx}:${name}`,
    name,
    format: "nginx",
    algorithm: { name: "round-robin", args: [] },
    allBackups: true,
    backupsSupported: true,
    backends: [],
    settings: {},
    loc: at,
  };
  let backupLine: Directive | undefined;
  for (const child of d.block ?? []) {
    const algorithm = balancer(child, file);
    if (algorithm) {
      pool.algorithm = algorithm;
      continue;
    }
    if (child.name === "server") {
      const backend = serverToBackend(child, ctx, file, diags);
      if (backend) {
        if (backend.state === "backup") backupLine ??= child;
        pool.backends.push(backend);
      }
      continue;
    }
    if (child.name === "include" && child.args.length === 1) {
      includes.push({ pattern: child.args[0]!, context: upstreamIncludeContext(pool.key), loc: loc(file, child.line, child.endLine) });
      continue;
    }
    if (LUA_BALANCERS.has(child.name)) {
      if (child.name !== "balancer_keepalive") pool.sharesFrom = { what: `an OpenResty Lua balancer (${child.name})`, loc: loc(file, child.line, child.endLine) };
      continue;
    }
    // validate.ts reports directives nginx does not allow here.
    if (UPSTREAM_DIRECTIVES.has(child.name)) pool.settings[child.name] = child.args.join(" ");
  }
  pool.backupsSupported = BACKUP_CAPABLE.has(pool.algorithm.name);
  if (backupLine && !pool.backupsSupported) {
    diags.push(error(`balancing method "${pool.algorithm.name}" does not support parameter "backup"`, backupLine, file));
  }
  const serversElsewhere = pool.sharesFrom !== undefined || includes.some((i) => i.context === upstreamIncludeContext(pool.key));
  if (pool.backends.length === 0 && !serversElsewhere) {
    if (pool.settings.zone !== undefined) {
      diags.push(warning(`upstream "${name}" has no servers: they must come from the NGINX Plus API at run time`, d, file));
    } else {
      diags.push(error(`no servers are inside upstream "${name}"`, d, file));
    }
  }
  uniqueIds(pool.backends);
  return pool;
}

function balancer(d: Directive, file: string): Algorithm | undefined {
  const at = loc(file, d.line, d.endLine);
  switch (d.name) {
    case "least_conn":
      return { name: "least-conn", args: d.args, loc: at };
    case "ip_hash":
      return { name: "ip-hash", args: d.args, loc: at };
    case "hash":
      return { name: "hash", args: d.args, loc: at };
    case "random":
      return { name: "random", args: d.args, loc: at };
    case "least_time":
      return { name: "least-time", args: d.args, loc: at };
    default:
      return undefined;
  }
}

export function serverToBackend(d: Directive, ctx: NginxContext, file: string, diags: Diagnostic[]): Backend | undefined {
  const at = loc(file, d.line, d.endLine);
  const [addressText, ...params] = d.args;
  if (!addressText) {
    diags.push(error(`invalid number of arguments in "server" directive`, d, file));
    return undefined;
  }
  const address = parseAddress(addressText, ctx === "http" ? 80 : undefined);
  if (!address) {
    diags.push(error(`invalid address "${addressText}" in "server" directive`, d, file));
    return undefined;
  }
  // With `service=` the port comes from the DNS SRV record (nginx 1.27.3+, NGINX Plus).
  if (ctx === "stream" && address.port === undefined && !address.host.startsWith("unix:") && !params.some((p) => p.startsWith("service="))) {
    diags.push(error(`no port in upstream "${addressText}"`, d, file));
  }
  const backend: Backend = {
    id: address.id,
    host: address.host,
    port: address.port,
    weight: 1,
    state: "active",
    healthCheck: { kind: "passive", maxFails: 1, failTimeoutMs: 10_000, loc: at },
    limits: {},
    notes: [],
    loc: at,
  };
  if (!address.isIp && !address.host.startsWith("unix:")) {
    backend.notes.push("hostname: nginx resolves it at start-up and may get several addresses, each a server");
  }
  for (const param of params) applyServerParam(backend, param, d, file, diags);
  return backend;
}

function applyServerParam(b: Backend, param: string, d: Directive, file: string, diags: Diagnostic[]): void {
  const eq = param.indexOf("=");
  const key = eq >= 0 ? param.slice(0, eq) : param;
  const value = eq >= 0 ? param.slice(eq + 1) : undefined;
  const known = value === undefined ? SERVER_FLAG_PARAMS.has(key) : SERVER_VALUE_PARAMS.has(key);
  if (!known) {
    diags.push(error(`invalid parameter "${param}"`, d, file));
    return;
  }
  if (PLUS_SERVER_PARAMS.has(key)) {
    diags.push(warning(`server parameter "${key}" needs NGINX Plus or a newer nginx`, d, file));
  }
  const invalid = (): void => {
    diags.push(error(`invalid parameter "${param}"`, d, file));
  };
  const hc = b.healthCheck as HealthCheck;
  switch (key) {
    case "backup":
      b.state = b.state === "down" ? "down" : "backup";
      return;
    case "down":
      b.state = "down";
      return;
    case "drain":
      if (b.state !== "down") b.state = "drain";
      return;
    case "weight": {
      const w = intValue(value);
      if (w === null || w < 1) {
        invalid();
        return;
      }
      b.weight = w;
      return;
    }
    case "max_fails": {
      const n = intValue(value);
      if (n === null) {
        invalid();
        return;
      }
      hc.maxFails = n;
      // max_fails=0 switches failure accounting off: nginx never marks the server out.
      hc.kind = n === 0 ? "none" : "passive";
      return;
    }
    case "fail_timeout": {
      const ms = value === undefined ? null : parseDuration(value, "s");
      if (ms === null) {
        invalid();
        return;
      }
      hc.failTimeoutMs = ms;
      return;
    }
    case "max_conns":
    case "slow_start": {
      if (!value) {
        invalid();
        return;
      }
      b.limits[key] = value;
      return;
    }
    default:
      b.limits[key] = value ?? "true";
  }
}

function intValue(text: string | undefined): number | null {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : null;
}

