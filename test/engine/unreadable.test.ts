import { describe, expect, it } from "vitest";
import { MAX_FILE_BYTES } from "../../src/engine/analyze.js";
import { review } from "../support/review.js";

const UP = "upstream app {\n  server 10.0.0.1:80;\n  server 10.0.0.2:80;\n}\n";

describe("content that cannot be read as config", () => {
  it("binary content is a critical finding, never a silent pass", () => {
    const a = review("nginx", UP, "upstream app {\u0000\u0001\u0002}\n");
    expect(a.findings[0]).toMatchObject({ rule: "unparseable-config", severity: "critical", line: 1, message: expect.stringContaining("binary content") });
  });

  it("an oversized file is a critical finding naming the limit", () => {
    const big = UP + `# ${"x".repeat(MAX_FILE_BYTES)}\n`;
    const a = review("nginx", UP, big);
    expect(a.findings[0]).toMatchObject({ rule: "unparseable-config", severity: "critical", message: expect.stringContaining(`over the ${MAX_FILE_BYTES}-byte limit`) });
  });
});
