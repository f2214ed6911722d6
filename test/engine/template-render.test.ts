/**
 * Templates the policy says how to render (`templates:`): the rendered config is judged, and
 * findings sit on the template's lines. Modelled on Ansible roles that template haproxy.cfg and
 * nginx site files (group_vars, `{% for %}` over servers; no text copied).
 */
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/engine/analyze.js";
import { isCandidatePath } from "../../src/formats/detect.js";
import { loadPolicy } from "../../src/policy/load.js";

const TEMPLATE = [
  "defaults",
  "  mode http",
  "  timeout connect 5s",
  "  timeout client 30s",
  "  timeout server 30s",
  "backend shop",
  "{% for s in shop_servers %}",
  "  server {{ s.name }} {{ s.addr }}:8080 weight {{ s.weight }}{% if s.drain | default(false) %} disabled{% endif %}",
  "{% endfor %}",
  "",
].join("\n");
const VALUES = (drain: boolean) =>
  `shop_servers:\n  - { name: web1, addr: 10.20.0.11, weight: 1 }\n  - { name: web2, addr: 10.20.0.12, weight: 1, drain: ${drain} }\n  - { name: web3, addr: 10.20.0.13, weight: 1, drain: ${drain} }\n  - { name: web4, addr: 10.20.0.14, weight: 1, drain: ${drain} }\n`;
const POLICY = "templates:\n  - path: roles/lb/templates/*.j2\n    engine: jinja2\n    values: group_vars/all.yml\n";
const files = (drain: boolean, template = TEMPLATE) => [
  { path: "roles/lb/templates/haproxy.cfg.j2", text: template },
  { path: "group_vars/all.yml", text: VALUES(drain) },
];

describe("templates the policy renders", () => {
  it("the incident through group_vars: the rendered config is judged, on the template's loop line", () => {
    const a = analyze(files(false), files(true), loadPolicy(POLICY));
    const f = a.findings.find((x) => x.rule === "traffic-concentration")!;
    expect(f).toMatchObject({ severity: "critical", file: "roles/lb/templates/haproxy.cfg.j2", line: 8 });
    expect(f.message).toContain("10.20.0.11:8080 now receives 100% of traffic (was 25%)");
  });

  it("variables in the policy win over the values file; a condition renders one branch only", () => {
    const conditional = "backend shop\n{% if env == 'staging' %}\n  server s1 10.0.0.1:80\n{% else %}\n  server p1 10.0.1.1:80\n  server p2 10.0.1.2:80\n{% endif %}\n";
    const policy = "templates:\n  - path: '**/*.j2'\n    engine: jinja2\n    variables:\n      env: production\n";
    const a = analyze([], [{ path: "lb/haproxy.cfg.j2", text: conditional }], loadPolicy(policy));
    expect(a.changes.pools.map((p) => [p.name, p.after!.backends.map((b) => [b.id, b.loc.line])])).toEqual([
      ["shop", [["10.0.1.1:80", 5], ["10.0.1.2:80", 6]]],
    ]);
  });

  it("envsubst: given values are substituted, the others stay unknown", () => {
    const site = "upstream app {\n  server ${APP_HOST}:${APP_PORT};\n  server 10.0.0.2:80;\n}\n";
    const policy = "templates:\n  - path: nginx/templates/*.template\n    engine: envsubst\n    variables:\n      APP_HOST: 10.0.0.1\n      APP_PORT: 8080\n";
    const a = analyze([], [{ path: "nginx/templates/default.conf.template", text: site }], loadPolicy(policy));
    expect(a.changes.pools[0]!.after!.backends.map((b) => b.id)).toEqual(["10.0.0.1:8080", "10.0.0.2:80"]);
  });

  it("a template that does not render is read as a template and says why, never a false error", () => {
    const broken = TEMPLATE.replace("default(false)", "bool_of_ansible_only");
    const a = analyze([], files(false, broken), loadPolicy(POLICY));
    expect(a.findings.filter((f) => f.severity !== "info")).toEqual([]);
    expect(a.findings.map((f) => f.message).join("\n")).toContain("could not render with the policy's values");
  });

  it("templates and their values files are read by the CLI and the app", () => {
    const policy = loadPolicy(POLICY).policy;
    expect(isCandidatePath("roles/lb/templates/haproxy.cfg.j2", policy)).toBe(true);
    expect(isCandidatePath("group_vars/all.yml", policy)).toBe(true);
    expect(isCandidatePath("roles/web/templates/nginx.conf.j2", loadPolicy(null).policy)).toBe(true);
    expect(isCandidatePath("docs/readme.md.j2", loadPolicy(null).policy)).toBe(false);
  });
});
