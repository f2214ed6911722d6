/**
 * Which files are load-balancer config, and in which format. The policy's `files` mapping wins;
 * otherwise the file name narrows the candidates and the content decides.
 */
import picomatch from "picomatch";
import type { Format } from "../model/types.js";
import type { Policy } from "../policy/schema.js";
import { PARSERS } from "./index.js";
import { TEMPLATE_NAME } from "./templates.js";

/** Files a reader may skip without opening: nothing here can be load-balancer config. */
export function isCandidatePath(path: string, policy: Policy): boolean {
  if (matches(path, policy.ignore)) return false;
  if (policy.files.some((f) => picomatch.isMatch(path, f.path, { dot: true }))) return true;
  // Templates the policy renders, and the values files they render with.
  if (policy.templates.some((t) => picomatch.isMatch(path, t.path, { dot: true }) || t.values === path)) return true;
  // A template by name (nginx.conf.j2) is a candidate when its name without the extension is.
  const name = path.replace(TEMPLATE_NAME, "");
  return PARSERS.some((p) => p.names.test(path) || (name !== path && p.names.test(name)));
}

export function detectFormat(path: string, text: string, policy: Policy): Format | null {
  if (matches(path, policy.ignore)) return null;
  const mapped = policy.files.find((f) => picomatch.isMatch(path, f.path, { dot: true }));
  if (mapped) return mapped.format as Format;
  return PARSERS.find((p) => p.names.test(path) && p.detect(text))?.format ?? null;
}

function matches(path: string, globs: string[]): boolean {
  return globs.length > 0 && picomatch.isMatch(path, globs, { dot: true });
}
