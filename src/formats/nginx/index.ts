import type { FormatParser } from "../registry.js";
import { parseNginx } from "./parse.js";

/** Statements only nginx config has. */
const STRONG = /^\s*(upstream\s+\S+\s*\{|location\s+[^{;]*\{|(proxy|grpc|fastcgi|uwsgi|scgi)_pass\s|server_name\s+[^=:\s]|listen\s+[^=:\s])/m;
/** A Kubernetes manifest (a ConfigMap carrying nginx.conf) is not nginx config itself. */
const MANIFEST = /^apiVersion\s*:/m;
const KIND = /^kind\s*:/m;
/**
 * A bare block name is not enough: HOCON and other brace formats have `http {` too. Their blocks
 * hold `key = value` or `key: value`; nginx blocks hold directives ending in `;`.
 */
const BLOCK = /^\s*(server|http|stream|events)\s*\{/m;
const DIRECTIVE = /^\s*[a-z_][a-z0-9_]*(\s+[^;{}=:]*)?;\s*(#.*)?$/m;

export function looksLikeNginx(text: string): boolean {
  if (MANIFEST.test(text) && KIND.test(text)) return false;
  return STRONG.test(text) || (BLOCK.test(text) && DIRECTIVE.test(text));
}

export const nginx: FormatParser = {
  format: "nginx",
  names: /(\.conf|\.nginx|\.vhost|\.conf\.template)$|(^|\/)nginx[^/]*$|(^|\/)(sites-(available|enabled)|conf\.d)\//,
  detect: looksLikeNginx,
  parse: (text, file) => parseNginx(text, file),
};
