import { FORMATS, loc } from "../src/model/types.js";
import type { Rule } from "./rule.js";

const helm = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicas }}\n";

export const templateNotEvaluated: Rule = {
  id: "template-not-evaluated",
  severity: "info",
  title: "Template not evaluated",
  description:
    "A changed file is a template of config (a `.j2`, `.tmpl`, `.tpl`, `.gotmpl`, `.erb` or `.template` file, or a Helm chart's `templates/`), so it is not judged as config; the report says so once per file or chart.",
  rationale:
    "Template syntax is not the load balancer's syntax: read as config, every `{{ }}` would be a false 'does not parse'. What the rendered config does can only be judged once it is rendered.",
  assumptions:
    "Decided by path: renaming a config file to a template name is a deletion of that config. A chart's files are templates only when the chart existed in the base version (or the files are new), so adding a Chart.yaml cannot hide existing config. The policy's `files` mapping overrides the guess.",
  formats: FORMATS,
  examples: {
    fires: { format: "kubernetes", path: "charts/web/templates/deployment.yaml", before: helm, after: helm.replace("replicas }}", "replicas | default 2 }}"), extra: [{ path: "charts/web/Chart.yaml", text: "apiVersion: v2\nname: web\nversion: 1.0.0\n" }] },
    silent: { format: "kubernetes", path: "charts/web/templates/deployment.yaml", before: helm, after: helm, extra: [{ path: "charts/web/Chart.yaml", text: "apiVersion: v2\nname: web\nversion: 1.0.0\n" }] },
  },
  check({ changes }) {
    return (changes.notEvaluated ?? []).map((t) => ({ message: t.message, loc: loc(t.file, 1) }));
  },
};
