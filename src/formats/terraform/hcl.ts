/**
 * HCL through tree-sitter: loads the WebAssembly runtime and grammar once, parses synchronously,
 * and copies the tree into plain objects (blocks, attributes, expressions, 1-based lines) before
 * freeing it, so nothing downstream touches the WASM heap.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Language, type Node, Parser } from "web-tree-sitter";

export interface Span {
  line: number;
  endLine: number;
}

export type Step = { k: "attr"; name: string } | { k: "index"; key: Expr } | { k: "splat" };

interface ExprBase extends Span {
  /** Source text with runs of whitespace collapsed: stable under reformatting. */
  text: string;
}

export type Expr = ExprBase &
  (
    | { k: "lit"; value: string | number | boolean | null }
    | { k: "template"; parts: (string | Expr)[] }
    | { k: "tuple"; items: Expr[] }
    | { k: "object"; items: { key: Expr; value: Expr }[] }
    | { k: "var"; name: string }
    | { k: "path"; base: Expr; steps: Step[] }
    | { k: "call"; name: string; args: Expr[]; expand: boolean }
    | { k: "cond"; test: Expr; then: Expr; else: Expr }
    | { k: "unary"; op: string; arg: Expr }
    | { k: "binary"; op: string; left: Expr; right: Expr }
    | { k: "for"; keyVar: string | null; valVar: string; coll: Expr; key: Expr | null; value: Expr; cond: Expr | null; object: boolean; grouping: boolean }
    | { k: "opaque" }
  );

export interface Attribute extends Span {
  name: string;
  expr: Expr;
}

export interface Block extends Span {
  type: string;
  labels: string[];
  attributes: Attribute[];
  blocks: Block[];
}

export interface SyntaxProblem {
  line: number;
  message: string;
}

export interface HclFile {
  body: Block;
  errors: SyntaxProblem[];
}

let loading: Promise<Language> | null = null;
let language: Language | null = null;

/** Loads web-tree-sitter and the HCL grammar once per process; later calls share the result. */
export function loadHcl(): Promise<Language> {
  loading ??= (async () => {
    await Parser.init();
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve("@tree-sitter-grammars/tree-sitter-hcl/package.json"));
    const lang = await Language.load(new Uint8Array(await readFile(join(dir, "tree-sitter-hcl.wasm"))));
    language = lang;
    return lang;
  })();
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

/** A tree-sitter parser bound to the HCL grammar; null until loadHcl() has resolved. */
export function newHclParser(): Parser | null {
  if (!language) return null;
  const p = new Parser();
  p.setLanguage(language);
  return p;
}

const MAX_ERRORS = 20;

/** Parses HCL text into plain objects. The tree is always deleted, even when conversion throws. */
export function parseHcl(parser: Parser, text: string): HclFile {
  const tree = parser.parse(text);
  if (!tree) return { body: emptyBody(), errors: [{ line: 1, message: "HCL parser returned no tree" }] };
  try {
    const root = tree.rootNode;
    const errors = root.hasError ? syntaxErrors(root) : [];
    const bodyNode = root.namedChildren.find((c) => c?.type === "body") ?? null;
    const body = bodyNode ? convertBody(bodyNode, "", [], root) : emptyBody();
    return { body, errors };
  } finally {
    tree.delete();
  }
}

function emptyBody(): Block {
  return { type: "", labels: [], attributes: [], blocks: [], line: 1, endLine: 1 };
}

const lineOf = (n: Node): number => n.startPosition.row + 1;
const endLineOf = (n: Node): number => {
  // A node ending at column 0 ends on the previous line (its trailing newline).
  const end = n.endPosition;
  return end.column === 0 && end.row > n.startPosition.row ? end.row : end.row + 1;
};
const span = (n: Node): Span => ({ line: lineOf(n), endLine: endLineOf(n) });
const kids = (n: Node): Node[] => n.children.filter((c): c is Node => c !== null && c.type !== "comment");

/**
 * Where tree-sitter could not parse. A MISSING token is reported just after the token it should
 * have followed; an ERROR node at its most specific part: a nested problem if it has one, else
 * its first child that is no piece of a block or attribute (recovery often folds the whole
 * enclosing block into one ERROR that starts far above the actual mistake).
 */
