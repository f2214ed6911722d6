import { locationsInText, mutateLines } from "../support/mutate.js";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { poolShares, routeShares } from "../../src/diff/shares.js";
import { traefik } from "../../src/formats/traefik/index.js";
import { link } from "../../src/model/link.js";
import type { Model, Pool, Route } from "../../src/model/types.js";

const FIXTURES = resolve(import.meta.dirname, "../fixtures/traefik");
const fixture = (name: string) => readFileSync(resolve(FIXTURES, name), "utf8");
const parse = (text: string, file = "dynamic.yaml") => traefik.parse(text, file);
const errors = (m: Model) => m.diagnostics.filter((d) => d.severity === "error");
const warnings = (m: Model) => m.diagnostics.filter((d) => d.severity === "warning");
const pool = (m: Model, key: string): Pool => {
  const p = m.pools.find((x) => x.key === key);
  if (!p) throw new Error(`no pool ${key} in ${m.pools.map((x) => x.key).join(", ")}`);
  return p;
};
const route = (m: Model, key: string): Route => {
  const r = m.routes.find((x) => x.key === key);
  if (!r) throw new Error(`no route ${key} in ${m.routes.map((x) => x.key).join(", ")}`);
  return r;
};
const lineOf = (text: string, needle: string, nth = 1) => {
  let seen = 0;
  const i = text.split("\n").findIndex((l) => l.includes(needle) && ++seen === nth);
  if (i < 0) throw new Error(`"${needle}" not in text`);
  return i + 1;
};
const targetsOf = (r: Route) => r.targets.map((t) => `${t.kind}:${"name" in t ? t.name : t.kind === "dynamic" ? t.expression : t.id}*${t.weight}`);
/** End-to-end shares of a route, after linking the file on its own. */
const endToEnd = (model: Model, key: string) => {
  const m = structuredClone(model);
  const v = link([m]);
  return Object.fromEntries(routeShares(route(m, key), v.pools).map((s) => [s.id, s.share]));
};

