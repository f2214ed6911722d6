import { describe, expect, it } from "vitest";
import { review } from "../support/review.js";

const NGINX = `# shop
upstream shop {
    least_conn;
    server 10.0.0.1:8080 weight=2 max_fails=3;
    server 10.0.0.2:8080 max_fails=3;
    server 10.0.0.3:8080 backup;
}
server {
    listen 443 ssl;
    server_name shop.example.com;
    location / { proxy_pass http://shop; }
}
`;

const HAPROXY = `frontend www
    bind :80
    use_backend api if { path_beg /api }
    default_backend web
backend web
    balance roundrobin
    option httpchk GET /health
    server w1 10.0.1.1:80 check weight 10
    server w2 10.0.1.2:80 check weight 10
backend api
    server a1 10.0.2.1:80 check
    server a2 10.0.2.2:80 check
`;

const benign: Record<string, [string, (s: string) => string][]> = {
  nginx: [
    ["comment edit", (s) => s.replace("# shop", "# shop: storefront, owned by team-web")],
    ["reformatting", (s) => s.replace(/\n {4}/g, "\n\t").replace("location / { proxy_pass http://shop; }", "location / {\n\t\tproxy_pass http://shop;\n\t}")],
    ["reordering servers", (s) => s.replace("    server 10.0.0.1:8080 weight=2 max_fails=3;\n    server 10.0.0.2:8080 max_fails=3;\n", "    server 10.0.0.2:8080 max_fails=3;\n    server 10.0.0.1:8080 weight=2 max_fails=3;\n")],
    ["moving the upstream below the server", (s) => { const [up, rest] = [s.slice(s.indexOf("upstream"), s.indexOf("server {")), s.slice(s.indexOf("server {"))]; return `${rest}${up}`; }],
    ["scale-out", (s) => s.replace("    server 10.0.0.3:8080 backup;", "    server 10.0.0.4:8080 max_fails=3;\n    server 10.0.0.5:8080 max_fails=3;\n    server 10.0.0.3:8080 backup;")],
    ["unrelated directive change", (s) => s.replace("listen 443 ssl;", "listen 443 ssl;\n    client_max_body_size 10m;")],
  ],
  haproxy: [
    ["comment edit", (s) => `# edge proxy\n${s}`],
    ["reformatting", (s) => s.replace(/ {4}/g, "\t").replace(/ check/g, "   check")],
    ["reordering backends", (s) => { const i = s.indexOf("\nbackend api") + 1; const j = s.indexOf("\nbackend web") + 1; return s.slice(0, j) + s.slice(i) + s.slice(j, i); }],
    ["scale-out", (s) => s.replace("    server w2 10.0.1.2:80 check weight 10\n", "    server w2 10.0.1.2:80 check weight 10\n    server w3 10.0.1.3:80 check weight 10\n")],
    ["faster health checks", (s) => s.replace("server a1 10.0.2.1:80 check", "server a1 10.0.2.1:80 check inter 1s")],
  ],
};

describe.each([
  ["nginx", NGINX],
  ["haproxy", HAPROXY],
] as const)("benign %s changes raise nothing", (format, base) => {
  it("the base config parses cleanly", () => {
    expect(review(format, base, base).changes.files).toEqual([]);
    expect(review(format, null, base).findings).toEqual([]);
  });
  it.each(benign[format]!)("%s", (_name, change) => {
    const after = change(base);
    expect(after).not.toBe(base);
    const a = review(format, base, after);
    expect(a.findings).toEqual([]);
    expect(["none", "low"]).toContain(a.risk);
  });
});
