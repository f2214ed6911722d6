import type { FormatParser } from "../registry.js";
import { detectKubernetes } from "./kinds.js";
import { parseKubernetes } from "./parse.js";

/**
 * Kubernetes manifests: Services, workloads and HPAs, Ingress (with ingress-nginx canaries),
 * Gateway API HTTPRoute/GRPCRoute, Istio VirtualService/DestinationRule, Argo Rollouts.
 * Traefik's CRDs are left to the traefik parser.
 */
export const kubernetes: FormatParser = {
  format: "kubernetes",
  names: /\.(ya?ml|json)$/,
  detect: detectKubernetes,
  parse: parseKubernetes,
};
