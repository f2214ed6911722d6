import type { Pool } from "../src/model/types.js";
import { uniqueLocs } from "../src/diff/diff.js";
import type { Rule, RuleHit } from "./rule.js";

const SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n    targetPort: 8080\n";
const deployment = (label: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: ${label}\n  template:\n    metadata:\n      labels:\n        app: ${label}\n    spec:\n      containers:\n      - name: web\n        image: web:1.0\n`;

export const selectorMatchesNothing: Rule = {
  id: "selector-matches-nothing",
  severity: "high",
  title: "Service selector matches no pods",
  description:
    "A Service (or DestinationRule subset) whose selector matched workloads before matches none now (high), or a new or changed selector matches no workload in the files reviewed (info).",
  rationale:
    "Kubernetes selects pods by label, silently: rename a label on the Deployment or a key in the Service's selector and the Service has no endpoints, so every request to it fails. Nothing in the diff says so; only the labels no longer agree.",
  assumptions:
    "Workloads are looked up in every file of the version (Deployments, StatefulSets, ReplicaSets, Argo Rollouts, by namespace and pod template labels). Pods created any other way, or workloads in files not reviewed, cannot be seen: a selector that never matched here may match in the cluster, hence info.",
  formats: ["kubernetes"],
  examples: {
    fires: { format: "kubernetes", before: `${SERVICE}---\n${deployment("web")}`, after: `${SERVICE}---\n${deployment("web-v2")}` },
    silent: { format: "kubernetes", before: `${SERVICE}---\n${deployment("web")}`, after: `${SERVICE}---\n${deployment("web").replace("web:1.0", "web:1.1")}` },
  },
  check({ changes }) {
    const hits: RuleHit[] = [];
    for (const p of changes.pools) {
      const after = p.after;
      if (after?.format !== "kubernetes" || !after.selector || after.backends.length > 0) continue;
      const before = p.before;
      const selector = describe(after.selector);
      if (before?.selector && before.backends.length > 0) {
        const workloads = [...new Set(before.backends.map((b) => b.name ?? b.id))];
        hits.push({
          message: `${p.name}: selector ${selector} matched ${workloads.join(", ")} before and matches no workload now: the Service has no endpoints`,
          loc: after.loc,
          related: uniqueLocs(before.backends.map((b) => b.loc)),
        });
      } else if (!before || !sameSelector(before, after) || p.changes.length > 0) {
        hits.push({
          severity: "info",
          message: `${p.name}: selector ${selector} matches no workload in the files reviewed (it may be defined elsewhere)`,
          loc: after.loc,
        });
      }
    }
    return hits;
  },
};

function describe(selector: NonNullable<Pool["selector"]>): string {
  return Object.entries(selector.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

function sameSelector(a: Pool, b: Pool): boolean {
  return JSON.stringify(a.selector ?? null) === JSON.stringify(b.selector ?? null);
}
