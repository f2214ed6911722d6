import { describe, expect, it } from "vitest";
import { MAX_FILE_BYTES } from "../../src/engine/analyze.js";
import { review } from "../support/review.js";

const UP = "upstream app {\n  server 10.0.0.1:80;\n  server 10.0.0.2:80;\n}\n";

describe("content that cannot be read as config", () => {
  it("binary content is a critical finding, never a silent pass", () => {
    const a = review("nginx", UP, "upstream app {\u0000\u0001\u0002}\n");
    expect(a.findings[0]).toMatchObject({ rule: "unparseable-config", severity: "critical", line: 1, message: expect.stringContaining("binary content") });
  });

  it("a file that grows past the size limit is a critical finding naming the limit: it could hide its change", () => {
    const big = UP + `# ${"x".repeat(MAX_FILE_BYTES)}\n`;
    const a = review("nginx", UP, big);
    expect(a.findings[0]).toMatchObject({ rule: "unparseable-config", severity: "critical", message: expect.stringContaining(`over the ${MAX_FILE_BYTES}-byte limit`) });
  });

  it("a file already over the limit that changes is said once, as information; unchanged, it is not mentioned", () => {
    const big = (n: number) => UP + `# ${"x".repeat(MAX_FILE_BYTES + n)}\n`;
    const a = review("nginx", big(1), big(2));
    expect(a.findings.map((f) => [f.rule, f.severity])).toEqual([["file-too-large", "info"]]);
    expect(review("nginx", big(1), big(1)).findings).toEqual([]);
  });

  it("up to 10 MB a file is read", () => {
    const large = UP.replace("10.0.0.2:80;", "10.0.0.2:80 down;") + `# ${"x".repeat(5_000_000)}\n`;
    expect(review("nginx", UP, large).findings[0]).toMatchObject({ rule: "traffic-concentration", severity: "critical" });
  });
});
