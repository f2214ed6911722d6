import { locationsInText, mutateLines } from "../support/mutate.js";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { poolShares } from "../../src/diff/shares.js";
import { envoy } from "../../src/formats/envoy/index.js";
import type { Model, Pool, Route } from "../../src/model/types.js";

const FIXTURES = resolve(import.meta.dirname, "../fixtures/envoy");
const fixture = (name: string) => readFileSync(resolve(FIXTURES, name), "utf8");
const parse = (text: string, file = "envoy.yaml") => envoy.parse(text, file);
const errors = (m: Model) => m.diagnostics.filter((d) => d.severity === "error");
const warnings = (m: Model) => m.diagnostics.filter((d) => d.severity === "warning");
const pool = (m: Model, name: string): Pool => {
  const p = m.pools.find((x) => x.name === name);
  if (!p) throw new Error(`no pool ${name} in ${m.pools.map((x) => x.name).join(", ")}`);
  return p;
};
const route = (m: Model, name: string): Route => {
  const r = m.routes.find((x) => x.name === name);
  if (!r) throw new Error(`no route ${name} in ${m.routes.map((x) => x.name).join(", ")}`);
  return r;
};
/** The 1-based line of the n-th line containing `needle`: expectations follow the text, not the parser. */
function lineOf(text: string, needle: string, nth = 1): number {
  const lines = text.split("\n");
  let seen = 0;
  for (let i = 0; i < lines.length; i++) if (lines[i]!.includes(needle) && ++seen === nth) return i + 1;
  throw new Error(`"${needle}" (#${nth}) not in text`);
}
const shares = (p: Pool) => poolShares(p).map((s) => s.share);
const targetsOf = (r: Route) => r.targets.map((t) => `${t.kind}:${"name" in t ? t.name : t.kind === "dynamic" ? t.expression : t.id}*${t.weight}`);