function syntaxErrors(root: Node): SyntaxProblem[] {
  const out: SyntaxProblem[] = [];
  let lastLine = 1;
  const visit = (n: Node): void => {
    if (out.length >= MAX_ERRORS) return;
    if (n.isMissing) {
      const opener = n.parent && /_end$/.test(n.parent.type) ? n.parent.parent : n.parent;
      const openedAt = opener ? opener.startPosition.row + 1 : lastLine;
      // A string ends on the line it starts: report an unterminated one there.
      if (n.type === "quoted_template_end") out.push({ line: openedAt, message: "syntax error: unterminated string" });
      else out.push({ line: lastLine, message: `syntax error: missing "${n.type}"${openedAt < lastLine ? ` (to close what line ${openedAt} opened)` : ""}` });
      return;
    }
    if (n.isError && !n.children.some((c) => c?.hasError)) {
      out.push(strayPart(n, lastLine));
      lastLine = endLineOf(n);
      return;
    }
    if (!n.hasError) {
      if (n.type !== "comment" && n.text.trim() !== "") lastLine = endLineOf(n);
      return;
    }
    for (const c of n.children) if (c) visit(c);
  };
  visit(root);
  return out;
}

/** Children of an ERROR node that may be the pieces of blocks and attributes it folded in. */
const PIECES = new Set(["identifier", "string_lit", "block_start", "attribute", "block", "body", "comment", "=", "expression"]);

function strayPart(error: Node, before: number): SyntaxProblem {
  let prev = before;
  for (const c of error.children) {
    if (!c) continue;
    if (PIECES.has(c.type)) {
      if (c.text.trim() !== "") prev = endLineOf(c);
      continue;
    }
    const text = c.text.replace(/\s+/g, " ").trim();
    if (text === "") return { line: prev, message: "syntax error" };
    return { line: lineOf(c), message: `syntax error near "${text.slice(0, 40)}"` };
  }
  const snippet = error.text.replace(/\s+/g, " ").trim().slice(0, 40);
  return { line: lineOf(error), message: snippet ? `syntax error near "${snippet}"` : "syntax error" };
}

function convertBody(body: Node, type: string, labels: string[], owner: Node): Block {
  const block: Block = { type, labels, attributes: [], blocks: [], ...span(owner) };
  for (const c of kids(body)) {
    if (c.type === "attribute") {
      const id = c.namedChildren.find((x) => x?.type === "identifier");
      const ex = c.namedChildren.find((x) => x?.type === "expression");
      if (id && ex) block.attributes.push({ name: id.text, expr: convertExpr(ex), ...span(c) });
    } else if (c.type === "block") {
      block.blocks.push(convertBlock(c));
    }
  }
  return block;
}

function convertBlock(n: Node): Block {
  const parts = kids(n);
  const type = parts[0]?.type === "identifier" ? parts[0].text : "";
  const labels: string[] = [];
  let body: Node | null = null;
  for (const p of parts.slice(1)) {
    if (p.type === "string_lit") labels.push(unescape(stringLitText(p)));
    else if (p.type === "identifier") labels.push(p.text);
    else if (p.type === "body") body = p;
  }
  if (!body) return { type, labels, attributes: [], blocks: [], ...span(n) };
  return convertBody(body, type, labels, n);
}

function stringLitText(n: Node): string {
  return kids(n)
    .filter((c) => c.type === "template_literal")
    .map((c) => c.text)
    .join("");
}

const normalize = (s: string): string => s.replace(/\s+/g, " ").trim();

function make(n: Node, rest: Record<string, unknown> & { k: Expr["k"] }): Expr {
  return { ...rest, text: normalize(n.text), ...span(n) } as Expr;
}

function opaque(n: Node): Expr {
  return make(n, { k: "opaque" });
}

/** An `expression` node: a conditional, or a term followed by attribute, index and splat steps. */
export function convertExpr(n: Node): Expr {
  const parts = kids(n);
  if (parts.length === 1 && parts[0]!.type === "conditional") return convertConditional(parts[0]!);
  return convertTerm(parts, n);
}

function convertConditional(n: Node): Expr {
  const ex = n.namedChildren.filter((c): c is Node => c?.type === "expression");
  if (ex.length !== 3) return opaque(n);
  return make(n, { k: "cond", test: convertExpr(ex[0]!), then: convertExpr(ex[1]!), else: convertExpr(ex[2]!) });
}

