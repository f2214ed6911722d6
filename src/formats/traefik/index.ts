import { emptyModel, loc } from "../../model/types.js";
import type { FormatParser } from "../registry.js";

/** Placeholder until the traefik parser lands: recognises nothing, so it never runs. */
export const traefik: FormatParser = {
  format: "traefik",
  names: /$^/,
  detect: () => false,
  parse: (_text, file) => ({ ...emptyModel(file, "traefik"), diagnostics: [{ severity: "error", message: "the traefik parser is not available", loc: loc(file, 1) }] }),
};
