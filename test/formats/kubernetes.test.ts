import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { LineCounter, parseAllDocuments } from "yaml";
import { analyze } from "../../src/engine/analyze.js";
import { kubernetes } from "../../src/formats/kubernetes/index.js";
import { link } from "../../src/model/link.js";
import { poolsByKey } from "../support/pools.js";
import type { Model, Pool, Route, Target, Workload } from "../../src/model/types.js";
import { loadPolicy } from "../../src/policy/load.js";
import { toJsonReport } from "../../src/report/json.js";
import { CORPUS_SKIP_REASON, corpusAvailable, corpusFiles } from "../support/corpus.js";
import { FILE_FOR, review } from "../support/review.js";

const FILE = FILE_FOR.kubernetes;
const fixture = (name: string) => readFileSync(resolve(import.meta.dirname, "../fixtures/kubernetes", name), "utf8");
const parse = (text: string, file = FILE) => kubernetes.parse(text, file);
const errors = (m: Model) => m.diagnostics.filter((d) => d.severity === "error");
const warnings = (m: Model) => m.diagnostics.filter((d) => d.severity === "warning");

/** The 1-based line of the n-th line containing `needle` (so expectations follow the text, not the parser). */
function lineOf(text: string, needle: string, nth = 1): number {
  const lines = text.split("\n");
  let seen = 0;
  for (let i = 0; i < lines.length; i++) if (lines[i]!.includes(needle) && ++seen === nth) return i + 1;
  throw new Error(`"${needle}" (#${nth}) not in text`);
}

function pool(m: Model, key: string): Pool {
  const p = m.pools.find((x) => x.key === key);
  if (!p) throw new Error(`no pool ${key} in ${m.pools.map((x) => x.key).join(", ")}`);
  return p;
}
function route(m: Model, key: string): Route {
  const r = m.routes.find((x) => x.key === key);
  if (!r) throw new Error(`no route ${key} in ${m.routes.map((x) => x.key).join(", ")}`);
  return r;
}
function workload(m: Model, name: string): Workload {
  const w = m.workloads.find((x) => x.name === name);
  if (!w) throw new Error(`no workload ${name} in ${m.workloads.map((x) => x.name).join(", ")}`);
  return w;
}
const targetName = (t: Target) => ("name" in t ? t.name : "id" in t ? t.id : t.expression);
const split = (r: Route) => r.targets.map((t) => [t.kind, targetName(t), t.weight]);

const service = (name: string, labels: Record<string, string>, extra = "") =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector:\n${Object.entries(labels)
    .map(([k, v]) => `    ${k}: ${v}\n`)
    .join("")}  ports:\n  - port: 80\n    targetPort: 8080\n${extra}`;
const deployment = (name: string, replicas: number | null, labels: Record<string, string>, image = `${name}:1.0`) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n${replicas === null ? "" : `  replicas: ${replicas}\n`}  selector:\n    matchLabels:\n      app: ${labels.app}\n  template:\n    metadata:\n      labels:\n${Object.entries(
    labels,
  )
    .map(([k, v]) => `        ${k}: ${v}\n`)
    .join("")}    spec:\n      containers:\n      - name: ${name}\n        image: ${image}\n`;

