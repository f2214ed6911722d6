import { loc } from "../src/model/types.js";
import type { Rule } from "./rule.js";

export const fileTooLarge: Rule = {
  id: "file-too-large",
  severity: "info",
  title: "File too large to evaluate",
  description:
    "A changed config file is over the 10 MB limit and was over it (or did not exist) before, so it is not evaluated. A file that grows past the limit in the change is an unparseable-config finding instead: it could hide what changed.",
  rationale: "Reading a file of that size would slow every review down; a generated dump (a golden file, an export) is rarely reviewed line by line, and saying so keeps silence from reading as a pass.",
  assumptions: "Unchanged oversized files are not mentioned.",
  formats: ["nginx", "haproxy", "kubernetes", "terraform", "envoy", "traefik"],
  examples: {
    fires: { format: "nginx", before: null, after: "upstream app {\n  server 10.0.0.1:80;\n}\n", padAfterTo: 10_000_001 },
    silent: { format: "nginx", before: null, after: "upstream app {\n  server 10.0.0.1:80;\n}\n" },
  },
  check({ changes }) {
    return (changes.tooLarge ?? []).map((t) => ({ message: t.message, loc: loc(t.file, 1) }));
  },
};
