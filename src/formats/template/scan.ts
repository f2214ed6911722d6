/**
 * Template tags in config text: Jinja2/Ansible (`{{ }}`, `{% %}`, `{# #}`), Go templates and
 * gomplate (`{{ }}` with `if`/`range`/`end`), ERB (`<%= %>`, `<% %>`, `<%# %>`) and envsubst
 * (`${NAME}`, `$NAME`). Each tag is an expression (a value), a statement (control flow) or a
 * comment, with its offsets, so the text around it can still be read as config.
 */

export type TagKind = "expression" | "statement" | "comment";

/** What a statement does to the structure: opens or continues a condition, opens a loop, closes. */
export type Flow = "if" | "else" | "loop" | "open" | "end" | "none";

export interface Tag {
  kind: TagKind;
  start: number;
  end: number;
  /** The tag as written. */
  text: string;
  flow: Flow;
  /** For a statement: its words inside the delimiters, e.g. "if staging" or "for s in servers". */
  body: string;
}

export type Engine = "jinja" | "go" | "erb" | "envsubst";

const JINJA_OPEN = new Map([["if", "if"], ["elif", "else"], ["else", "else"], ["for", "loop"], ["endif", "end"], ["endfor", "end"]] as const);
const JINJA_BLOCKS = new Set(["with", "macro", "block", "filter", "call", "raw", "autoescape", "set"]);
const GO_FLOW = new Map([["if", "if"], ["else", "else"], ["range", "loop"], ["with", "open"], ["define", "open"], ["block", "open"], ["end", "end"]] as const);
const ERB_FLOW = new Map([["if", "if"], ["unless", "if"], ["elsif", "else"], ["else", "else"], ["end", "end"]] as const);

/** The template engines whose syntax appears in `text`. envsubst only where the format has no `$` of its own. */
export function enginesIn(text: string, envsubst: boolean): Engine[] {
  const out: Engine[] = [];
  if (/\{%-?\s*\w|\{#/.test(text)) out.push("jinja");
  if (/\{\{-?\s*(if|range|end|else|with|define|template|block|\.|\$)\b/.test(text)) out.push("go");
  else if (/\{\{[^}\n]*\}\}/.test(text) && !out.includes("jinja")) out.push("jinja");
  if (/<%[=#-]?[\s\S]*?%>/.test(text)) out.push("erb");
  if (envsubst && /\$\{[A-Za-z_][A-Za-z0-9_]*(:?[-=?+][^}]*)?\}/.test(text)) out.push("envsubst");
  return out;
}

export function scanTags(text: string, engines: readonly Engine[]): Tag[] {
  const tags: Tag[] = [];
  const braces = engines.includes("jinja") || engines.includes("go");
  const pattern = [
    ...(braces ? ["\\{#[\\s\\S]*?#\\}", "\\{%[\\s\\S]*?%\\}", "\\{\\{[\\s\\S]*?\\}\\}"] : []),
    ...(engines.includes("erb") ? ["<%[\\s\\S]*?%>"] : []),
    ...(engines.includes("envsubst") ? ["\\$\\{[A-Za-z_][A-Za-z0-9_]*(?::?[-=?+][^}\\n]*)?\\}"] : []),
  ].join("|");
  if (pattern === "") return tags;
  for (const m of text.matchAll(new RegExp(pattern, "g"))) {
    const raw = m[0];
    tags.push({ ...classify(raw), start: m.index, end: m.index + raw.length, text: raw });
  }
  return tags;
}

function classify(raw: string): { kind: TagKind; flow: Flow; body: string } {
  if (raw.startsWith("{#") || raw.startsWith("<%#")) return { kind: "comment", flow: "none", body: "" };
  if (raw.startsWith("${")) return { kind: "expression", flow: "none", body: raw };
  if (raw.startsWith("{%")) {
    const body = raw.slice(2, -2).replace(/^[-+]|[-+]$/g, "").trim();
    const word = body.split(/\s+/)[0] ?? "";
    const flow = JINJA_OPEN.get(word as never) ?? (JINJA_BLOCKS.has(word) && !(word === "set" && body.includes("=")) ? "open" : word.startsWith("end") ? "end" : "none");
    return { kind: "statement", flow, body };
  }
  if (raw.startsWith("{{")) {
    const body = raw.slice(2, -2).replace(/^-|-$/g, "").trim();
    const word = /^(\w+)/.exec(body)?.[1] ?? "";
    const flow = GO_FLOW.get(word as never);
    // `{{ template "x" . }}` and `{{ include … }}` emit text: values, not structure.
    return flow ? { kind: "statement", flow, body } : { kind: "expression", flow: "none", body };
  }
  // ERB
  const output = raw.startsWith("<%=");
  const body = raw.replace(/^<%[=-]?/, "").replace(/-?%>$/, "").trim();
  if (output) return { kind: "expression", flow: "none", body };
  const word = /^(\w+)/.exec(body)?.[1] ?? "";
  const flow = ERB_FLOW.get(word as never) ?? (/\bdo(\s*\|[^|]*\|)?$/.test(body) || /^for\b/.test(body) ? "loop" : "none");
  return { kind: "statement", flow, body };
}
