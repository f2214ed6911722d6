import type { FormatParser } from "../registry.js";
import { parseTraefik } from "./parse.js";

/** TOML tables of dynamic configuration: [http.routers], [[tcp.services.x.loadBalancer.servers]]. */
const TOML_TABLES = /^\s*\[\[?\s*("?(http|tcp|udp)"?\s*\.\s*"?(routers|services|middlewares|serversTransports)"?|"?tls"?\s*\.\s*"?(options|certificates|stores)"?)\s*[.\]]/m;
/** YAML: a top-level http/tcp/udp section holding routers or services. */
const YAML_SECTION = /^(http|tcp|udp)\s*:\s*(#.*)?$/m;
const YAML_CHILD = /^[ \t]+(routers|services|middlewares|serversTransports)\s*:/m;
/** A file of TLS options or certificates only is Traefik dynamic configuration too, with no pools. */
const YAML_TLS = /^tls\s*:\s*(#.*)?\n([ \t]+#.*\n)*[ \t]+(options|certificates|stores)\s*:/m;
const YAML_FLOW = /^(http|tcp|udp)\s*:\s*\{.*\b(routers|services)\s*:/m;
const API_VERSION = /^apiVersion\s*:\s*["']?([^\s"'#]+)/gm;

/** True when every resource in the file is a Traefik CRD (mixed manifests go to Kubernetes). */
function onlyTraefikCrds(text: string): boolean {
  const apis = [...text.matchAll(API_VERSION)].map((m) => m[1]!);
  return apis.length > 0 && apis.every((a) => /^traefik\.(io|containo\.us)\//.test(a));
}

export const traefik: FormatParser = {
  format: "traefik",
  names: /\.(ya?ml|toml)$/i,
  detect: (text) => TOML_TABLES.test(text) || (YAML_SECTION.test(text) && YAML_CHILD.test(text)) || YAML_FLOW.test(text) || YAML_TLS.test(text) || onlyTraefikCrds(text),
  parse: (text, file) => parseTraefik(text, file),
};

export { parseTraefik };
