import { emptyModel, loc } from "../../model/types.js";
import type { FormatParser } from "../registry.js";

/** Placeholder until the terraform parser lands: recognises nothing, so it never runs. */
export const terraform: FormatParser = {
  format: "terraform",
  names: /$^/,
  detect: () => false,
  parse: (_text, file) => ({ ...emptyModel(file, "terraform"), diagnostics: [{ severity: "error", message: "the terraform parser is not available", loc: loc(file, 1) }] }),
};