describe("a bootstrap with listeners, routes and clusters", () => {
  const text = fixture("bootstrap.yaml");
  const m = parse(text);

  it("reads it without diagnostics", () => {
    expect(m.diagnostics).toEqual([]);
    expect(m.format).toBe("envoy");
  });

  it("makes one pool per cluster, keyed by name, with the lb_policy as algorithm", () => {
    expect(m.pools.map((p) => [p.key, p.algorithm.name])).toEqual([
      ["envoy:cluster:api", "least-request"],
      ["envoy:cluster:checkout-blue", "ring-hash"],
      ["envoy:cluster:checkout-green", "round-robin"],
      ["envoy:cluster:db", "maglev"],
    ]);
    expect(m.pools.every((p) => p.allBackups && p.backupsSupported && p.format === "envoy")).toBe(true);
    expect(pool(m, "api").algorithm.loc?.line).toBe(lineOf(text, "lb_policy: LEAST_REQUEST"));
  });

  it("gives each cluster the span of its node", () => {
    const api = pool(m, "api");
    expect(api.loc).toEqual({ file: "envoy.yaml", line: lineOf(text, "- name: api"), endLine: lineOf(text, "address: 10.0.1.1") });
  });

  it("reads endpoints: weights default to 1, health_status and priority set the state", () => {
    const api = pool(m, "api");
    expect(api.backends.map((b) => [b.id, b.weight, b.state])).toEqual([
      ["10.0.0.1:8080", 3, "active"],
      ["10.0.0.2:8080", 1, "active"],
      ["10.0.0.3:8080", 1, "drain"],
      ["10.0.0.4:8080", 1, "down"],
      ["10.0.1.1:8080", 1, "backup"],
    ]);
    expect(api.backends[4]!.notes).toContain("priority 1 (failover)");
    expect(api.backends[0]).toMatchObject({ host: "10.0.0.1", port: 8080 });
  });

  it("puts each endpoint at its lb_endpoint's lines", () => {
    const [first, , third] = pool(m, "api").backends;
    expect(first!.loc).toMatchObject({ line: lineOf(text, "address: 10.0.0.1"), endLine: lineOf(text, "load_balancing_weight: 3") });
    expect(third!.loc).toMatchObject({ line: lineOf(text, "address: 10.0.0.3"), endLine: lineOf(text, "health_status: DRAINING") });
  });

  it("shares: priority 0 by weight; drained, down and priority 1 get nothing", () => {
    expect(shares(pool(m, "api"))).toEqual([3 / 4, 1 / 4, 0, 0, 0]);
  });

  it("reads the first active health check with its interval and thresholds", () => {
    expect(pool(m, "api").backends[0]!.healthCheck).toEqual({
      kind: "http",
      intervalMs: 5000,
      fall: 3,
      rise: 2,
      detail: "GET /healthz",
      loc: { file: "envoy.yaml", line: lineOf(text, "- timeout: 1s"), endLine: lineOf(text, "http_health_check: { path: /healthz }") },
    });
    expect(pool(m, "db").backends[0]!.healthCheck).toMatchObject({ kind: "tcp", intervalMs: 10_000, fall: 2, rise: 2 });
  });

  it("falls back to outlier detection as a passive check, and notes DNS names", () => {
    const blue = pool(m, "checkout-blue").backends[0]!;
    expect(blue.healthCheck).toMatchObject({ kind: "passive", maxFails: 7, failTimeoutMs: 60_000 });
    expect(blue.notes.join(" ")).toMatch(/STRICT_DNS/);
    expect(pool(m, "checkout-green").backends[0]!.healthCheck.kind).toBe("none");
  });

  it("weights endpoints by locality weight × endpoint weight / locality total when locality weighting is on", () => {
    // Zone a (weight 3) holds endpoints of weight 1 and 3; zone b (weight 1) one endpoint.
    const zoneA = 3 / 4;
    expect(shares(pool(m, "checkout-green"))).toEqual([zoneA * (1 / 4), zoneA * (3 / 4), 1 / 4]);
    expect(pool(m, "checkout-green").settings["locality weighting"]).toBe("on");
  });

  it("makes a route per virtual host route, keyed by route config, virtual host and match", () => {
    expect(m.routes.map((r) => r.key)).toEqual([
      "envoy:route:main:shop:prefix /api",
      "envoy:route:main:shop:path /checkout header x-canary=yes",
      "envoy:route:main:shop:regex ^/img/.*",
      "envoy:route:main:shop:prefix /",
      "envoy:tcp:db:0",
    ]);
    const api = route(m, "shop prefix /api");
    expect(api.condition).toBe("domains shop.example.com; prefix /api");
    expect(api.loc).toMatchObject({ line: lineOf(text, `prefix: "/api"`), endLine: lineOf(text, "cluster: api }") });
    expect(api.listeners).toEqual([{ address: "0.0.0.0:8443", flags: ["tls"], loc: expect.objectContaining({ line: lineOf(text, "port_value: 8443") }) }]);
  });

  it("targets: a cluster ref, a weighted split pointing at each weight's line, a dynamic header, nothing for a redirect", () => {
    expect(targetsOf(route(m, "shop prefix /api"))).toEqual(["ref:api*1"]);
    const split = route(m, "shop path /checkout header x-canary=yes");
    expect(targetsOf(split)).toEqual(["ref:checkout-blue*90", "ref:checkout-green*10"]);
    expect(split.targets.map((t) => t.loc.line)).toEqual([lineOf(text, "weight: 90"), lineOf(text, "weight: 10")]);
    expect(split.targets[0]).toMatchObject({ poolKey: "envoy:cluster:checkout-blue", unresolved: "missing" });
    expect(targetsOf(route(m, "shop regex ^/img/.*"))).toEqual(["dynamic:header x-target*1"]);
    expect(route(m, "shop prefix /").targets).toEqual([]);
  });

  it("makes a tcp_proxy a route to its cluster", () => {
    const tcp = route(m, "db tcp_proxy");
    expect(targetsOf(tcp)).toEqual(["ref:db*1"]);
    expect(tcp.listeners.map((l) => [l.address, l.flags])).toEqual([["0.0.0.0:5432", []]]);
    expect(tcp.targets[0]!.loc.line).toBe(lineOf(text, "cluster: db"));
  });
});

