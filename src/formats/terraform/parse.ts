/** Terraform text → model. Synchronous once the grammar is loaded; never throws. */
import type { Parser } from "web-tree-sitter";
import { emptyModel, loc, type Model } from "../../model/types.js";
import { parseHcl } from "./hcl.js";
import { ModelBuilder } from "./resources.js";
import { Evaluator, indexModule } from "./values.js";

export function parseTerraform(parser: Parser | null, text: string, file: string): Model {
  const model = emptyModel(file, "terraform");
  if (!parser) {
    model.diagnostics.push({
      severity: "error",
      message: "the Terraform (HCL) grammar is not loaded: initFormats() must run before parsing",
      loc: loc(file, 1),
    });
    return model;
  }
  try {
    const hcl = parseHcl(parser, text);
    for (const e of hcl.errors) model.diagnostics.push({ severity: "error", message: e.message, loc: loc(file, e.line) });
    const index = indexModule(hcl.body);
    new ModelBuilder(file, hcl.body, new Evaluator(index), index, model).build();
    return model;
  } catch (err) {
    const why = err instanceof RangeError ? "nesting too deep to evaluate" : err instanceof Error ? err.message : String(err);
    return { ...emptyModel(file, "terraform"), diagnostics: [...model.diagnostics, { severity: "error", message: `could not read this Terraform file: ${why}`, loc: loc(file, 1) }] };
  }
}