/** A primary (or a parenthesised expression) and its postfix steps, given as sibling nodes. */
function convertTerm(parts: Node[], whole: Node): Expr {
  if (parts.length === 0) return opaque(whole);
  let i: number;
  let base: Expr;
  if (parts[0]!.type === "(") {
    const inner = parts[1];
    base = inner?.type === "expression" ? convertExpr(inner) : opaque(whole);
    i = parts.findIndex((p) => p.type === ")") + 1;
    if (i === 0) return opaque(whole);
  } else {
    base = convertPrimary(parts[0]!);
    i = 1;
  }
  const steps: Step[] = [];
  for (const p of parts.slice(i)) {
    if (!collectSteps(p, steps)) return opaque(whole);
  }
  if (steps.length === 0) return base;
  return make(whole, { k: "path", base, steps });
}

function collectSteps(p: Node, steps: Step[]): boolean {
  switch (p.type) {
    case "get_attr": {
      const id = p.namedChildren.find((c) => c?.type === "identifier");
      if (!id) return false;
      steps.push({ k: "attr", name: id.text });
      return true;
    }
    case "index": {
      const inner = p.namedChildren[0];
      if (inner?.type === "new_index") {
        const ex = inner.namedChildren.find((c) => c?.type === "expression");
        if (!ex) return false;
        steps.push({ k: "index", key: convertExpr(ex) });
        return true;
      }
      if (inner?.type === "legacy_index") {
        const digits = inner.text.replace(/^\./, "");
        steps.push({ k: "index", key: { k: "lit", value: Number(digits), text: digits, ...span(inner) } });
        return true;
      }
      return false;
    }
    case "splat": {
      steps.push({ k: "splat" });
      const inner = p.namedChildren[0];
      if (!inner) return false;
      for (const c of kids(inner)) if (c.isNamed && !collectSteps(c, steps)) return false;
      return true;
    }
    default:
      return false;
  }
}

function convertPrimary(n: Node): Expr {
  switch (n.type) {
    case "literal_value":
      return convertLiteral(n);
    case "template_expr":
      return convertTemplate(n);
    case "collection_value":
      return convertCollection(n);
    case "variable_expr":
      return make(n, { k: "var", name: n.text });
    case "function_call":
      return convertCall(n);
    case "for_expr":
      return convertFor(n);
    case "operation":
      return convertOperation(n);
    case "expression":
      return convertExpr(n);
    default:
      return opaque(n);
  }
}

function convertLiteral(n: Node): Expr {
  const v = n.namedChildren[0];
  if (!v) return opaque(n);
  switch (v.type) {
    case "numeric_lit": {
      const num = Number(v.text);
      return Number.isFinite(num) ? make(n, { k: "lit", value: num }) : opaque(n);
    }
    case "bool_lit":
      return make(n, { k: "lit", value: v.text === "true" });
    case "null_lit":
      return make(n, { k: "lit", value: null });
    case "string_lit":
      return make(n, { k: "lit", value: unescape(stringLitText(v)) });
    default:
      return opaque(n);
  }
}

function convertTemplate(n: Node): Expr {
  const t = n.namedChildren[0];
  if (!t) return opaque(n);
  const heredoc = t.type === "heredoc_template";
  const parts: (string | Expr)[] = [];
  for (const c of kids(t)) {
    if (c.type === "template_literal") parts.push(heredoc ? unescapeTemplateOnly(c.text) : unescape(c.text));
    else if (c.type === "template_interpolation") {
      const ex = c.namedChildren.find((x) => x?.type === "expression");
      parts.push(ex ? convertExpr(ex) : opaque(c));
    } else if (c.type === "template_directive") parts.push(opaque(c));
  }
  // HCL: a template that is exactly one interpolation ("${x}") yields x's value unconverted.
  if (!heredoc && parts.length === 1 && typeof parts[0] !== "string") {
    return { ...parts[0]!, ...span(n) };
  }
  return make(n, { k: "template", parts });
}

