import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/load.js";

const errorsOf = (text: string) => loadPolicy(text, "p.yml").diagnostics.map((d) => [d.loc.line, d.message]);

describe("policy file", () => {
  it("has the documented defaults without a file", () => {
    const { policy, diagnostics } = loadPolicy(null);
    expect(diagnostics).toEqual([]);
    expect(policy.approvals.critical).toEqual({ count: 2, teams: [], users: [] });
    expect(policy.approvals.high).toEqual({ count: 1, teams: [], users: [] });
  });

  it("reads files, rule settings, capacities and approvals", () => {
    const loaded = loadPolicy(
      [
        "files:",
        "  - { path: 'edge/*.cfg', format: haproxy }",
        "rules:",
        "  traffic-concentration: { threshold: 0.6 }",
        "  algorithm-change: { severity: off }",
        "capacity:",
        "  peak: { shop: 100 }",
        "  backends: { '10.0.0.1:80': 50 }",
        "approvals:",
        "  critical: { count: 2, teams: [network] }",
      ].join("\n"),
    );
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.rules.get("traffic-concentration")!.options).toEqual({ threshold: 0.6 });
    expect(loaded.rules.get("share-shift")!.options).toEqual({ threshold: 0.25 });
    expect(loaded.rules.get("algorithm-change")!.severity).toBe("off");
    expect(loaded.policy.approvals.critical!.teams).toEqual(["network"]);
    expect(loaded.policy.approvals.high).toBeUndefined();
  });

  it("names the line of each mistake", () => {
    expect(errorsOf("approvals:\n  critical:\n    count: two\n")).toEqual([[3, expect.stringMatching(/^approvals\.critical\.count: /)]]);
    expect(errorsOf("version: 1\nrulez: {}\n")[0]![0]).toBe(2);
    expect(errorsOf("rules:\n  traffic-concentraton: {}\n")).toEqual([[2, expect.stringMatching(/unknown rule "traffic-concentraton"/)]]);
    expect(errorsOf("rules:\n  share-shift:\n    threshold: 3\n")).toEqual([[3, expect.stringMatching(/^rules\.share-shift\.threshold: /)]]);
    expect(errorsOf("rules:\n  share-shift:\n    severity: huge\n")).toEqual([[3, expect.stringMatching(/must be one of/)]]);
    expect(errorsOf("files:\n  - path: x\n    format: apache\n")).toEqual([[3, expect.stringMatching(/^files\.0\.format: /)]]);
    expect(errorsOf("a: [\n")[0]![1]).toMatch(/invalid YAML/);
  });
});

describe("the README's policy example", () => {
  it("is a valid policy", () => {
    const readme = readFileSync(resolve(import.meta.dirname, "../../README.md"), "utf8");
    const example = readme.match(/## Policy: `\.github\/lb-review\.yml`[\s\S]*?```yaml\n([\s\S]*?)```/)![1]!;
    const loaded = loadPolicy(example, "README.md");
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.policy.approvals.critical).toEqual({ count: 2, teams: ["network"], users: [] });
  });
});
