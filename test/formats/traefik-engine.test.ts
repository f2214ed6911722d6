import { describe, expect, it } from "vitest";
import { type Analysis, analyze } from "../../src/engine/analyze.js";
import { loadPolicy } from "../../src/policy/load.js";
import { toJsonReport } from "../../src/report/json.js";
import { FILE_FOR, review } from "../support/review.js";

const lineOf = (text: string, needle: string) => {
  const i = text.split("\n").findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in text`);
  return i + 1;
};
const severe = (a: Analysis) => a.findings.filter((f) => f.severity === "high" || f.severity === "critical");
const quiet = (a: Analysis) => {
  expect(severe(a)).toEqual([]);
  expect(["none", "low"]).toContain(a.risk);
};
const TOML_FILE = "traefik/dynamic.toml";
const reviewToml = (before: string, after: string) => analyze([{ path: TOML_FILE, text: before }], [{ path: TOML_FILE, text: after }], loadPolicy(null));

/** A router to a weighted split between two one-server services. */
function weighted(a: number, b: number, opts: { middlewares?: string[]; service?: string; extra?: string[] } = {}): string {
  return [
    "http:",
    "  routers:",
    "    shop:",
    "      rule: Host(`shop.example.com`)",
    ...(opts.middlewares ? [`      middlewares: [${opts.middlewares.join(", ")}]`] : []),
    `      service: ${opts.service ?? "split"}`,
    "  services:",
    "    split:",
    "      weighted:",
    "        services:",
    "          - name: blue",
    `            weight: ${a}`,
    "          - name: green",
    `            weight: ${b}`,
    "    blue:",
    "      loadBalancer:",
    "        servers:",
    "          - url: http://10.0.0.1:8080",
    "    green:",
    "      loadBalancer:",
    "        servers:",
    "          - url: http://10.0.1.1:8080",
    ...(opts.extra ?? []),
    "",
  ].join("\n");
}

/** A router to one load balancer with the given servers (10.0.0.N). */
function servers(ns: number[], style: "block" | "flow" = "block"): string {
  const list =
    style === "block"
      ? ["        servers:", ...ns.map((n) => `          - url: http://10.0.0.${n}:8080`)]
      : [`        servers: [${ns.map((n) => `{url: "http://10.0.0.${n}:8080"}`).join(", ")}]`];
  return ["http:", "  routers:", "    shop:", "      rule: Host(`shop.example.com`)", "      service: shop", "  services:", "    shop:", "      loadBalancer:", ...list, ""].join("\n");
}

function serversToml(ns: number[]): string {
  return [
    "[http.routers.shop]",
    '  rule = "Host(`shop.example.com`)"',
    '  service = "shop"',
    "[http.services.shop.loadBalancer]",
    ...ns.flatMap((n) => ["  [[http.services.shop.loadBalancer.servers]]", `    url = "http://10.0.0.${n}:8080"`]),
    "",
  ].join("\n");
}

function weightedToml(a: number, b: number): string {
  return [
    "[http.routers.shop]",
    '  rule = "Host(`shop.example.com`)"',
    '  service = "split"',
    "[http.services.split.weighted]",
    "  [[http.services.split.weighted.services]]",
    '    name = "blue"',
    `    weight = ${a}`,
    "  [[http.services.split.weighted.services]]",
    '    name = "green"',
    `    weight = ${b}`,
    "[[http.services.blue.loadBalancer.servers]]",
    '  url = "http://10.0.0.1:8080"',
    "[[http.services.green.loadBalancer.servers]]",
    '  url = "http://10.0.1.1:8080"',
    "",
  ].join("\n");
}

