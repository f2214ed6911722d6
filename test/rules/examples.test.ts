import { describe, expect, it } from "vitest";
import { RULES } from "../../rules/index.js";
import { afterText } from "../../rules/rule.js";
import { review } from "../support/review.js";

describe.each(RULES.map((r) => [r.id, r] as const))("rule %s", (id, rule) => {
  it("fires on its documented example, at its exact severity", () => {
    const { format, before, policy, extra, severity, path } = rule.examples.fires;
    const after = afterText(rule.examples.fires);
    const findings = review(format, before, after, policy ?? null, extra, path).findings.filter((f) => f.rule === id);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(f.severity).toBe(severity ?? rule.severity);
      expect(f.line).toBeGreaterThanOrEqual(1);
      expect(f.message.length).toBeGreaterThan(10);
    }
  });

  it("stays silent on its documented benign example", () => {
    const { format, before, policy, extra, path } = rule.examples.silent;
    const after = afterText(rule.examples.silent);
    const findings = review(format, before, after, policy ?? null, extra, path).findings;
    expect(findings.filter((f) => f.rule === id || f.merged?.includes(id))).toEqual([]);
  });

  it("documents itself", () => {
    expect(rule.description).toMatch(/\.$/);
    expect(rule.rationale.length).toBeGreaterThan(40);
    expect(rule.formats.length).toBeGreaterThan(0);
  });
});
