/**
 * HAProxy expands "${NAME}" and "${NAME-default}" before it parses a line. A value that depends on
 * an unset variable is unknown, never 0; a default is the value a reviewer sees.
 */
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/engine/analyze.js";
import { parseHaproxy } from "../../src/formats/haproxy/parse.js";
import { loadPolicy } from "../../src/policy/load.js";

const PATH = "lb/haproxy.cfg";
const backend = (s2: string) =>
  `defaults\n  mode http\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\nbackend shop\n  server s1 10.0.0.1:80 weight 2\n  server s2 10.0.0.2:80 weight ${s2}\n`;
const review = (before: string, after: string) => analyze([{ path: PATH, text: before }], [{ path: PATH, text: after }], loadPolicy(null));

describe("HAProxy environment references", () => {
  it("an unset reference makes the weight unknown, with where it comes from", () => {
    const m = parseHaproxy(backend('"${S2_WEIGHT}"'), PATH);
    expect(m.diagnostics).toEqual([]);
    expect(m.pools[0]!.backends.map((b) => [b.name, b.weight, b.weightFrom])).toEqual([
      ["s1", 2, undefined],
      ["s2", null, "the environment variable ${S2_WEIGHT}"],
    ]);
  });

  it("a default is the value: the same weight as written out", () => {
    const m = parseHaproxy(backend('"${S2_WEIGHT-2}"'), PATH);
    expect(m.pools[0]!.backends.map((b) => b.weight)).toEqual([2, 2]);
    expect(review(backend("2"), backend('"${S2_WEIGHT-2}"')).findings).toEqual([]);
  });

  it("moving a weight into the environment is not a concentration but an info finding on its line", () => {
    const a = review(backend("2"), backend('"${S2_WEIGHT}"'));
    expect(a.findings.map((f) => [f.rule, f.severity, f.line])).toEqual([["shares-unknown", "info", 8]]);
    expect(a.findings[0]!.message).toContain("${S2_WEIGHT}");
  });

  it("values read from the environment are not checked, anywhere on the line", () => {
    const text = `frontend fe\n  bind "\${ADDR}:\${PORT}"\n  bind \${fe_addr}:\${fe_port}\n  timeout client "\${T}"\n  default_backend be\nbackend be\n  server s1 \${s1_addr}:\${s1_port} rise "\${RISE}" inter "\${INTER}" slowstart "\${SS}"\n`;
    expect(parseHaproxy(text, PATH).diagnostics).toEqual([]);
  });

  it("a default is still checked as HAProxy would check it", () => {
    const m = parseHaproxy(`backend be\n  server s1 10.0.0.1:80 inter "\${INTER-2q}"\n`, PATH);
    expect(m.diagnostics.map((d) => [d.loc.line, d.severity])).toEqual([[2, "error"]]);
  });
});

describe("what haproxy -c rejects that matters for traffic", () => {
  it("a bind address without a port", () => {
    const m = parseHaproxy("frontend fe\n  bind 127.0.0.1\n  bind :80,[::1]\n  bind unix@/run/x.sock\n  bind ipv4@10.0.0.1:81\n", PATH);
    expect(m.diagnostics.map((d) => [d.loc.line, d.message])).toEqual([
      [2, "'bind': missing port specification in '127.0.0.1'"],
      [3, "'bind': missing port specification in '[::1]'"],
    ]);
  });

  it("an http-check send option without its value", () => {
    const m = parseHaproxy("backend be\n  option httpchk\n  http-check send meth GET uri\n  http-check send meth GET uri / hdr Host\n  http-check send meth GET uri / hdr Host x\n", PATH);
    expect(m.diagnostics.map((d) => [d.loc.line, d.severity])).toEqual([[3, "error"], [4, "error"]]);
  });

  it("a file without a final newline, on its last line", () => {
    const m = parseHaproxy("backend be\n  server s1 10.0.0.1:80", PATH);
    expect(m.diagnostics.map((d) => [d.loc.line, d.severity])).toEqual([[2, "error"]]);
    expect(parseHaproxy("backend be\n  server s1 10.0.0.1:80\n", PATH).diagnostics).toEqual([]);
  });
});
