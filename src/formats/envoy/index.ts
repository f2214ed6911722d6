import { emptyModel, loc } from "../../model/types.js";
import type { FormatParser } from "../registry.js";

/** Placeholder until the envoy parser lands: recognises nothing, so it never runs. */
export const envoy: FormatParser = {
  format: "envoy",
  names: /$^/,
  detect: () => false,
  parse: (_text, file) => ({ ...emptyModel(file, "envoy"), diagnostics: [{ severity: "error", message: "the envoy parser is not available", loc: loc(file, 1) }] }),
};