describe("detect", () => {
  it.each([
    ["Service", "apiVersion: v1\nkind: Service\n"],
    ["Ingress", "apiVersion: networking.k8s.io/v1\nkind: Ingress\n"],
    ["quoted kind and a comment", `apiVersion: "gateway.networking.k8s.io/v1"\nkind: 'HTTPRoute' # edge\n`],
    ["a later document", "apiVersion: v1\nkind: ConfigMap\n---\napiVersion: apps/v1\nkind: Deployment\n"],
    ["an earlier document, with CRLF line ends", "apiVersion: apps/v1\r\nkind: Deployment\r\n---\r\napiVersion: v1\r\nkind: ConfigMap\r\n"],
    ["Argo Rollout", "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\n"],
    ["HPA", "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"],
    ["Istio", "apiVersion: networking.istio.io/v1beta1\nkind: DestinationRule\n"],
    ["a List", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n"],
    ["JSON", `{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"}}`],
  ])("claims %s", (_name, text) => {
    expect(kubernetes.detect(text)).toBe(true);
  });

  it.each([
    ["a Traefik IngressRoute", "apiVersion: traefik.io/v1alpha1\nkind: IngressRoute\n"],
    ["a Traefik Middleware (old group)", "apiVersion: traefik.containo.us/v1alpha1\nkind: Middleware\n"],
    ["a Knative Service", "apiVersion: serving.knative.dev/v1\nkind: Service\n"],
    ["a ConfigMap", "apiVersion: v1\nkind: ConfigMap\n"],
    ["an indented kind only", "spec:\n  apiVersion: v1\n  kind: Service\n"],
    ["Envoy config", "static_resources:\n  clusters:\n  - name: app\n"],
    ["nginx text", "upstream app { server 10.0.0.1; }\n"],
    ["a List of ConfigMaps", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n"],
  ])("leaves %s alone", (_name, text) => {
    expect(kubernetes.detect(text)).toBe(false);
  });

  it("reads the file names a reviewer would use", () => {
    expect(["k8s/app.yaml", "deploy/svc.yml", "manifests/list.json"].every((p) => kubernetes.names.test(p))).toBe(true);
    expect(kubernetes.names.test("lb/site.conf")).toBe(false);
  });
});

describe("the shop fixture (every kind, one multi-document file)", () => {
  const text = fixture("shop.yaml");
  const m = parse(text);

  it("parses without diagnostics", () => {
    expect(m.diagnostics).toEqual([]);
  });

  it("turns the Service into a kube-proxy pool with a selector, spanning its document", () => {
    const p = pool(m, "kubernetes:service:prod/shop");
    expect(p.name).toBe("prod/shop");
    expect(p.format).toBe("kubernetes");
    expect(p.algorithm).toMatchObject({ name: "kube-proxy", args: ["ClientIP"] });
    expect(p.algorithm.loc!.line).toBe(lineOf(text, "sessionAffinity: ClientIP"));
    expect([p.allBackups, p.backupsSupported, p.backends]).toEqual([false, false, []]);
    expect(p.selector).toEqual({ namespace: "prod", labels: { app: "shop", tier: "web" } });
    expect(p.settings).toEqual({ type: "LoadBalancer", ports: "80→8080/TCP, 443→https/TCP" });
    expect([p.loc.line, p.loc.endLine]).toEqual([lineOf(text, "apiVersion: v1"), lineOf(text, "targetPort: https")]);
  });

  it("reads the Deployment's labels, readiness probe of the first container, and the HPA floor", () => {
    const w = workload(m, "shop");
    expect(w).toMatchObject({ kind: "Deployment", namespace: "prod", labels: { app: "shop", tier: "web" }, replicas: 3 });
    // The HPA in the same file manages the count: its minReplicas line is where the count is set.
    expect(w.loc.line).toBe(lineOf(text, "minReplicas: 3"));
    expect(w.notes).toContain("HPA minReplicas (max 12)");
    expect(w.healthCheck).toMatchObject({ kind: "http", intervalMs: 5000, fall: 2, rise: 1, detail: "GET /healthz :8080" });
    expect([w.healthCheck.loc.line, w.healthCheck.loc.endLine]).toEqual([lineOf(text, "readinessProbe:"), lineOf(text, "failureThreshold: 2")]);
  });

  it("defaults a StatefulSet without replicas to 1 on its kind line, and maps an exec probe to tcp with defaults", () => {
    const w = workload(m, "cache");
    expect(w).toMatchObject({ kind: "StatefulSet", replicas: 1 });
    expect(w.loc.line).toBe(lineOf(text, "kind: StatefulSet"));
    expect(w.healthCheck).toMatchObject({ kind: "tcp", intervalMs: 10_000, fall: 3, rise: 1 });
    expect(w.healthCheck.detail).toBe("exec redis-cli ping");
  });

  it("makes one route per Ingress path, keyed by namespace, host and path, with tls listeners", () => {
    const root = route(m, "kubernetes:ingress:prod:shop.example.com:/");
    expect(root.name).toBe("shop.example.com/ (ingress shop)");
    expect(root.condition).toBeUndefined();
    expect(root.listeners.map((l) => [l.address, l.flags])).toEqual([["shop.example.com", ["tls"]]]);
    const admin = route(m, "kubernetes:ingress:prod:admin.example.com:/");
    expect(admin.listeners.map((l) => l.flags)).toEqual([[]]);
    expect(split(admin)).toEqual([["ref", "prod/admin", 1]]);
    expect(admin.targets[0]).toMatchObject({ poolKey: "kubernetes:service:prod/admin", unresolved: "external" });
    expect(split(route(m, "kubernetes:ingress:prod:shop.example.com:/static"))).toEqual([["external", "StorageBucket prod/static-assets", 1]]);
    const fallback = route(m, "kubernetes:ingress:prod:*:default");
    expect(split(fallback)).toEqual([["ref", "prod/fallback", 1]]);
    expect(fallback.loc.line).toBe(lineOf(text, "defaultBackend:"));
  });

  it("merges the ingress-nginx canary into the main route: 100 − 10 and 10", () => {
    const root = route(m, "kubernetes:ingress:prod:shop.example.com:/");
    expect(split(root)).toEqual([
      ["ref", "prod/shop", 90],
      ["ref", "prod/shop-next", 10],
    ]);
    expect(root.targets[1]!.loc.line).toBe(lineOf(text, "canary-weight:"));
    expect(m.routes.filter((r) => r.key.startsWith("kubernetes:ingress:prod:shop.example.com:/"))).toHaveLength(2);
  });

  it("reads HTTPRoute rules: positional keys, matches, parentRefs and default weights", () => {
    const r = route(m, "kubernetes:httproute:prod/api:0");
    expect(r.name).toBe("prod/api rule 1");
    expect(r.condition).toBe("path /v2 and method GET and header x-beta=1");
    expect(r.listeners.map((l) => [l.address, l.flags])).toEqual([["edge", ["https"]]]);
    expect(split(r)).toEqual([
      ["ref", "prod/api-v2", 3],
      ["ref", "legacy/api-v1", 1],
      ["ref", "prod/api-v0", 0],
    ]);
    expect(r.targets.map((t) => t.loc.line)).toEqual([lineOf(text, "- name: api-v2"), lineOf(text, "- name: api-v1"), lineOf(text, "- name: api-v0")]);
    expect(split(route(m, "kubernetes:httproute:prod/api:1"))).toEqual([["external", "ServiceImport prod/api-global", 1]]);
  });

  it("reads VirtualService routes: named key, match condition, subsets, FQDN hosts and weights", () => {
    const jason = route(m, "kubernetes:virtualservice:prod/reviews:jason");
    expect(jason.condition).toBe("header end-user = jason and uri /reviews");
    expect(jason.targets[0]).toMatchObject({ kind: "ref", poolKey: "kubernetes:subset:prod/reviews/v2", weight: 100 });
    expect(jason.listeners.map((l) => [l.address, l.flags])).toEqual([["reviews", ["mesh", "edge-gw"]]]);
    const rest = route(m, "kubernetes:virtualservice:prod/reviews:1");
    expect(rest.condition).toBeUndefined();
    expect(rest.targets.map((t) => (t.kind === "ref" ? [t.poolKey, t.weight] : null))).toEqual([
      ["kubernetes:subset:prod/reviews/v1", 75],
      ["kubernetes:service:other/ratings", 25],
    ]);
  });

  it("turns DestinationRule subsets into pools; a subset's own trafficPolicy overrides the rule's", () => {
    const v1 = pool(m, "kubernetes:subset:prod/reviews/v1");
    const v2 = pool(m, "kubernetes:subset:prod/reviews/v2");
    expect(v1.selector).toEqual({ namespace: "prod", labels: { version: "v1" }, within: { serviceKey: "kubernetes:service:prod/reviews", name: "prod/reviews" } });
    expect(v1.algorithm).toMatchObject({ name: "round-robin", args: [] });
    expect(v2.algorithm).toMatchObject({ name: "hash", args: ["header x-user"] });
    expect(v2.algorithm.loc!.line).toBe(lineOf(text, "loadBalancer:", 2));
    expect(v1.settings).toMatchObject({ "outlierDetection.consecutive5xxErrors": "5", "outlierDetection.interval": "30s", "outlierDetection.baseEjectionTime": "1m" });
    expect(v2.settings["outlierDetection.interval"]).toBe("30s");
    expect(v1.loc.line).toBe(lineOf(text, "- name: v1"));
  });

  it("links: the Service gets one backend per replica, carrying the workload's probe", () => {
    const v = link([parse(text)]);
    const shop = poolsByKey(v, "kubernetes:service:prod/shop")[0]!;
    expect(shop.backends.map((b) => b.id)).toEqual(["shop/1", "shop/2", "shop/3"]);
    expect(shop.backends.every((b) => b.healthCheck.kind === "http" && b.weight === 1)).toBe(true);
    const r = v.models[0]!.routes.find((x) => x.key === "kubernetes:ingress:prod:shop.example.com:/")!;
    expect(r.targets.map((t) => t.kind)).toEqual(["pool", "external"]);
  });
});

describe("workloads and HPAs", () => {
  it("reads replicas with its line, and Kubernetes' default of 1 on the kind line", () => {
    const text = `${deployment("a", 4, { app: "a" })}---\n${deployment("b", null, { app: "b" })}`;
    const m = parse(text);
    expect(m.diagnostics).toEqual([]);
    expect([workload(m, "a").replicas, workload(m, "a").loc.line]).toEqual([4, lineOf(text, "replicas: 4")]);
    expect([workload(m, "b").replicas, workload(m, "b").loc.line]).toEqual([1, lineOf(text, "kind: Deployment", 2)]);
    expect(workload(m, "a").healthCheck.kind).toBe("none");
  });

  it("an HPA without minReplicas makes the count unknown, never guessed", () => {
    const hpa = "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: a\nspec:\n  scaleTargetRef:\n    kind: Deployment\n    name: a\n  maxReplicas: 9\n";
    const m = parse(`${deployment("a", 4, { app: "a" })}---\n${hpa}`);
    expect(workload(m, "a").replicas).toBeNull();
    expect(workload(m, "a").notes.join()).toMatch(/unknown.*max 9/);
  });

  it("an HPA for another workload changes nothing", () => {
    const hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: x\nspec:\n  scaleTargetRef:\n    kind: Deployment\n    name: other\n  minReplicas: 7\n  maxReplicas: 9\n";
    const m = parse(`${deployment("a", 4, { app: "a" })}---\n${hpa}`);
    expect(workload(m, "a").replicas).toBe(4);
  });

  it("notes Argo Rollout canary steps; the weight at rest is not split", () => {
    const text = `apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: r\nspec:\n  replicas: 5\n  strategy:\n    canary:\n      steps:\n      - setWeight: 20\n      - pause: {}\n      - setWeight: 50\n      - pause: {duration: 1h}\n  template:\n    metadata:\n      labels:\n        app: r\n    spec:\n      containers:\n      - name: r\n        image: r:1\n`;
    const m = parse(text);
    expect(m.diagnostics).toEqual([]);
    expect(workload(m, "r")).toMatchObject({ kind: "Rollout", replicas: 5, labels: { app: "r" } });
    expect(workload(m, "r").notes).toContain("canary steps: setWeight 20, pause, setWeight 50, pause 1h (100% after promotion)");
    expect(m.routes).toEqual([]);
  });

  it("maps probes: grpc is http, tcpSocket is tcp", () => {
    const probe = (p: string) => deployment("a", 2, { app: "a" }).replace("        image: a:1.0\n", `        image: a:1.0\n        readinessProbe:\n${p}`);
    expect(workload(parse(probe("          grpc:\n            port: 9000\n")), "a").healthCheck).toMatchObject({ kind: "http", detail: "grpc :9000" });
    expect(workload(parse(probe("          tcpSocket:\n            port: 80\n          periodSeconds: 2\n")), "a").healthCheck).toMatchObject({ kind: "tcp", intervalMs: 2000 });
  });
});

describe("Services", () => {
  it("defaults the namespace and type; a Service without selector has none", () => {
    const text = `${service("web", { app: "web" })}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: db\n  namespace: data\nspec:\n  type: ExternalName\n  externalName: db.example.com\n`;
    const m = parse(text);
    expect(m.diagnostics).toEqual([]);
    expect(pool(m, "kubernetes:service:default/web").settings.type).toBe("ClusterIP");
    const db = pool(m, "kubernetes:service:data/db");
    expect(db.selector).toBeUndefined();
    expect(db.settings).toMatchObject({ type: "ExternalName", externalName: "db.example.com" });
    expect(db.backends).toEqual([]);
  });
});

describe("Ingress canaries", () => {
  const main = `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: main\nspec:\n  rules:\n  - host: a.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: stable\n            port:\n              number: 80\n`;
  const canary = (annotations: string) => main.replace("name: main\n", `name: canary\n  annotations:\n${annotations}`).replace("name: stable", "name: next");

  it("a header canary is its own conditional route; the main route keeps all the rest", () => {
    const m = parse(`${main}---\n${canary('    nginx.ingress.kubernetes.io/canary: "true"\n    nginx.ingress.kubernetes.io/canary-by-header: X-Canary\n')}`);
    expect(m.diagnostics).toEqual([]);
    expect(split(route(m, "kubernetes:ingress:default:a.example.com:/"))).toEqual([["ref", "default/stable", 1]]);
    const byHeader = m.routes.find((r) => r.condition !== undefined)!;
    expect(byHeader.condition).toBe("header X-Canary");
    expect(split(byHeader)).toEqual([["ref", "default/next", 1]]);
  });

  it("canary-weight-total changes the denominator", () => {
    const m = parse(`${canary('    nginx.ingress.kubernetes.io/canary: "true"\n    nginx.ingress.kubernetes.io/canary-weight: "25"\n    nginx.ingress.kubernetes.io/canary-weight-total: "1000"\n')}---\n${main}`);
    expect(split(route(m, "kubernetes:ingress:default:a.example.com:/"))).toEqual([
      ["ref", "default/stable", 975],
      ["ref", "default/next", 25],
    ]);
  });

  it("a weighted canary without its main Ingress in the file splits against an unseen main", () => {
    const m = parse(canary('    nginx.ingress.kubernetes.io/canary: "true"\n    nginx.ingress.kubernetes.io/canary-weight: "30"\n'));
    expect(m.diagnostics).toEqual([]);
    const r = route(m, "kubernetes:ingress:default:a.example.com:/");
    expect(r.targets.map((t) => [t.kind, t.weight])).toEqual([
      ["external", 70],
      ["ref", 30],
    ]);
  });

  it("reads extensions/v1beta1 serviceName and servicePort", () => {
    const text = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: old\n  namespace: legacy\nspec:\n  backend:\n    serviceName: web\n    servicePort: 80\n";
    const m = parse(text);
    expect(m.diagnostics).toEqual([]);
    expect(split(route(m, "kubernetes:ingress:legacy:*:default"))).toEqual([["ref", "legacy/web", 1]]);
  });
});

describe("routes' weights", () => {
  it("a single Istio destination takes everything whatever its weight; missing weights among several are 0, with a warning", () => {
    const vs = (route: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: r\nspec:\n  hosts: [r]\n  http:\n  - route:\n${route}`;
    const one = parse(vs("    - destination:\n        host: r\n      weight: 30\n"));
    expect(split(one.routes[0]!)).toEqual([["ref", "default/r", 100]]);
    const text = vs("    - destination:\n        host: r\n      weight: 100\n    - destination:\n        host: r2\n");
    const two = parse(text);
    expect(split(two.routes[0]!)).toEqual([
      ["ref", "default/r", 100],
      ["ref", "default/r2", 0],
    ]);
    expect(warnings(two).map((d) => d.loc.line)).toEqual([lineOf(text, "host: r2") - 1]);
  });

  it("a GRPCRoute has its own key space and renders gRPC method matches", () => {
    const text = "apiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\nmetadata:\n  name: g\nspec:\n  rules:\n  - matches:\n    - method:\n        service: shop.Cart\n        method: Add\n    backendRefs:\n    - name: cart\n      port: 9000\n";
    const m = parse(text);
    expect(m.diagnostics).toEqual([]);
    expect(route(m, "kubernetes:grpcroute:default/g:0").condition).toBe("grpc shop.Cart/Add");
  });
});

describe("file shapes", () => {
  it("reads a JSON List, ignoring kinds it does not model, with JSON line numbers", () => {
    const text = fixture("list.json");
    const m = parse(text, "k8s/list.json");
    expect(m.diagnostics).toEqual([]);
    expect(m.pools.map((p) => [p.key, p.settings.ports])).toEqual([["kubernetes:service:edge/api", "443→8443/TCP"]]);
    expect(workload(m, "api").replicas).toBe(2);
    expect(workload(m, "api").loc.line).toBe(lineOf(text, `"replicas": 2`));
    expect(pool(m, "kubernetes:service:edge/api").loc.line).toBe(lineOf(text, `"kind": "Service"`) - 2);
  });

  it("rejects JSON that kubectl would reject (a trailing comma), at its line", () => {
    const text = '{\n  "apiVersion": "v1",\n  "kind": "Service",\n  "metadata": {"name": "x"},\n}\n';
    const m = parse(text, "k8s/x.json");
    expect(errors(m)).toHaveLength(1);
    expect(errors(m)[0]!.loc.line).toBe(5);
    expect(m.pools).toEqual([]);
  });

  it("reordering documents changes nothing but lines", () => {
    const a = `${service("web", { app: "web" })}---\n${deployment("web", 3, { app: "web" })}`;
    const b = `${deployment("web", 3, { app: "web" })}---\n${service("web", { app: "web" })}`;
    const strip = (m: Model) => JSON.stringify({ ...m, pools: m.pools.map((p) => ({ ...p, loc: null })), workloads: m.workloads.map((w) => ({ ...w, loc: null, healthCheck: null })) });
    expect(strip(parse(a))).toEqual(strip(parse(b)));
  });

  it("reads merge keys and aliases as Kubernetes (go-yaml) does", () => {
    const text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: &sel\n    app: web\n  ports:\n  - &p\n    port: 80\n  - <<: *p\n    port: 81\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web2\nspec:\n  selector:\n    <<: {app: web}\n    tier: front\n";
    const m = parse(text);
    expect(m.diagnostics).toEqual([]);
    expect(pool(m, "kubernetes:service:default/web").settings.ports).toBe("80→80/TCP, 81→81/TCP");
    expect(pool(m, "kubernetes:service:default/web2").selector!.labels).toEqual({ tier: "front", app: "web" });
  });

  it("warns when one file declares the same object twice; the later one is modelled", () => {
    const text = `${service("web", { app: "web" })}---\n${service("web", { app: "web2" })}`;
    const m = parse(text);
    expect(errors(m)).toEqual([]);
    expect(warnings(m).map((d) => d.loc.line)).toEqual([lineOf(text, "kind: Service", 2)]);
    expect(m.pools.map((p) => p.selector!.labels.app)).toEqual(["web2"]);
  });
});

describe("malformed input gives diagnostics at the right line, never an exception", () => {
  it("wrong types and missing fields", () => {
    const text = fixture("invalid-values.yaml");
    const m = parse(text);
    const at = (pattern: RegExp) => m.diagnostics.filter((d) => pattern.test(d.message)).map((d) => [d.severity, d.loc.line]);
    expect(at(/replicas must be an integer/)).toEqual([["error", lineOf(text, 'replicas: "three"')]]);
    expect(workload(m, "web").replicas).toBeNull();
    expect(at(/version must be a string/)).toEqual([["error", lineOf(text, "version: 2")]]);
    expect(at(/sessionAffinity/)).toEqual([["error", lineOf(text, "sessionAffinity: Sticky")]]);
    expect(at(/no metadata.name/)).toEqual([["error", lineOf(text, "namespace: prod") - 1]]);
    expect(at(/needs apiVersion/)).toEqual([["error", lineOf(text, "kind: Service", 2)]]);
    expect(at(/must be a mapping/)).toEqual([["error", lineOf(text, "just a sentence")]]);
    expect(at(/canary-weight must be a whole number/)).toEqual([["error", lineOf(text, "canary-weight: ten")]]);
    expect(at(/has no backend/)).toEqual([["error", lineOf(text, "- path: /")]]);
  });

  it("a YAML error skips only its own document", () => {
    const text = fixture("invalid-yaml.yaml");
    const m = parse(text);
    expect(errors(m).length).toBeGreaterThan(0);
    const start = lineOf(text, "apiVersion: v1", 2);
    expect(errors(m).map((d) => d.loc.line)).toContain(lineOf(text, "name: broken"));
    expect(errors(m).find((d) => /was not read/.test(d.message))!.loc.line).toBe(start);
    expect(errors(m).every((d) => d.loc.line >= start && d.loc.line <= lineOf(text, "---", 2))).toBe(true);
    expect(m.pools.map((p) => p.name)).toEqual(["default/before-the-error", "default/after-the-error"]);
  });

  it("duplicate keys are errors at the second key", () => {
    const text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  selector:\n    app: a\n    app: b\n";
    expect(errors(parse(text)).map((d) => d.loc.line)).toContain(lineOf(text, "app: b"));
  });

  it("an alias bomb is reported quickly, not expanded", () => {
    const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (let i = 1; i <= 9; i++) {
      const prev = String.fromCharCode(96 + i);
      levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    const text = `apiVersion: v1\nkind: Service\nmetadata:\n  name: bomb\n${levels.map((l) => `  ${l}`).join("\n").replace(/^ {2}/, "  x")}\nspec:\n  selector: *j\n  ports: *j\n`;
    const started = performance.now();
    const m = parse(text.replace("  xa:", "  a:"));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(errors(m).map((d) => d.message).join()).toMatch(/alias/);
    expect(m.pools).toEqual([]);
  });

  it("too many aliases in one list are refused the same way", () => {
    const text = `apiVersion: v1\nkind: Service\nmetadata:\n  name: many\nspec:\n  selector: &s {app: x}\n  x: [${Array(60_000).fill("*s").join(", ")}]\n`;
    const m = parse(text);
    expect(errors(m).map((d) => d.message).join()).toMatch(/alias bomb/);
  });

  it("an empty file is an empty model; a file of only kinds we do not model says so", () => {
    expect(parse("")).toEqual({ file: FILE, format: "kubernetes", pools: [], routes: [], workloads: [], includes: [], diagnostics: [] });
    expect(warnings(parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"))).toHaveLength(1);
  });

  test.prop([fc.string({ maxLength: 400 })])("arbitrary text never throws, and anything but blank YAML yields elements or diagnostics", (text) => {
    const m = parse(text);
    const content = parseAllDocuments(text, { lineCounter: new LineCounter() }).some(
      (d) => d.errors.length > 0 || (d.contents !== null && !(d.contents && "value" in d.contents && d.contents.value === null)),
    );
    const said = m.pools.length + m.routes.length + m.workloads.length + m.diagnostics.length > 0;
    if (content) expect(said).toBe(true);
  });

  const base = fixture("shop.yaml");
  const mutation = fc.oneof(
    fc.record({ op: fc.constant("delete" as const), at: fc.nat() }),
    fc.record({ op: fc.constant("duplicate" as const), at: fc.nat() }),
    fc.record({ op: fc.constant("insert" as const), at: fc.nat(), text: fc.constantFrom("*a", "&a ", ": ", "- ", "{", "]", "'", '"', "\t", "<<: *a", "replicas: x", "\n---\n", "#") }),
    fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
  );
  test.prop([fc.array(mutation, { minLength: 1, maxLength: 6 })])("mutated manifests never throw, and every line points into the file", (mutations) => {
    let text = base;
    for (const mu of mutations) {
      const lines = text.split("\n");
      const i = mu.at % Math.max(1, lines.length);
      if (mu.op === "delete") lines.splice(i, 1);
      if (mu.op === "duplicate") lines.splice(i, 0, lines[i] ?? "");
      if (mu.op === "truncate") lines.length = Math.max(1, i);
      text = lines.join("\n");
      if (mu.op === "insert") {
        const at = mu.at % Math.max(1, text.length);
        text = text.slice(0, at) + mu.text + text.slice(at);
      }
    }
    const m = parse(text);
    const total = text.split("\n").length;
    const locs = [...m.diagnostics.map((d) => d.loc), ...m.pools.map((p) => p.loc), ...m.routes.flatMap((r) => [r.loc, ...r.targets.map((t) => t.loc)]), ...m.workloads.map((w) => w.loc)];
    for (const l of locs) {
      expect(l.line).toBeGreaterThanOrEqual(1);
      expect(l.endLine).toBeGreaterThanOrEqual(l.line);
      expect(l.endLine).toBeLessThanOrEqual(total);
    }
  });
});

describe("engine: what a reviewer sees", () => {
  const svc = service("storefront", { app: "storefront" });

  it("(a) the incident: a Deployment scaled 4 → 1 concentrates the Service on one pod, on the replicas line", () => {
    const before = `${svc}---\n${deployment("storefront", 4, { app: "storefront" })}`;
    const after = before.replace("replicas: 4", "replicas: 1");
    const a = review("kubernetes", before, after);
    const f = a.findings.find((x) => x.rule === "traffic-concentration")!;
    expect(f).toBeDefined();
    expect([f.severity, f.file, f.line]).toEqual(["critical", FILE, lineOf(after, "replicas: 1")]);
    expect(f.message).toMatch(/^default\/storefront: the only replica of storefront now receives 100% of traffic \(was 25%\)/);
    const p = toJsonReport(a).pools.find((x) => x.name === "default/storefront")!;
    expect(p.before!.backends.map((b) => b.share)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(p.after!.backends.map((b) => b.share)).toEqual([1]);
    expect(a.risk).toBe("critical");
  });

  it("(b) Gateway API weights 50/50 → 100/0 concentrate the route, at its first backendRef", () => {
    const hr = (w1: number, w2: number) =>
      `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: shop\nspec:\n  parentRefs:\n  - name: edge\n  rules:\n  - backendRefs:\n    - name: shop-blue\n      port: 80\n      weight: ${w1}\n    - name: shop-green\n      port: 80\n      weight: ${w2}\n`;
    const after = hr(100, 0);
    const a = review("kubernetes", hr(50, 50), after);
    const f = a.findings.find((x) => x.rule === "traffic-concentration")!;
    expect(f.severity).toBe("critical");
    expect(f.message).toMatch(/default\/shop rule 1: default\/shop-blue now receives 100%/);
    expect(f.line).toBe(lineOf(after, "- name: shop-blue"));
    expect(f.related.map((l) => l.line)).toContain(lineOf(after, "- name: shop-green"));
  });

  // 90/10 already had 90% on one side, so this is a shift (share-shift, high) more than a new concentration.
  const serious = (a: ReturnType<typeof review>) => a.findings.filter((f) => ["high", "critical"].includes(f.severity));

  it("(c) Istio 90/10 → 0/100 fires on the destination that now takes everything", () => {
    const vs = (a: number, b: number) =>
      `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination:\n        host: reviews\n        subset: v1\n      weight: ${a}\n    - destination:\n        host: reviews\n        subset: v2\n      weight: ${b}\n`;
    const after = vs(0, 100);
    const a = review("kubernetes", vs(90, 10), after);
    const f = serious(a).find((x) => /default\/reviews\/v2/.test(x.message))!;
    expect(f.message).toMatch(/10% → 100%|now receives 100%/);
    expect(f.line).toBe(lineOf(after, "- destination:", 2));
    expect(["high", "critical"]).toContain(a.risk);
  });

  it("(d) ingress-nginx canary-weight 10 → 100 fires on the canary's weight line", () => {
    const main = `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\nspec:\n  rules:\n  - host: shop.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: shop\n            port:\n              number: 80\n`;
    const canary = (w: string) => main.replace("name: shop\nspec", `name: shop-canary\n  annotations:\n    nginx.ingress.kubernetes.io/canary: "true"\n    nginx.ingress.kubernetes.io/canary-weight: "${w}"\nspec`).replace("name: shop\n            port", "name: shop-next\n            port");
    const before = `${main}---\n${canary("10")}`;
    const after = before.replace('canary-weight: "10"', 'canary-weight: "100"');
    const a = review("kubernetes", before, after);
    const f = serious(a).find((x) => /default\/shop-next/.test(x.message))!;
    expect(f.message).toMatch(/10% → 100%|now receives 100%/);
    expect(f.line).toBe(lineOf(after, "canary-weight:"));
  });

  describe("(e) benign changes raise nothing high", () => {
    const base = `${service("web", { app: "web" })}---\n${deployment("web", 3, { app: "web", tier: "front" })}---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n    team: storefront\nspec:\n  rules:\n  - host: web.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: web\n            port:\n              number: 80\n`;
    const docs = base.split("---\n");
    it.each([
      ["image bump", (s: string) => s.replace("image: web:1.0", "image: web:1.1")],
      ["pod template label added", (s: string) => s.replace("        tier: front\n", "        tier: front\n        release: r42\n")],
      ["Service label added", (s: string) => s.replace("  name: web\nspec:\n  selector", "  name: web\n  labels:\n    owner: team-web\nspec:\n  selector")],
      ["annotation edited", (s: string) => s.replace("team: storefront", "team: storefront-platform")],
      ["scale-out 3 → 5", (s: string) => s.replace("replicas: 3", "replicas: 5")],
      ["documents reordered", () => [docs[2], docs[0], docs[1]].join("---\n")],
    ])("%s", (_name, change) => {
      const after = change(base);
      expect(after).not.toBe(base);
      expect(review("kubernetes", null, base).findings.filter((f) => f.severity !== "info")).toEqual([]);
      const a = review("kubernetes", base, after);
      expect(a.findings.filter((f) => ["high", "critical"].includes(f.severity))).toEqual([]);
      expect(["none", "low"]).toContain(a.risk);
    });
  });

  it("(f) cross-file: scaling a Deployment in its own file flags the Service declared elsewhere", () => {
    const svcFile = { path: "k8s/service.yaml", text: service("web", { app: "web" }) };
    const dep = (n: number) => ({ path: "k8s/deployment.yaml", text: deployment("web", n, { app: "web" }) });
    const a = analyze([svcFile, dep(4)], [svcFile, dep(1)], loadPolicy(null));
    expect(a.changes.files.map((f) => f.path)).toEqual(["k8s/deployment.yaml"]);
    const f = a.findings.find((x) => x.rule === "traffic-concentration")!;
    expect([f.severity, f.file, f.line]).toEqual(["critical", "k8s/deployment.yaml", lineOf(dep(1).text, "replicas: 1")]);
    expect(f.message).toMatch(/^default\/web: /);
  });
});

describe("rules for Kubernetes", () => {
  const svc = service("web", { app: "web" });

  it("selector-matches-nothing: label drift on the Deployment leaves the Service dark (high)", () => {
    const before = `${svc}---\n${deployment("web", 3, { app: "web" })}`;
    const after = `${svc}---\n${deployment("web", 3, { app: "web-v2" })}`;
    expect(after).toContain("app: web-v2");
    const hits = review("kubernetes", before, after).findings.filter((f) => f.rule === "selector-matches-nothing");
    expect(hits.map((f) => [f.severity, f.line])).toEqual([["high", 1]]);
    expect(hits[0]!.message).toMatch(/app=web matched web before/);
  });

  it("selector-matches-nothing: a new Service selecting nothing here is info; unchanged is silent", () => {
    const hits = review("kubernetes", null, svc).findings.filter((f) => f.rule === "selector-matches-nothing");
    expect(hits.map((f) => f.severity)).toEqual(["info"]);
    expect(hits[0]!.message).toMatch(/may be defined elsewhere/);
    const edited = `# owned by team-web\n${svc}`;
    expect(review("kubernetes", svc, edited).findings.filter((f) => f.rule === "selector-matches-nothing")).toEqual([]);
  });

  it("unknown-service: a new route to an undeclared Service is info, naming it at the target's line", () => {
    const text = "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\nspec:\n  rules:\n  - backendRefs:\n    - name: ghost\n      port: 80\n";
    const hits = review("kubernetes", null, text).findings.filter((f) => f.rule === "unknown-service");
    expect(hits.map((f) => [f.severity, f.line])).toEqual([["info", lineOf(text, "- name: ghost")]]);
    expect(hits[0]!.message).toMatch(/Service default\/ghost/);
    expect(review("kubernetes", `${svc}---\n${text.replace("ghost", "web")}`, `${svc}---\n${text.replace("ghost", "web")}\n`).findings.filter((f) => f.rule === "unknown-service")).toEqual([]);
    expect(review("kubernetes", null, `${svc}---\n${text.replace("ghost", "web")}`).findings.filter((f) => f.rule === "unknown-service")).toEqual([]);
  });
});

describe.skipIf(!corpusAvailable)("the shared corpus", () => {
  const files = corpusFiles("kubernetes");
  const byName = (n: string) => parse(files.find((f) => f.name === n)!.text, n);

  it("is present", () => {
    expect(files.length, CORPUS_SKIP_REASON).toBeGreaterThan(0);
  });

  it.each(files.map((f) => [f.name, f] as const))("%s is detected and parses without errors", (_name, f) => {
    expect(kubernetes.detect(f.text)).toBe(true);
    const m = parse(f.text, f.name);
    expect(errors(m)).toEqual([]);
    expect(m.pools.length + m.routes.length + m.workloads.length).toBeGreaterThan(0);
  });

  it("istio 80-20: one route, v1 80 and v2 20", () => {
    const m = byName("istio-virtualservice-reviews-80-20.yaml");
    expect(m.routes.map((r) => r.targets.map((t) => [targetName(t), t.weight]))).toEqual([
      [
        ["default/reviews/v1", 80],
        ["default/reviews/v2", 20],
      ],
    ]);
  });

  it("ingress-nginx canary examples: the weighted canary splits the main route 60/40", () => {
    const m = byName("ingress-nginx-canary-examples.yaml");
    expect(split(route(m, "kubernetes:ingress:default:canary.testexample.com:/"))).toEqual([
      ["ref", "default/prod", 60],
      ["ref", "default/canary", 40],
    ]);
    expect(m.routes.filter((r) => r.condition?.startsWith("header")).length).toBeGreaterThan(0);
  });

  it("gateway traffic splits: weighted backendRefs", () => {
    expect(split(byName("gateway-api-httproute-traffic-split-2.yaml").routes[0]!).map((t) => t[2])).toEqual([90, 10]);
    expect(split(byName("gateway-api-httproute-traffic-split-3.yaml").routes[0]!).map((t) => t[2])).toEqual([0, 1]);
  });

  it("chash subset: a Deployment of 10 replicas and a Service selecting it", () => {
    const v = link([byName("ingress-nginx-chash-subset-deployment-service-ingress.yaml")]);
    expect(v.models[0]!.workloads.map((w) => [w.kind, w.replicas])).toEqual([["Deployment", 10]]);
    expect(poolsByKey(v, "kubernetes:service:default/nginxhello")[0]!.backends).toHaveLength(10);
  });
});
