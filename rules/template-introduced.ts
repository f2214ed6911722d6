import { loc } from "../src/model/types.js";
import type { Rule } from "./rule.js";

const conf = (server: string) => `upstream shop {\n  server 10.0.0.1:80;\n  server ${server};\n}\n`;

export const templateIntroduced: Rule = {
  id: "template-introduced",
  severity: "high",
  title: "Config became a template",
  description: "A load-balancer config file that held no template syntax in the base version now does (Jinja2, Go template, ERB or envsubst placeholders).",
  rationale:
    "lb-review reads a template with its placeholders as unknown values and never judges a share it cannot compute. Turning fixed values into placeholders can therefore take a change out of the review's sight; a reviewer must confirm what the placeholders will render to.",
  assumptions: "Said once per file. Files that were already templates in the base are read as templates without this finding.",
  formats: ["nginx", "haproxy", "kubernetes", "envoy", "traefik"],
  examples: {
    fires: { format: "nginx", before: conf("10.0.0.2:80 weight=2"), after: conf("10.0.0.2:80 weight={{ shop_weight }}") },
    silent: { format: "nginx", before: conf("10.0.0.2:80 weight={{ shop_weight }}"), after: conf("10.0.0.2:80 weight={{ shop_weight | default(2) }}") },
  },
  check({ changes }) {
    return (changes.becameTemplates ?? []).map((t) => ({
      message: `${t.file} now holds ${t.engines.join(" and ")} template syntax: the values it fills in are unknown to this review; check what they render to`,
      loc: loc(t.file, t.line),
    }));
  },
};
