import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { parseHaproxy } from "../../src/formats/haproxy/parse.js";
import { tokenizeLine } from "../../src/formats/haproxy/tokenize.js";
import type { Model, Pool } from "../../src/model/types.js";

const parse = (...lines: string[]) => parseHaproxy(`${lines.join("\n")}\n`, "lb.cfg");
const errors = (m: Model) => m.diagnostics.filter((d) => d.severity === "error");
const warnings = (m: Model) => m.diagnostics.filter((d) => d.severity === "warning");
const pool = (m: Model, name: string): Pool => {
  const p = m.pools.find((x) => x.name === name);
  if (!p) throw new Error(`no pool ${name} in ${m.pools.map((x) => x.name)}`);
  return p;
};
const backend = (m: Model, poolName: string, server: string) => pool(m, poolName).backends.find((b) => b.name === server)!;

describe("tokenizer", () => {
  const texts = (line: string) => tokenizeLine(line).words.map((w) => w.text);

  it("splits on unquoted whitespace and stops at an unquoted #", () => {
    expect(texts("  server\ta   1.2.3.4:80 # check")).toEqual(["server", "a", "1.2.3.4:80"]);
  });
  it("joins quoted parts and keeps # and spaces inside quotes", () => {
    expect(texts(`acl x path_beg "/a b#c" 'd"e'f`)).toEqual(["acl", "x", "path_beg", "/a b#c", 'd"ef']);
  });
  it("unescapes backslash sequences outside single quotes only", () => {
    expect(texts(String.raw`a\ b \#c \"d \x41 \1 '\ '`)).toEqual(["a b", "#c", '"d', "A", "\\1", "\\ "]);
  });
  it("keeps environment references in double quotes as written, and raw text for conditions", () => {
    const { words } = tokenizeLine(`server s "\${HOST}:80" "$PORT"`);
    expect(words.map((w) => w.text)).toEqual(["server", "s", `\${HOST}:80`, "$PORT"]);
    expect(words[2]!.raw).toBe(`"\${HOST}:80"`);
  });
  it("drops a trailing empty word but keeps an inner one", () => {
    expect(texts(`a "" b ""`)).toEqual(["a", "", "b"]);
  });
  it.each([
    [`a "b`, /unmatched quote/],
    [String.raw`a \xZ1`, /hexadecimal/],
    [`a "$1"`, /environment variable/],
    [`a "\${B"`, /brace/],
    [Array.from({ length: 65 }, (_, i) => `w${i}`).join(" "), /too many words/],
  ])("reports what HAProxy cannot read: %s", (line, message) => {
    expect(tokenizeLine(line).error).toMatch(message);
  });
  it("ends the line at a carriage return, like HAProxy", () => {
    expect(texts("a b\rc d")).toEqual(["a", "b"]);
  });
});