describe("proto JSON (camelCase) resources: clusters with their EDS assignment and RDS routes", () => {
  const text = fixture("xds.json");
  const m = parse(text, "xds.json");

  it("merges the ClusterLoadAssignment into its cluster", () => {
    expect(m.diagnostics).toEqual([]);
    expect(m.pools).toHaveLength(1);
    const p = pool(m, "payments");
    expect(p.algorithm.name).toBe("maglev");
    expect(p.loc.line).toBe(lineOf(text, `"@type": "type.googleapis.com/envoy.config.cluster.v3.Cluster"`) - 1);
    expect(p.backends.map((b) => [b.id, b.weight, b.state])).toEqual([
      ["10.9.0.1:9000", 2, "active"],
      ["10.9.0.2:9000", 1, "backup"],
    ]);
    expect(p.backends[1]!.notes.join(" ")).toMatch(/DEGRADED/);
    expect(p.backends[0]!.healthCheck).toMatchObject({ kind: "http", detail: "gRPC payments", intervalMs: 2500, rise: 1, fall: 2 });
  });

  it("reads a standalone RouteConfiguration", () => {
    const r = route(m, "pay prefix /pay");
    expect(r.key).toBe("envoy:route:rds-main:pay:prefix /pay");
    expect(targetsOf(r)).toEqual(["ref:payments*1"]);
    expect(r.listeners).toEqual([]);
  });

  it("is strict JSON: a trailing comma is an error on its line, and nothing else is read", () => {
    const bad = text.replace(`"lbPolicy": "MAGLEV",`, `"lbPolicy": "MAGLEV",,`);
    const out = parse(bad, "xds.json");
    expect(errors(out)).toMatchObject([{ loc: { line: lineOf(bad, `"lbPolicy"`) }, message: expect.stringMatching(/^JSON: /) }]);
    expect(out.pools).toEqual([]);
  });

  it("finds the line of JSON errors V8 does not locate", () => {
    const bad = `[\n  {"name": "a",\n   "type": "STATIC"\n  }\n  }\n]`;
    expect(errors(parse(bad, "c.json"))).toMatchObject([{ loc: { line: 5 } }]);
  });
});

describe("bare resources", () => {
  it("reads a list of clusters", () => {
    const m = parse("- name: a\n  type: STATIC\n  load_assignment:\n    cluster_name: a\n    endpoints:\n    - lb_endpoints:\n      - endpoint: {address: {socket_address: {address: 10.0.0.1, port_value: 80}}}\n");
    expect(m.diagnostics).toEqual([]);
    expect(pool(m, "a").backends.map((b) => [b.id, b.loc.line])).toEqual([["10.0.0.1:80", 7]]);
  });

  it("reads a single ClusterLoadAssignment: the cluster config is elsewhere, locality weights assumed", () => {
    const text = [
      "cluster_name: web",
      "endpoints:",
      "- load_balancing_weight: 1",
      "  lb_endpoints:",
      "  - endpoint: {address: {socket_address: {address: 10.0.0.1, port_value: 80}}}",
      "- load_balancing_weight: 3",
      "  lb_endpoints:",
      "  - endpoint: {address: {socket_address: {address: 10.0.0.2, port_value: 80}}}",
    ].join("\n");
    const m = parse(text);
    expect(m.diagnostics).toEqual([]);
    const p = pool(m, "web");
    expect(p.key).toBe("envoy:cluster:web");
    expect(shares(p)).toEqual([1 / 4, 3 / 4]);
    expect(p.settings["locality weighting"]).toMatch(/assumed/);
  });

  it("reads a discovery response of clusters and keeps the first of duplicate assignments", () => {
    const text = [
      "resources:",
      "- '@type': type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
      "  cluster_name: a",
      "  endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 10.0.0.1, port_value: 80}}}}]}]",
      "- '@type': type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
      "  cluster_name: a",
      "  endpoints: []",
    ].join("\n");
    const m = parse(text);
    expect(pool(m, "a").backends).toHaveLength(1);
    expect(errors(m)).toMatchObject([{ loc: { line: 5 }, message: expect.stringMatching(/more than once/) }]);
  });

  it("warns about resources it does not read, and about files with nothing it reads", () => {
    const m = parse("- name: x\n  foo: bar\n");
    expect(warnings(m)).toMatchObject([{ loc: { line: 1, endLine: 2 }, message: expect.stringMatching(/not an Envoy resource/) }]);
    expect(warnings(parse("foo: bar\n")).length).toBeGreaterThan(0);
  });

  it("accepts a bootstrap without static resources quietly", () => {
    expect(parse("dynamic_resources:\n  cds_config: {ads: {}}\nadmin:\n  address: {socket_address: {address: 0.0.0.0, port_value: 9901}}\n").diagnostics).toEqual([]);
  });
});

