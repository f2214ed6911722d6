/**
 * Which files are load-balancer config, and in which format. The policy's `files` mapping wins;
 * otherwise the file name narrows the candidates and the content decides.
 */
import picomatch from "picomatch";
import type { Format } from "../model/types.js";
import type { Policy } from "../policy/schema.js";

const NGINX_NAME = /(\.conf|\.nginx|\.vhost|\.conf\.template)$|(^|\/)nginx[^/]*$|(^|\/)(sites-(available|enabled)|conf\.d)\//;
const HAPROXY_NAME = /(\.cfg|\.haproxy)$|(^|\/)haproxy[^/]*$/;

/** Directives only nginx config has, as whole statements. */
const NGINX_CONTENT = /^\s*(upstream\s+\S+\s*\{|server\s*\{|location\s+[^{;]*\{|http\s*\{|stream\s*\{|(proxy|grpc|fastcgi|uwsgi)_pass\s)/m;
const HAPROXY_SECTION = /^\s*(frontend|backend|listen|defaults)(\s|$)/m;
const HAPROXY_KEYWORD = /^\s+(server|balance|bind|mode|use_backend|default_backend|default-server|server-template)\s/m;

/** Files a reader may skip without opening: nothing here can be load-balancer config. */
export function isCandidatePath(path: string, policy: Policy): boolean {
  if (matches(path, policy.ignore)) return false;
  if (policy.files.some((f) => picomatch.isMatch(path, f.path, { dot: true }))) return true;
  return NGINX_NAME.test(path) || HAPROXY_NAME.test(path);
}

export function detectFormat(path: string, text: string, policy: Policy): Format | null {
  if (matches(path, policy.ignore)) return null;
  const mapped = policy.files.find((f) => picomatch.isMatch(path, f.path, { dot: true }));
  if (mapped) return mapped.format as Format;
  if (HAPROXY_NAME.test(path) && HAPROXY_SECTION.test(text) && HAPROXY_KEYWORD.test(text)) return "haproxy";
  if (NGINX_NAME.test(path) && NGINX_CONTENT.test(text)) return "nginx";
  return null;
}

function matches(path: string, globs: string[]): boolean {
  return globs.length > 0 && picomatch.isMatch(path, globs, { dot: true });
}
