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
  it("a changed nginx template by name (.j2) is said once, never a parse error", () => {
    const a = check([{ path: "roles/lb/templates/nginx.conf.j2", text: TEMPLATE }], [{ path: "roles/lb/templates/nginx.conf.j2", text: TEMPLATE.replace(":80", ":8080") }]);
    expect(a.findings.map((f) => [f.rule, f.severity])).toEqual([["template-not-evaluated", "info"]]);
  });

  it("a new Helm chart's templates are not judged as broken Kubernetes config", () => {
    const a = check([], [CHART, { path: "charts/web/templates/deployment.yaml", text: HELM }, { path: "charts/web/templates/service.yaml", text: HELM }]);
    expect(a.findings.map((f) => [f.rule, f.severity, f.message])).toEqual([["template-not-evaluated", "info", "Helm chart charts/web has templates that are rendered at deploy time: not evaluated"]]);
  });

  it("renaming a config file to a template name is a deletion of that config", () => {
    const a = check([{ path: "lb/app.conf", text: CONF }], [{ path: "lb/app.conf.tmpl", text: CONF }]);
    expect(a.findings.find((f) => f.rule === "lb-config-deleted")).toMatchObject({ severity: "high", file: "lb/app.conf" });
  });

  it("adding a Chart.yaml cannot turn existing config into an unjudged template", () => {
    const path = "lb/templates/app.conf";
    const a = check([{ path, text: CONF }], [{ path, text: CONF.replace("10.0.0.2:80;", "10.0.0.2:80 down;") }, { path: "lb/Chart.yaml", text: CHART.text }]);
    expect(a.findings.find((f) => f.rule === "traffic-concentration")).toMatchObject({ severity: "critical", file: path });
  });
});
