/** Each threshold is pinned on both sides of its edge: a `>=` turned into `>` fails here. */
import { describe, expect, it } from "vitest";
import { review } from "../support/review.js";

const pool = (...weights: number[]) => `upstream app {\n${weights.map((w, i) => `  server 10.0.0.${i + 1}:80 weight=${w};\n`).join("")}}\n`;
const fired = (rule: string, before: string, after: string, policy: string | null = null) =>
  review("nginx", before, after, policy).findings.filter((f) => f.rule === rule || f.merged?.includes(rule));

describe("traffic-concentration: at or above 80%", () => {
  it("fires at exactly 80%", () => expect(fired("traffic-concentration", pool(1, 1), pool(4, 1)).map((f) => f.severity)).toEqual(["critical"]));
  it("is silent at 75%", () => expect(fired("traffic-concentration", pool(1, 1), pool(3, 1))).toEqual([]));
  it("follows the policy's threshold", () => {
    expect(fired("traffic-concentration", pool(1, 1), pool(3, 1), "rules:\n  traffic-concentration: { threshold: 0.75 }\n")).toHaveLength(1);
  });
});

describe("share-shift: 25 points or more", () => {
  it("fires at exactly +25 points", () => {
    expect(fired("share-shift", pool(1, 1), pool(3, 1)).map((f) => [f.severity, f.message])).toEqual([["high", "app: 10.0.0.1:80 share 50% → 75% (+25 points)"]]);
  });
  it("is silent at +24 points", () => expect(fired("share-shift", pool(1, 1), pool(37, 13))).toEqual([]));
});

describe("active-backends-reduced: half or fewer is high, one left is critical", () => {
  const servers = (n: number, down: number) => `upstream app {\n${Array.from({ length: n }, (_, i) => `  server 10.0.0.${i + 1}:80${i >= n - down ? " down" : ""};\n`).join("")}}\n`;
  const reduced = (n: number, down: number) => fired("active-backends-reduced", servers(n, 0), servers(n, down)).map((f) => f.severity);
  it("4 → 2 (exactly half) is high", () => expect(reduced(4, 2)).toEqual(["high"]));
  it("5 → 3 (more than half) is silent", () => expect(reduced(5, 2)).toEqual([]));
  it("3 → 1 is critical", () => expect(reduced(3, 2)).toEqual(["critical"]));
});

describe("capacity: above the declared capacity", () => {
  const policy = (cap: number) => `capacity:\n  peak: { app: 1000 }\n  backends: { "10.0.0.1:80": ${cap} }\n`;
  it("fires above it", () => expect(fired("capacity", pool(1, 1), pool(3, 1), policy(749)).map((f) => f.severity)).toEqual(["critical"]));
  it("is silent exactly at it", () => expect(fired("capacity", pool(1, 1), pool(3, 1), policy(750))).toEqual([]));
});