describe("locality weights", () => {
  const assignment = (common: string, localities: { weight?: number; endpoints: string[] }[]) =>
    [
      "static_resources:",
      "  clusters:",
      "  - name: c",
      common,
      "    load_assignment:",
      "      cluster_name: c",
      "      endpoints:",
      ...localities.flatMap((l) => [
        "      - lb_endpoints:",
        ...l.endpoints.flatMap((e) => {
          const [addr, status] = e.split(" ");
          return [`        - endpoint: {address: {socket_address: {address: ${addr}, port_value: 80}}}`, ...(status ? [`          health_status: ${status}`] : [])];
        }),
        ...(l.weight !== undefined ? [`        load_balancing_weight: ${l.weight}`] : []),
      ]),
    ]
      .filter((l) => l !== "")
      .join("\n");
  const on = "    common_lb_config: {locality_weighted_lb_config: {}}";

  it("scales a locality by its availability (overprovisioning 1.4), as Envoy does", () => {
    const m = parse(assignment(on, [
      { weight: 1, endpoints: ["10.0.0.1", "10.0.0.2 DRAINING", "10.0.0.3 DRAINING", "10.0.0.4 DRAINING"] },
      { weight: 1, endpoints: ["10.0.1.1"] },
    ]));
    expect(m.diagnostics).toEqual([]);
    const a = Math.min(1, (1.4 * 1) / 4);
    const s = shares(pool(m, "c"));
    expect(s[0]).toBeCloseTo(a / (a + 1), 9);
    expect(s[4]).toBeCloseTo(1 / (a + 1), 9);
    expect(s.slice(1, 4)).toEqual([0, 0, 0]);
  });

  it("gives a locality without a weight nothing when others have one, with a warning on it", () => {
    const text = assignment(on, [{ weight: 2, endpoints: ["10.0.0.1"] }, { endpoints: ["10.0.1.1"] }]);
    const m = parse(text);
    expect(shares(pool(m, "c"))).toEqual([1, 0]);
    expect(warnings(m)).toMatchObject([{ loc: { line: lineOf(text, "- lb_endpoints:", 2) }, message: expect.stringMatching(/no load_balancing_weight/) }]);
  });

  it("is flat when no locality has a weight", () => {
    expect(shares(pool(parse(assignment(on, [{ endpoints: ["10.0.0.1", "10.0.0.2"] }, { endpoints: ["10.0.1.1"] }])), "c"))).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });

  it("ignores locality weights without locality_weighted_lb_config, and says so on the weight's line", () => {
    const text = assignment("    type: STATIC", [{ weight: 9, endpoints: ["10.0.0.1"] }, { weight: 1, endpoints: ["10.0.1.1"] }]);
    const m = parse(text);
    expect(shares(pool(m, "c"))).toEqual([1 / 2, 1 / 2]);
    expect(warnings(m)).toMatchObject([{ loc: { line: lineOf(text, "load_balancing_weight: 9") }, message: expect.stringMatching(/no effect/) }]);
  });

  it("warns too when an EDS assignment for a cluster in the same file carries ignored locality weights", () => {
    const text = [
      "- name: c",
      "  type: EDS",
      "- cluster_name: c",
      "  endpoints:",
      "  - load_balancing_weight: 5",
      "    lb_endpoints: [{endpoint: {address: {socket_address: {address: 10.0.0.1, port_value: 80}}}}]",
      "  - load_balancing_weight: 1",
      "    lb_endpoints: [{endpoint: {address: {socket_address: {address: 10.0.0.2, port_value: 80}}}}]",
    ].join("\n");
    const m = parse(text);
    expect(shares(pool(m, "c"))).toEqual([1 / 2, 1 / 2]);
    expect(warnings(m)).toMatchObject([{ loc: { line: 5 }, message: expect.stringMatching(/no effect/) }]);
  });

  it("reads locality weighting from a load_balancing_policy", () => {
    const policy = [
      "    load_balancing_policy:",
      "      policies:",
      "      - typed_extension_config:",
      "          name: envoy.load_balancing_policies.round_robin",
      "          typed_config:",
      "            '@type': type.googleapis.com/envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin",
      "            locality_lb_config: {locality_weighted_lb_config: {}}",
    ].join("\n");
    const m = parse(assignment(policy, [{ weight: 3, endpoints: ["10.0.0.1"] }, { weight: 1, endpoints: ["10.0.1.1"] }]));
    expect(m.diagnostics).toEqual([]);
    expect(pool(m, "c").algorithm.name).toBe("round-robin");
    expect(shares(pool(m, "c"))).toEqual([3 / 4, 1 / 4]);
  });
});

