/**
 * Which HAProxy release a repository targets, and what that means for keywords HAProxy 2.6 (our
 * main tables and oracle) does not know but 3.2 does (the generated tables of its manual).
 */
import {
  BALANCE_ALGORITHMS_32,
  BIND_KEYWORDS_32,
  GLOBAL_KEYWORDS_32,
  PROXY_KEYWORDS_32,
  PROXY_KEYWORDS_REFERENCE_ONLY_32,
  PROXY_MODES_32,
  SERVER_KEYWORDS_32,
} from "./keywords-3.2.generated.js";

import { atLeast, parseRelease, type Release } from "../release.js";
import { unknownKeyword } from "./keywords.js";

export { parseRelease, type Release };

export type Table = "global" | "proxy" | "option" | "timeout" | "server" | "bind" | "mode" | "balance";

const proxyRows = [...Object.keys(PROXY_KEYWORDS_32), ...Object.keys(PROXY_KEYWORDS_REFERENCE_ONLY_32)];
const second = (prefix: string) => proxyRows.filter((k) => k.startsWith(`${prefix} `)).map((k) => k.split(" ")[1]!);

const NEWER: Record<Table, ReadonlySet<string>> = {
  global: new Set(GLOBAL_KEYWORDS_32),
  proxy: new Set(proxyRows.map((k) => k.split(" ")[0]!)),
  option: new Set(second("option")),
  timeout: new Set(second("timeout")),
  server: new Set(Object.keys(SERVER_KEYWORDS_32)),
  bind: new Set(Object.keys(BIND_KEYWORDS_32)),
  mode: new Set(PROXY_MODES_32),
  balance: new Set(BALANCE_ALGORITHMS_32),
};

/** Arguments a 3.2 server or bind keyword takes, so that its value is not read as the next keyword. */
export function newerArity(table: "server" | "bind", kw: string): number {
  const t: Record<string, number> = table === "server" ? SERVER_KEYWORDS_32 : BIND_KEYWORDS_32;
  return Object.hasOwn(t, kw) ? t[kw]! : 0;
}

/**
 * What to say about `kw` when HAProxy 2.6 does not know it: undefined when 3.2 does not either
 * (the caller's usual unknown-keyword verdict applies). A repository that targets 3.x gets
 * nothing; one that targets an older release gets an error, as that HAProxy would refuse the
 * file; one that says nothing gets a warning.
 */
export function newerKeyword(table: Table, kw: string, what: string, target: Release | undefined): { severity: "error" | "warning"; message: string } | null | undefined {
  if (!NEWER[table].has(kw)) return undefined;
  if (atLeast(target, 3)) return null;
  if (target) return { severity: "error", message: `'${kw}' is a ${what} of HAProxy 3.x; HAProxy ${target.major}.${target.minor} (the policy's haproxyVersion) rejects it` };
  return { severity: "warning", message: `'${kw}' is a ${what} of HAProxy 3.x, unknown to 2.6: set haproxyVersion in the policy to say which release you run` };
}

/**
 * The verdict on a keyword HAProxy 2.6's tables lack: a 3.2 keyword follows the target release
 * (see newerKeyword); any other is unknown, an error when it is a near-typo of a known one.
 * `newer` says whether 3.2 knows it, so its arguments can be consumed by its arity.
 */
export function judgeKeyword(table: Table, kw: string, target: Release | undefined, known: Iterable<string>, what: string): { verdict: ReturnType<typeof unknownKeyword> | null; newer: boolean } {
  const newer = newerKeyword(table, kw, `${table} keyword`, target);
  return newer !== undefined ? { verdict: newer, newer: true } : { verdict: unknownKeyword(kw, known, what), newer: false };
}