describe("dynamic configuration in YAML", () => {
  const text = fixture("dynamic.yaml");
  const m = parse(text);

  it("reads it without diagnostics", () => {
    expect(m.diagnostics).toEqual([]);
  });

  it("makes a pool per loadBalancer service, per protocol", () => {
    expect(m.pools.map((p) => p.key)).toEqual([
      "traefik:http:service:shop-v1",
      "traefik:http:service:shop-v2",
      "traefik:http:service:shop-v3",
      "traefik:http:service:api",
      "traefik:http:service:shadow",
      "traefik:tcp:service:pg",
      "traefik:udp:service:dns",
    ]);
    expect(m.pools.every((p) => !p.backupsSupported && p.algorithm.name === "round-robin")).toBe(true);
  });

  it("reads servers: host:port from the URL, default port by scheme, weight default 1, on their lines", () => {
    const v1 = pool(m, "traefik:http:service:shop-v1");
    expect(v1.backends.map((b) => [b.id, b.weight, b.loc.line, b.loc.endLine])).toEqual([
      ["10.0.0.1:8080", 1, lineOf(text, "url: http://10.0.0.1:8080"), lineOf(text, "url: http://10.0.0.1:8080")],
      ["10.0.0.2:8080", 2, lineOf(text, "url: http://10.0.0.2:8080"), lineOf(text, "weight: 2")],
    ]);
    expect(poolShares(v1).map((s) => s.share)).toEqual([1 / 3, 2 / 3]);
    expect(pool(m, "traefik:http:service:shop-v2").backends[0]).toMatchObject({ id: "v2.internal:443", host: "v2.internal", port: 443 });
    expect(pool(m, "traefik:http:service:shop-v3").backends[0]!.id).toBe("[fd00::1]:9000");
    expect(pool(m, "traefik:http:service:api").backends.map((b) => b.id)).toEqual(["10.0.1.1:80", "10.0.1.2:80"]);
    expect(pool(m, "traefik:tcp:service:pg").backends.map((b) => b.id)).toEqual(["10.0.2.1:5432", "10.0.2.2:5432"]);
  });

  it("gives each service the span of its entry", () => {
    expect(pool(m, "traefik:http:service:shop-v1").loc).toMatchObject({ line: lineOf(text, "    shop-v1:"), endLine: lineOf(text, "interval: 5s") });
  });

  it("reads active and passive health checks, sticky cookies, and notes health propagation", () => {
    const v1 = pool(m, "traefik:http:service:shop-v1");
    expect(v1.backends[0]!.healthCheck).toEqual({
      kind: "http",
      intervalMs: 5000,
      detail: "GET /health",
      loc: { file: "dynamic.yaml", line: lineOf(text, "healthCheck:", 2), endLine: lineOf(text, "interval: 5s") },
    });
    expect(v1.settings["health propagates to"]).toBe("shop-split");
    const api = pool(m, "traefik:http:service:api");
    expect(api.backends[0]!.healthCheck).toMatchObject({ kind: "passive", maxFails: 3, failTimeoutMs: 30_000 });
    expect(api.settings.sticky).toBe("api_session");
    expect(pool(m, "traefik:http:service:shadow").backends[0]!.healthCheck.kind).toBe("none");
  });

  it("makes a route per router: rule, entry points with tls, the router's span", () => {
    const shop = route(m, "traefik:http:router:shop");
    expect(shop.name).toBe("shop");
    expect(shop.condition).toBe("Host(`shop.example.com`)");
    expect(shop.listeners.map((l) => [l.address, l.flags])).toEqual([["websecure", ["tls"]]]);
    expect(shop.loc).toMatchObject({ line: lineOf(text, "    shop:"), endLine: lineOf(text, "service: shop-split") });
    expect(route(m, "traefik:http:router:api").listeners.map((l) => l.address)).toEqual(["*"]);
  });

  it("flattens nested weighted services: top-level weights as written, nested ones as fractions of their parent", () => {
    const shop = route(m, "traefik:http:router:shop");
    // shop-split: shop-v1 ×3, shop-canary ×1; shop-canary: shop-v2 ×1, shop-v3 ×1.
    expect(targetsOf(shop)).toEqual(["ref:shop-v1*3", "ref:shop-v2*0.5", "ref:shop-v3*0.5"]);
    expect(shop.targets.map((t) => t.loc.line)).toEqual([lineOf(text, "weight: 3"), lineOf(text, "weight: 1", 2), lineOf(text, "weight: 1", 3)]);
    expect(endToEnd(m, "traefik:http:router:shop")).toEqual({
      "shop-v1/10.0.0.1:8080": (3 / 4) * (1 / 3),
      "shop-v1/10.0.0.2:8080": (3 / 4) * (2 / 3),
      "shop-v2/v2.internal:443": 1 / 8,
      "shop-v3/[fd00::1]:9000": 1 / 8,
    });
  });

  it("strips @file, makes other providers external", () => {
    expect(targetsOf(route(m, "traefik:http:router:api"))).toEqual(["ref:api*1"]);
    expect(route(m, "traefik:http:router:api").targets[0]).toMatchObject({ poolKey: "traefik:http:service:api", unresolved: "missing" });
    expect(targetsOf(route(m, "traefik:http:router:docker"))).toEqual(["external:whoami@docker*1"]);
  });

  it("sends a mirroring router's traffic to the main service only, noting the copies", () => {
    const r = route(m, "traefik:http:router:mirrored");
    expect(targetsOf(r)).toEqual(["ref:api*1"]);
    expect(r.name).toMatch(/^mirrored \[.*shadow 10%.*not counted/);
    expect(endToEnd(m, "traefik:http:router:mirrored")).toEqual({ "api/10.0.1.1:80": 0.5, "api/10.0.1.2:80": 0.5 });
  });

  it("sends a failover router's traffic to the main service, noting the fallback", () => {
    const r = route(m, "traefik:http:router:guarded");
    expect(targetsOf(r)).toEqual(["ref:api*1"]);
    expect(r.name).toMatch(/falls back to shadow/);
  });

  it("reads tcp and udp routers", () => {
    expect(targetsOf(route(m, "traefik:tcp:router:pg"))).toEqual(["ref:pg*1"]);
    expect(route(m, "traefik:tcp:router:pg").condition).toBe("HostSNI(`*`)");
    expect(targetsOf(route(m, "traefik:udp:router:dns"))).toEqual(["ref:dns*1"]);
    expect(route(m, "traefik:udp:router:dns").condition).toBeUndefined();
  });

  it("makes no extra route for splits a router reaches", () => {
    expect(m.routes.map((r) => r.key).filter((k) => !k.includes(":router:"))).toEqual([]);
  });
});

describe("services no router reaches", () => {
  it("are reviewed as routes of their own", () => {
    const text = [
      "http:",
      "  services:",
      "    split:",
      "      weighted:",
      "        services:",
      "          - {name: a, weight: 1}",
      "          - {name: b, weight: 3}",
      "    a:",
      "      loadBalancer: {servers: [{url: 'http://10.0.0.1'}]}",
      "    b:",
      "      loadBalancer: {servers: [{url: 'http://10.0.0.2'}]}",
    ].join("\n");
    const m = parse(text);
    expect(m.diagnostics).toEqual([]);
    const r = route(m, "traefik:http:weighted:split");
    expect(targetsOf(r)).toEqual(["ref:a*1", "ref:b*3"]);
    expect(r.loc.line).toBe(3);
  });

  it("merges a pool reached along two paths", () => {
    const text = [
      "http:",
      "  routers:",
      "    r: {rule: 'Path(`/`)', service: top}",
      "  services:",
      "    top: {weighted: {services: [{name: left, weight: 1}, {name: right, weight: 1}]}}",
      "    left: {weighted: {services: [{name: a, weight: 1}, {name: b, weight: 1}]}}",
      "    right: {weighted: {services: [{name: a, weight: 1}]}}",
      "    a: {loadBalancer: {servers: [{url: 'http://10.0.0.1'}]}}",
      "    b: {loadBalancer: {servers: [{url: 'http://10.0.0.2'}]}}",
    ].join("\n");
    expect(targetsOf(route(parse(text), "traefik:http:router:r"))).toEqual(["ref:a*1.5", "ref:b*0.5"]);
  });
});

describe("Traefik CRDs", () => {
  const text = fixture("crd.yaml");
  const m = parse(text, "k8s/crd.yaml");

  it("reads them without diagnostics, ignoring middlewares", () => {
    expect(m.diagnostics).toEqual([]);
    expect(m.pools).toEqual([]);
    expect(m.routes.map((r) => r.key)).toEqual([
      "traefik:ingressroute:shop/shop:Host(`shop.example.com`)",
      "traefik:ingressroute:shop/shop:Host(`shop.example.com`) && PathPrefix(`/static`)",
      "traefik:ingressroutetcp:data/pg:HostSNI(`*`)",
    ]);
  });

  it("follows a TraefikService split to Kubernetes Services, external until linked", () => {
    const r = route(m, "traefik:ingressroute:shop/shop:Host(`shop.example.com`)");
    expect(targetsOf(r)).toEqual(["ref:shop/shop-v1*9", "ref:shop/shop-v2*1"]);
    expect(r.targets[0]).toMatchObject({ poolKey: "kubernetes:service:shop/shop-v1", unresolved: "external", loc: { line: lineOf(text, "weight: 9") } });
    expect(r.listeners.map((l) => [l.address, l.flags])).toEqual([["websecure", ["tls"]]]);
    expect(r.condition).toBe("Host(`shop.example.com`)");
    expect(r.loc).toMatchObject({ line: lineOf(text, "- match: Host(`shop.example.com`)"), endLine: lineOf(text, "kind: TraefikService", 2) });
  });

  it("splits a route's own services by weight (default 1), across namespaces", () => {
    const r = route(m, "traefik:ingressroute:shop/shop:Host(`shop.example.com`) && PathPrefix(`/static`)");
    expect(targetsOf(r)).toEqual(["ref:shop/static*3", "ref:edge/cdn-origin*1"]);
    expect(Object.values(endToEnd(m, r.key))).toEqual([3 / 4, 1 / 4]);
  });

  it("reads IngressRouteTCP (traefik.containo.us)", () => {
    expect(targetsOf(route(m, "traefik:ingressroutetcp:data/pg:HostSNI(`*`)"))).toEqual(["ref:data/postgres*1"]);
  });

  it("reports what is wrong on its line", () => {
    const bad = [
      "apiVersion: traefik.io/v1alpha1",
      "kind: IngressRoute",
      "metadata: {name: x}",
      "spec:",
      "  routes:",
      "    - kind: Rule",
      "      services:",
      "        - name: a",
      "          kind: Deployment",
      "        - port: 80",
    ].join("\n");
    const out = parse(bad, "x.yaml");
    expect(errors(out).map((d) => [d.loc.line, d.message])).toEqual([
      [6, "IngressRoute route needs a match"],
      [9, 'service kind must be Service or TraefikService, found "Deployment"'],
      [10, "service needs a name"],
    ]);
  });

  it("reports cycles between TraefikServices", () => {
    const cyc = [
      "apiVersion: traefik.io/v1alpha1",
      "kind: TraefikService",
      "metadata: {name: a}",
      "spec: {weighted: {services: [{name: b, kind: TraefikService}]}}",
      "---",
      "apiVersion: traefik.io/v1alpha1",
      "kind: TraefikService",
      "metadata: {name: b}",
      "spec: {mirroring: {name: a, kind: TraefikService}}",
    ].join("\n");
    const out = parse(cyc, "x.yaml");
    expect(errors(out).map((d) => d.message)).toEqual(["services refer to each other in a cycle: default/a → default/b → default/a"]);
  });
});

describe("diagnostics on the offending line", () => {
  const services = (...lines: string[]) => ["http:", "  services:", ...lines.map((l) => `    ${l}`)].join("\n");
  it.each([
    ["a service with no type", services("s:", "  servers: []"), "    s:", /needs one of loadBalancer/],
    ["a server without url", services("s:", "  loadBalancer:", "    servers:", "      - weight: 2"), "- weight: 2", /needs a url/],
    ["a weight that is not a number", services("s:", "  loadBalancer:", "    servers:", "      - url: http://a", "        weight: lots"), "weight: lots", /whole number/],
    ["servers that are not a list", services("s:", "  loadBalancer:", "    servers: http://a"), "servers: http://a", /must be a list/],
    ["a malformed health check interval", services("s:", "  loadBalancer:", "    healthCheck: {interval: often}", "    servers: [{url: 'http://a'}]"), "interval: often", /duration/],
    ["a weighted entry without name", services("s:", "  weighted:", "    services:", "      - {name: t}", "      - weight: 1"), "- weight: 1", /needs a name/],
    ["a router without service", "http:\n  routers:\n    r:\n      rule: Path(`/`)\n", "    r:", /needs a service/],
    ["a router without rule", "http:\n  routers:\n    r:\n      service: s\n", "    r:", /needs a rule/],
    ["a mirror percent above 100", services("m:", "  mirroring:", "    service: s", "    mirrors: [{name: x, percent: 150}]"), "percent: 150", /between 0 and 100/],
  ])("%s", (_, text, needle, message) => {
    const e = errors(parse(text));
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({ message: expect.stringMatching(message), loc: { line: lineOf(text, needle) } });
  });

  it("warns about empty load balancers and non-positive weights, which get nothing", () => {
    const text = services("s:", "  loadBalancer:", "    servers:", "      - url: http://a", "        weight: -2", "e:", "  loadBalancer: {servers: []}");
    const m = parse(text);
    expect(warnings(m).map((d) => d.loc.line)).toEqual([lineOf(text, "weight: -2"), lineOf(text, "loadBalancer: {servers: []}")]);
    expect(pool(m, "traefik:http:service:s").backends[0]!.weight).toBe(0);
  });

  it("reports cycles between services once, at the reference that closes them", () => {
    const text = [
      "http:",
      "  routers:",
      "    r: {rule: 'Path(`/`)', service: a}",
      "  services:",
      "    a: {weighted: {services: [{name: b}]}}",
      "    b: {mirroring: {service: a}}",
    ].join("\n");
    const m = parse(text);
    expect(errors(m)).toMatchObject([{ loc: { line: 6 }, message: "services refer to each other in a cycle: a → b → a" }]);
    expect(route(m, "traefik:http:router:r").targets).toEqual([]);
  });

  it("reports YAML errors and alias bombs without throwing", () => {
    expect(errors(parse("http:\n  routers: [\n"))[0]!.message).toMatch(/^YAML: /);
    const bomb = ["a: &a [x,x,x,x,x,x,x,x,x]", ...Array.from({ length: 8 }, (_, i) => `${"bcdefghi"[i]}: &${"bcdefghi"[i]} [${Array(9).fill(`*${"abcdefgh"[i]}`).join(",")}]`), "http: {services: *i}"].join("\n");
    expect(errors(parse(bomb)).some((d) => /alias/i.test(d.message))).toBe(true);
  });

  it("warns when a file holds nothing Traefik", () => {
    expect(warnings(parse("providers:\n  file: {}\n"))).toHaveLength(1);
  });

  it("reads option names in any case, like Traefik's file provider", () => {
    const m = parse(services("s:", "  LoadBalancer:", "    healthcheck: {path: /h}", "    Servers: [{URL: 'http://10.0.0.1:81', Weight: 4}]"));
    expect(m.diagnostics).toEqual([]);
    expect(pool(m, "traefik:http:service:s").backends[0]).toMatchObject({ id: "10.0.0.1:81", weight: 4, healthCheck: { kind: "http", detail: "GET /h" } });
  });
});

describe("detect", () => {
  it.each([
    ["YAML dynamic configuration", "http:\n  routers:\n    r: {}\n"],
    ["TCP only", "tcp:\n  services:\n    s: {}\n"],
    ["flow-style YAML", "http: {routers: {r: {rule: x, service: s}}}\n"],
    ["TOML tables", "[http.routers.r]\nrule = 'x'\n"],
    ["TOML arrays of tables", '[[http.services.s.loadBalancer.servers]]\nurl = "http://a"\n'],
    ["Traefik CRDs only", "apiVersion: traefik.io/v1alpha1\nkind: IngressRoute\n---\napiVersion: traefik.containo.us/v1alpha1\nkind: Middleware\n"],
  ])("recognises %s", (_, text) => {
    expect(traefik.detect(text)).toBe(true);
  });

  it.each([
    ["a Kubernetes file mixing a Service and an IngressRoute", "apiVersion: v1\nkind: Service\n---\napiVersion: traefik.io/v1alpha1\nkind: IngressRoute\n"],
    ["static configuration", "entryPoints:\n  web:\n    address: ':80'\nproviders:\n  file: {}\n"],
    ["Envoy", "static_resources:\n  clusters: []\n"],
  ])("does not claim %s", (_, text) => {
    expect(traefik.detect(text)).toBe(false);
  });
});

describe("properties", () => {
  const valid = fixture("dynamic.yaml");
  const lines = valid.split("\n");

  test.prop([fc.string({ maxLength: 400 }), fc.constantFrom("d.yaml", "d.toml")])("never throws on arbitrary text", (text, file) => {
    expect(locationsInText(parse(text, file), text)).toBe(true);
  });

  test.prop([fc.array(fc.tuple(fc.nat(lines.length - 1), fc.constantFrom("delete", "dup", "garble", "indent")), { minLength: 1, maxLength: 4 })])(
    "never throws on mutated valid configs",
    (edits) => {
      const text = mutateLines(lines, edits, { garble: (l) => l.replace(/:\s*\S.*$/, ": [}"), indent: (l) => ` ${l}` });
      const m = parse(text);
      expect(locationsInText(m, text)).toBe(true);
      if (m.pools.length === 0 && m.routes.length === 0) expect(m.diagnostics.length).toBeGreaterThan(0);
    },
  );

  test.prop([fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 5 }), fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 5 })])(
    "nested weighted shares multiply: child share = parent fraction × own fraction",
    (outer, inner) => {
      // A nested split whose weights are all 0 serves nothing; Traefik then answers 503 for its share.
      fc.pre(inner.some((w) => w > 0));
      // Router → top (weighted: leaf i with outer[i]; the last outer entry is the nested split) → inner leaves.
      const leaves = outer.slice(0, -1).map((w, i) => `{name: o${i}, weight: ${w}}`);
      const text = [
        "http:",
        "  routers:",
        "    r: {rule: 'Path(`/`)', service: top}",
        "  services:",
        `    top: {weighted: {services: [${[...leaves, `{name: nested, weight: ${outer[outer.length - 1]}}`].join(", ")}]}}`,
        `    nested: {weighted: {services: [${inner.map((w, i) => `{name: i${i}, weight: ${w}}`).join(", ")}]}}`,
        ...outer.slice(0, -1).map((_, i) => `    o${i}: {loadBalancer: {servers: [{url: 'http://10.0.0.${i + 1}'}]}}`),
        ...inner.map((_, i) => `    i${i}: {loadBalancer: {servers: [{url: 'http://10.0.1.${i + 1}'}]}}`),
      ].join("\n");
      const m = parse(text);
      expect(errors(m)).toEqual([]);
      const got = endToEnd(m, "traefik:http:router:r");
      const outerTotal = outer.reduce((a, b) => a + b, 0);
      const innerTotal = inner.reduce((a, b) => a + b, 0);
      const nestedFraction = outerTotal > 0 ? outer[outer.length - 1]! / outerTotal : 0;
      outer.slice(0, -1).forEach((w, i) => expect(got[`o${i}/10.0.0.${i + 1}:80`] ?? 0).toBeCloseTo(outerTotal > 0 ? w / outerTotal : 0, 9));
      inner.forEach((w, i) => {
        const expected = innerTotal > 0 && nestedFraction > 0 ? nestedFraction * (w / innerTotal) : 0;
        expect(got[`i${i}/10.0.1.${i + 1}:80`] ?? 0).toBeCloseTo(expected, 9);
      });
    },
  );
});