describe("servers and weights", () => {
  const m = parse(
    "backend app", //                       1
    "    server a 10.0.0.1:80", //           2
    "    server b 10.0.0.2:80 weight 30", // 3
    "    server c 10.0.0.3:80 weight 0", //  4
    "    server d 10.0.0.4:80 backup", //    5
    "    server e 10.0.0.5:80 disabled backup", // 6
    "    server f 10.0.0.6:80 disabled enabled", // 7
  );

  it("parses weights, defaulting to 1, and keeps weight 0 active", () => {
    expect(pool(m, "app").backends.map((b) => [b.name, b.weight, b.state])).toEqual([
      ["a", 1, "active"],
      ["b", 30, "active"],
      ["c", 0, "active"],
      ["d", 1, "backup"],
      ["e", 1, "down"],
      ["f", 1, "active"],
    ]);
    expect(m.diagnostics).toEqual([]);
  });
  it("gives ids, hosts, ports and locations", () => {
    expect(backend(m, "app", "b")).toMatchObject({ id: "10.0.0.2:80", host: "10.0.0.2", port: 80, loc: { file: "lb.cfg", line: 3, endLine: 3 } });
  });
  it("reports a weight out of range on its line and makes the weight unknown", () => {
    const bad = parse("backend app", "  server a 10.0.0.1:80", "  server b 10.0.0.2:80 weight 257");
    expect(errors(bad)).toMatchObject([{ loc: { line: 3 }, message: expect.stringMatching(/weight 257/) }]);
    expect(backend(bad, "app", "b").weight).toBeNull();
  });
  it("reads a non-numeric weight the way HAProxy does (atol), with a warning", () => {
    const odd = parse("backend app", "  server a 10.0.0.1:80 weight 12abc", "  server b 10.0.0.2:80 weight x");
    expect(pool(odd, "app").backends.map((b) => b.weight)).toEqual([12, 0]);
    expect(errors(odd)).toEqual([]);
    expect(warnings(odd).map((w) => w.loc.line)).toEqual([2, 3]);
  });
  it("names an unknown server keyword in an error on its line", () => {
    const bad = parse("backend app", "  server a 10.0.0.1:80 check", "  server b 10.0.0.2:80 chek inter 2s");
    expect(errors(bad)).toMatchObject([{ loc: { line: 3 }, message: expect.stringContaining("'chek'") }]);
  });
  it("rejects a keyword missing its argument, and a flag given an argument", () => {
    expect(errors(parse("backend app", "  server a 10.0.0.1:80 inter"))[0]?.message).toMatch(/'inter' expects/);
    expect(errors(parse("backend app", "  server a 10.0.0.1:80 check 3"))[0]?.message).toMatch(/'3'/);
  });
  it("records maxconn, maxqueue, minconn and slowstart as limits", () => {
    const l = parse("backend app", "  server a 10.0.0.1:80 maxconn 100 maxqueue 5 minconn 10 slowstart 30s cookie a");
    expect(backend(l, "app", "a").limits).toEqual({ maxconn: "100", maxqueue: "5", minconn: "10", slowstart: "30s" });
  });
  it("consumes the options of `source` so that usesrc is not an unknown keyword", () => {
    expect(errors(parse("backend app", "  server a 10.0.0.1:80 source 10.0.0.9 usesrc clientip interface eth0"))).toEqual([]);
    expect(errors(parse("backend app", "  server a 10.0.0.1:80 usesrc clientip"))).toHaveLength(1);
  });
  it("requires verify none or a CA file for ssl servers, unless the global section disables verification", () => {
    expect(errors(parse("backend app", "  server a 10.0.0.1:443 ssl"))).toHaveLength(1);
    expect(errors(parse("backend app", "  server a 10.0.0.1:443 ssl verify none"))).toEqual([]);
    expect(errors(parse("global", "  ssl-server-verify none", "backend app", "  server a 10.0.0.1:443 ssl"))).toEqual([]);
  });
  it("reports duplicate server names", () => {
    expect(errors(parse("backend app", "  server a 10.0.0.1:80", "  server a 10.0.0.2:80"))).toMatchObject([{ loc: { line: 3 } }]);
  });
});

describe("addresses and ids", () => {
  const m = parse(
    "backend app",
    "  server v6 [fd00:6:48:c85:deb:f:62:4]:80",
    "  server v6bare fd00::2:8080",
    "  server noport 10.0.0.1",
    "  server sock /run/app.sock",
    "  server sock2 unix@/run/app2.sock",
    "  server dns app.internal:8080",
    "  server offset 10.0.0.2:+1000",
    "  server fam ipv4@10.0.0.3:81",
  );
  const ids = pool(m, "app").backends.map((b) => b.id);

  it("brackets IPv6 and keeps unix sockets and port-less hosts readable", () => {
    expect(ids).toEqual([
      "[fd00:6:48:c85:deb:f:62:4]:80",
      "[fd00::2]:8080",
      "10.0.0.1",
      "unix:/run/app.sock",
      "unix:/run/app2.sock",
      "app.internal:8080",
      "10.0.0.2:+1000",
      "10.0.0.3:81",
    ]);
  });
  it("notes what cannot be known statically", () => {
    expect(backend(m, "app", "noport").notes.join()).toMatch(/no port/);
    expect(backend(m, "app", "dns").notes.join()).toMatch(/DNS name/);
    expect(backend(m, "app", "offset").notes.join()).toMatch(/relative/);
    expect(backend(m, "app", "v6").notes).toEqual([]);
  });
  it("makes duplicate addresses unique with #2, #3", () => {
    const d = parse("backend app", "  server a 10.0.0.1:80", "  server b 10.0.0.1:80", "  server c 10.0.0.1:80", "  server e 10.0.0.2:80");
    expect(pool(d, "app").backends.map((b) => b.id)).toEqual(["10.0.0.1:80", "10.0.0.1:80#2", "10.0.0.1:80#3", "10.0.0.2:80"]);
  });
  it("rejects port ranges and ports above 65535", () => {
    expect(errors(parse("backend app", "  server a 10.0.0.1:80-90", "  server b 10.0.0.1:70000")).map((e) => e.loc.line)).toEqual([2, 3]);
  });
});

