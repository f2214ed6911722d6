/** The policy's haproxyVersion and nginxVersion reach the parsers: errors follow the release a repository runs. */
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/engine/analyze.js";
import { loadPolicy } from "../../src/policy/load.js";

const NGINX = "http {\n  server {\n    listen 443 ssl;\n    http2 on;\n  }\n}\n";
const HAPROXY = "backend app\n    balance sticky\n    server a1 10.0.0.1:80\n";
const errors = (policy: string | null, path: string, text: string) =>
  analyze([], [{ path, text }], loadPolicy(policy)).findings.filter((f) => f.rule === "unparseable-config" && f.severity !== "info").map((f) => f.line);

describe("policy releases", () => {
  it("nginxVersion", () => {
    expect(errors(null, "nginx/nginx.conf", NGINX)).toEqual([]);
    expect(errors("nginxVersion: '1.22'\n", "nginx/nginx.conf", NGINX)).toEqual([4]);
  });

  it("haproxyVersion", () => {
    expect(errors(null, "lb/haproxy.cfg", HAPROXY)).toEqual([]);
    expect(errors("haproxyVersion: '3.2'\n", "lb/haproxy.cfg", HAPROXY)).toEqual([]);
    expect(errors("haproxyVersion: '2.6'\n", "lb/haproxy.cfg", HAPROXY)).toEqual([2]);
  });

  it("a release that is not one is a policy error, not a silent default", () => {
    expect(loadPolicy("haproxyVersion: latest\n").diagnostics.length).toBeGreaterThan(0);
  });
});
