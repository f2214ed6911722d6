/**
 * kustomize overlays are read as `kustomize build` renders them (modelled on the layouts of
 * kubernetes-sigs/kustomize's examples and stefanprodan/podinfo's kustomize directory, Apache-2.0;
 * no text copied). Each overlay is its own set; a patch is never judged on its own.
 */
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/engine/analyze.js";
import { loadPolicy } from "../../src/policy/load.js";
import { toJsonReport } from "../../src/report/json.js";

const DEPLOYMENT = (replicas: number) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: ${replicas}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: web:1.0\n`;
const SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n";
const BASE_K = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- deployment.yaml\n- service.yaml\n";
const PROD_K = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: prod\nresources:\n- ../../base\npatches:\n- path: replicas.yaml\n";
const PROD_PATCH = (n: number) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: ${n}\n`;
const STAGING_K = (ops: string) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamePrefix: staging-\nresources:\n- ../../base\npatches:\n- target:\n    kind: Deployment\n    name: web\n  patch: |-\n${ops}\n`;
const ONE = "    - op: replace\n      path: /spec/replicas\n      value: 1";

const tree = (o: { base?: number; prod?: number; prodDelete?: boolean; staging?: string } = {}) => [
  { path: "deploy/base/kustomization.yaml", text: BASE_K },
  { path: "deploy/base/deployment.yaml", text: DEPLOYMENT(o.base ?? 3) },
  { path: "deploy/base/service.yaml", text: SERVICE },
  { path: "deploy/overlays/prod/kustomization.yaml", text: PROD_K },
  { path: "deploy/overlays/prod/replicas.yaml", text: o.prodDelete ? PROD_PATCH(5).replace("spec:\n  replicas: 5\n", "$patch: delete\n") : PROD_PATCH(o.prod ?? 5) },
  { path: "deploy/overlays/staging/kustomization.yaml", text: STAGING_K(o.staging ?? ONE) },
];
const review = (before: ReturnType<typeof tree>, after: ReturnType<typeof tree>) => analyze(before, after, loadPolicy(null));
const pools = (a: ReturnType<typeof review>) => toJsonReport(a).pools.map((p) => [p.name, p.after?.backends.length ?? null]);

describe("kustomize", () => {
  it("each overlay is its own rendered set: namespace, prefix and patches applied, nothing read twice", () => {
    const a = review([], tree());
    expect(pools(a)).toEqual([
      ["prod@deploy/overlays/prod/web", 5],
      ["default@deploy/overlays/staging/staging-web", 1],
    ]);
    // Neither the base (used by the overlays) nor the patch is judged on its own.
    expect(a.findings.filter((f) => f.rule === "unparseable-config")).toEqual([]);
  });

  it("a change to the base shows in every overlay that does not override it, on the base's line", () => {
    const labelsOnly = "    - op: add\n      path: /metadata/labels\n      value: {tier: web}";
    const a = review(tree({ staging: labelsOnly }), tree({ base: 1, staging: labelsOnly }));
    const staging = a.findings.filter((f) => f.message.includes("staging-web"));
    expect(staging.map((f) => [f.rule, f.file, f.line])).toContainEqual(["active-backends-reduced", "deploy/base/deployment.yaml", 6]);
    expect(a.findings.filter((f) => f.message.includes("prod@"))).toEqual([]);
  });

  it("a patch that scales an overlay in is judged on the patch's line", () => {
    const a = review(tree(), tree({ prod: 1 }));
    expect(a.findings.map((f) => [f.rule, f.severity, f.file, f.line])).toContainEqual(["active-backends-reduced", "critical", "deploy/overlays/prod/replicas.yaml", 6]);
  });

  it("$patch: delete removes the Deployment from that overlay only: its Service selects nothing", () => {
    const a = review(tree(), tree({ prodDelete: true }));
    const hit = a.findings.filter((f) => f.severity === "critical" || f.severity === "high");
    expect(hit.length).toBeGreaterThan(0);
    expect(hit.every((f) => f.message.includes("prod"))).toBe(true);
  });

  it("an inline JSON 6902 patch is read at its lines in the kustomization", () => {
    const a = review([], tree({ staging: "    - op: replace\n      path: /spec/replicas\n      value: 2" }));
    const staging = toJsonReport(a).pools.find((p) => p.name.includes("staging"))!;
    expect(staging.after!.backends.map((b) => b.id)).toEqual(["staging-web/1", "staging-web/2"]);
    expect(a.changes.pools.find((p) => p.name.includes("staging"))!.after!.backends[0]!.loc).toMatchObject({ file: "deploy/overlays/staging/kustomization.yaml", line: 13 });
  });
});

describe("kustomize components", () => {
  it("a Component is applied where it is listed, never rendered on its own", () => {
    const comp = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n- path: scale.yaml\n";
    const scale = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n";
    const overlay = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../../base\ncomponents:\n- ../../components/scale\n";
    const files = [
      ...tree().filter((f) => f.path.startsWith("deploy/base/")),
      { path: "deploy/components/scale/kustomization.yaml", text: comp },
      { path: "deploy/components/scale/scale.yaml", text: scale },
      { path: "deploy/overlays/small/kustomization.yaml", text: overlay },
    ];
    const a = review([], files);
    expect(pools(a)).toEqual([["default@deploy/overlays/small/web", 2]]);
    expect(a.findings.filter((f) => f.severity !== "info").map((f) => f.message)).toEqual([]);
  });
});

describe("kustomize, against a hostile change", () => {
  it("a kustomization added in the change cannot re-key plain config to hide a scale-in in it", () => {
    const before = [
      { path: "k8s/web.yaml", text: DEPLOYMENT(4) },
      { path: "k8s/svc.yaml", text: SERVICE },
    ];
    const after = [
      { path: "k8s/web.yaml", text: DEPLOYMENT(1) },
      { path: "k8s/svc.yaml", text: SERVICE },
      { path: "k8s/kustomization.yaml", text: "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop\nresources:\n- web.yaml\n- svc.yaml\n" },
    ];
    const a = review(before, after);
    expect(a.findings.find((f) => f.severity === "critical")).toMatchObject({ file: "k8s/web.yaml", line: 6 });
  });

  it("a new overlay of new files is rendered at once", () => {
    const a = review(tree().filter((f) => f.path.startsWith("deploy/base/")), tree());
    expect(pools(a).map(([name]) => name)).toContain("prod@deploy/overlays/prod/web");
  });
});

describe("kustomize resources outside kustomization directories", () => {
  // argoproj/argocd-example-apps: guestbook/ is applied as a directory and also listed by two overlays.
  const overlay = (name: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamePrefix: ${name}-\nresources:\n- ../guestbook/web.yaml\n- ../guestbook/svc.yaml\n`;
  const files = (withService: boolean) => [
    { path: "guestbook/web.yaml", text: DEPLOYMENT(3) },
    ...(withService ? [{ path: "guestbook/svc.yaml", text: SERVICE }] : []),
    { path: "kustomize-guestbook/kustomization.yaml", text: overlay("kg") },
    { path: "pre-post-sync/kustomization.yaml", text: overlay("pps") },
  ];

  it("are judged on their own too: deleting the Service is a high deletion, and both overlays fail to build", () => {
    const a = review(files(true), files(false));
    expect(a.findings.find((f) => f.rule === "lb-config-deleted")).toMatchObject({ severity: "high", file: "guestbook/svc.yaml" });
    const broken = a.findings.filter((f) => f.rule === "unparseable-config" && f.severity === "critical" && f.message.includes("still listed"));
    expect(broken.map((f) => f.file).sort()).toEqual(["kustomize-guestbook/kustomization.yaml", "pre-post-sync/kustomization.yaml"]);
  });
});

describe("kustomize resources generated at build time", () => {
  it("a resource that never existed (a plugin writes it) is a warning, not a failed build", () => {
    const k = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ./all.yaml\n";
    const a = review([], [{ path: "plugins/helm/kustomization.yaml", text: k }]);
    expect(a.findings.filter((f) => f.severity !== "info")).toEqual([]);
  });
});