describe("defaults and default-server", () => {
  it("applies default-server from the last defaults section and from earlier lines only", () => {
    const m = parse(
      "defaults",
      "  default-server weight 5 check inter 4s",
      "backend app",
      "  server a 10.0.0.1:80",
      "  default-server weight 7",
      "  server b 10.0.0.2:80",
      "  server c 10.0.0.3:80 weight 9",
    );
    expect(pool(m, "app").backends.map((b) => [b.weight, b.healthCheck.kind, b.healthCheck.intervalMs])).toEqual([
      [5, "tcp", 4000],
      [7, "tcp", 4000],
      [9, "tcp", 4000],
    ]);
  });
  it("inherits from the defaults section named by `from`, not the last one", () => {
    const m = parse(
      "defaults web",
      "  mode http",
      "  balance leastconn",
      "  option allbackups",
      "  default-server weight 3",
      "defaults other",
      "  balance source",
      "backend a from web",
      "  server s 10.0.0.1:80",
      "backend b",
      "  server s 10.0.0.1:80",
    );
    expect(pool(m, "a")).toMatchObject({ algorithm: { name: "least-conn" }, allBackups: true, settings: { mode: "http" } });
    expect(pool(m, "a").backends[0]!.weight).toBe(3);
    expect(pool(m, "b")).toMatchObject({ algorithm: { name: "source" }, allBackups: false, settings: { mode: "tcp" } });
    expect(pool(m, "b").backends[0]!.weight).toBe(1);
  });
  it("reports an unknown or ambiguous `from` defaults section", () => {
    expect(errors(parse("backend a from nope", "  server s 10.0.0.1:80"))).toMatchObject([{ loc: { line: 1 } }]);
    expect(errors(parse("defaults d", "defaults d", "backend a from d"))).toMatchObject([{ loc: { line: 3 } }]);
    expect(errors(parse("defaults d", "defaults d", "backend a"))).toEqual([]);
  });
  it("lets `no option allbackups` undo an inherited option allbackups", () => {
    const m = parse("defaults", "  option allbackups", "backend a", "backend b", "  no option allbackups");
    expect([pool(m, "a").allBackups, pool(m, "b").allBackups]).toEqual([true, false]);
  });
  it("records a few settings, inherited or local", () => {
    const m = parse(
      "defaults",
      "  timeout connect 5s",
      "  retries 3",
      "backend a",
      "  mode http",
      "  timeout server 30s",
      "  fullconn 100",
      "  hash-type consistent",
      "  cookie SRV insert",
    );
    expect(pool(m, "a").settings).toEqual({
      mode: "http",
      "timeout connect": "5s",
      retries: "3",
      "timeout server": "30s",
      fullconn: "100",
      "hash-type": "consistent",
      cookie: "SRV insert",
    });
  });
});

describe("balance algorithms", () => {
  it.each([
    ["roundrobin", "round-robin", []],
    ["static-rr", "static-rr", []],
    ["leastconn", "least-conn", []],
    ["first", "first", []],
    ["source", "source", []],
    ["uri whole", "uri", ["whole"]],
    ["url_param userid", "url-param", ["userid"]],
    ["hdr(host) use_domain_only", "hdr", ["host", "use_domain_only"]],
    ["random(2)", "random", ["2"]],
    ["rdp-cookie", "rdp-cookie", []],
    ["hash req.cookie(id)", "hash", ["req.cookie(id)"]],
  ])("balance %s → %s %j", (written, name, args) => {
    const m = parse("backend a", `  balance ${written}`);
    expect(pool(m, "a").algorithm).toEqual({ name, args, loc: { file: "lb.cfg", line: 2, endLine: 2 } });
    expect(errors(m)).toEqual([]);
  });
  it("defaults to round-robin and rejects unknown algorithms", () => {
    expect(pool(parse("backend a"), "a").algorithm).toEqual({ name: "round-robin", args: [] });
    expect(errors(parse("backend a", "  balance fastest"))).toHaveLength(1);
    expect(errors(parse("backend a", "  balance hdr"))).toHaveLength(1);
    expect(errors(parse("backend a", "  balance url_param"))).toHaveLength(1);
  });
});

