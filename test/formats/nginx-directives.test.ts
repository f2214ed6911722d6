/**
 * The directive table of nginx 1.26 (generated from its module sources by
 * scripts/nginx-directives.ts): names, contexts, argument counts and block shapes, as nginx -t
 * checks them. The oracle test runs the real nginx on the bad-directive-* fixtures.
 */
import { describe, expect, it } from "vitest";
import { parseNginx } from "../../src/formats/nginx/parse.js";

const diags = (text: string) => parseNginx(text, "nginx.conf").diagnostics.map((d) => [d.loc.line, d.severity, d.message]);
const http = (body: string) => `events {}\nhttp {\n${body}\n}\n`;

describe("nginx directive table", () => {
  it("a near-typo of a directive is an error, with the likely name", () => {
    expect(diags(http("server {\n  listen 80;\n  location / { proxy_passs http://app; }\n}"))).toEqual([
      [5, "error", 'unknown directive "proxy_passs"; did you mean "proxy_pass"?'],
    ]);
  });

  it("a name no module has, and no typo, may be a third-party module's: a warning, its block unread", () => {
    const found = diags(http("vhost_traffic_status_zone;\nserver {\n  listen 80;\n  naxsi_rules {\n    anything goes here;\n  }\n}"));
    expect(found.map(([line, severity]) => [line, severity])).toEqual([
      [3, "warning"],
      [6, "warning"],
    ]);
  });

  it("OpenResty's Lua directives are accepted as they are", () => {
    expect(diags(http("lua_shared_dict cache 10m;\nserver {\n  listen 80;\n  location / { content_by_lua_block { ngx.say('hi') } }\n}"))).toEqual([]);
  });

  it("a directive outside its contexts is not allowed here", () => {
    expect(diags(http("proxy_pass http://app;"))).toEqual([[3, "error", '"proxy_pass" directive is not allowed here']]);
    expect(diags("stream {\n  upstream dns {\n    server 10.0.0.1:53;\n    ip_hash;\n  }\n}\n")).toEqual([[4, "error", '"ip_hash" directive is not allowed here']]);
  });

  it("argument counts, block shapes and flags follow each directive's definition", () => {
    expect(diags(http("upstream app {\n  server 10.0.0.1;\n  keepalive 16 32;\n}"))).toEqual([[5, "error", 'invalid number of arguments in "keepalive" directive']]);
    expect(diags(http("server {\n  listen 80;\n  location /;\n}"))).toEqual([[5, "error", 'directive "location" has no opening "{"']]);
    expect(diags(http("server {\n  listen 80;\n  gzip maybe;\n}"))).toEqual([[5, "error", 'invalid value "maybe" in "gzip" directive, it must be "on" or "off"']]);
    // A FLAG directive read as an enum (nginx-tests' ssl_ocsp.t): only the count is checked.
    expect(diags(http("server {\n  listen 443 ssl;\n  ssl_ocsp leaf;\n}"))).toEqual([]);
  });

  it("data blocks (map, types, geo) are not read as directives", () => {
    expect(diags(http('map $host $backend {\n  default app;\n  "~^api" api;\n}\ntypes {\n  text/html html;\n}'))).toEqual([]);
  });

  it("a fragment's top level may be http-, server- or location-level: each is accepted", () => {
    expect(diags("listen 80;\nserver_name shop.example;\nlocation / {\n  proxy_pass http://app;\n}\n")).toEqual([]);
    expect(diags("proxy_set_header Host $host;\nproxy_read_timeout 30s;\n")).toEqual([]);
  });

  it("NGINX Plus directives stay warnings where only Plus accepts them", () => {
    expect(diags(http("upstream app {\n  zone app 64k;\n  server 10.0.0.1;\n  sticky cookie srv;\n}")).map(([line, severity]) => [line, severity])).toEqual([[6, "warning"]]);
    // resolver is open-source nginx at http level: nothing to say.
    expect(diags(http("resolver 10.0.0.53;"))).toEqual([]);
  });

  it("with an nginxVersion, a directive newer than that release is an error; without one, the 1.26 table decides", () => {
    const text = http("server {\n  listen 443 ssl;\n  http2 on;\n}");
    const at = (version?: string) => parseNginx(text, "nginx.conf", version ? { version } : {}).diagnostics.map((d) => [d.loc.line, d.severity]);
    expect(at()).toEqual([]);
    expect(at("1.26")).toEqual([]);
    expect(at("1.25")).toEqual([]);
    expect(at("1.24")).toEqual([[5, "error"]]);
    expect(at("1.22")).toEqual([[5, "error"]]);
  });
});
