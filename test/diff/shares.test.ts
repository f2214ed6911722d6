import { describe, expect, it } from "vitest";
import { poolShares, routeShares } from "../../src/diff/shares.js";
import { parseConfig } from "../../src/formats/index.js";
import { link } from "../../src/model/link.js";
import type { Format } from "../../src/model/types.js";

const shares = (format: Format, text: string) =>
  Object.fromEntries(poolShares(parseConfig(format, text, "f").pools[0]!).map((s) => [s.id, s.share]));

describe("pool shares (steady state)", () => {
  it("divides by weight among active servers", () => {
    expect(shares("nginx", "upstream u { server 10.0.0.1:80 weight=3; server 10.0.0.2:80; }")).toEqual({ "10.0.0.1:80": 0.75, "10.0.0.2:80": 0.25 });
  });

  it("gives down, drained and backup servers nothing while a primary is up", () => {
    const s = shares("nginx", "upstream u { server 10.0.0.1:80; server 10.0.0.2:80 down; server 10.0.0.3:80 backup; server 10.0.0.4:80 drain; }");
    expect(s).toEqual({ "10.0.0.1:80": 1, "10.0.0.2:80": 0, "10.0.0.3:80": 0, "10.0.0.4:80": 0 });
  });

  it("hands traffic to backups when every primary is out (nginx: all backups)", () => {
    const s = shares("nginx", "upstream u { server 10.0.0.1:80 down; server 10.0.0.2:80 backup; server 10.0.0.3:80 backup weight=3; }");
    expect(s).toEqual({ "10.0.0.1:80": 0, "10.0.0.2:80": 0.25, "10.0.0.3:80": 0.75 });
  });

  it("HAProxy uses only the first backup unless allbackups", () => {
    const cfg = (opt: string) => `backend b\n${opt}  server a 10.0.0.1:80 disabled\n  server b1 10.0.0.2:80 backup\n  server b2 10.0.0.3:80 backup\n`;
    expect(shares("haproxy", cfg(""))).toEqual({ "10.0.0.1:80": 0, "10.0.0.2:80": 1, "10.0.0.3:80": 0 });
    expect(shares("haproxy", cfg("  option allbackups\n"))).toEqual({ "10.0.0.1:80": 0, "10.0.0.2:80": 0.5, "10.0.0.3:80": 0.5 });
  });

  it("HAProxy weight 0 takes no traffic", () => {
    expect(shares("haproxy", "backend b\n  server a 10.0.0.1:80 weight 0\n  server b 10.0.0.2:80 weight 5\n")).toEqual({ "10.0.0.1:80": 0, "10.0.0.2:80": 1 });
  });

  it("hash balancers are proportional to weight", () => {
    expect(shares("nginx", "upstream u { hash $uri consistent; server 10.0.0.1:80 weight=1; server 10.0.0.2:80 weight=4; }")).toEqual({ "10.0.0.1:80": 0.2, "10.0.0.2:80": 0.8 });
  });
});

describe("route shares (end to end)", () => {
  it("follows a route into its pool across files", () => {
    const upstreams = parseConfig("nginx", "upstream shop { server 10.0.0.1:80; server 10.0.0.2:80 weight=3; }", "up.conf");
    const site = parseConfig("nginx", "server { listen 80; location / { proxy_pass http://shop; } }", "site.conf");
    const v = link([site, upstreams]);
    expect(routeShares(site.routes[0]!, v.pools).map((s) => [s.id, s.share])).toEqual([
      ["shop/10.0.0.1:80", 0.25],
      ["shop/10.0.0.2:80", 0.75],
    ]);
  });

  it("a name that is no upstream is a host for nginx and missing for HAProxy", () => {
    const n = parseConfig("nginx", "server { listen 80; location / { proxy_pass http://api.internal; } }", "a.conf");
    link([n]);
    expect(n.routes[0]!.targets[0]).toMatchObject({ kind: "address", id: "api.internal" });
    const h = parseConfig("haproxy", "frontend f\n  bind :80\n  default_backend nope\n", "h.cfg");
    link([h]);
    expect(h.routes[0]!.targets[0]).toMatchObject({ kind: "missing", name: "nope" });
  });

  it("dynamic targets are unknown, never guessed", () => {
    const n = parseConfig("nginx", "server { listen 80; location / { proxy_pass http://$up; } }", "a.conf");
    const v = link([n]);
    expect(routeShares(n.routes[0]!, v.pools)).toEqual([{ id: "http://$up", weight: 1, state: "dynamic", share: null }]);
  });
});
