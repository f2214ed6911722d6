/** Timeouts, retries, failover, target group replacement and removed routes, in each format that has them. */
import { describe, expect, it } from "vitest";
import { review } from "../support/review.js";

const only = (a: ReturnType<typeof review>, rule: string) => a.findings.filter((f) => f.rule === rule).map((f) => [f.severity, f.line, f.message]);

describe("timeout-cut", () => {
  const nginx = (inner: string, http = "") =>
    `http {\n${http}  server {\n    listen 80;\n    location /api {\n      proxy_pass http://10.0.0.1:8080;\n${inner}    }\n  }\n}\n`;
  it("nginx: an inherited default of 60s cut to 10s, at the new directive", () => {
    expect(only(review("nginx", nginx(""), nginx("      proxy_read_timeout 10s;\n")), "timeout-cut")).toEqual([
      ["medium", 6, "80 location /api: proxy_read_timeout 60s → 10s"],
    ]);
  });
  it("nginx: inherited from http {}, the innermost wins", () => {
    const a = review("nginx", nginx("", "  proxy_connect_timeout 30s;\n"), nginx("      proxy_connect_timeout 30s;\n", "  proxy_connect_timeout 5s;\n"));
    expect(only(a, "timeout-cut")).toEqual([]);
  });
  it("HAProxy: timeout server 30s → 5s in the backend", () => {
    const cfg = (t: string) => `defaults\n  mode http\n  timeout connect 5s\n  timeout client 30s\nbackend app\n  timeout server ${t}\n  server a 10.0.0.1:80\n`;
    expect(only(review("haproxy", cfg("30s"), cfg("5s")), "timeout-cut")).toEqual([["medium", 6, "app: server 30s → 5s"]]);
    expect(only(review("haproxy", cfg("30s"), cfg("7s")), "timeout-cut")).toEqual([]);
  });
  it("Envoy: the route's default 15s cut to 1s", () => {
    const envoy = (t: string) =>
      `static_resources:\n  listeners:\n  - name: web\n    address:\n      socket_address: { address: 0.0.0.0, port_value: 80 }\n    filter_chains:\n    - filters:\n      - name: envoy.filters.network.http_connection_manager\n        typed_config:\n          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager\n          stat_prefix: web\n          route_config:\n            virtual_hosts:\n            - name: shop\n              domains: ["*"]\n              routes:\n              - match: { prefix: "/" }\n                route:\n                  cluster: shop\n${t}  clusters:\n  - name: shop\n    load_assignment:\n      cluster_name: shop\n      endpoints:\n      - lb_endpoints:\n        - endpoint:\n            address:\n              socket_address: { address: 10.0.0.1, port_value: 8080 }\n`;
    const a = review("envoy", envoy(""), envoy("                  timeout: 1s\n"));
    expect(only(a, "timeout-cut")).toEqual([["medium", 20, "shop prefix /: timeout 15s → 1s"]]);
  });
  it("Istio: a VirtualService timeout 30s → 2s", () => {
    const vs = (t: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: shop\nspec:\n  hosts: [shop]\n  http:\n  - timeout: ${t}\n    route:\n    - destination:\n        host: shop\n`;
    expect(only(review("kubernetes", vs("30s"), vs("2s")), "timeout-cut")).toEqual([["medium", 8, "default/shop http 1: timeout 30s → 2s"]]);
  });
});

describe("retries-narrowed", () => {
  it("nginx: proxy_next_upstream off", () => {
    const loc = (extra: string) => `server {\n  listen 80;\n  location / {\n    proxy_pass http://app;\n${extra}  }\n}\nupstream app {\n  server 10.0.0.1:80;\n  server 10.0.0.2:80;\n}\n`;
    const a = review("nginx", loc(""), loc("    proxy_next_upstream off;\n"));
    expect(only(a, "retries-narrowed")).toEqual([["medium", 5, "80 location /: retries narrowed: retries off (was unlimited on error, timeout)"]]);
    const narrowed = review("nginx", loc("    proxy_next_upstream error timeout http_502;\n"), loc("    proxy_next_upstream error timeout;\n    proxy_next_upstream_tries 2;\n"));
    expect(only(narrowed, "retries-narrowed")).toEqual([["medium", 5, "80 location /: retries narrowed: attempts unlimited → 1; no longer on http_502"]]);
  });
  it("HAProxy: retries 3 → 1", () => {
    const cfg = (n: number) => `backend app\n  retries ${n}\n  server a 10.0.0.1:80\n`;
    expect(only(review("haproxy", cfg(3), cfg(1)), "retries-narrowed")).toEqual([["medium", 2, "app: retries narrowed: attempts 3 → 1"]]);
    expect(only(review("haproxy", cfg(1), cfg(3)), "retries-narrowed")).toEqual([]);
  });
  it("Istio: retries attempts 0 turns Istio's default retries off", () => {
    const vs = (r: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: shop\nspec:\n  hosts: [shop]\n  http:\n  - route:\n    - destination:\n        host: shop\n${r}`;
    const a = review("kubernetes", vs(""), vs("    retries:\n      attempts: 0\n"));
    expect(only(a, "retries-narrowed").map(([s, l]) => [s, l])).toEqual([["medium", 12]]);
  });
});

describe("failover-narrowed", () => {
  it("HAProxy: option allbackups removed with two backups", () => {
    const cfg = (opt: string) => `backend app\n${opt}  server a 10.0.0.1:80 check\n  server b1 10.0.0.8:80 check backup\n  server b2 10.0.0.9:80 check backup\n`;
    expect(only(review("haproxy", cfg("  option allbackups\n"), cfg("")), "failover-narrowed").map(([s]) => s)).toEqual(["medium"]);
  });
  it("nginx: backup removed from the last backup", () => {
    const up = (flag: string) => `upstream app {\n  server 10.0.0.1:80;\n  server 10.0.0.9:80${flag};\n}\n`;
    expect(only(review("nginx", up(" backup"), up("")), "failover-narrowed")).toEqual([["medium", 3, "app: backups 1 → 0 (10.0.0.9:80)"]]);
  });
});

describe("target-group-replaced", () => {
  const tg = (attrs: string) => `resource "aws_lb_target_group" "app" {\n  name     = "app"\n${attrs}  vpc_id   = "vpc-1"\n}\n`;
  it("protocol HTTP → HTTPS is high, at the protocol line", () => {
    const a = review("terraform", tg('  port = 80\n  protocol = "HTTP"\n'), tg('  port = 80\n  protocol = "HTTPS"\n'));
    expect(only(a, "target-group-replaced").map(([s, l]) => [s, l])).toEqual([["high", 4]]);
  });
  it("a health check change does not replace it", () => {
    const a = review("terraform", tg('  port = 80\n  protocol = "HTTP"\n'), tg('  port = 80\n  protocol = "HTTP"\n  deregistration_delay = 10\n'));
    expect(only(a, "target-group-replaced")).toEqual([]);
  });
});

describe("route-removed-to-default", () => {
  it("nginx: a location removed falls to the server's location /", () => {
    const site = (api: string) => `server {\n  listen 80;\n${api}  location / {\n    proxy_pass http://10.0.0.5:80;\n  }\n}\n`;
    const a = review("nginx", site("  location /api {\n    proxy_pass http://10.0.0.1:80;\n  }\n"), site(""));
    expect(only(a, "route-removed-to-default")).toEqual([["high", 3, "80 location /api removed: the requests it matched now go to 10.0.0.5:80 (80 location /)"]]);
  });
  it("Terraform: a listener rule removed falls to the listener's fixed response", () => {
    const lb = (rule: string) =>
      `resource "aws_lb_listener" "web" {\n  load_balancer_arn = aws_lb.main.arn\n  port = 80\n  protocol = "HTTP"\n  default_action {\n    type = "fixed-response"\n    fixed_response {\n      content_type = "text/plain"\n      status_code = "404"\n    }\n  }\n}\n${rule}`;
    const rule = `resource "aws_lb_listener_rule" "api" {\n  listener_arn = aws_lb_listener.web.arn\n  priority = 10\n  action {\n    type = "forward"\n    target_group_arn = aws_lb_target_group.api.arn\n  }\n  condition {\n    path_pattern {\n      values = ["/api/*"]\n    }\n  }\n}\nresource "aws_lb_target_group" "api" {\n  port = 80\n  protocol = "HTTP"\n}\n`;
    const a = review("terraform", lb(rule), lb(""));
    expect(only(a, "route-removed-to-default")).toEqual([
      ["high", 1, "rule api on listener web (priority 10) removed: the requests it matched now go to listener web (HTTP:80) answers with fixed-response (no backend: it answers itself)"],
    ]);
  });
  it("HAProxy without default_backend: 503", () => {
    const cfg = (rule: string) => `frontend www\n  bind :80\n  acl is_api path_beg /api\n  acl is_web path_beg /\n${rule}  use_backend web if is_web\nbackend api\n  server a 10.0.0.1:80\nbackend web\n  server w 10.0.0.5:80\n`;
    const a = review("haproxy", cfg("  use_backend api if is_api\n"), cfg(""));
    expect(only(a, "route-removed-to-default").map(([s, , m]) => [s, m])).toEqual([["high", "frontend www: use_backend api if is_api removed: the requests it matched now find no backend (HAProxy answers 503; no default_backend)"]]);
  });
});

describe("target-group-replaced: only values known on both sides", () => {
  const tg = (name: string) => `resource "aws_lb_target_group" "app" {\n  name     = ${name}\n  port     = 80\n  protocol = "HTTP"\n}\n`;
  it("an equivalent rewrite of a computed name is not a replacement", () => {
    const a = review("terraform", tg('lookup(var.names, "app", null)'), tg("try(var.names.app, null)"));
    expect(a.findings.filter((f) => f.rule === "target-group-replaced")).toEqual([]);
  });
  it("a literal name change is", () => {
    const a = review("terraform", tg('"app"'), tg('"app-v2"'));
    expect(a.findings.filter((f) => f.rule === "target-group-replaced").map((f) => [f.severity, f.line])).toEqual([["high", 2]]);
  });
});

describe("route-removed-to-default: the entry point is the file's own", () => {
  it("a copy of the frontend in another file does not make a removal look like an edit", () => {
    const cfg = (rule: string) => `frontend www\n  bind :80\n  acl is_api path_beg /api\n${rule}  default_backend web\nbackend api\n  server a 10.0.0.1:80\nbackend web\n  server w 10.0.0.5:80\n`;
    const a = review("haproxy", cfg("  use_backend api if is_api\n"), cfg(""), null, []);
    const withCopy = review("haproxy", cfg("  use_backend api if is_api\n"), cfg(""), null, [{ path: "docs/haproxy.cfg", text: cfg("  use_backend api if is_api\n") }]);
    expect(only(withCopy, "route-removed-to-default")).toEqual(only(a, "route-removed-to-default"));
    expect(only(a, "route-removed-to-default")).toHaveLength(1);
  });
});

describe("nginx stream: defaults count", () => {
  const stream = (extra: string) => `stream {\n  upstream dns {\n    server 10.0.0.1:53;\n    server 10.0.0.2:53;\n  }\n  server {\n    listen 53 udp;\n    proxy_pass dns;\n${extra}  }\n}\n`;
  it("proxy_timeout's default of 10m cut to 1m is a timeout cut", () => {
    expect(only(review("nginx", stream(""), stream("    proxy_timeout 1m;\n")), "timeout-cut").map(([s, l, m]) => [s, l, m])).toEqual([["medium", 9, "server 53: proxy_timeout 600s → 60s"]]);
  });
  it("proxy_next_upstream off ends the default retry on connection failure", () => {
    expect(only(review("nginx", stream(""), stream("    proxy_next_upstream off;\n")), "retries-narrowed").map(([s, l]) => [s, l])).toEqual([["medium", 9]]);
  });
});
