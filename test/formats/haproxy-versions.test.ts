/**
 * Keywords newer than HAProxy 2.6 come from the 3.2 manual's tables (keywords-3.2.generated.ts):
 * known, not guessed. What they mean depends on the release the policy says the repository runs.
 */
import { describe, expect, it } from "vitest";
import { parseHaproxy } from "../../src/formats/haproxy/parse.js";

const CFG = [
  "global",
  "    tune.lua.openlibs all", // HAProxy 3.4: unknown even to 3.2
  "defaults",
  "    mode http",
  "    timeout connect 5s",
  "    timeout client 30s",
  "    timeout server 30s",
  "backend app",
  "    guid app-backend",
  "    balance sticky",
  "    option forwarded",
  "    server a1 10.0.0.1:80 guid srv-a1 init-state up check",
  "log-forward syslog",
  "    dgram-bind 127.0.0.1:1514",
  "backend logs",
  "    mode log",
  "",
].join("\n");

const diags = (version?: string) =>
  parseHaproxy(CFG, "haproxy.cfg", version ? { version } : {}).diagnostics.map((d) => [d.loc.line, d.severity, d.message]);

describe("keywords newer than HAProxy 2.6", () => {
  it("without a haproxyVersion they are warnings, never a near-typo error ('guid' is not 'id')", () => {
    const found = diags();
    expect(found.map(([line, severity]) => [line, severity])).toEqual([
      [2, "warning"],
      [9, "warning"],
      [10, "warning"],
      [11, "warning"],
      [12, "warning"],
      [12, "warning"],
      [16, "warning"],
    ]);
    expect(found.filter(([, , m]) => String(m).includes("did you mean"))).toEqual([]);
  });

  it("a server keyword's value is consumed by its arity: the server is still read, check included", () => {
    const pool = parseHaproxy(CFG, "haproxy.cfg").pools.find((p) => p.name === "app")!;
    expect(pool.backends.map((b) => [b.id, b.healthCheck.kind])).toEqual([["10.0.0.1:80", "tcp"]]);
    expect(pool.algorithm.name).toBe("sticky");
  });

  it("a repository on 3.2 gets no diagnostic for 3.2 keywords, only for what 3.2 does not know", () => {
    expect(diags("3.2").map(([line, severity]) => [line, severity])).toEqual([[2, "warning"]]);
  });

  it("a repository on 2.6 gets errors: that HAProxy refuses them", () => {
    expect(diags("2.6").filter(([, severity]) => severity === "error").map(([line]) => line)).toEqual([9, 10, 11, 12, 16]);
  });

  it("a listen address on the header line is fine for 1.x, an error for 2.x", () => {
    const legacy = "listen app 0.0.0.0:80\n    server a1 10.0.0.1:80\n";
    expect(parseHaproxy(legacy, "haproxy.cfg", { version: "1.8" }).diagnostics).toEqual([]);
    expect(parseHaproxy(legacy, "haproxy.cfg", { version: "2.6" }).diagnostics.map((d) => d.severity)).toEqual(["error"]);
  });

  it("a near-typo of a known keyword stays an error, whatever the release", () => {
    const typo = "backend app\n    server a1 10.0.0.1:80 wieght 3\n";
    expect(parseHaproxy(typo, "haproxy.cfg", { version: "3.2" }).diagnostics.map((d) => d.severity)).toEqual(["error"]);
  });
});
