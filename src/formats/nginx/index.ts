import type { FormatParser } from "../registry.js";
import { parseNginx } from "./parse.js";

/** Directives only nginx config has, as whole statements. */
const CONTENT = /^\s*(upstream\s+\S+\s*\{|server\s*\{|location\s+[^{;]*\{|http\s*\{|stream\s*\{|(proxy|grpc|fastcgi|uwsgi)_pass\s)/m;

export const nginx: FormatParser = {
  format: "nginx",
  names: /(\.conf|\.nginx|\.vhost|\.conf\.template)$|(^|\/)nginx[^/]*$|(^|\/)(sites-(available|enabled)|conf\.d)\//,
  detect: (text) => CONTENT.test(text),
  parse: (text, file) => parseNginx(text, file),
};
