import type { FormatParser } from "../registry.js";
import { parseEnvoy } from "./parse.js";

/** Fields only Envoy config has (snake_case and proto-JSON camelCase), or an Envoy type URL. */
const MARKERS =
  /\b(static_resources|load_assignment|loadAssignment|lb_endpoints|lbEndpoints|virtual_hosts|virtualHosts|filter_chains|filterChains)\b|type\.googleapis\.com\/envoy\./;
/** A Kubernetes manifest (a ConfigMap holding envoy.yaml, an EnvoyFilter) is not Envoy config. */
const KUBERNETES = /^(apiVersion|kind)\s*:|^\s*"apiVersion"\s*:/m;

export const envoy: FormatParser = {
  format: "envoy",
  names: /\.(ya?ml|json)$/i,
  detect: (text) => MARKERS.test(text) && !KUBERNETES.test(text),
  parse: (text, file) => parseEnvoy(text, file),
};

export { parseEnvoy };
