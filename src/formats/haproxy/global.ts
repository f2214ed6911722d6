/** The `global` section: only keyword validity matters to the model. */

import { BUILD_DEPENDENT_GLOBAL, GLOBAL_KEYWORDS, lookup, NEGATABLE_GLOBAL, REMOVED_GLOBAL_KEYWORDS } from "./keywords.js";
import type { Directive } from "./sections.js";
import type { Say } from "./server.js";
import { judgeKeyword, type Release } from "./versions.js";

/** Process-wide settings that change how proxies are checked. */
export interface GlobalConf {
  /** `ssl-server-verify none` lifts the need for a CA file on `ssl` servers. */
  sslVerifyNone: boolean;
  /** The release the policy says the repository targets. */
  target?: Release;
}

export function applyGlobalLine(conf: GlobalConf, d: Directive, say: Say): void {
  const [kw, arg] = d.words as [string, string | undefined];
  const removed = lookup(REMOVED_GLOBAL_KEYWORDS, kw);
  if (kw === "no" || kw === "default") {
    if (arg !== "log" && !NEGATABLE_GLOBAL.has(arg ?? "")) say("error", `'${kw} ${arg ?? ""}' is not supported in 'global'`);
  } else if (removed) say("error", `'${kw}' is ${removed}`);
  else if (BUILD_DEPENDENT_GLOBAL.test(kw)) say("warning", `'${kw}' only exists when HAProxy is built with its optional module`);
  else if (!GLOBAL_KEYWORDS.has(kw)) {
    const { verdict } = judgeKeyword("global", kw, conf.target, GLOBAL_KEYWORDS, "keyword in the 'global' section");
    if (verdict) say(verdict.severity, verdict.message);
  }
  else if (kw === "ssl-server-verify") conf.sslVerifyNone = arg === "none";
}
