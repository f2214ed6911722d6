/**
 * The timeouts and retries a nginx route runs with: `<module>_*_timeout` and
 * `<module>_next_upstream[_tries]`, inherited from http to server to location (the innermost
 * setting wins), else nginx's defaults, which sit at the route's own line.
 */
import { parseDuration } from "../duration.js";
import { type Loc, loc, type Resilience, type Timeout } from "../../model/types.js";
import type { Directive } from "./tree.js";

/** Per module, the timeouts that bound a proxied request (all default to 60s). */
const HTTP_TIMEOUTS = ["connect_timeout", "send_timeout", "read_timeout"];
/** stream: `proxy_timeout` is 10m, `proxy_connect_timeout` 60s. */
const STREAM_TIMEOUTS: Record<string, number> = { connect_timeout: 60_000, timeout: 600_000 };

const indexes = new WeakMap<Directive[], Map<string, Directive>>();

/** Each directive name's last occurrence in a block, indexed once: an http {} is shared by every route. */
function lastByName(block: Directive[]): Map<string, Directive> {
  let index = indexes.get(block);
  if (!index) {
    index = new Map(block.map((d) => [d.name, d]));
    indexes.set(block, index);
  }
  return index;
}

/**
 * `levels` are the enclosing blocks' directives, outermost first. `pass` is the `*_pass`
 * directive that makes the route (its module prefix names the settings that apply).
 */
export function routeResilience(levels: Directive[][], pass: Directive, stream: boolean, file: string, at: Loc): Resilience {
  const module = pass.name.replace(/_pass$/, "");
  const find = (name: string): Directive | undefined => {
    for (let i = levels.length - 1; i >= 0; i--) {
      const found = lastByName(levels[i]!).get(name);
      if (found) return found;
    }
    return undefined;
  };
  const timeouts: Record<string, Timeout> = {};
  const defaults: Record<string, number> = stream ? STREAM_TIMEOUTS : Object.fromEntries(HTTP_TIMEOUTS.map((t) => [t, 60_000]));
  for (const [suffix, fallback] of Object.entries(defaults)) {
    const name = `${module}_${suffix}`;
    const d = find(name);
    const ms = d?.args[0] !== undefined ? parseDuration(d.args[0], "s") : fallback;
    if (ms !== null) timeouts[name] = { ms, loc: d ? loc(file, d.line, d.endLine) : at };
  }
  const next = find(`${module}_next_upstream`);
  const tries = find(`${module}_next_upstream_tries`);
  const on = next ? next.args.filter((a) => a !== "off" && a !== "on") : stream ? ["connect-failure"] : ["error", "timeout"];
  const off = next?.args.includes("off") === true;
  const limit = tries?.args[0] !== undefined ? Number(tries.args[0]) : 0;
  const where = next ?? tries;
  return {
    timeouts,
    retries: {
      attempts: off ? 0 : limit > 0 ? limit - 1 : null,
      on: off ? [] : stream && next?.args.includes("on") ? ["connect-failure"] : on,
      loc: where ? loc(file, where.line, where.endLine) : at,
    },
  };
}