describe("health checks", () => {
  it("is none without check, tcp by default, and http with option httpchk", () => {
    const m = parse(
      "defaults",
      "  option httpchk GET /health",
      "backend web",
      "  http-check send hdr host example.com",
      "  server a 10.0.0.1:80 check",
      "  server b 10.0.0.2:80",
      "backend raw",
      "  option tcp-check",
      "  server a 10.0.0.1:80 check rise 4 fall 1",
    );
    expect(backend(m, "web", "a").healthCheck).toEqual({
      kind: "http",
      intervalMs: 2000,
      rise: 2,
      fall: 3,
      detail: "option httpchk GET /health; http-check send hdr host example.com",
      loc: { file: "lb.cfg", line: 5, endLine: 5 },
    });
    expect(backend(m, "web", "b").healthCheck.kind).toBe("none");
    expect(backend(m, "raw", "a").healthCheck).toMatchObject({ kind: "tcp", rise: 4, fall: 1, detail: "option tcp-check" });
  });
  it("uses the last check option of the section, even after the server lines", () => {
    const m = parse("backend a", "  server s 10.0.0.1:80 check", "  option httpchk");
    expect(backend(m, "a", "s").healthCheck.kind).toBe("http");
  });
  it.each([
    ["1000", 1000],
    ["1500ms", 1500],
    ["3s", 3000],
    ["2m", 120_000],
    ["1h", 3_600_000],
    ["1d", 86_400_000],
    ["5000us", 5],
  ])("reads inter %s as %d ms", (inter, ms) => {
    expect(backend(parse("backend a", `  server s 10.0.0.1:80 check inter ${inter}`), "a", "s").healthCheck.intervalMs).toBe(ms);
  });
  it.each(["1.5s", "2x", "0"])("rejects inter %s", (inter) => {
    expect(errors(parse("backend a", `  server s 10.0.0.1:80 check inter ${inter}`))).toHaveLength(1);
  });
  it("lets no-check cancel a check inherited from default-server", () => {
    const m = parse("backend a", "  default-server check", "  server s 10.0.0.1:80 no-check");
    expect(backend(m, "a", "s").healthCheck.kind).toBe("none");
  });
  it("rejects `no option httpchk` as HAProxy does", () => {
    expect(errors(parse("backend a", "  option httpchk", "  no option httpchk"))).toMatchObject([{ loc: { line: 3 } }]);
  });
  it("requires a port to check an IP server", () => {
    expect(errors(parse("backend a", "  server s 10.0.0.1 check"))).toHaveLength(1);
    expect(errors(parse("backend a", "  server s 10.0.0.1 check port 8080"))).toEqual([]);
  });
});

describe("server-template", () => {
  const m = parse("backend a", "  server-template web 3 app.internal:8080 check", "  server-template api 5-6 api.internal weight 2");

  it("expands one backend per slot, named and identified by prefix and number", () => {
    expect(pool(m, "a").backends.map((b) => [b.id, b.name, b.host, b.port, b.weight])).toEqual([
      ["web1", "web1", "app.internal", 8080, 1],
      ["web2", "web2", "app.internal", 8080, 1],
      ["web3", "web3", "app.internal", 8080, 1],
      ["api5", "api5", "api.internal", undefined, 2],
      ["api6", "api6", "api.internal", undefined, 2],
    ]);
    expect(backend(m, "a", "web2").notes.join()).toMatch(/DNS at run time/);
    expect(backend(m, "a", "web2").healthCheck.kind).toBe("tcp");
  });
  it.each(["0", "3-1", "x"])("rejects the slot count %s", (slots) => {
    expect(errors(parse("backend a", `  server-template s ${slots} a.internal:80`))).toHaveLength(1);
  });
});

