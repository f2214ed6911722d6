/** nginx `include` patterns matched against repository paths, and the scopes they make. */
import picomatch from "picomatch";
import type { Model } from "./types.js";

/** Include paths are absolute on the server (/etc/nginx/...): match on their last two segments. */
export function includeMatcher(pattern: string): (path: string) => boolean {
  const tail = pattern.split("/").filter(Boolean).slice(-2).join("/");
  return picomatch(`**/${tail}`, { dot: true });
}

/**
 * For every file, the other files of its include scope: the files that include it, what they
 * include, and what it includes itself. A name declared there is nearer than one merely nearby.
 */
export function includeScopes(models: readonly Model[]): Map<string, Set<string>> {
  const files = models.map((m) => m.file);
  const includes = new Map<string, string[]>();
  for (const m of models) {
    if (m.includes.length === 0) continue;
    const matchers = m.includes.map((i) => includeMatcher(i.pattern));
    includes.set(m.file, files.filter((f) => f !== m.file && matchers.some((match) => match(f))));
  }
  const scopes = new Map<string, Set<string>>();
  const add = (file: string, others: string[]) => {
    const s = scopes.get(file) ?? new Set<string>();
    for (const o of others) if (o !== file) s.add(o);
    scopes.set(file, s);
  };
  for (const [parent, children] of includes) {
    add(parent, children);
    for (const c of children) add(c, [parent, ...children]);
  }
  return scopes;
}
