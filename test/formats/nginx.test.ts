import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { parseNginx } from "../../src/formats/nginx/parse.js";
import { parseTree } from "../../src/formats/nginx/tree.js";
import type { Model } from "../../src/model/types.js";

const errors = (m: Model) => m.diagnostics.filter((d) => d.severity === "error");

describe("nginx parse tree", () => {
  it("keeps directive, args, line and block like crossplane", () => {
    const t = parseTree('events {}\nhttp {\n  log_format main "a b" \'c\';\n  upstream u { server 1.2.3.4; }\n}\n');
    expect(t.errors).toEqual([]);
    const http = t.directives[1]!;
    expect(http).toMatchObject({ name: "http", line: 2, endLine: 5 });
    expect(http.block![0]).toMatchObject({ name: "log_format", args: ["main", "a b", "c"], line: 3 });
    expect(http.block![1]!.block![0]).toMatchObject({ name: "server", args: ["1.2.3.4"], line: 4 });
  });

  it("handles comments, escapes and ${var} braces inside words", () => {
    const t = parseTree('a "x\\"y" \\; # not ; a comment\n  b;\nc ${host}z;\n');
    expect(t.directives.map((d) => [d.name, d.args])).toEqual([
      ["a", ['x"y', "\\;", "b"]],
      ["c", ["${host}z"]],
    ]);
  });

  it("keeps lua block bodies raw, braces and quotes included", () => {
    const t = parseTree('content_by_lua_block {\n  local t = { "}" }\n  ngx.say(t[1])\n}\nnext;\n');
    expect(t.errors).toEqual([]);
    expect(t.directives.map((d) => d.name)).toEqual(["content_by_lua_block", "next"]);
    expect(t.directives[1]!.line).toBe(5);
  });

  it("reports unbalanced braces and missing semicolons at their lines", () => {
    expect(parseTree("http {\n  upstream u {\n    server a;\n").errors.map((e) => e.line)).toContain(1);
    expect(parseTree("}\n").errors[0]).toMatchObject({ line: 1, message: 'unexpected "}"' });
    expect(parseTree("a {\n  b\n}\n").errors[0]).toMatchObject({ line: 2 });
    expect(parseTree('a "unterminated;\n').errors[0]!.message).toMatch(/unterminated/);
  });
});

describe("nginx upstreams", () => {
  const conf = `
upstream shop {
    least_conn;
    server 10.0.0.1:8080 weight=3 max_fails=2 fail_timeout=30s max_conns=100;
    server 10.0.0.2:8080 backup;
    server 10.0.0.3 down;
    server app.internal:9000 max_fails=0;
    server unix:/run/app.sock;
    server [2001:db8::1]:80;
    keepalive 16;
}`;
  const m = parseNginx(conf, "shop.conf");
  const pool = m.pools[0]!;

  it("reads the pool, its algorithm and settings with positions", () => {
    expect(errors(m)).toEqual([]);
    expect(pool).toMatchObject({ key: "nginx:http:shop", name: "shop", algorithm: { name: "least-conn" }, loc: { line: 2, endLine: 11 } });
    expect(pool.settings.keepalive).toBe("16");
  });

  it("reads weights, states, limits and health checks per server", () => {
    expect(pool.backends.map((b) => [b.id, b.weight, b.state, b.loc.line])).toEqual([
      ["10.0.0.1:8080", 3, "active", 4],
      ["10.0.0.2:8080", 1, "backup", 5],
      ["10.0.0.3:80", 1, "down", 6],
      ["app.internal:9000", 1, "active", 7],
      ["unix:/run/app.sock", 1, "active", 8],
      ["[2001:db8::1]:80", 1, "active", 9],
    ]);
    expect(pool.backends[0]!.healthCheck).toMatchObject({ kind: "passive", maxFails: 2, failTimeoutMs: 30_000 });
    expect(pool.backends[0]!.limits.max_conns).toBe("100");
    expect(pool.backends[3]!.healthCheck.kind).toBe("none");
    expect(pool.backends[3]!.notes.join()).toMatch(/hostname/);
  });

  it("reads every balancing method", () => {
    const algo = (line: string) => parseNginx(`upstream u { ${line} server 1.1.1.1; }`, "f").pools[0]!.algorithm;
    expect(algo("")).toMatchObject({ name: "round-robin" });
    expect(algo("ip_hash;")).toMatchObject({ name: "ip-hash" });
    expect(algo("hash $request_uri consistent;")).toMatchObject({ name: "hash", args: ["$request_uri", "consistent"] });
    expect(algo("random two least_conn;")).toMatchObject({ name: "random", args: ["two", "least_conn"] });
  });

  it("rejects what nginx -t rejects, on the right line", () => {
    const bad = (text: string) => errors(parseNginx(text, "f")).map((d) => [d.loc.line, d.message]);
    expect(bad("upstream u {\n  server 1.1.1.1 weight=0;\n}")).toEqual([[2, 'invalid parameter "weight=0"']]);
    expect(bad("upstream u {\n  server 1.1.1.1 wieght=2;\n}")).toEqual([[2, 'invalid parameter "wieght=2"']]);
    expect(bad("upstream u {\n  ip_hash;\n  server 1.1.1.1;\n  server 1.1.1.2 backup;\n}")[0]![0]).toBe(4);
    expect(bad("upstream u {\n  10.0.0.1:80;\n  server 1.1.1.1;\n}")).toEqual([[2, 'unknown directive "10.0.0.1:80"']]);
    expect(bad("upstream u {\n}")).toEqual([[1, 'no servers are inside upstream "u"']]);
    expect(bad("stream {\n upstream u {\n  server 1.1.1.1;\n }\n}")).toEqual([[3, 'no port in upstream "1.1.1.1"']]);
  });

  it("accepts NGINX Plus features with a warning, not an error", () => {
    const m2 = parseNginx("upstream u {\n  zone u 64k;\n  state /var/lib/nginx/u.state;\n}", "f");
    expect(errors(m2)).toEqual([]);
    expect(m2.diagnostics.map((d) => d.severity)).toContain("warning");
  });
});