describe("routes", () => {
  const m = parse(
    "defaults", //                                        1
    "  mode http", //                                      2
    "frontend www", //                                     3
    "  bind :80", //                                       4
    "  bind :443 ssl crt /etc/ssl/site.pem alpn h2", //   5
    "  acl is_dynamic path_end .php", //                  6
    "  use_backend api if { path_beg /api }", //          7
    "  use_backend static unless is_dynamic", //          8
    "  use_backend %[req.hdr(host),lower]", //            9
    "  default_backend web", //                           10
    "backend api", //                                     11
    "backend static", //                                  12
    "backend web", //                                     13
  );

  it("makes one route per use_backend rule, then the default", () => {
    expect(m.routes.map((r) => [r.name, r.condition])).toEqual([
      ["frontend www: use_backend api if { path_beg /api }", "if { path_beg /api }"],
      ["frontend www: use_backend static unless is_dynamic", "unless is_dynamic"],
      ["frontend www: use_backend %[req.hdr(host),lower]", undefined],
      ["frontend www (default)", undefined],
    ]);
    expect(errors(m)).toEqual([]);
  });
  it("targets pools by reference, and dynamic names as expressions", () => {
    expect(m.routes[0]!.targets).toEqual([
      { kind: "ref", poolKey: "haproxy:backend:api", name: "api", unresolved: "missing", weight: 1, loc: { file: "lb.cfg", line: 7, endLine: 7 } },
    ]);
    expect(m.routes[2]!.targets).toEqual([
      { kind: "dynamic", expression: "%[req.hdr(host),lower]", weight: null, loc: { file: "lb.cfg", line: 9, endLine: 9 } },
    ]);
    expect(m.routes[3]!.targets[0]).toMatchObject({ kind: "ref", poolKey: "haproxy:backend:web" });
  });
  it("gives every route the frontend's listeners", () => {
    expect(m.routes[1]!.listeners).toEqual([
      { address: ":80", flags: [], loc: { file: "lb.cfg", line: 4, endLine: 4 } },
      { address: ":443", flags: ["ssl", "crt", "/etc/ssl/site.pem", "alpn", "h2"], loc: { file: "lb.cfg", line: 5, endLine: 5 } },
    ]);
  });
  it("keeps keys when rules are reordered or unrelated lines move", () => {
    const moved = parse(
      "backend web",
      "defaults",
      "  mode http",
      "backend static",
      "frontend www",
      "  default_backend web",
      "  acl is_dynamic path_end .php",
      "  use_backend %[req.hdr(host),lower]",
      "  use_backend static unless is_dynamic",
      "  bind :80",
      "  use_backend api if { path_beg /api }",
      "  bind :443 ssl crt /etc/ssl/site.pem alpn h2",
      "backend api",
    );
    expect(moved.routes.map((r) => r.key).sort()).toEqual(m.routes.map((r) => r.key).sort());
    expect(new Set(m.routes.map((r) => r.key)).size).toBe(4);
  });
  it("reports use_backend and default_backend naming no backend, keeping the route", () => {
    const bad = parse("frontend f", "  use_backend nope if TRUE", "  default_backend gone", "backend other");
    expect(errors(bad).map((e) => [e.loc.line, e.message.includes("nope") || e.message.includes("gone")])).toEqual([
      [2, true],
      [3, true],
    ]);
    expect(bad.routes.map((r) => r.targets[0])).toMatchObject([{ kind: "ref", name: "nope" }, { kind: "ref", name: "gone" }]);
  });
  it("requires ACLs used in conditions to be declared above, in the same section", () => {
    const m = parse(
      "defaults d", //                                  1
      "  acl from_defaults src 10.0.0.0/8", //          2
      "frontend f from d", //                           3
      "  acl known path_beg /a", //                     4
      "  use_backend b if known !{ ssl_fc } || TRUE", // 5
      "  use_backend b if later", //                    6
      "  acl later path_beg /b", //                     7
      "  http-request deny unless from_defaults", //    8
      "  http-request set-header X-Y if", //            9
      "  use_backend b if { path_beg /c", //            10
      "backend b",
    );
    expect(errors(m).map((e) => e.loc.line)).toEqual([6, 8, 10]);
  });
  it("rejects words after the backend name other than if/unless", () => {
    expect(errors(parse("frontend f", "  use_backend b when x", "backend b"))).toMatchObject([{ loc: { line: 2 } }]);
  });
  it("inherits default_backend from defaults into frontends only", () => {
    const d = parse("defaults", "  default_backend web", "frontend f", "  bind :80", "backend web");
    expect(d.routes).toMatchObject([{ name: "frontend f (default)", loc: { line: 2 }, targets: [{ name: "web" }] }]);
  });
  it("keys a use_backend rule by its condition, so changing only the backend keeps the route", () => {
    const a = parse("frontend f", "  acl is_api path_beg /api", "  use_backend api if is_api", "backend api", "backend maintenance");
    const b = parse("frontend f", "  acl is_api path_beg /api", "  use_backend maintenance if is_api", "backend api", "backend maintenance");
    expect(a.routes[0]!.key).toBe("haproxy:frontend:f:use_backend if is_api");
    expect(b.routes[0]!.key).toBe(a.routes[0]!.key);
  });
  it("makes identical rules distinct keys", () => {
    const twice = parse("frontend f", "  acl x src 10.0.0.0/8", "  use_backend b if x", "  use_backend b if x", "backend b");
    expect(errors(twice)).toEqual([]);
    expect(twice.routes.map((r) => r.key)).toEqual(["haproxy:frontend:f:use_backend if x", "haproxy:frontend:f:use_backend if x#2"]);
  });
  it("rejects an http frontend sending to a tcp backend", () => {
    expect(errors(parse("frontend f", "  mode http", "  default_backend b", "backend b", "  mode tcp"))).toMatchObject([{ loc: { line: 3 } }]);
    expect(errors(parse("frontend f", "  mode tcp", "  default_backend b", "backend b", "  mode http"))).toEqual([]);
  });
});

