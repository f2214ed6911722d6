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
});
