/** Every format parser, in detection order: the more specific YAML dialects before Kubernetes. */
import type { Format, Model } from "../model/types.js";
import { envoy } from "./envoy/index.js";
import { haproxy } from "./haproxy/index.js";
import { type HaproxyParseOptions, parseHaproxy } from "./haproxy/parse.js";
import { kubernetes } from "./kubernetes/index.js";
import { nginx } from "./nginx/index.js";
import { type NginxParseOptions, parseNginx } from "./nginx/parse.js";
import type { FormatParser } from "./registry.js";
import { terraform } from "./terraform/index.js";
import { traefik } from "./traefik/index.js";

export const PARSERS: readonly FormatParser[] = [nginx, haproxy, traefik, envoy, kubernetes, terraform];

const byFormat = new Map(PARSERS.map((p) => [p.format, p]));

export interface ParseOptions {
  nginx?: NginxParseOptions;
  haproxy?: HaproxyParseOptions;
}

export function parseConfig(format: Format, text: string, file: string, options: ParseOptions = {}): Model {
  if (format === "nginx" && options.nginx) return parseNginx(text, file, options.nginx);
  if (format === "haproxy" && options.haproxy) return parseHaproxy(text, file, options.haproxy);
  return byFormat.get(format)!.parse(text, file);
}

/** A Terraform module directory's files, read together (variables and locals resolve across them). */
export function parseUnit(format: Format, files: readonly { path: string; text: string }[]): Model[] {
  const p = byFormat.get(format)!;
  return p.parseUnit ? p.parseUnit(files) : files.map((f) => p.parse(f.text, f.path));
}

/** Call once at start-up (CLI, app, tests) before parsing: some parsers load WebAssembly. */
export async function initFormats(): Promise<void> {
  for (const p of PARSERS) await p.init?.();
}