describe("the incident, in Traefik: a weighted service 50/50 → 100/0", () => {
  const after = weighted(100, 0);
  const a = review("traefik", weighted(50, 50), after);

  it("is critical traffic-concentration on the changed weight's line", () => {
    expect(a.risk).toBe("critical");
    const f = a.findings.find((x) => x.rule === "traffic-concentration")!;
    expect(f.severity).toBe("critical");
    expect(f.message).toMatch(/^shop: blue\S* now receives 100% of this route's traffic \(was 50%\); share-shift: \+50 points$/);
    expect([f.file, f.line]).toEqual([FILE_FOR.traefik, lineOf(after, "weight: 100")]);
  });

  it("reports the route's shares before and after", () => {
    const r = toJsonReport(a).routes.find((x) => x.name === "shop")!;
    expect(r.before!.backends.map((b) => [b.id, b.share])).toEqual([
      ["blue/10.0.0.1:8080", 0.5],
      ["green/10.0.1.1:8080", 0.5],
    ]);
    expect(r.after!.backends.map((b) => [b.id, b.share])).toEqual([
      ["blue/10.0.0.1:8080", 1],
      ["green/10.0.1.1:8080", 0],
    ]);
  });

  it("fires the same in TOML", () => {
    const afterToml = weightedToml(100, 0);
    const t = reviewToml(weightedToml(50, 50), afterToml);
    const f = t.findings.find((x) => x.rule === "traffic-concentration")!;
    expect(f.severity).toBe("critical");
    expect([f.file, f.line]).toEqual([TOML_FILE, lineOf(afterToml, "weight = 100")]);
  });
});

describe("the incident, in Traefik: a load balancer from 4 servers to 1", () => {
  it("is critical traffic-concentration on the remaining server's line, with shares", () => {
    const after = servers([3]);
    const a = review("traefik", servers([1, 2, 3, 4]), after);
    const f = a.findings.find((x) => x.rule === "traffic-concentration")!;
    expect(f.severity).toBe("critical");
    expect(f.message).toBe("shop: 10.0.0.3:8080 now receives 100% of traffic (was 25%); share-shift: +75 points");
    expect(f.line).toBe(lineOf(after, "url: http://10.0.0.3:8080"));
    const pool = toJsonReport(a).pools.find((p) => p.name === "shop")!;
    expect(pool.before!.backends.map((b) => b.share)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(pool.after!.backends.map((b) => [b.id, b.share])).toEqual([["10.0.0.3:8080", 1]]);
  });

  it("and in TOML", () => {
    const after = serversToml([3]);
    const a = reviewToml(serversToml([1, 2, 3, 4]), after);
    const f = a.findings.find((x) => x.rule === "traffic-concentration")!;
    expect(f.severity).toBe("critical");
    expect([f.file, f.line]).toEqual([TOML_FILE, lineOf(after, "[[http.services.shop.loadBalancer.servers]]")]);
  });
});

describe("benign Traefik changes", () => {
  it("scale-out: two more servers", () => {
    const a = review("traefik", servers([1, 2]), servers([1, 2, 3, 4]));
    quiet(a);
    expect(toJsonReport(a).pools[0]!.after!.backends.map((b) => b.share)).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it("scale-out in TOML", () => {
    quiet(reviewToml(serversToml([1, 2]), serversToml([1, 2, 3])));
  });

  it("reformatting: flow style and comments", () => {
    const a = review("traefik", servers([1, 2, 3]), `# reformatted\n${servers([1, 2, 3], "flow")}`);
    expect(a.findings).toEqual([]);
    expect(a.risk).toBe("none");
  });

  it("adding a mirror in front of the split", () => {
    const mirror = ["    mirrored:", "      mirroring:", "        service: split", "        mirrors:", "          - name: green", "            percent: 20"];
    const a = review("traefik", weighted(50, 50), weighted(50, 50, { service: "mirrored", extra: mirror }));
    quiet(a);
    expect(a.findings.filter((f) => f.rule === "traffic-concentration")).toEqual([]);
  });

  it("changing a router's middlewares", () => {
    const a = review("traefik", weighted(50, 50, { middlewares: ["auth"] }), weighted(50, 50, { middlewares: ["auth", "ratelimit"] }));
    expect(a.findings).toEqual([]);
    expect(a.risk).toBe("none");
  });
});