describe("diagnostics on the offending line", () => {
  const cluster = (...lines: string[]) =>
    ["static_resources:", "  clusters:", "  - name: c", "    type: STATIC", ...lines.map((l) => `    ${l}`)].join("\n");
  const endpoint = (extra = "", addr = "10.0.0.1", port = "80") =>
    [
      "load_assignment:",
      "  cluster_name: c",
      "  endpoints:",
      "  - lb_endpoints:",
      `    - endpoint: {address: {socket_address: {address: ${addr}, port_value: ${port}}}}`,
      ...(extra ? [`      ${extra}`] : []),
    ];

  it.each([
    ["an endpoint weight of 0", cluster(...endpoint("load_balancing_weight: 0")), "load_balancing_weight: 0", /at least 1/],
    ["a weight that is not a number", cluster(...endpoint("load_balancing_weight: heavy")), "load_balancing_weight: heavy", /non-negative integer/],
    ["an unknown health_status", cluster(...endpoint("health_status: SLEEPY")), "health_status: SLEEPY", /unknown health_status/],
    ["a port that is not a number", cluster(...endpoint("", "10.0.0.1", "http")), "port_value: http", /port_value/],
    ["a host name in a STATIC cluster", cluster(...endpoint("", "api.internal")), "api.internal", /STATIC cluster "c" needs IP addresses/],
    ["an unknown lb_policy", cluster("lb_policy: FASTEST", ...endpoint()), "lb_policy: FASTEST", /unknown lb_policy "FASTEST"/],
    ["a health check without interval", cluster("health_checks:", "- {timeout: 1s, unhealthy_threshold: 1, healthy_threshold: 1, tcp_health_check: {}}", ...endpoint()), "timeout: 1s", /interval/],
    ["clusters that are not a list", "static_resources:\n  clusters: everything\n", "clusters: everything", /clusters must be a list/],
  ])("%s", (_, text, needle, message) => {
    const m = parse(text);
    const e = errors(m);
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({ message: expect.stringMatching(message), loc: { file: "envoy.yaml", line: lineOf(text, needle) } });
  });

  it("makes a malformed weight unknown, not a guess", () => {
    expect(pool(parse(cluster(...endpoint("load_balancing_weight: 0"))), "c").backends[0]!.weight).toBeNull();
  });

  it("reports clusters without a name and duplicate clusters", () => {
    const text = ["static_resources:", "  clusters:", "  - type: STATIC", "  - name: a", "  - name: a"].join("\n");
    const m = parse(text);
    expect(errors(m).map((d) => [d.loc.line, d.message])).toEqual([
      [3, "cluster needs a name"],
      [5, `cluster "a" is defined more than once`],
    ]);
    expect(m.pools.map((p) => p.name)).toEqual(["a"]);
  });

  it("reports routes without an action and weighted clusters adding up to 0", () => {
    const text = [
      "name: rc",
      "virtual_hosts:",
      "- name: vh",
      "  domains: ['*']",
      "  routes:",
      "  - match: {prefix: /a}",
      "  - match: {prefix: /b}",
      "    route:",
      "      weighted_clusters:",
      "        clusters:",
      "        - {name: x, weight: 0}",
      "        - {name: y, weight: 0}",
    ].join("\n");
    const m = parse(text);
    expect(errors(m).map((d) => [d.loc.line, d.message])).toEqual([
      [6, "route needs an action: route, redirect or direct_response"],
      [9, "the weights of weighted_clusters add up to 0"],
    ]);
  });

  it("reports YAML syntax errors with their line and does not throw", () => {
    const text = "static_resources:\n  clusters:\n  - name: a\n    type: [STATIC\n";
    const m = parse(text);
    expect(errors(m).length).toBeGreaterThan(0);
    expect(errors(m)[0]!.loc.line).toBeGreaterThanOrEqual(4);
    expect(errors(m)[0]!.message).toMatch(/^YAML: /);
  });

  it("reports a document that is not a mapping or list", () => {
    expect(errors(parse("just words\n"))).toMatchObject([{ loc: { line: 1 }, message: expect.stringMatching(/expected an Envoy bootstrap/) }]);
  });

  it("survives an alias bomb quickly, with an error", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    const started = performance.now();
    const m = parse(`${levels.join("\n")}\nstatic_resources: {clusters: *i}\n`);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(errors(m).some((d) => /alias/i.test(d.message))).toBe(true);
  });

  it("expands ordinary anchors and merge keys", () => {
    const text = [
      "x-endpoint: &ep",
      "  endpoint: {address: {socket_address: {address: 10.0.0.1, port_value: 80}}}",
      "x-defaults: &defaults",
      "  type: STATIC",
      "  lb_policy: RANDOM",
      "static_resources:",
      "  clusters:",
      "  - <<: *defaults",
      "    name: c",
      "    load_assignment: {cluster_name: c, endpoints: [{lb_endpoints: [*ep]}]}",
    ].join("\n");
    const m = parse(text);
    expect(m.diagnostics).toEqual([]);
    expect(pool(m, "c").algorithm.name).toBe("random");
    expect(pool(m, "c").backends.map((b) => [b.id, b.loc.line])).toEqual([["10.0.0.1:80", 10]]);
  });
});

