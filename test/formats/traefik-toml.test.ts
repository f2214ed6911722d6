import { locationsInText, mutateLines } from "../support/mutate.js";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fc, test } from "@fast-check/vitest";
import { stringify } from "smol-toml";
import { describe, expect, it } from "vitest";
import { traefik } from "../../src/formats/traefik/index.js";
import { parseTomlTree } from "../../src/formats/traefik/toml.js";
import type { PNode } from "../../src/formats/yaml-lines.js";
import type { Model } from "../../src/model/types.js";

const FIXTURES = resolve(import.meta.dirname, "../fixtures/traefik");
const fixture = (name: string) => readFileSync(resolve(FIXTURES, name), "utf8");
const lineOf = (text: string, needle: string, nth = 1) => {
  let seen = 0;
  const i = text.split("\n").findIndex((l) => l.includes(needle) && ++seen === nth);
  if (i < 0) throw new Error(`"${needle}" not in text`);
  return i + 1;
};
/** The node at a key path. */
const at = (n: PNode | null, ...path: (string | number)[]): PNode => {
  let cur = n;
  for (const p of path) {
    if (cur?.kind === "map") cur = cur.entries.find((e) => e.key === p)?.value ?? null;
    else if (cur?.kind === "seq" && typeof p === "number") cur = cur.items[p] ?? null;
    else cur = null;
    if (!cur) throw new Error(`no ${String(p)} in path ${path.join(".")}`);
  }
  return cur!;
};
const span = (n: PNode) => [n.line, n.endLine];

describe("TOML positions", () => {
  const text = [
    "# routers", //                                    1
    "[http.routers.web]", //                           2
    '  rule = "Host(`a`)"', //                         3
    '  "entry.points" = ["web", "websecure"]', //      4
    "", //                                             5
    "[[http.services.s.loadBalancer.servers]]", //     6
    '  url = "http://10.0.0.1"', //                    7
    "[[http.services.s.loadBalancer.servers]]", //     8
    '  url = "http://10.0.0.2"', //                    9
    "  weight = 3 # heavy", //                         10
    "[http.services.s.loadBalancer.healthCheck]", //   11
    '  path = """', //                                 12
    "[not.a.table]", //                                13
    'x = "still the string"', //                       14
    '"""', //                                          15
    "  interval = '5s'", //                            16
    "[http.services.t]", //                            17
    "  weighted.services = [", //                      18
    '    { name = "a", weight = 1 },', //              19
    "    # a comment ] with brackets", //              20
    '    { name = "b", weight = 2 },', //              21
    "  ]", //                                          22
    "[[tcp.x]]", //                                    23
    "[[tcp.x.y]]", //                                  24
    "  z = 1", //                                      25
    "[[tcp.x]]", //                                    26
    "[[tcp.x.y]]", //                                  27
    "  z = 2", //                                      28
  ].join("\n");
  const { root, diagnostics } = parseTomlTree(text, "d.toml");

  it("parses the values with smol-toml", () => {
    expect(diagnostics).toEqual([]);
    expect(at(root, "http", "routers", "web", "entry.points")).toMatchObject({ kind: "seq" });
    expect(at(root, "http", "services", "s", "loadBalancer", "healthCheck", "path")).toMatchObject({ kind: "scalar", value: "[not.a.table]\nx = \"still the string\"\n" });
  });

  it("maps keys, quoted keys and tables to their lines", () => {
    expect(span(at(root, "http", "routers", "web"))).toEqual([2, 4]);
    expect(span(at(root, "http", "routers", "web", "rule"))).toEqual([3, 3]);
    expect(span(at(root, "http", "routers", "web", "entry.points"))).toEqual([4, 4]);
  });

  it("maps each array-of-tables element to its header and keys", () => {
    expect(span(at(root, "http", "services", "s", "loadBalancer", "servers", 0))).toEqual([6, 7]);
    expect(span(at(root, "http", "services", "s", "loadBalancer", "servers", 1))).toEqual([8, 10]);
    expect(span(at(root, "http", "services", "s", "loadBalancer", "servers", 1, "weight"))).toEqual([10, 10]);
  });

  it("does not mistake multi-line string content for tables or keys", () => {
    expect(span(at(root, "http", "services", "s", "loadBalancer", "healthCheck", "path"))).toEqual([12, 15]);
    expect(span(at(root, "http", "services", "s", "loadBalancer", "healthCheck", "interval"))).toEqual([16, 16]);
    expect(span(at(root, "http", "services", "s", "loadBalancer"))).toEqual([6, 16]);
  });

  it("maps dotted keys, multi-line arrays and inline tables item by item", () => {
    expect(span(at(root, "http", "services", "t", "weighted", "services"))).toEqual([18, 22]);
    expect(span(at(root, "http", "services", "t", "weighted", "services", 0))).toEqual([19, 19]);
    expect(span(at(root, "http", "services", "t", "weighted", "services", 1))).toEqual([21, 21]);
    expect(span(at(root, "http", "services", "t", "weighted", "services", 1, "weight"))).toEqual([21, 21]);
  });

  it("resolves nested arrays of tables to their latest parent element", () => {
    expect(span(at(root, "tcp", "x", 0, "y", 0, "z"))).toEqual([25, 25]);
    expect(span(at(root, "tcp", "x", 1, "y", 0, "z"))).toEqual([28, 28]);
    expect(span(at(root, "tcp", "x", 1))).toEqual([26, 28]);
  });

  it("reports TOML errors on their line", () => {
    const bad = parseTomlTree('[http.routers.a]\nrule = "x"\nservice = \n', "d.toml");
    expect(bad.root).toBeNull();
    expect(bad.diagnostics).toMatchObject([{ severity: "error", loc: { line: 3 }, message: expect.stringMatching(/^TOML: /) }]);
  });

  it("copes with CRLF line endings", () => {
    const crlf = parseTomlTree('[a]\r\nb = 1\r\n[[c]]\r\nd = "x"\r\n', "d.toml");
    expect(span(at(crlf.root, "a", "b"))).toEqual([2, 2]);
    expect(span(at(crlf.root, "c", 0, "d"))).toEqual([4, 4]);
  });

  const key = fc.stringMatching(/^[a-z][a-z0-9_-]{0,6}$/);
  const leaf = fc.oneof(fc.integer(), fc.boolean(), fc.string({ maxLength: 8 }), fc.array(fc.integer(), { maxLength: 3 }));
  const tree = fc.letrec((tie) => ({
    node: fc.dictionary(key, fc.oneof({ depthSize: "small" }, leaf, tie("node")), { maxKeys: 4 }),
  })).node;

  test.prop([tree])("every key's line in stringified TOML names that key", (value) => {
    const text = stringify(value);
    const { root, diagnostics } = parseTomlTree(text, "d.toml");
    expect(diagnostics).toEqual([]);
    const lines = text.split("\n");
    const visit = (n: PNode) => {
      if (n.kind !== "map") return;
      for (const e of n.entries) {
        if (e.value.kind === "map") {
          visit(e.value);
          continue;
        }
        expect(lines[e.line - 1]).toMatch(new RegExp(`^\\s*"?${e.key}"?\\s*=`));
      }
    };
    visit(root!);
  });
});

