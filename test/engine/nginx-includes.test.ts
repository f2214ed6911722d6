import { describe, expect, it } from "vitest";
import { analyze } from "../../src/engine/analyze.js";
import { loadPolicy } from "../../src/policy/load.js";

const MAIN = "events {}\nstream {\n  include /etc/nginx/stream.d/*.conf;\n}\nhttp {\n  include /etc/nginx/conf.d/*.conf;\n}\n";
const DNS = (down: string) => `upstream dns {\n  server 10.0.0.1:53;\n  server 10.0.0.2:53${down};\n}\nserver {\n  listen 53 udp;\n  proxy_pass dns;\n}\n`;

describe("nginx includes", () => {
  it("parses a fragment included inside stream {} as stream config", () => {
    const files = (down: string) => [
      { path: "nginx/nginx.conf", text: MAIN },
      { path: "nginx/stream.d/dns.conf", text: DNS(down) },
    ];
    const a = analyze(files(""), files(" down"), loadPolicy(null));
    expect(a.changes.pools.map((p) => p.key)).toEqual(["nginx/stream.d/dns.conf|nginx:stream:dns"]);
    expect(a.changes.routes[0]!.after!.targets[0]).toMatchObject({ kind: "pool", poolKey: "nginx:stream:dns" });
    expect(a.findings[0]).toMatchObject({ rule: "traffic-concentration", file: "nginx/stream.d/dns.conf", line: 3 });
  });

  it("without the including file, a fragment is read as http config", () => {
    const a = analyze([], [{ path: "nginx/stream.d/dns.conf", text: DNS("") }], loadPolicy(null));
    expect(a.changes.pools.map((p) => p.key)).toEqual(["nginx/stream.d/dns.conf|nginx:http:dns"]);
  });

  const UPSTREAMS = "http {\n  upstream shop {\n    include /etc/nginx/upstreams/shop.servers;\n  }\n  server {\n    listen 80;\n    location / { proxy_pass http://shop; }\n  }\n}\n";
  const servers = (down: string) => `server 10.20.0.11:8080;\nserver 10.20.0.12:8080${down};\nserver 10.20.0.13:8080${down};\n`;

  it("an include inside upstream {} brings the fragment's servers, on the fragment's lines", () => {
    const files = (down: string) => [
      { path: "nginx/nginx.conf", text: UPSTREAMS },
      { path: "nginx/upstreams/shop.servers", text: servers(down) },
    ];
    const a = analyze(files(""), files(" down"), loadPolicy(null));
    expect(a.findings[0]).toMatchObject({ rule: "traffic-concentration", severity: "critical", file: "nginx/upstreams/shop.servers", line: 2 });
    expect(a.findings[0]!.message).toContain("10.20.0.11:8080 now receives 100%");
  });

  it("an upstream whose included servers are not reviewed has unknown shares, not an empty pool", () => {
    const a = analyze([], [{ path: "nginx/nginx.conf", text: UPSTREAMS }], loadPolicy(null));
    expect(a.findings.map((f) => [f.rule, f.severity, f.line])).toEqual([["shares-unknown", "info", 3]]);
  });

  it("OpenResty's Lua balancer decides the shares: accepted, said once", () => {
    const lua = "http {\n  upstream app {\n    server 0.0.0.1;\n    balancer_by_lua_block {\n      require(\"b\").pick()\n    }\n    keepalive 10;\n  }\n}\n";
    const a = analyze([], [{ path: "nginx/nginx.conf", text: lua }], loadPolicy(null));
    expect(a.findings.map((f) => [f.rule, f.line])).toEqual([["shares-unknown", 4]]);
  });

  it("a stream server with service= takes its port from DNS SRV records", () => {
    const text = "stream {\n  upstream dns {\n    zone dns 64k;\n    server dns.example.com service=_dns._udp resolve;\n  }\n}\n";
    const a = analyze([], [{ path: "nginx/nginx.conf", text }], loadPolicy(null));
    // nginx 1.27.3+ and NGINX Plus only: a warning (an info finding), never an error.
    expect(a.findings.filter((f) => f.severity !== "info")).toEqual([]);
    expect(a.changes.pools[0]!.after!.backends.map((b) => b.id)).toEqual(["dns.example.com"]);
  });

  it("moving a pool's servers into a file the review cannot see is high, not information", () => {
    const inline = "http {\n  upstream shop {\n    server 10.20.0.11:8080;\n    server 10.20.0.12:8080;\n  }\n}\n";
    const a = analyze([{ path: "nginx/nginx.conf", text: inline }], [{ path: "nginx/nginx.conf", text: UPSTREAMS }], loadPolicy(null));
    expect(a.findings.find((f) => f.rule === "shares-unknown")).toMatchObject({ severity: "high", line: 3 });
  });
});
