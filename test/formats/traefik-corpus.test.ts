import { describe, expect, it } from "vitest";
import { routeShares } from "../../src/diff/shares.js";
import { traefik } from "../../src/formats/traefik/index.js";
import { link } from "../../src/model/link.js";
import type { Model } from "../../src/model/types.js";
import { CORPUS_SKIP_REASON, corpusAvailable, lineOf, parsedCorpus } from "../support/corpus.js";

const { files, model, text } = parsedCorpus("traefik", traefik);
const targets = (m: Model) => m.routes.map((r) => `${r.key}: ${r.targets.map((t) => `${"name" in t ? t.name : t.kind}*${t.weight}`).join(" ")}`);
const shares = (m: Model, key: string) => {
  const copy = structuredClone(m);
  const v = link([copy]);
  return Object.fromEntries(routeShares(copy.routes.find((r) => r.key === key)!, v.pools).map((s) => [s.id, s.share]));
};

describe.skipIf(!corpusAvailable)(`traefik corpus${corpusAvailable ? "" : ` (${CORPUS_SKIP_REASON})`}`, () => {
  it("has the files these tests describe", () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it.each(files.map((f) => [f.name]))("%s is detected and parses without error diagnostics", (name) => {
    expect(traefik.names.test(name) && traefik.detect(text(name))).toBe(true);
    expect(model(name).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(model(name).routes.length).toBeGreaterThan(0);
  });

  it("CRDs: a weighted TraefikService over a mirror and a Service, and highest random weight, reach whoami", () => {
    const m = model("traefik-crd-traefikservices-weighted-mirroring-hrw.yaml");
    expect(m.diagnostics).toEqual([]);
    expect(targets(m)).toEqual([
      // wrr1 = mirror1 (main: whoami) ×1 + whoami ×1: both halves end at whoami.
      "traefik:ingressroute:default/test3.route:Host(`foo.com`) && PathPrefix(`/wrr1`): default/whoami*2",
      "traefik:ingressroute:default/test4.route:Host(`foo.com`) && PathPrefix(`/hrw1`): default/whoami*30",
      "traefik:ingressroute:default/api.route:PathPrefix(`/api`): api@internal*1",
    ]);
    expect(m.routes[0]!.name).toMatch(/mirrors copies to whoami/);
    expect(m.routes[1]!.name).toMatch(/highest random weight/);
    expect(m.routes[2]!.targets[0]!.kind).toBe("external");
  });

  it("failover: the router reaches the main service; the fallback is only noted", () => {
    const m = model("traefik-failover-healthcheck.toml");
    expect(targets(m)).toEqual(["traefik:http:router:router1: main-service*1"]);
    expect(m.routes[0]!.name).toMatch(/falls back to fallback-service/);
    expect(m.routes[0]!.listeners.map((l) => l.address)).toEqual(["web"]);
    const main = m.pools.find((p) => p.name === "main-service")!;
    expect(main.backends[0]!.healthCheck).toMatchObject({ kind: "http", intervalMs: 1000, detail: "GET /health" });
    expect(main.backends[0]!.notes.join(" ")).toMatch(/templated/);
    expect(shares(m, "traefik:http:router:router1")).toEqual({ "main-service/http://{{ .MainServer }}:80": 1 });
  });

  it("mirroring: three routers all send everything to service1, mirrors noted not counted", () => {
    const m = model("traefik-mirroring.toml");
    expect(targets(m)).toEqual([
      "traefik:http:router:router: service1*1",
      "traefik:http:router:router2: service1*1",
      "traefik:http:router:router3: service1*1",
    ]);
    expect(m.routes.every((r) => /mirror1 10%, mirror2 50% \(not counted\)/.test(r.name))).toBe(true);
    expect(m.pools.map((p) => p.name)).toEqual(["service1", "mirror1", "mirror2"]);
  });

  it("weighted health-check propagation: nested 1:1 splits flatten to quarters and halves", () => {
    const m = model("traefik-weighted-healthcheck-propagate.toml");
    const name = "traefik-weighted-healthcheck-propagate.toml";
    expect(Object.values(shares(m, "traefik:http:router:wsp-router-1"))).toEqual([0.25, 0.25, 0.25, 0.25]);
    // wsp-service2 = wsp13 (wsp1, wsp3) + wsp12 (wsp1, wsp2): wsp1 is reached twice.
    expect(shares(m, "traefik:http:router:wsp-router-2")).toEqual({
      "wsp1/http://{{.Server1}}:80": 0.5,
      "wsp3/http://{{.Server3}}:80": 0.25,
      "wsp2/http://{{.Server2}}:80": 0.25,
    });
    expect(m.pools.find((p) => p.name === "wsp1")!.settings["health propagates to"]).toBe("wsp12, wsp13");
    expect(m.routes[0]!.targets[0]!.loc.line).toBe(lineOf(text(name), 'name = "wsp1"') + 1);
  });

  it.each(["traefik-reference-dynamic-file.yaml", "traefik-reference-dynamic-file.toml"])("%s: every kind of service and router", (name) => {
    const m = model(name);
    expect(m.pools.map((p) => p.key)).toEqual(["traefik:http:service:Service03", "traefik:tcp:service:TCPService01", "traefik:udp:service:UDPService01"]);
    expect(m.pools[0]!.backends.map((b) => [b.weight, b.healthCheck.kind, b.healthCheck.intervalMs])).toEqual([
      [42, "http", 42_000],
      [42, "http", 42_000],
    ]);
    expect(m.routes.map((r) => r.key)).toEqual([
      "traefik:http:router:Router0",
      "traefik:http:router:Router1",
      "traefik:http:failover:Service01",
      "traefik:http:highestRandomWeight:Service02",
      "traefik:http:mirroring:Service04",
      "traefik:http:weighted:Service05",
      "traefik:tcp:router:TCPRouter0",
      "traefik:tcp:router:TCPRouter1",
      "traefik:tcp:weighted:TCPService02",
      "traefik:udp:router:UDPRouter0",
      "traefik:udp:router:UDPRouter1",
      "traefik:udp:weighted:UDPService02",
    ]);
    expect(m.routes.find((r) => r.key === "traefik:http:weighted:Service05")!.targets.map((t) => t.weight)).toEqual([84]);
    expect(m.routes[0]!.listeners.map((l) => [l.address, l.flags])).toEqual([
      ["foobar", ["tls"]],
      ["foobar", ["tls"]],
    ]);
  });
});
