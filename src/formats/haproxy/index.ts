import type { FormatParser } from "../registry.js";
import { parseHaproxy } from "./parse.js";

const SECTION = /^\s*(frontend|backend|listen|defaults)(\s|$)/m;
const KEYWORD = /^\s+(server|balance|bind|mode|use_backend|default_backend|default-server|server-template)\s/m;

export const haproxy: FormatParser = {
  format: "haproxy",
  names: /(\.cfg|\.haproxy)$|(^|\/)haproxy[^/]*$/,
  detect: (text) => SECTION.test(text) && KEYWORD.test(text),
  parse: (text, file) => parseHaproxy(text, file),
};
