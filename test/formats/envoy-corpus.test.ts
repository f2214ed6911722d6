import { describe, expect, it } from "vitest";
import { poolShares } from "../../src/diff/shares.js";
import { envoy } from "../../src/formats/envoy/index.js";
import type { Model } from "../../src/model/types.js";
import { CORPUS_SKIP_REASON, corpusAvailable, lineOf, parsedCorpus } from "../support/corpus.js";

const { files, model, text } = parsedCorpus("envoy", envoy);
const targets = (m: Model) => m.routes.map((r) => `${r.name}: ${r.targets.map((t) => `${"name" in t ? t.name : t.kind}*${t.weight}`).join(" ")}`);

describe.skipIf(!corpusAvailable)(`envoy corpus${corpusAvailable ? "" : ` (${CORPUS_SKIP_REASON})`}`, () => {
  it("has the files these tests describe", () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files.map((f) => [f.name]))("%s is detected and parses without error diagnostics", (name) => {
    expect(envoy.names.test(name) && envoy.detect(text(name))).toBe(true);
    expect(model(name).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(model(name).pools.length + model(name).routes.length).toBeGreaterThan(0);
  });

  it("locality load balancing: priority 0 takes everything, higher priorities are failover backups", () => {
    const name = "envoy-examples-locality-load-balancing.yaml";
    const p = model(name).pools[0]!;
    expect(p.key).toBe("envoy:cluster:backend");
    expect(p.backends.map((b) => [b.id, b.state])).toEqual([
      ["backend-local-1:8080", "active"],
      ["backend-local-2:8080", "backup"],
      ["backend-remote-1:8080", "backup"],
      ["backend-remote-2:8080", "backup"],
    ]);
    expect(p.backends.map((b) => b.notes.find((n) => n.startsWith("priority")))).toEqual([undefined, "priority 1 (failover)", "priority 1 (failover)", "priority 2 (failover)"]);
    expect(poolShares(p).map((s) => s.share)).toEqual([1, 0, 0, 0]);
    expect(p.backends[0]!.healthCheck).toMatchObject({ kind: "http", intervalMs: 2000, rise: 1, fall: 1, detail: "GET /" });
    expect(p.settings["locality weighting"]).toBe("on");
    expect(targets(model(name))).toEqual(["backend prefix /: backend*1"]);
  });

  it("golden clusters (camelCase): EDS clusters with least-request, active checks and outlier detection", () => {
    const m = model("envoy-gateway-golden-clusters-health-check-outlier.yaml");
    expect(m.pools.map((p) => p.name)).toEqual(["first-route-dest", "second-route-dest", "third-route-dest", "fourth-route-dest", "fifth-route-dest"]);
    expect(m.pools.every((p) => p.algorithm.name === "least-request" && p.backends.length === 0 && p.settings.type === "EDS")).toBe(true);
    // Health checks are per cluster; with no endpoints here, read them through a synthetic assignment.
    const withEndpoint = envoy.parse(
      `${text("envoy-gateway-golden-clusters-health-check-outlier.yaml")}\n- clusterName: third-route-dest\n  endpoints: [{lbEndpoints: [{endpoint: {address: {socketAddress: {address: 10.0.0.1, portValue: 80}}}}]}]\n`,
      "x.yaml",
    );
    expect(withEndpoint.pools.find((p) => p.name === "third-route-dest")!.backends[0]!.healthCheck).toMatchObject({ kind: "tcp", intervalMs: 5000, rise: 3, fall: 3 });
  });

  it("golden endpoints (camelCase ClusterLoadAssignment): locality weights 20/40/20/20", () => {
    const p = model("envoy-gateway-golden-endpoints-locality-weights.yaml").pools[0]!;
    expect(p.key).toBe("envoy:cluster:first-route-dest");
    expect(p.backends.map((b) => b.id)).toEqual(["1.1.1.1:50001", "2.2.2.2:50002", "3.3.3.3:50003", "4.4.4.4:50004"]);
    expect(poolShares(p).map((s) => s.share)).toEqual([0.2, 0.4, 0.2, 0.2]);
  });

  it("golden routes (camelCase RouteConfiguration): weighted clusters 80/20 on their weight lines", () => {
    const name = "envoy-gateway-golden-routes-weighted-clusters-hash.yaml";
    const r = model(name).routes[0]!;
    expect(r.key).toBe("envoy:route:first-listener:first-listener/*:prefix /");
    expect(targets(model(name))).toEqual(["first-listener/* prefix /: first-route-dest/backend/0*80 first-route-dest/backend/1*20"]);
    expect(r.targets.map((t) => t.loc.line)).toEqual([lineOf(text(name), "weight: 80"), lineOf(text(name), "weight: 20")]);
  });

  it("katacoda blue/green: header route, plain routes and a weighted 80/20 split over v2 hosts", () => {
    const m = model("envoy-katacoda-blue-green-weighted-clusters.yaml");
    expect(targets(m)).toEqual([
      "backend prefix /service/1: service1*1",
      "backend prefix /service/2 header x-canary-version=service2a: service2a*1",
      "backend prefix /service/2: service2*1",
      "backend prefix /service/3: service3a*80 service3b*20",
    ]);
    expect(m.pools.map((p) => `${p.name} ${p.backends.map((b) => b.id).join(",")}`)).toEqual([
      "service1 172.18.0.3:80",
      "service2 172.18.0.4:80",
      "service2a 172.18.0.5:80",
      "service3a 172.18.0.6:80",
      "service3b 172.18.0.7:80",
    ]);
    expect(m.diagnostics.every((d) => /v2 "hosts"/.test(d.message))).toBe(true);
  });

  it("katacoda health checks: HTTP every 10s, unhealthy after 6, healthy after 1", () => {
    const p = model("envoy-katacoda-health-checks.yaml").pools[0]!;
    expect(p.backends.map((b) => b.id)).toEqual(["172.18.0.3:80", "172.18.0.4:80"]);
    expect(p.backends[0]!.healthCheck).toMatchObject({ kind: "http", intervalMs: 10_000, fall: 6, rise: 1, detail: "GET /health" });
  });

  it("katacoda weighted: the locality weight 90 has no effect without locality weighting, and says so", () => {
    const name = "envoy-katacoda-load-balancing-weighted.yaml";
    const m = model(name);
    expect(poolShares(m.pools[0]!).map((s) => s.share)).toEqual([0.5, 0.5]);
    expect(m.diagnostics).toMatchObject([{ severity: "warning", loc: { line: lineOf(text(name), "load_balancing_weight: 90") } }]);
  });

  it("katacoda migrated from HAProxy: two hosts behind a domain-restricted route", () => {
    const m = model("envoy-katacoda-migrated-from-haproxy.yaml");
    expect(m.routes[0]!.condition).toBe("domains one.example.com,www.one.example.com; prefix /");
    expect(m.routes[0]!.listeners.map((l) => l.address)).toEqual(["0.0.0.0:8080"]);
    expect(poolShares(m.pools[0]!).map((s) => s.share)).toEqual([0.5, 0.5]);
  });
});
