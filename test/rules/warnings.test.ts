import { describe, expect, it } from "vitest";
import { review } from "../support/review.js";

const BASE = "backend app\n  server a 10.0.0.1:80 check\n  server b 10.0.0.2:80 check\n";

describe("what parses but cannot be evaluated", () => {
  it("a keyword newer than our HAProxy tables is reported at info, never blocking", () => {
    const a = review("haproxy", BASE, `${BASE}  hash-preserve-affinity always\n`);
    expect(a.findings.map((f) => [f.rule, f.severity, f.line])).toEqual([["unparseable-config", "info", 4]]);
    expect(a.risk).toBe("low");
  });

  it("a typo of a known keyword is an error that blocks", () => {
    const a = review("haproxy", BASE, BASE.replace("check\n  server b", "chekc\n  server b"));
    expect(a.findings[0]).toMatchObject({ rule: "unparseable-config", severity: "critical", line: 2, message: expect.stringContaining("did you mean 'check'") });
  });

  it("a warning already present before is not repeated", () => {
    const newer = `${BASE}  hash-preserve-affinity always\n`;
    expect(review("haproxy", newer, newer.replace("10.0.0.2:80 check", "10.0.0.2:80 check inter 1s")).findings).toEqual([]);
  });
});