describe("listen sections", () => {
  it("is a pool and a route to itself", () => {
    const m = parse("listen db", "  bind 127.0.0.1:5432", "  balance source", "  server a 10.0.0.1:5432", "  server b 10.0.0.2:5432 backup");
    expect(pool(m, "db")).toMatchObject({ key: "haproxy:backend:db", algorithm: { name: "source" }, loc: { line: 1, endLine: 5 } });
    expect(m.routes).toMatchObject([
      { key: "haproxy:listen:db:default", name: "listen db (default)", listeners: [{ address: "127.0.0.1:5432" }], targets: [{ poolKey: "haproxy:backend:db" }] },
    ]);
  });
  it("routes to its default_backend when it has one", () => {
    const m = parse("listen chat", "  bind *:80", "  default_backend nodes", "backend nodes", "  server a 10.0.0.1:80");
    expect(m.routes.map((r) => r.targets[0])).toMatchObject([{ poolKey: "haproxy:backend:nodes" }]);
  });
  it("keeps a legacy header address as a listener but reports that HAProxy 2.6 rejects it", () => {
    const m = parse("listen old 0.0.0.0:8080", "  server a 10.0.0.1:80");
    expect(m.routes[0]!.listeners).toMatchObject([{ address: "0.0.0.0:8080", loc: { line: 1 } }]);
    expect(errors(m)).toMatchObject([{ loc: { line: 1 } }]);
  });
});

