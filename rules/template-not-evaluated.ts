import { FORMATS, loc } from "../src/model/types.js";
import type { Rule } from "./rule.js";

const helm = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicas }}\n";

export const templateNotEvaluated: Rule = {
  id: "template-not-evaluated",
  severity: "info",
  title: "Template not evaluated",
  description:
    "A changed file is a template lb-review cannot read as config: a Helm chart's `templates/` (there is no Helm renderer here), or a `.j2`, `.tmpl`, `.tpl`, `.gotmpl`, `.erb` or `.template` file whose format cannot be told from its name and content; the report says so once per chart or file.",
  rationale:
    "Template syntax is not the load balancer's syntax: read as config, every `{{ }}` would be a false 'does not parse'. Templates of a known format are read with their placeholders unknown (or rendered, with a policy `templates:` entry); the rest can only be judged once rendered.",
  assumptions:
    "A chart's files are templates only when the chart existed in the base version (or the files are new), so adding a Chart.yaml cannot hide existing config. Renaming a config file to a template name keeps it judged (it is read as a template of its format). The policy's `files` mapping overrides the guess.",
  formats: FORMATS,
  examples: {
    fires: { format: "kubernetes", path: "charts/web/templates/deployment.yaml", before: helm, after: helm.replace("replicas }}", "replicas | default 2 }}"), extra: [{ path: "charts/web/Chart.yaml", text: "apiVersion: v2\nname: web\nversion: 1.0.0\n" }] },
    silent: { format: "kubernetes", path: "charts/web/templates/deployment.yaml", before: helm, after: helm, extra: [{ path: "charts/web/Chart.yaml", text: "apiVersion: v2\nname: web\nversion: 1.0.0\n" }] },
  },
  check({ changes }) {
    return (changes.notEvaluated ?? []).map((t) => ({ message: t.message, loc: loc(t.file, 1) }));
  },
};
