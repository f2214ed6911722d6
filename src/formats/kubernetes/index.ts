import { emptyModel, loc } from "../../model/types.js";
import type { FormatParser } from "../registry.js";

/** Placeholder until the kubernetes parser lands: recognises nothing, so it never runs. */
export const kubernetes: FormatParser = {
  format: "kubernetes",
  names: /$^/,
  detect: () => false,
  parse: (_text, file) => ({ ...emptyModel(file, "kubernetes"), diagnostics: [{ severity: "error", message: "the kubernetes parser is not available", loc: loc(file, 1) }] }),
};