describe("sections and placement", () => {
  it("rejects server lines outside backends, listens, peers and rings", () => {
    const m = parse(
      "frontend f", //                 1
      "  server a 10.0.0.1:80", //     2
      "defaults", //                    3
      "  server b 10.0.0.1:80", //     4
      "cache c", //                     5
      "  server c 10.0.0.1:80", //     6
      "peers p", //                     7
      "  server d 10.0.0.1:1024", //   8
      "ring r", //                      9
      "  server e 10.0.0.1:514", //    10
    );
    expect(errors(m).map((e) => e.loc.line)).toEqual([2, 4, 6]);
    expect(m.pools).toEqual([]);
  });
  it("validates server parameters in rings, not in peers (whose local peer takes no address)", () => {
    expect(errors(parse("ring r", "  server d 10.0.0.1:514 weight 999"))).toHaveLength(1);
    expect(errors(parse("peers p", "  server local", "  server d 10.0.0.1:1024"))).toEqual([]);
  });
  it("warns about settings HAProxy ignores in a section, and rejects those it refuses", () => {
    const m = parse("frontend f", "  balance roundrobin", "  option httpchk", "backend b", "  bind :80", "  declare capture request len 1");
    expect(warnings(m).map((w) => w.loc.line)).toEqual([2, 3, 5]);
    expect(errors(m).map((e) => e.loc.line)).toEqual([6]);
  });
  it("checks the number of arguments of simple keywords", () => {
    const m = parse("backend b", "  mode http tcp", "  timeout server 5s 6s", "  retries", "  acl lonely", "  fullconn 10", "  log global x", "  stats socket /x");
    expect(errors(m).map((e) => e.loc.line)).toEqual([2, 3, 4, 5, 7, 8]);
  });
  it("still checks lines HAProxy ignores in a section, and their references", () => {
    const m = parse("frontend f", "  balance fastest", "backend b", "  default_backend nope", "  errorfiles missing");
    expect(errors(m).map((e) => e.loc.line)).toEqual([2, 4, 5]);
    expect(warnings(m).map((w) => w.loc.line)).toEqual([2, 4]);
    expect(errors(parse("defaults", "  default_backend nope", "backend b", "http-errors e", "backend c", "  errorfiles e"))).toEqual([]);
  });
  it("allows rules in named defaults only", () => {
    expect(errors(parse("defaults", "  http-request deny"))).toHaveLength(1);
    expect(errors(parse("defaults d", "  http-request deny"))).toEqual([]);
  });
  it("rejects unknown, removed and prototype-named keywords", () => {
    const m = parse("global", "  nbproc 2", "  constructor", "backend b", "  contimeout 5s", "  toString", "  option hasOwnProperty");
    expect(errors(m).map((e) => e.loc.line)).toEqual([2, 5, 6, 7]);
    // Keyword-shaped and no near-typo: maybe newer than HAProxy 2.6, so a warning.
    expect(m.diagnostics.filter((d) => d.severity === "warning").map((d) => d.loc.line)).toEqual([3]);
  });
  it("rejects missing section names and lines before any section", () => {
    expect(errors(parse("  mode http", "backend", "  server a 10.0.0.1:80")).map((e) => e.loc.line)).toEqual([1, 2]);
  });
  it("spans a section from its header to its last keyword line", () => {
    const m = parse("backend a", "  server s 10.0.0.1:80", "", "  # about b", "", "backend b", "  balance first", "  # trailing");
    expect([pool(m, "a").loc, pool(m, "b").loc]).toEqual([
      { file: "lb.cfg", line: 1, endLine: 2 },
      { file: "lb.cfg", line: 6, endLine: 7 },
    ]);
  });
  it("reads both branches of .if blocks and checks their nesting", () => {
    const m = parse(".if defined(X)", "backend a", "  server s 10.0.0.1:80", ".else", "backend b", ".endif");
    expect(m.pools.map((p) => p.name)).toEqual(["a", "b"]);
    expect(m.diagnostics).toEqual([]);
    expect(errors(parse(".if 1", "backend a"))).toHaveLength(1);
    expect(errors(parse(".endif"))).toHaveLength(1);
    expect(errors(parse('.alert "stop"'))).toHaveLength(1);
    expect(errors(parse(".if 0", '.alert "stop"', ".endif"))).toEqual([]);
    expect(errors(parse(".if 1", ".else", ".else", ".endif"))).toMatchObject([{ loc: { line: 3 } }]);
    expect(errors(parse(".if 1", ".endif now"))).toHaveLength(2);
  });
  it("reports problems inside .if blocks as warnings, since HAProxy may skip them", () => {
    const m = parse(".if version_atleast(2.8)", "backend a", "  server s 10.0.0.1:80 some-new-keyword", ".endif");
    expect(errors(m)).toEqual([]);
    expect(warnings(m)).toMatchObject([{ loc: { line: 3 }, message: expect.stringContaining("some-new-keyword") }]);
    expect(errors(parse(".if 0", "backend", "  stray", ".endif"))).toEqual([]);
    expect(errors(parse(".if 0", 'backend "b', ".endif"))).toHaveLength(1);
  });
  it("keeps the first of two same-named proxies in exclusive .if branches, and rejects other duplicates", () => {
    const branches = parse(".if 1", "backend a", "  server s 10.0.0.1:80", ".else", "backend a", ".endif");
    expect(branches.pools.map((p) => p.backends.length)).toEqual([1]);
    expect([errors(branches).length, warnings(branches).length]).toEqual([0, 1]);
    expect(errors(parse("backend a", "backend a"))).toHaveLength(1);
    expect(errors(parse("frontend a", "backend a"))).toEqual([]);
  });
  it("never returns a quietly empty model for a file that is not HAProxy's", () => {
    expect(errors(parseHaproxy("upstream app {\n  server 10.0.0.1;\n}\n", "nginx.conf")).length).toBeGreaterThan(0);
  });
});