describe("Traefik TOML", () => {
  const toml = fixture("dynamic.toml");
  const m = traefik.parse(toml, "dynamic.toml");

  it("means the same as its YAML twin, location aside", () => {
    const strip = (x: Model) => JSON.parse(JSON.stringify({ pools: x.pools, routes: x.routes }, (k, v) => (k === "loc" ? undefined : v)));
    expect(m.diagnostics).toEqual([]);
    expect(strip(m)).toEqual(strip(traefik.parse(fixture("dynamic.yaml"), "dynamic.yaml")));
  });

  it("puts servers, weights and routers on their TOML lines", () => {
    const v1 = m.pools.find((p) => p.name === "shop-v1")!;
    expect(v1.loc.line).toBe(lineOf(toml, "[http.services.shop-v1.loadBalancer]"));
    expect(v1.backends.map((b) => [b.loc.line, b.loc.endLine])).toEqual([
      [lineOf(toml, "[[http.services.shop-v1.loadBalancer.servers]]", 1), lineOf(toml, 'url = "http://10.0.0.1:8080"')],
      [lineOf(toml, "[[http.services.shop-v1.loadBalancer.servers]]", 2), lineOf(toml, "weight = 2")],
    ]);
    const shop = m.routes.find((r) => r.name === "shop")!;
    expect(shop.loc).toMatchObject({ line: lineOf(toml, "[http.routers.shop]"), endLine: lineOf(toml, "[http.routers.shop.tls]") });
    expect(shop.targets.map((t) => t.loc.line)).toEqual([lineOf(toml, "weight = 3"), lineOf(toml, '{ name = "shop-v2"'), lineOf(toml, '{ name = "shop-v3"')]);
    const pg = m.pools.find((p) => p.key === "traefik:tcp:service:pg")!;
    expect(pg.backends.map((b) => b.loc.line)).toEqual([lineOf(toml, "servers = [{ address"), lineOf(toml, "servers = [{ address")]);
  });

  it("reports bad values on their TOML line", () => {
    const text = '[http.services.s.loadBalancer]\n  [[http.services.s.loadBalancer.servers]]\n    url = "http://a"\n    weight = "heavy"\n';
    const out = traefik.parse(text, "d.toml");
    expect(out.diagnostics).toMatchObject([{ severity: "error", loc: { line: 4 }, message: expect.stringMatching(/weight/) }]);
  });

  it("reports TOML syntax errors through the parser", () => {
    const out = traefik.parse("[http.routers.a]\nrule = \n", "d.toml");
    expect(out.diagnostics).toMatchObject([{ severity: "error", loc: { line: 2 } }]);
  });
});

describe("TOML robustness", () => {
  const lines = fixture("dynamic.toml").split("\n");

  test.prop([fc.array(fc.tuple(fc.nat(lines.length - 1), fc.constantFrom("delete", "dup", "garble", "unbracket")), { minLength: 1, maxLength: 4 })])(
    "never throws on mutated valid TOML, keeps locations in the file, and never fails silently",
    (edits) => {
      const text = mutateLines(lines, edits, { garble: (l) => l.replace(/=.*$/, "= ["), unbracket: (l) => l.replace(/\]\s*$/, "") });
      const m = traefik.parse(text, "d.toml");
      expect(locationsInText(m, text)).toBe(true);
      if (m.pools.length === 0 && m.routes.length === 0) expect(m.diagnostics.length).toBeGreaterThan(0);
    },
  );
});