describe("nginx routes", () => {
  it("turns locations with *_pass into routes with resolved-later refs", () => {
    const m = parseNginx(
      `server {
  listen 443 ssl http2;
  server_name shop.example.com;
  location / { proxy_pass http://shop; }
  location /api/ { proxy_pass http://10.0.0.9:8080/v1/; }
  location /dyn { proxy_pass http://$backend; }
  location ~ \\.php$ { fastcgi_pass unix:/run/php.sock; }
  location /x { if ($arg_v) { proxy_pass http://canary; } }
}`,
      "site.conf",
    );
    expect(errors(m)).toEqual([]);
    expect(m.routes.map((r) => [r.name, r.targets[0]!.kind, r.loc.line])).toEqual([
      ["shop.example.com location /", "ref", 4],
      ["shop.example.com location /api/", "address", 5],
      ["shop.example.com location /dyn", "dynamic", 6],
      ["shop.example.com location ~ \\.php$", "address", 7],
      ["shop.example.com location /x if ($arg_v)", "ref", 8],
    ]);
    expect(m.routes[0]!.listeners[0]).toMatchObject({ address: "443", flags: ["ssl", "http2"] });
    expect(m.routes[4]!.condition).toBe("if ($arg_v)");
  });

  it("keeps stream upstreams and servers in their own namespace", () => {
    const m = parseNginx("stream {\n upstream dns { server 10.0.0.1:53; }\n server { listen 53 udp; proxy_pass dns; }\n}", "s.conf");
    expect(m.pools[0]!.key).toBe("nginx:stream:dns");
    expect(m.routes[0]!.targets[0]).toMatchObject({ kind: "ref", poolKey: "nginx:stream:dns" });
  });

  it("records includes with their context", () => {
    const m = parseNginx("http {\n include conf.d/*.conf;\n}\nstream {\n include stream.d/*.conf;\n}", "nginx.conf");
    expect(m.includes.map((i) => [i.pattern, i.context, i.loc.line])).toEqual([
      ["conf.d/*.conf", "http", 2],
      ["stream.d/*.conf", "stream", 5],
    ]);
  });
});

describe("nginx parser properties", () => {
  test.prop([fc.string({ maxLength: 400 })])("never throws on arbitrary text", (text) => {
    const m = parseNginx(text, "x.conf");
    expect(Array.isArray(m.diagnostics)).toBe(true);
  });

  const words = fc.constantFrom("upstream", "server", "{", "}", ";", "weight=2", "down", "backup", '"q', "#c\n", "\n", "location", "proxy_pass", "http://u", "10.0.0.1:80", "${x}", "\\");
  test.prop([fc.array(words, { maxLength: 60 })])("never throws on config-shaped noise", (parts) => {
    parseNginx(parts.join(" "), "x.conf");
  });

  const base = `upstream shop {\n  least_conn;\n  server 10.0.0.1:8080 weight=3;\n  server 10.0.0.2:8080 backup;\n}\nserver {\n  listen 80;\n  location / { proxy_pass http://shop; }\n}\n`;
  const strip = (m: Model) => JSON.parse(JSON.stringify(m, (k, v) => (k === "loc" || k === "line" || k === "endLine" ? undefined : v)));
  test.prop([fc.array(fc.constantFrom(" ", "\t", "\n", "  # note\n"), { minLength: 1, maxLength: 5 }), fc.nat()])(
    "a reformatted config yields the same model",
    (pad, seed) => {
      // Insert whitespace or comment lines at token boundaries (after ";", "{" or "}").
      let i = 0;
      const reformatted = base.replace(/([;{}])/g, (c) => `${c}${pad[(seed + i++) % pad.length]}`);
      expect(strip(parseNginx(reformatted, "x.conf"))).toEqual(strip(parseNginx(base, "x.conf")));
    },
  );
});