/** A config with no quoted spaces, so that reformatting whitespace cannot change meaning. */
const BASE = [
  "global",
  "  maxconn 100",
  "defaults base",
  "  mode http",
  "  timeout connect 5s",
  "  default-server inter 3s check",
  "frontend www from base",
  "  bind :80",
  "  use_backend api if { path_beg /api }",
  "  use_backend %[req.hdr(host)]",
  "  default_backend web",
  "backend api from base",
  "  balance hdr(host)",
  "  option httpchk GET /",
  "  server a 10.0.0.1:80 weight 3",
  "  server b 10.0.0.1:80 backup",
  "backend web from base",
  "  server-template w 2 web.internal:80",
  "listen db",
  "  bind :5432",
  "  server d [fd00::1]:5432 disabled",
];

const withoutLoc = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (key, v) => (key === "loc" ? undefined : v)));

describe("properties", () => {
  test.prop([fc.string({ unit: "binary", maxLength: 400 })])("never throws on arbitrary text", (text) => {
    expect(() => parseHaproxy(text, "x.cfg")).not.toThrow();
  });

  const word = fc.constantFrom(...BASE.join(" ").split(/\s+/), '"', "'", "\\", "#", "\t", "%[", ".if", ".else", ".endif", "from");
  const configLines = fc.array(fc.array(word, { maxLength: 8 }).map((ws) => ws.join(" ")), { maxLength: 30 });
  test.prop([configLines])("on lines of config words, keeps keys and ids unique and diagnostics on real lines", (lines) => {
    const m = parseHaproxy(lines.join("\n"), "x.cfg");
    const unique = (xs: string[]) => expect(new Set(xs).size).toBe(xs.length);
    unique(m.pools.map((p) => p.key));
    unique(m.routes.map((r) => r.key));
    for (const p of m.pools) unique(p.backends.map((b) => b.id));
    for (const d of m.diagnostics) {
      expect(d.loc.file).toBe("x.cfg");
      expect(d.loc.line).toBeGreaterThanOrEqual(1);
      expect(d.loc.line).toBeLessThanOrEqual(Math.max(lines.length, 1));
    }
  });

  test.prop([fc.nat(BASE.join("\n").length), fc.nat(20), fc.string({ maxLength: 20 })])(
    "never throws on mutations of a valid config",
    (at, cut, insert) => {
      const text = BASE.join("\n");
      const mutated = text.slice(0, at) + insert + text.slice(at + cut);
      expect(() => parseHaproxy(mutated, "x.cfg")).not.toThrow();
    },
  );

  const space = fc.stringMatching(/^[ \t]{1,4}$/);
  const filler = fc.constantFrom("", "   ", "# a comment", "\t# another one");
  test.prop([fc.array(fc.tuple(space, space, filler), { minLength: BASE.length, maxLength: BASE.length })])(
    "reformatting whitespace, blank and comment lines keeps pools and routes",
    (styles) => {
      const reformatted = BASE.flatMap((line, i) => {
        const [indent, gap, extra] = styles[i]!;
        return [extra, indent + line.trim().split(/\s+/).join(gap)];
      });
      const a = parseHaproxy(BASE.join("\n") + "\n", "x.cfg");
      const b = parseHaproxy(reformatted.join("\n") + "\n", "x.cfg");
      expect(errors(a)).toEqual([]);
      expect(withoutLoc(b.pools)).toEqual(withoutLoc(a.pools));
      expect(withoutLoc(b.routes)).toEqual(withoutLoc(a.routes));
    },
  );
});
