/** Terraform text → model. Synchronous once the grammar is loaded; never throws. */
import type { Parser } from "web-tree-sitter";
import { emptyModel, loc, type Model } from "../../model/types.js";
import { type Block, parseHcl, type SyntaxProblem } from "./hcl.js";
import { ModelBuilder } from "./resources.js";
import { Evaluator, indexModule, type ModuleIndex } from "./values.js";

export function parseTerraform(parser: Parser | null, text: string, file: string): Model {
  return parseTerraformModule(parser, [{ path: file, text }])[0]!;
}

/**
 * The files of one module directory: variables, locals and resources declared in any of them
 * resolve in all of them, as Terraform reads a module.
 */
export function parseTerraformModule(parser: Parser | null, files: readonly { path: string; text: string }[]): Model[] {
  if (!parser) {
    return files.map((f) => ({
      ...emptyModel(f.path, "terraform"),
      diagnostics: [{ severity: "error", message: "the Terraform (HCL) grammar is not loaded: initFormats() must run before parsing", loc: loc(f.path, 1) }],
    }));
  }
  const read = files.map((f) => {
    try {
      return { file: f.path, hcl: parseHcl(parser, f.text) as { body: Block; errors: SyntaxProblem[] } | null, failure: null as string | null };
    } catch (err) {
      return { file: f.path, hcl: null, failure: failure(err) };
    }
  });
  const index = mergeIndexes(read.flatMap((r) => (r.hcl ? [indexModule(r.hcl.body)] : [])));
  return read.map(({ file, hcl, failure: why }) => {
    const model = emptyModel(file, "terraform");
    if (!hcl) return { ...model, diagnostics: [{ severity: "error", message: `could not read this Terraform file: ${why}`, loc: loc(file, 1) }] };
    for (const e of hcl.errors) model.diagnostics.push({ severity: "error", message: e.message, loc: loc(file, e.line) });
    try {
      // Each file's own declarations first: a duplicate elsewhere is Terraform's error, not a reason to read another value.
      const own = indexModule(hcl.body);
      new ModelBuilder(file, hcl.body, new Evaluator(mergeIndexes([own, index])), mergeIndexes([own, index]), model).build();
      return model;
    } catch (err) {
      return { ...emptyModel(file, "terraform"), diagnostics: [...model.diagnostics, { severity: "error", message: `could not read this Terraform file: ${failure(err)}`, loc: loc(file, 1) }] };
    }
  });
}

function failure(err: unknown): string {
  return err instanceof RangeError ? "nesting too deep to evaluate" : err instanceof Error ? err.message : String(err);
}

/** The first declaration of each name wins. */
function mergeIndexes(indexes: ModuleIndex[]): ModuleIndex {
  const out: ModuleIndex = { variables: new Map(), locals: new Map(), resources: new Map() };
  for (const i of indexes) {
    for (const [k, v] of i.variables) if (!out.variables.has(k)) out.variables.set(k, v);
    for (const [k, v] of i.locals) if (!out.locals.has(k)) out.locals.set(k, v);
    for (const [k, v] of i.resources) if (!out.resources.has(k)) out.resources.set(k, v);
  }
  return out;
}
