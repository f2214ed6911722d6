import type { Rule, RuleHit } from "./rule.js";

const route = (service: string) =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: shop\nspec:\n  parentRefs:\n  - name: edge\n  rules:\n  - backendRefs:\n    - name: ${service}\n      port: 80\n`;
const SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: shop\nspec:\n  selector:\n    app: shop\n  ports:\n  - port: 80\n---\n";

export const unknownService: Rule = {
  id: "unknown-service",
  severity: "info",
  title: "Route targets a Service not in the files reviewed",
  description: "A new or re-targeted Kubernetes route (Ingress path, HTTPRoute or GRPCRoute rule, VirtualService route) sends traffic to a Service that no file of the change declares.",
  rationale:
    "Without the Service, lb-review cannot tell which pods take the traffic or how many there are, so the route's share is shown but not spread over backends. It may also be a typo: a misspelt Service name is accepted by the API server and fails only at request time.",
  assumptions: "Services are looked up in every file of the version; one that lives in another repository or is created by a Helm chart is reported too, as information only.",
  formats: ["kubernetes"],
  examples: {
    fires: { format: "kubernetes", before: `${SERVICE}${route("shop")}`, after: `${SERVICE}${route("shopp")}` },
    silent: { format: "kubernetes", before: `${SERVICE}${route("shop")}`, after: `${SERVICE}${route("shop").replace("port: 80", "port: 80\n      weight: 1")}` },
  },
  check({ changes }) {
    const hits: RuleHit[] = [];
    for (const r of changes.routes) {
      if (!r.after || r.after.format !== "kubernetes") continue;
      if (r.before && !r.targetsChanged) continue;
      for (const t of r.after.targets) {
        if (t.kind !== "external" || !t.poolKey?.startsWith("kubernetes:service:")) continue;
        hits.push({ message: `${r.name}: Service ${t.name} is not declared in the files reviewed; which pods receive its traffic is unknown`, loc: t.loc });
      }
    }
    return hits;
  },
};
