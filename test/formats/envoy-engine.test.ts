import { describe, expect, it } from "vitest";
import type { Analysis } from "../../src/engine/analyze.js";
import { toJsonReport } from "../../src/report/json.js";
import { FILE_FOR, review, rulesFired } from "../support/review.js";

const lineOf = (text: string, needle: string) => {
  const i = text.split("\n").findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in text`);
  return i + 1;
};
const severe = (a: Analysis) => a.findings.filter((f) => f.severity === "high" || f.severity === "critical");

/** A cluster "shop" of endpoints 10.0.0.N:8080, each optionally with a health_status. */
function cluster(endpoints: { n: number; status?: string; weight?: number }[], style: "block" | "flow" = "block"): string {
  const head = ["static_resources:", "  clusters:", "  - name: shop", "    type: STATIC", "    connect_timeout: 1s", "    load_assignment:", "      cluster_name: shop", "      endpoints:", "      - lb_endpoints:"];
  const body = endpoints.flatMap(({ n, status, weight }) => {
    const addr =
      style === "block"
        ? ["        - endpoint:", "            address:", "              socket_address:", `                address: 10.0.0.${n}`, "                port_value: 8080"]
        : [`        - endpoint: { address: { socket_address: { address: 10.0.0.${n}, port_value: 8080 } } }`];
    return [...addr, ...(weight !== undefined ? [`          load_balancing_weight: ${weight}`] : []), ...(status ? [`          health_status: ${status}`] : [])];
  });
  return [...head, ...body, ""].join("\n");
}

function split(blue: number, green: number, extra: string[] = []): string {
  return [
    "static_resources:",
    "  listeners:",
    "  - name: web",
    "    address: { socket_address: { address: 0.0.0.0, port_value: 80 } }",
    "    filter_chains:",
    "    - filters:",
    "      - name: envoy.filters.network.http_connection_manager",
    "        typed_config:",
    '          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
    "          stat_prefix: web",
    "          route_config:",
    "            name: main",
    "            virtual_hosts:",
    "            - name: shop",
    '              domains: ["*"]',
    "              routes:",
    "              - match: { prefix: / }",
    "                route:",
    ...extra,
    "                  weighted_clusters:",
    "                    clusters:",
    "                    - name: blue",
    `                      weight: ${blue}`,
    "                    - name: green",
    `                      weight: ${green}`,
    "  clusters:",
    ...["blue", "green"].flatMap((c, i) => [
      `  - name: ${c}`,
      "    type: STATIC",
      `    load_assignment: { cluster_name: ${c}, endpoints: [ { lb_endpoints: [ { endpoint: { address: { socket_address: { address: 10.0.${i}.1, port_value: 80 } } } } ] } ] }`,
    ]),
    "",
  ].join("\n");
}

describe("the incident, in Envoy: three of four endpoints drained", () => {
  const before = cluster([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
  const after = cluster([{ n: 1 }, { n: 2, status: "DRAINING" }, { n: 3, status: "DRAINING" }, { n: 4, status: "DRAINING" }]);
  const a = review("envoy", before, after);

  it("is critical traffic-concentration at the drained endpoints, the survivor related", () => {
    expect(a.risk).toBe("critical");
    const f = a.findings.find((x) => x.rule === "traffic-concentration")!;
    expect(f.severity).toBe("critical");
    expect(f.message).toBe("shop: 10.0.0.1:8080 now receives 100% of traffic (was 25%); share-shift: +75 points");
    expect([f.file, f.line]).toEqual([FILE_FOR.envoy, lineOf(after, "address: 10.0.0.2") - 3]);
    expect(f.related.map((l) => l.line)).toEqual([3, 4, 1].map((n) => lineOf(after, `address: 10.0.0.${n}`) - 3));
  });

  it("reports the shares before and after", () => {
    const pool = toJsonReport(a).pools.find((p) => p.name === "shop")!;
    expect(pool.before!.backends.map((b) => b.share)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(pool.after!.backends.map((b) => [b.id, b.state, b.share])).toEqual([
      ["10.0.0.1:8080", "active", 1],
      ["10.0.0.2:8080", "drain", 0],
      ["10.0.0.3:8080", "drain", 0],
      ["10.0.0.4:8080", "drain", 0],
    ]);
  });
});

describe("the incident, in Envoy: three of four endpoints removed", () => {
  it("concentrates on the one left", () => {
    const after = cluster([{ n: 4 }]);
    const a = review("envoy", cluster([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]), after);
    const f = a.findings.find((x) => x.rule === "traffic-concentration")!;
    expect(f.message).toBe("shop: 10.0.0.4:8080 now receives 100% of traffic (was 25%); share-shift: +75 points");
    expect(f.line).toBe(lineOf(after, "- endpoint:"));
    expect(toJsonReport(a).pools[0]!.after!.backends.map((b) => [b.id, b.share])).toEqual([["10.0.0.4:8080", 1]]);
  });

  it("also when UNHEALTHY takes them out", () => {
    const a = review("envoy", cluster([{ n: 1 }, { n: 2 }]), cluster([{ n: 1, status: "UNHEALTHY" }, { n: 2 }]));
    expect(a.findings.find((x) => x.rule === "traffic-concentration")?.message).toBe("shop: 10.0.0.2:8080 now receives 100% of traffic (was 50%); share-shift: +50 points");
  });
});

describe("weighted_clusters 50/50 → 100/0", () => {
  const after = split(100, 0);
  const a = review("envoy", split(50, 50), after);

  it("is traffic-concentration on the route, at the changed weight", () => {
    const f = a.findings.find((x) => x.rule === "traffic-concentration")!;
    expect(f.severity).toBe("critical");
    expect(f.message).toMatch(/^shop prefix \/: blue\S* now receives 100% of this route's traffic \(was 50%\); share-shift: \+50 points$/);
    expect(f.line).toBe(lineOf(after, "weight: 100"));
    const r = toJsonReport(a).routes.find((x) => x.name === "shop prefix /")!;
    expect(r.before!.backends.map((b) => b.share)).toEqual([0.5, 0.5]);
    expect(r.after!.backends.map((b) => b.share)).toEqual([1, 0]);
  });
});

describe("benign Envoy changes", () => {
  const quiet = (a: Analysis) => {
    expect(severe(a)).toEqual([]);
    expect(["none", "low"]).toContain(a.risk);
  };
  const base = cluster([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);

  it("scale-out: a fifth endpoint", () => {
    const a = review("envoy", base, cluster([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }]));
    quiet(a);
    expect(toJsonReport(a).pools[0]!.after!.backends.map((b) => b.share)).toEqual([0.2, 0.2, 0.2, 0.2, 0.2]);
  });

  it("reformatting: flow style, explicit default weights, comments", () => {
    const after = `# reformatted\n${cluster([{ n: 1, weight: 1 }, { n: 2, weight: 1 }, { n: 3, weight: 1 }, { n: 4, weight: 1 }], "flow")}`;
    const a = review("envoy", base, after);
    quiet(a);
    expect(a.findings).toEqual([]);
    expect(a.risk).toBe("none");
  });

  it("the same config as JSON", () => {
    const json = JSON.stringify({
      static_resources: {
        clusters: [
          {
            name: "shop",
            type: "STATIC",
            connect_timeout: "1s",
            load_assignment: {
              cluster_name: "shop",
              endpoints: [{ lb_endpoints: [1, 2, 3, 4].map((n) => ({ endpoint: { address: { socket_address: { address: `10.0.0.${n}`, port_value: 8080 } } } })) }],
            },
          },
        ],
      },
    }, null, 2);
    const a = review("envoy", base, json);
    quiet(a);
    expect(a.risk).toBe("none");
  });

  it("adding a request mirror and a retry policy to the weighted route", () => {
    const extra = ["                  request_mirror_policies: [{ cluster: green, runtime_fraction: { default_value: { numerator: 10 } } }]", "                  retry_policy: { retry_on: 5xx, num_retries: 2 }"];
    const a = review("envoy", split(50, 50), split(50, 50, extra));
    quiet(a);
    expect(rulesFired(a)).toEqual([]);
  });

  it("a gentle weight shift 50/50 → 60/40 stays below high", () => {
    quiet(review("envoy", split(50, 50), split(60, 40)));
  });
});
