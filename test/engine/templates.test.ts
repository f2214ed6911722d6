/** Templates are not config: never judged as broken, never a way to hide config. */
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/engine/analyze.js";
import { loadPolicy } from "../../src/policy/load.js";

const check = (before: { path: string; text: string }[], after: { path: string; text: string }[]) => analyze(before, after, loadPolicy(null));
const CONF = "upstream app {\n  server 10.0.0.1:80;\n  server 10.0.0.2:80;\n}\n";
const TEMPLATE = "upstream app {\n{% for s in servers %}\n  server {{ s }}:80;\n{% endfor %}\n}\n";
const CHART = { path: "charts/web/Chart.yaml", text: "apiVersion: v2\nname: web\nversion: 1.0.0\n" };
const HELM = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicas }}\n";

describe("templates", () => {
  it("a nginx template by name (.j2) is read as nginx: its loop makes shares unknown, never a parse error", () => {
    const a = check([{ path: "roles/lb/templates/nginx.conf.j2", text: TEMPLATE }], [{ path: "roles/lb/templates/nginx.conf.j2", text: TEMPLATE.replace(":80", ":8080") }]);
    expect(a.findings.map((f) => [f.rule, f.severity, f.line])).toEqual([["shares-unknown", "info", 3]]);
    expect(a.findings[0]!.message).toContain("{% for s in servers %}");
  });

  it("a new Helm chart's templates are not judged as broken Kubernetes config", () => {
    const a = check([], [CHART, { path: "charts/web/templates/deployment.yaml", text: HELM }, { path: "charts/web/templates/service.yaml", text: HELM }]);
    expect(a.findings.map((f) => [f.rule, f.severity, f.message])).toEqual([["template-not-evaluated", "info", "Helm chart charts/web has templates that are rendered at deploy time: not evaluated"]]);
  });

  it("renaming a config file to a template name keeps it judged: a drain in the move is still critical", () => {
    const a = check([{ path: "lb/app.conf", text: CONF }], [{ path: "lb/app.conf.tmpl", text: CONF.replace("10.0.0.2:80;", "10.0.0.2:80 down;") }]);
    expect(a.findings.find((f) => f.rule === "traffic-concentration")).toMatchObject({ severity: "critical", file: "lb/app.conf.tmpl", line: 3 });
  });

  it("adding a Chart.yaml cannot turn existing config into an unjudged template", () => {
    const path = "lb/templates/app.conf";
    const a = check([{ path, text: CONF }], [{ path, text: CONF.replace("10.0.0.2:80;", "10.0.0.2:80 down;") }, { path: "lb/Chart.yaml", text: CHART.text }]);
    expect(a.findings.find((f) => f.rule === "traffic-concentration")).toMatchObject({ severity: "critical", file: path });
  });

  it("Jinja conditions are alternatives: each branch is a pool of its own, never summed", () => {
    const cfg = (cond: string) =>
      `defaults\n  mode http\nbackend app\n{% if ${cond} %}\n  server s1 10.0.0.1:80\n  server s2 10.0.0.2:80\n{% else %}\n  server p1 10.0.1.1:80\n  server p2 10.0.1.2:80\n{% endif %}\n`;
    const path = "roles/lb/templates/haproxy.cfg.j2";
    const a = check([{ path, text: cfg("staging") }], [{ path, text: cfg("staging or qa") }]);
    // Rewording a condition keeps each branch's identity: nothing moved.
    expect(a.findings).toEqual([]);
    expect(a.changes.pools.map((p) => [p.before?.key, p.after?.key])).toEqual([
      ["haproxy:backend:app [branch 1]", "haproxy:backend:app [branch 1]"],
      ["haproxy:backend:app [branch 2]", "haproxy:backend:app [branch 2]"],
    ]);
    const merged = check([], [{ path, text: cfg("staging") }]).changes.pools.map((p) => [p.name, p.after!.backends.map((b) => b.id)]);
    expect(merged).toEqual([
      ["app (if staging)", ["10.0.0.1:80", "10.0.0.2:80"]],
      ["app (else)", ["10.0.1.1:80", "10.0.1.2:80"]],
    ]);
  });

  it("a drain inside one branch is judged in that branch, and the report names it", () => {
    const cfg = (down: string) => `upstream app {\n{% if prod %}\n  server 10.0.0.1:80;\n  server 10.0.0.2:80${down};\n{% else %}\n  server 10.9.0.1:80;\n{% endif %}\n}\n`;
    const a = check([{ path: "nginx/app.conf.j2", text: cfg("") }], [{ path: "nginx/app.conf.j2", text: cfg(" down") }]);
    expect(a.findings[0]).toMatchObject({ rule: "traffic-concentration", severity: "critical", line: 4 });
    expect(a.findings[0]!.message).toContain("app (if prod): 10.0.0.1:80 now receives 100%");
    expect(a.findings.map((f) => f.message).join("\n")).not.toContain("10.9.0.1");
  });

  it("envsubst placeholders in Envoy YAML are values, not errors", () => {
    const envoy = (port: string) =>
      `static_resources:\n  clusters:\n  - name: app\n    type: STRICT_DNS\n    load_assignment:\n      cluster_name: app\n      endpoints:\n      - lb_endpoints:\n        - endpoint:\n            address:\n              socket_address: { address: app, port_value: ${port} }\n`;
    const a = check([{ path: "envoy/envoy.yaml", text: envoy("${PORT}") }], [{ path: "envoy/envoy.yaml", text: envoy("${APP_PORT}") }]);
    expect(a.findings).toEqual([]);
  });

  it("a placeholder weight is unknown: no share finding from it alone, one info finding", () => {
    const conf = (w: string) => `upstream app {\n  server 10.0.0.1:80 weight=${w};\n  server {{ other_host }}:80 weight=1;\n}\n`;
    const a = check([{ path: "nginx/app.conf.j2", text: conf("3") }], [{ path: "nginx/app.conf.j2", text: conf("{{ app_weight }}") }]);
    expect(a.findings.map((f) => [f.rule, f.severity])).toEqual([["shares-unknown", "info"]]);
  });

  it("renaming a template variable changes nothing", () => {
    const conf = (v: string) => `upstream app {\n  server {{ ${v} }}:80;\n  server {{ ${v}_2 }}:80;\n}\n`;
    const a = check([{ path: "nginx/app.conf.j2", text: conf("host") }], [{ path: "nginx/app.conf.j2", text: conf("backend_host") }]);
    expect(a.findings).toEqual([]);
  });

  it("a plain config file that gains template syntax is said, high, on the first template line", () => {
    const conf = (w: string) => `upstream app {\n  server 10.0.0.1:80;\n  server 10.0.0.2:80 weight=${w};\n}\n`;
    const a = check([{ path: "nginx/app.conf", text: conf("2") }], [{ path: "nginx/app.conf", text: conf("{{ w }}") }]);
    expect(a.findings.map((f) => [f.rule, f.severity, f.line])).toEqual([
      ["template-introduced", "high", 3],
      ["shares-unknown", "info", 3],
    ]);
  });

  it("draining every other server still concentrates on the one whose weight is a placeholder", () => {
    const conf = (down: string) => `upstream app {\n  server 10.0.0.1:80 weight={{ w }};\n  server 10.0.0.2:80${down};\n  server 10.0.0.3:80${down};\n}\n`;
    const a = check([{ path: "nginx/app.conf.j2", text: conf("") }], [{ path: "nginx/app.conf.j2", text: conf(" down") }]);
    expect(a.findings.find((f) => f.rule === "traffic-concentration")).toMatchObject({ severity: "critical", line: 3 });
    expect(a.findings[0]!.message).toContain("now receives 100% of traffic (was an unknown share)");
  });

  it("a route whose target is a placeholder is no retarget, whatever the variable is called", () => {
    const site = (t: string) => `upstream shop {\n  server 10.0.0.1:80;\n  server 10.0.0.2:80;\n}\nserver {\n  listen 80;\n  location / {\n    proxy_pass http://${t};\n  }\n}\n`;
    const path = "nginx/site.conf.j2";
    expect(check([{ path, text: site("{{ upstream_a }}") }], [{ path, text: site("{{ upstream_b }}") }]).findings).toEqual([]);
    expect(check([{ path, text: site("shop{# pinned #}") }], [{ path, text: site("{{ upstream }}") }]).findings.filter((f) => f.rule === "route-retarget")).toEqual([]);
    // A real retarget between known pools in a template is still one.
    const two = (t: string) => site(t).replace("server {\n", "upstream tiny {\n  server 10.0.0.9:80;\n}\nserver {\n");
    expect(check([{ path, text: two("shop{# pinned #}") }], [{ path, text: two("tiny{# pinned #}") }]).findings.map((f) => [f.rule, f.severity])).toContainEqual(["route-retarget", "critical"]);
  });

  it("template syntax found by content (a haproxy.cfg with Jinja) is read as a template, never a parse error", () => {
    const cfg = (w: string) => `backend app\n{% for s in servers %}\n    server {{ s.name }} {{ s.addr }}:80 weight ${w}\n{% endfor %}\n    server fixed 10.0.0.9:80\n`;
    const a = check([{ path: "lb/haproxy.cfg", text: cfg("1") }], [{ path: "lb/haproxy.cfg", text: cfg("2") }]);
    expect(a.findings.filter((f) => f.rule === "unparseable-config")).toEqual([]);
    // The loop's servers are unknown in both versions: their weight change is nothing knowable.
    expect(a.findings).toEqual([]);
    expect(a.changes.pools[0]!.after!.backends.map((b) => [b.name, b.weight])).toEqual([
      ["tpl", null],
      ["fixed", 1],
    ]);
  });
});
