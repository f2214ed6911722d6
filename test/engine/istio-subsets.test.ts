/**
 * Istio DestinationRule subsets are the host Service's endpoints filtered by the subset's labels
 * (modelled on istio/istio samples/bookinfo, Apache-2.0: four apps share `version: v1`).
 */
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/engine/analyze.js";
import { toJsonReport } from "../../src/report/json.js";
import { loadPolicy } from "../../src/policy/load.js";

const deployment = (app: string, version: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}-${version}\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: ${app}\n      version: ${version}\n  template:\n    metadata:\n      labels:\n        app: ${app}\n        version: ${version}\n---\n`;
const service = (app: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}\nspec:\n  selector:\n    app: ${app}\n  ports:\n  - port: 9080\n---\n`;
const BOOKINFO = [
  ...["details", "ratings", "productpage"].map((a) => service(a) + deployment(a, "v1")),
  service("reviews"),
  ...["v1", "v2", "v3"].map((v) => deployment("reviews", v)),
].join("");
const RULE =
  "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n  subsets:\n  - name: v1\n    labels:\n      version: v1\n  - name: v2\n    labels:\n      version: v2\n";
const route = (v1: number, v2: number) =>
  `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts:\n  - reviews\n  http:\n  - route:\n    - destination:\n        host: reviews\n        subset: v1\n      weight: ${v1}\n    - destination:\n        host: reviews\n        subset: v2\n      weight: ${v2}\n`;

const files = (v1: number, v2: number, withServices = true) => [
  ...(withServices ? [{ path: "samples/bookinfo/platform/kube/bookinfo.yaml", text: BOOKINFO }] : []),
  { path: "samples/bookinfo/networking/destination-rule-all.yaml", text: RULE },
  { path: "samples/bookinfo/networking/virtual-service-reviews.yaml", text: route(v1, v2) },
];

describe("Istio subsets", () => {
  it("a subset holds the host Service's pods with its labels, not every pod with them", () => {
    const a = analyze([], files(100, 0), loadPolicy(null));
    const v1 = toJsonReport(a).pools.find((p) => p.name.endsWith("/v1"))!;
    expect(v1.after!.backends.map((b) => b.id)).toEqual(["reviews-v1/1"]);
  });

  it("starting an 80/20 canary is a share change of reviews-v1, not a high retarget", () => {
    const a = analyze(files(100, 0), files(80, 20), loadPolicy(null));
    expect(a.findings.filter((f) => ["high", "critical"].includes(f.severity))).toEqual([]);
    const r = toJsonReport(a).routes[0]!;
    expect(r.before!.backends.map((b) => [b.name, b.share])).toEqual([
      ["reviews-v1", 1],
      ["reviews-v2", 0],
    ]);
    expect(r.after!.backends.map((b) => [b.name, b.share])).toEqual([
      ["reviews-v1", 0.8],
      ["reviews-v2", 0.2],
    ]);
  });

  it("without the host Service the subset's pods are unknown, not a guess", () => {
    const a = analyze([], files(100, 0, false), loadPolicy(null));
    const v1 = toJsonReport(a).pools.find((p) => p.name.endsWith("/v1"))!;
    expect(v1.after!.backends.map((b) => [b.id, b.share])).toEqual([["default/reviews/*", null]]);
  });
});