describe("detect", () => {
  it.each([
    ["a bootstrap", "static_resources:\n  clusters: []\n"],
    ["camelCase endpoints", "- clusterName: a\n  endpoints:\n  - lbEndpoints: []\n"],
    ["route configurations", "- name: r\n  virtualHosts: []\n"],
    ["a typed resource", '{"@type": "type.googleapis.com/envoy.config.cluster.v3.Cluster", "name": "a"}'],
  ])("recognises %s", (_, text) => {
    expect(envoy.detect(text)).toBe(true);
  });

  it.each([
    ["a Kubernetes ConfigMap holding envoy.yaml", "apiVersion: v1\nkind: ConfigMap\ndata:\n  envoy.yaml: |\n    static_resources: {}\n"],
    ["nginx", "upstream a { server 10.0.0.1; }\n"],
    ["Traefik", "http:\n  services: {}\n"],
  ])("does not claim %s", (_, text) => {
    expect(envoy.detect(text)).toBe(false);
  });

  it("reads YAML and JSON file names only", () => {
    expect(["a/envoy.yaml", "b.yml", "c.json"].every((f) => envoy.names.test(f))).toBe(true);
    expect(envoy.names.test("envoy.conf")).toBe(false);
  });
});

describe("properties", () => {
  const valid = fixture("bootstrap.yaml");
  const lines = valid.split("\n");

  test.prop([fc.string({ maxLength: 400 })])("never throws on arbitrary text, and keeps locations in the file", (text) => {
    const m = parse(text);
    expect(locationsInText(m, text)).toBe(true);
  });

  test.prop([fc.array(fc.tuple(fc.nat(lines.length - 1), fc.constantFrom("delete", "dup", "garble", "indent")), { minLength: 1, maxLength: 4 })])(
    "never throws on mutated valid configs, and reports what breaks them",
    (edits) => {
      const text = mutateLines(lines, edits, { garble: (l) => l.replace(/:\s*\S.*$/, ": [}"), indent: (l) => ` ${l}` });
      const m = parse(text);
      expect(locationsInText(m, text)).toBe(true);
      if (m.pools.length === 0 && m.routes.length === 0) expect(m.diagnostics.length).toBeGreaterThan(0);
    },
  );

  test.prop([fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 7 })])(
    "endpoint shares are weight over total weight among active endpoints",
    (weights, drained) => {
      const text = [
        "- name: c",
        "  type: STATIC",
        "  load_assignment:",
        "    cluster_name: c",
        "    endpoints:",
        "    - lb_endpoints:",
        ...weights.flatMap((w, i) => [
          `      - endpoint: {address: {socket_address: {address: 10.0.0.${i + 1}, port_value: 80}}}`,
          `        load_balancing_weight: ${w}`,
          ...(i === drained ? ["        health_status: DRAINING"] : []),
        ]),
      ].join("\n");
      const p = pool(parse(text), "c");
      const live = weights.map((w, i) => (i === drained ? 0 : w));
      const total = live.reduce((a, b) => a + b, 0);
      const expected = live.map((w) => (total > 0 ? w / total : 0));
      shares(p).forEach((s, i) => expect(s).toBeCloseTo(expected[i]!, 9));
    },
  );
});
