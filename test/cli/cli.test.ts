import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RULES } from "../../rules/index.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/lb-review.js");
const temps: string[] = [];
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

function cli(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A before/after pair of directories from { path: text } maps. */
function trees(before: Record<string, string>, after: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "lbr-cli-"));
  temps.push(dir);
  for (const [side, files] of [["before", before], ["after", after]] as const) {
    mkdirSync(join(dir, side), { recursive: true });
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, side, path)), { recursive: true });
      writeFileSync(join(dir, side, path), text);
    }
  }
  return { base: join(dir, "before"), head: join(dir, "after") };
}

const UP = "upstream app {\n  server 10.0.0.1:80;\n  server 10.0.0.2:80;\n}\n";

describe("lb-review check on directories", () => {
  it("reviews the bundled incident: critical, the sentence, exit 1", () => {
    const r = cli(["check", "--base", "examples/incident/before", "--head", "examples/incident/after"]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^lb-review: risk CRITICAL\n {2}storefront: 10\.20\.0\.11:8080 now receives 100% of traffic \(was 25%\); share-shift: \+75 points/);
    expect(r.out).toContain("lb/storefront.conf:5");
    expect(r.out).toContain("critical: 2 approvals from team network");
  });

  it("emits the versioned JSON report", () => {
    const r = cli(["check", "--base", "examples/incident/before", "--head", "examples/incident/after", "--format", "json"]);
    const report = JSON.parse(r.out);
    expect(report).toMatchObject({ schemaVersion: 1, risk: "critical", files: [{ path: "lb/storefront.conf", format: "nginx", status: "modified" }] });
    expect(report.findings[0]).toMatchObject({ rule: "traffic-concentration", severity: "critical", file: "lb/storefront.conf", line: 5, endLine: 5 });
    expect(report.pools[0].after.backends[0]).toEqual({ id: "10.20.0.11:8080", weight: 1, state: "active", share: 1 });
    expect(report.routes[0]).toMatchObject({ file: "lb/storefront.conf", name: "shop.example.com location /" });
  });

  it("passes a benign scale-out with risk low", () => {
    const r = cli(["check", "--base", "examples/scale-out/before", "--head", "examples/scale-out/after", "--format", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ risk: "low", findings: [] });
  });

  it("flags a deleted config file", () => {
    const t = trees({ "nginx/app.conf": UP }, {});
    const r = cli(["check", "--base", t.base, "--head", t.head, "--format", "json"]);
    const report = JSON.parse(r.out);
    expect(report.files).toEqual([{ path: "nginx/app.conf", format: "nginx", status: "removed" }]);
    expect(report.findings.map((f: { rule: string }) => f.rule)).toEqual(["lb-config-deleted"]);
    expect(r.code).toBe(1);
  });

  it("fails closed on a file that no longer parses, at its line", () => {
    const t = trees({ "nginx/app.conf": UP }, { "nginx/app.conf": "upstream app {\n  server 10.0.0.1:80;\n  server 10.0.0.2:80 wieght=5;\n}\n" });
    const r = cli(["check", "--base", t.base, "--head", t.head, "--format", "json"]);
    const report = JSON.parse(r.out);
    expect(report.risk).toBe("critical");
    expect(report.findings[0]).toMatchObject({ rule: "unparseable-config", file: "nginx/app.conf", line: 3 });
    expect(r.code).toBe(1);
  });

  it("keeps the format of a file mangled beyond recognition", () => {
    const t = trees({ "nginx/app.conf": UP }, { "nginx/app.conf": "upstream app {\n  server 10.0.0.1:80;\n" });
    const report = JSON.parse(cli(["check", "--base", t.base, "--head", t.head, "--format", "json"]).out);
    expect(report.findings.map((f: { rule: string }) => f.rule)).toContain("unparseable-config");
  });

  it("says so when no load-balancer config changed", () => {
    const t = trees({ "README.md": "a", "nginx/app.conf": UP }, { "README.md": "b", "nginx/app.conf": UP });
    const r = cli(["check", "--base", t.base, "--head", t.head]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("risk NONE");
    expect(r.out).toContain("No load-balancer config changed.");
  });

  it("writes the report to --output instead of stdout, keeping the exit code", () => {
    const t = trees({ "nginx/app.conf": UP }, {});
    const out = join(t.base, "..", "report.sarif");
    const r = cli(["check", "--base", t.base, "--head", t.head, "--format", "sarif", "--output", out]);
    expect([r.code, r.out]).toEqual([1, ""]);
    expect(JSON.parse(readFileSync(out, "utf8")).runs[0].results[0].ruleId).toBe("lb-config-deleted");
  });

  it("honours --fail-on", () => {
    const t = trees({ "nginx/app.conf": UP }, {});
    expect(cli(["check", "--base", t.base, "--head", t.head, "--fail-on", "critical"]).code).toBe(0);
    expect(cli(["check", "--base", t.base, "--head", t.head, "--fail-on", "medium"]).code).toBe(1);
  });

  it("renders Markdown with the traffic table", () => {
    const r = cli(["check", "--base", "examples/incident/before", "--head", "examples/incident/after", "--format", "markdown"]);
    expect(r.out).toContain("> **storefront: 10.20.0.11:8080 now receives 100% of traffic (was 25%); share-shift: +75 points**");
    expect(r.out).toMatch(/\| `10\.20\.0\.12:8080` \| active → down \| 1 \| 25% \| \*\*0%\*\* \| −25 pts \|/);
  });

  it("writes SARIF 2.1.0 that code scanning accepts", () => {
    const sarif = JSON.parse(cli(["check", "--base", "examples/incident/before", "--head", "examples/incident/after", "--format", "sarif"]).out);
    expect(sarif.version).toBe("2.1.0");
    const run = sarif.runs[0];
    expect(run.tool.driver.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(RULES.map((r) => r.id));
    for (const rule of run.tool.driver.rules) expect(rule.help.text.length).toBeGreaterThan(0);
    expect(run.results.length).toBeGreaterThan(0);
    for (const res of run.results) {
      expect(run.tool.driver.rules[res.ruleIndex].id).toBe(res.ruleId);
      const loc = res.locations[0].physicalLocation;
      expect(loc.artifactLocation.uri).toBe("lb/storefront.conf");
      expect(loc.region.startLine).toBeGreaterThanOrEqual(1);
      expect(["error", "warning", "note"]).toContain(res.level);
    }
  });
});

describe("lb-review check on git refs", () => {
  const repo = mkdtempSync(join(tmpdir(), "lbr-git-"));
  temps.push(repo);
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" });
  git("init", "-q", "-b", "main");
  git("config", "user.email", "t@example.com");
  git("config", "user.name", "t");
  cpSync(join(ROOT, "examples/incident/before"), repo, { recursive: true });
  git("add", ".");
  git("commit", "-qm", "base");
  git("checkout", "-qb", "maintenance");
  cpSync(join(ROOT, "examples/incident/after/lb/storefront.conf"), join(repo, "lb/storefront.conf"));
  git("commit", "-qam", "drain three servers");

  it("compares two refs of the repository in the current directory", () => {
    const r = cli(["check", "--base", "main", "--head", "maintenance", "--format", "json"], repo);
    expect(JSON.parse(r.out).findings[0]).toMatchObject({ rule: "traffic-concentration", line: 5 });
  });

  it("defaults to the merge base with the default branch and the working tree", () => {
    writeFileSync(join(repo, "lb/storefront.conf"), execFileSync("git", ["show", "main:lb/storefront.conf"], { cwd: repo, encoding: "utf8" }).replace("least_conn;", "ip_hash;"));
    const report = JSON.parse(cli(["check", "--format", "json"], repo).out);
    expect(report.findings.map((f: { rule: string }) => f.rule)).toEqual(["algorithm-change"]);
    git("checkout", "--", ".");
  });

  it("reads the policy from the base version", () => {
    const r = cli(["check", "--base", "main", "--head", "maintenance"], repo);
    expect(r.out).toContain("would take 2,000 rps at peak");
  });
});

describe("lb-review usage", () => {
  it("rejects bad usage with exit 2 and a message", () => {
    expect(cli(["check", "--bogus"]).code).toBe(2);
    const r = cli(["check", "--base", "examples/incident/before", "--head", "examples/incident/after", "--format", "xml"]);
    expect([r.code, r.err]).toEqual([2, expect.stringContaining("--format must be one of")]);
    expect(cli(["frobnicate"]).code).toBe(2);
    expect(cli(["check", "--base", "no-such-ref-or-dir", "--head", "."]).err).toMatch(/neither a directory nor a git ref/);
  });

  it("judges with the base version's policy, never the head's", () => {
    const lenient = "rules:\n  traffic-concentration: { severity: off }\n  active-backends-reduced: { severity: off }\n  share-shift: { severity: off }\n";
    const base = "rules:\n  traffic-concentration: { severity: critical }\n";
    const up = (down: string) => `upstream app {\n  server 10.0.0.1:80;\n  server 10.0.0.2:80${down};\n}\n`;
    const t = trees({ ".github/lb-review.yml": base, "lb/app.conf": up("") }, { ".github/lb-review.yml": lenient, "lb/app.conf": up(" down") });
    const r = cli(["check", "--base", t.base, "--head", t.head, "--format", "json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).findings.map((f: { rule: string }) => f.rule)).toContain("traffic-concentration");
  });

  it("refuses an invalid policy, naming file and line, and evaluates nothing", () => {
    const t = trees({}, {});
    const policy = join(t.base, "p.yml");
    writeFileSync(policy, "approvals:\n  critical: { count: -1 }\n");
    const r = cli(["check", "--base", t.base, "--head", t.head, "--config", policy]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${policy}:2: approvals.critical.count`);
  });

  it("prints help with every command", () => {
    const r = cli(["--help"]);
    expect(r.code).toBe(0);
    for (const word of ["check", "parse", "rules", "--fail-on", "--format"]) expect(r.out).toContain(word);
  });

  it("parse prints the normalized model", () => {
    const model = JSON.parse(cli(["parse", "examples/incident/after/lb/storefront.conf"]).out);
    expect(model.pools[0].backends.map((b: { state: string }) => b.state)).toEqual(["active", "down", "down", "down"]);
  });

  it("rules lists the catalogue", () => {
    const out = cli(["rules"]).out;
    for (const r of RULES) expect(out).toContain(r.id);
  });
});
