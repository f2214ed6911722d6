import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/engine/analyze.js";
import { loadPolicy } from "../../src/policy/load.js";
import { toJsonReport } from "../../src/report/json.js";

const root = resolve(import.meta.dirname, "../../examples");
const read = (side: string, path: string) => ({ path, text: readFileSync(resolve(root, side, path), "utf8") });

describe("the postmortem's incident", () => {
  const policy = loadPolicy(readFileSync(resolve(root, "incident/before/.github/lb-review.yml"), "utf8"));
  const a = analyze([read("incident/before", "lb/storefront.conf")], [read("incident/after", "lb/storefront.conf")], policy);
  const report = toJsonReport(a);

  it("is critical, with the sentence nobody saw, at the down lines that caused it", () => {
    expect(policy.diagnostics).toEqual([]);
    expect(a.risk).toBe("critical");
    const f = a.findings.find((x) => x.rule === "traffic-concentration")!;
    // One fact, one finding: the share shift on the same server is folded into it.
    expect(f.message).toBe("storefront: 10.20.0.11:8080 now receives 100% of traffic (was 25%); share-shift: +75 points");
    expect(f.merged).toEqual(["share-shift"]);
    expect([f.file, f.line]).toEqual(["lb/storefront.conf", 5]);
    expect(f.related.map((l) => l.line)).toEqual([6, 7, 4]);
    expect(report.headline).toContain(f.message);
    expect(a.findings.filter((x) => x.rule === "share-shift")).toEqual([]);
  });

  it("also says the pool is down to one server and over capacity", () => {
    expect(a.findings.map((x) => x.rule)).toEqual(expect.arrayContaining(["active-backends-reduced", "capacity"]));
    expect(a.findings.find((x) => x.rule === "capacity")!.message).toBe(
      "storefront: 10.20.0.11:8080 would take 2,000 rps at peak, above its capacity of 600 rps (was 500)",
    );
  });

  it("reports shares before and after and the approvals the policy requires", () => {
    const pool = report.pools.find((p) => p.name === "storefront")!;
    expect(pool.before!.backends.map((b) => b.share)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(pool.after!.backends.map((b) => [b.id, b.state, b.share])).toEqual([
      ["10.20.0.11:8080", "active", 1],
      ["10.20.0.12:8080", "down", 0],
      ["10.20.0.13:8080", "down", 0],
      ["10.20.0.14:8080", "down", 0],
    ]);
    expect(report.approvals.required[0]).toEqual({ severity: "critical", count: 2, teams: ["network"], users: [] });
  });
});

describe("a benign scale-out", () => {
  it("reports risk low and no findings", () => {
    const a = analyze([read("scale-out/before", "lb/storefront.conf")], [read("scale-out/after", "lb/storefront.conf")], loadPolicy(null));
    expect(a.findings).toEqual([]);
    expect(a.risk).toBe("low");
  });
});
