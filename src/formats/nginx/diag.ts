import { type Diagnostic, loc } from "../../model/types.js";
import type { Directive } from "./tree.js";

export function error(message: string, d: Directive, file: string): Diagnostic {
  return { severity: "error", message, loc: loc(file, d.line, d.endLine) };
}

export function warning(message: string, d: Directive, file: string): Diagnostic {
  return { severity: "warning", message, loc: loc(file, d.line, d.endLine) };
}
