import { describe, expect, it } from "vitest";
import { analyze } from "../../src/engine/analyze.js";
import { loadPolicy } from "../../src/policy/load.js";
import { review } from "../support/review.js";

const UP = (w1: number) => `upstream shop {\n  server 10.0.0.1:8080 weight=${w1};\n  server 10.0.0.2:8080;\n}\n`;

describe("capacity keys", () => {
  it("a pool/backend capacity applies to that pool only, and wins over the plain id", () => {
    const policy = "capacity:\n  peak: { shop: 1000 }\n  backends: { 'shop/10.0.0.1:8080': 600, '10.0.0.1:8080': 5000 }\n";
    const f = review("nginx", UP(1), UP(3), policy).findings.filter((x) => x.rule === "capacity");
    expect(f.map((x) => x.message)).toEqual(["shop: 10.0.0.1:8080 would take 750 rps at peak, above its capacity of 600 rps (was 500)"]);
  });
});

describe("nginx passive checks", () => {
  it("raising max_fails weakens the check; max_fails=0 removes it", () => {
    const conf = (p: string) => `upstream shop {\n  server 10.0.0.1:8080 ${p};\n  server 10.0.0.2:8080;\n}\n`;
    expect(review("nginx", conf("max_fails=1"), conf("max_fails=5")).findings.map((f) => [f.rule, f.line])).toEqual([["health-check-weakened", 2]]);
    expect(review("nginx", conf("max_fails=1"), conf("max_fails=0")).findings.map((f) => [f.rule, f.line])).toEqual([["health-check-removed", 2]]);
  });
});

describe("the policy's files and ignore", () => {
  const text = UP(1);
  const run = (policy: string, path: string) => analyze([{ path, text }], [{ path, text: UP(9) }], loadPolicy(policy)).changes.files.map((f) => [f.path, f.format]);

  it("maps a path the detector would not consider to a format", () => {
    expect(run("version: 1\n", "lb/shop.upstreams")).toEqual([]);
    expect(run("files:\n  - { path: 'lb/*.upstreams', format: nginx }\n", "lb/shop.upstreams")).toEqual([["lb/shop.upstreams", "nginx"]]);
  });

  it("never reads an ignored path", () => {
    expect(run("version: 1\n", "vendor/shop.conf")).toEqual([["vendor/shop.conf", "nginx"]]);
    expect(run("ignore: ['vendor/**']\n", "vendor/shop.conf")).toEqual([]);
  });
});