function convertCollection(n: Node): Expr {
  const c = n.namedChildren[0];
  if (!c) return opaque(n);
  if (c.type === "tuple") {
    const items = c.namedChildren.filter((x): x is Node => x?.type === "expression").map(convertExpr);
    return make(n, { k: "tuple", items });
  }
  if (c.type === "object") {
    const items: { key: Expr; value: Expr }[] = [];
    for (const el of c.namedChildren) {
      if (el?.type !== "object_elem") continue;
      const key = el.childForFieldName("key");
      const val = el.childForFieldName("val");
      if (!key || !val) continue;
      items.push({ key: objectKey(key), value: convertExpr(val) });
    }
    return make(n, { k: "object", items });
  }
  return opaque(n);
}

/** A bare identifier as an object key is a literal name; `(expr)` is evaluated. */
function objectKey(key: Node): Expr {
  const parts = kids(key);
  if (parts.length === 1 && parts[0]!.type === "variable_expr") return make(key, { k: "lit", value: parts[0]!.text });
  return convertExpr(key);
}

function convertCall(n: Node): Expr {
  const id = n.namedChildren.find((c) => c?.type === "identifier");
  const argsNode = n.namedChildren.find((c) => c?.type === "function_arguments");
  const args = argsNode ? argsNode.namedChildren.filter((c): c is Node => c?.type === "expression").map(convertExpr) : [];
  const expand = argsNode ? argsNode.namedChildren.some((c) => c?.type === "ellipsis") : false;
  if (!id) return opaque(n);
  return make(n, { k: "call", name: id.text, args, expand });
}

function convertFor(n: Node): Expr {
  const f = n.namedChildren[0];
  if (!f) return opaque(n);
  const intro = f.namedChildren.find((c) => c?.type === "for_intro");
  if (!intro) return opaque(n);
  const ids = intro.namedChildren.filter((c): c is Node => c?.type === "identifier").map((c) => c.text);
  const collNode = intro.namedChildren.find((c) => c?.type === "expression");
  if (!collNode || ids.length === 0) return opaque(n);
  const exprs = f.namedChildren.filter((c): c is Node => c?.type === "expression").map(convertExpr);
  const condNode = f.namedChildren.find((c) => c?.type === "for_cond");
  const condExpr = condNode?.namedChildren.find((c) => c?.type === "expression");
  const object = f.type === "for_object_expr";
  if ((object && exprs.length !== 2) || (!object && exprs.length !== 1)) return opaque(n);
  return make(n, {
    k: "for",
    keyVar: ids.length === 2 ? ids[0]! : null,
    valVar: ids[ids.length - 1]!,
    coll: convertExpr(collNode),
    key: object ? exprs[0]! : null,
    value: object ? exprs[1]! : exprs[0]!,
    cond: condExpr ? convertExpr(condExpr) : null,
    object,
    grouping: f.namedChildren.some((c) => c?.type === "ellipsis"),
  });
}

const BINARY_OPS = new Set(["*", "/", "%", "+", "-", ">", ">=", "<", "<=", "==", "!=", "&&", "||"]);

function convertOperation(n: Node): Expr {
  const op = n.namedChildren[0];
  if (!op) return opaque(n);
  const parts = kids(op);
  if (op.type === "unary_operation") {
    const sign = parts[0];
    if (!sign || sign.isNamed) return opaque(n);
    return make(n, { k: "unary", op: sign.type, arg: convertTerm(parts.slice(1), op) });
  }
  if (op.type === "binary_operation") {
    const at = parts.findIndex((p) => !p.isNamed && BINARY_OPS.has(p.type));
    if (at <= 0) return opaque(n);
    const left = convertTerm(parts.slice(0, at), op);
    const right = convertTerm(parts.slice(at + 1), op);
    return make(n, { k: "binary", op: parts[at]!.type, left, right });
  }
  return opaque(n);
}

/** Quoted-string escapes, plus the template escapes `$${` and `%%{`. */
export function unescape(raw: string): string {
  return raw.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|\$\$\{|%%\{/gs, (m, esc: string | undefined) => {
    if (m === "$${") return "${";
    if (m === "%%{") return "%{";
    if (!esc) return m;
    switch (esc[0]) {
      case "n":
        return "\n";
      case "r":
        return "\r";
      case "t":
        return "\t";
      case "u":
      case "U": {
        const cp = Number.parseInt(esc.slice(1), 16);
        return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
      }
      default:
        return esc;
    }
  });
}

function unescapeTemplateOnly(raw: string): string {
  return raw.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}
