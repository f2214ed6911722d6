import { FORMATS, loc } from "../src/model/types.js";
import type { Rule } from "./rule.js";

export const lbConfigDeleted: Rule = {
  id: "lb-config-deleted",
  severity: "high",
  title: "Load-balancer config file deleted",
  description: "A file that held load-balancer config is deleted.",
  rationale:
    "Deleting the file removes every pool and route in it at once; whatever included it or routed to it loses its destination.",
  formats: FORMATS,
  examples: {
    fires: { format: "nginx", before: "upstream app {\n  server 10.0.0.1:80;\n}\n", after: null },
    silent: { format: "nginx", before: null, after: "upstream app {\n  server 10.0.0.1:80;\n}\n" },
  },
  check({ changes }) {
    return changes.files
      .filter((f) => f.status === "removed")
      .map((f) => ({
        message: `${f.path} deleted: ${f.before?.pools.length ?? 0} pool(s) and ${f.before?.routes.length ?? 0} route(s) gone`,
        loc: loc(f.path, 1),
      }));
  },
};
