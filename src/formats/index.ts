/** One entry point for every format parser. */
import type { Format, Model } from "../model/types.js";
import { parseHaproxy } from "./haproxy/parse.js";
import { type NginxParseOptions, parseNginx } from "./nginx/parse.js";

export interface ParseOptions {
  nginx?: NginxParseOptions;
}

export function parseConfig(format: Format, text: string, file: string, options: ParseOptions = {}): Model {
  switch (format) {
    case "nginx":
      return parseNginx(text, file, options.nginx);
    case "haproxy":
      return parseHaproxy(text, file);
  }
}
