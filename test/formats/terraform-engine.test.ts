import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { poolShares } from "../../src/diff/shares.js";
import { terraform } from "../../src/formats/terraform/index.js";
import { link } from "../../src/model/link.js";
import { poolsByKey } from "../support/pools.js";
import { toJsonReport } from "../../src/report/json.js";
import { review, rulesFired } from "../support/review.js";

const fixture = (name: string) => readFileSync(resolve(import.meta.dirname, "../fixtures/terraform", name), "utf8");
const WEIGHTED = fixture("weighted.tf");
const ATTACHMENTS = fixture("attachments.tf");
const HIGH = new Set(["high", "critical"]);

/** Replaces exactly one occurrence, so a fixture edit that stops matching fails loudly. */
function edit(text: string, from: string, to: string, nth = 0): string {
  const parts = text.split(from);
  expect(parts.length).toBeGreaterThan(nth + 1);
  return parts.slice(0, nth + 1).join(from) + to + parts.slice(nth + 1).join(from);
}

describe("terraform: the incident, as a weighted forward", () => {
  // 50/50 between blue and green → 100/0: every request lands on blue's single instance.
  const after = edit(edit(WEIGHTED, "weight = 50", "weight = 100", 0), "weight = 50", "weight = 0", 0);
  const a = review("terraform", WEIGHTED, after);
  const report = toJsonReport(a);

  it("is critical traffic-concentration on the changed weight's line", () => {
    expect(after.split("\n")[51]).toContain("weight = 100");
    expect(a.risk).toBe("critical");
    const f = a.findings.find((x) => x.rule === "traffic-concentration")!;
    expect(f).toMatchObject({ severity: "critical", file: "infra/lb.tf", line: 52 });
    expect(f.message).toMatch(/^listener web \(HTTP:80\): blue\S* now receives 100% of this route's traffic \(was 50%\); share-shift: \+50 points$/);
    expect(f.related.map((l) => l.line)).toContain(56);
  });

  it("shows the route's shares before and after in the JSON report", () => {
    const r = report.routes.find((x) => x.name === "listener web (HTTP:80)")!;
    expect(r.changes).toEqual(["targets changed"]);
    expect(r.before!.backends.map((b) => [b.id, b.weight, b.share])).toEqual([
      ["blue/blue.10.0.1.10/1", 1, 0.5],
      ["green/green.10.0.2.10/1", 1, 0.5],
    ]);
    expect(r.after!.backends.map((b) => [b.id, b.share])).toEqual([
      ["blue/blue.10.0.1.10/1", 1],
      ["green/green.10.0.2.10/1", 0],
    ]);
  });

  it("is silent when the weights stay balanced", () => {
    const balanced = edit(edit(WEIGHTED, "weight = 50", "weight = 10", 0), "weight = 50", "weight = 10", 0);
    const b = review("terraform", WEIGHTED, balanced);
    expect(b.findings.filter((f) => HIGH.has(f.severity))).toEqual([]);
  });
});

describe("terraform: attachments scaled in", () => {
  const after = edit(ATTACHMENTS, "count            = 4", "count            = 1");
  const a = review("terraform", ATTACHMENTS, after);
  const report = toJsonReport(a);

  it("is critical traffic-concentration on the count line", () => {
    expect(a.risk).toBe("critical");
    const f = a.findings.find((x) => x.rule === "traffic-concentration")!;
    expect(f).toMatchObject({ severity: "critical", file: "infra/lb.tf", line: 17 });
    expect(f.message).toBe("app: the only replica of app now receives 100% of traffic (was 25%); share-shift: +75 points");
    expect(rulesFired(a)).toContain("active-backends-reduced");
  });

  it("reports the pool's shares 0.25 → 1", () => {
    const pool = report.pools.find((p) => p.name === "app")!;
    expect(pool.before!.backends.map((b) => [b.id, b.share])).toEqual([
      ["app/1", 0.25],
      ["app/2", 0.25],
      ["app/3", 0.25],
      ["app/4", 0.25],
    ]);
    expect(pool.after!.backends.map((b) => [b.id, b.share])).toEqual([["app/1", 1]]);
  });

  it("cannot judge a scale-in to an unknown count: the pool's shares become unknown", () => {
    const unknown = edit(ATTACHMENTS, "count            = 4", "count            = length(aws_instance.app)");
    const v = link([terraform.parse(unknown, "infra/lb.tf")]);
    const pool = poolsByKey(v, "terraform:infra:target_group:app")[0]!;
    expect(poolShares(pool).map((s) => [s.id, s.share])).toEqual([["app/*", null]]);
  });
});

describe("terraform: benign changes raise nothing at high or above", () => {
  const cases: [string, string, (s: string) => string][] = [
    ["tags change", ATTACHMENTS, (s) => edit(s, 'owner = "team-app"', 'owner = "team-platform"\n    cost  = "42"')],
    ["scale-out 2 → 4", edit(ATTACHMENTS, "count            = 4", "count            = 2"), (s) => edit(s, "count            = 2", "count            = 4")],
    ["reformatting", WEIGHTED, (s) => s.replace(/ +=/g, " =").replace(/\n\n/g, "\n\n\n").replace(/\n {2}/g, "\n\t")],
    ["comment", WEIGHTED, (s) => `# Blue/green for the web tier.\n${s}`],
    ["weights written as strings", WEIGHTED, (s) => s.replace(/weight = 50/g, 'weight = "50"')],
  ];

  it.each(cases)("%s", (_name, before, change) => {
    const after = change(before);
    expect(after).not.toBe(before);
    const a = review("terraform", before, after);
    expect(a.changes.files).toHaveLength(1);
    expect(a.findings.filter((f) => HIGH.has(f.severity))).toEqual([]);
    expect(["none", "low"]).toContain(a.risk);
    for (const m of [...a.changes.before.models, ...a.changes.after.models]) expect(m.diagnostics).toEqual([]);
  });

  it("a scale-out is a semantic change (risk low) with no findings", () => {
    const two = edit(ATTACHMENTS, "count            = 4", "count            = 2");
    const a = review("terraform", two, ATTACHMENTS);
    expect(a.findings).toEqual([]);
    expect(a.risk).toBe("low");
  });

  it("a tags-only change is no traffic change at all", () => {
    const a = review("terraform", ATTACHMENTS, edit(ATTACHMENTS, 'owner = "team-app"', 'owner = "team-platform"'));
    expect(a.findings).toEqual([]);
    expect(a.risk).toBe("none");
  });
});

describe("terraform: broken HCL in a pull request", () => {
  it("is reported, not silently dropped", () => {
    const a = review("terraform", WEIGHTED, edit(WEIGHTED, "weight = 50\n      }", "weight = 50\n", 0));
    expect(a.risk).not.toBe("none");
    expect(a.changes.files[0]!.after!.diagnostics.some((d) => d.severity === "error")).toBe(true);
  });
});
