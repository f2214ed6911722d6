/**
 * Generates the nginx directive table (name, contexts, argument count) from nginx's own module sources.
 *
 *   npx tsx scripts/nginx-directives.ts <nginx-src-dir> > src/formats/nginx/directives-1.26.generated.ts
 *
 * <nginx-src-dir> is a checkout or export of nginx (the directory holding `src/`, or `src/` itself), e.g.
 *   git -C <nginx.git> archive release-1.26.3 src | tar -x -C <nginx-src-dir>
 *
 * It reads every `ngx_command_t ngx_..._commands[] = { ... }` array in src/** /*.c (all modules, standard and
 * optional, and entries behind `#if` too), decodes each entry's type flags the way ngx_conf_handler() in
 * src/core/ngx_conf_file.c does, and prints a TypeScript module. Output depends only on the sources.
 * Any flag or entry it cannot read is printed to stderr and the script exits 1 without output.
 */
import { readdirSync, readFileSync, existsSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const OUTPUT_PATH = "src/formats/nginx/directives-1.26.generated.ts";

/** Short context names, in the order they are printed. */
const CONTEXTS = [
  "main",
  "events",
  "http",
  "server",
  "location",
  "upstream",
  "if-server",
  "if-location",
  "limit_except",
  "stream",
  "stream-server",
  "stream-upstream",
  "mail",
  "mail-server",
] as const;
type Context = (typeof CONTEXTS)[number];

/** Context flags → the contexts they allow. NGX_ANY_CONF (only `include`) is allowed everywhere. */
const CONTEXT_FLAGS: Record<string, readonly Context[]> = {
  NGX_MAIN_CONF: ["main"],
  NGX_DIRECT_CONF: ["main"],
  NGX_ANY_CONF: CONTEXTS,
  NGX_EVENT_CONF: ["events"],
  NGX_HTTP_MAIN_CONF: ["http"],
  NGX_HTTP_SRV_CONF: ["server"],
  NGX_HTTP_LOC_CONF: ["location"],
  NGX_HTTP_UPS_CONF: ["upstream"],
  NGX_HTTP_SIF_CONF: ["if-server"],
  NGX_HTTP_LIF_CONF: ["if-location"],
  NGX_HTTP_LMT_CONF: ["limit_except"],
  NGX_STREAM_MAIN_CONF: ["stream"],
  NGX_STREAM_SRV_CONF: ["stream-server"],
  NGX_STREAM_UPS_CONF: ["stream-upstream"],
  NGX_MAIL_MAIN_CONF: ["mail"],
  NGX_MAIL_SRV_CONF: ["mail-server"],
};

/** Which module type may use which context flags (ngx_conf_handler() skips modules of another type). */
const FLAG_FAMILY: Record<string, string> = {
  NGX_MAIN_CONF: "NGX_CORE_MODULE",
  NGX_DIRECT_CONF: "NGX_CORE_MODULE",
  NGX_ANY_CONF: "NGX_CONF_MODULE",
  NGX_EVENT_CONF: "NGX_EVENT_MODULE",
  NGX_HTTP_MAIN_CONF: "NGX_HTTP_MODULE",
  NGX_HTTP_SRV_CONF: "NGX_HTTP_MODULE",
  NGX_HTTP_LOC_CONF: "NGX_HTTP_MODULE",
  NGX_HTTP_UPS_CONF: "NGX_HTTP_MODULE",
  NGX_HTTP_SIF_CONF: "NGX_HTTP_MODULE",
  NGX_HTTP_LIF_CONF: "NGX_HTTP_MODULE",
  NGX_HTTP_LMT_CONF: "NGX_HTTP_MODULE",
  NGX_STREAM_MAIN_CONF: "NGX_STREAM_MODULE",
  NGX_STREAM_SRV_CONF: "NGX_STREAM_MODULE",
  NGX_STREAM_UPS_CONF: "NGX_STREAM_MODULE",
  NGX_MAIL_MAIN_CONF: "NGX_MAIL_MODULE",
  NGX_MAIL_SRV_CONF: "NGX_MAIL_MODULE",
};

/** Argument-count flags: argument_number[] in ngx_conf_file.c, plus the composite macros of ngx_conf_file.h. */
const TAKE_FLAGS: Record<string, readonly number[]> = {
  NGX_CONF_NOARGS: [0],
  NGX_CONF_TAKE1: [1],
  NGX_CONF_TAKE2: [2],
  NGX_CONF_TAKE3: [3],
  NGX_CONF_TAKE4: [4],
  NGX_CONF_TAKE5: [5],
  NGX_CONF_TAKE6: [6],
  NGX_CONF_TAKE7: [7],
  NGX_CONF_TAKE12: [1, 2],
  NGX_CONF_TAKE13: [1, 3],
  NGX_CONF_TAKE23: [2, 3],
  NGX_CONF_TAKE123: [1, 2, 3],
  NGX_CONF_TAKE1234: [1, 2, 3, 4],
};
const OTHER_ARG_FLAGS = new Set(["NGX_CONF_BLOCK", "NGX_CONF_FLAG", "NGX_CONF_ANY", "NGX_CONF_1MORE", "NGX_CONF_2MORE"]);

/**
 * How block directives nest. Hand-maintained; the generator fails if a block directive of the sources is in
 * neither list, or a name here is not a block directive allowed in that parent context.
 */
const BLOCK_OPENS: Record<string, Partial<Record<Context, Context>>> = {
  events: { main: "events" },
  http: { main: "http" },
  stream: { main: "stream" },
  mail: { main: "mail" },
  server: { http: "server", stream: "stream-server", mail: "mail-server" },
  upstream: { http: "upstream", stream: "stream-upstream" },
  location: { server: "location", location: "location" },
  if: { server: "if-server", location: "if-location" },
  limit_except: { location: "limit_except" },
};
/** Blocks whose body is data read by the module's own handler (cf->handler), not directives. */
const OPAQUE_BLOCKS = ["charset_map", "geo", "map", "split_clients", "types"];

interface Entry {
  name: string;
  contexts: Context[];
  args: [number, number | null];
  block: boolean;
  flag: boolean;
  module: string;
  file: string;
  offset: number;
  conditions: string[];
  rawFlags: string;
}

const problems: string[] = [];

function fail(message: string): never {
  process.stderr.write(`nginx-directives: ${message}\n`);
  process.exit(1);
}

/** Replaces comments with spaces (newlines kept) so offsets and line numbers stay valid. */
function stripComments(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop;
    } else if (c === "/" && next === "/") {
      let stop = text.indexOf("\n", i);
      if (stop < 0) stop = text.length;
      out += " ".repeat(stop - i);
      i = stop;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

interface Directive {
  offset: number;
  conditions: string[];
}

/** Preprocessor lines blanked out (offsets kept), and the #if stack in force after each of them. */
function preprocess(text: string): { code: string; marks: Directive[] } {
  const marks: Directive[] = [];
  const stack: string[] = [];
  let code = "";
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (/^\s*#/.test(line)) {
      let full = line;
      let blanked = line.replace(/[^\n]/g, " ");
      while (full.endsWith("\\") && i + 1 < lines.length) {
        i += 1;
        const more = lines[i] ?? "";
        full = full.slice(0, -1) + " " + more;
        blanked += "\n" + more.replace(/[^\n]/g, " ");
      }
      const m = /^\s*#\s*(\w+)\s*(.*?)\s*$/.exec(full);
      const kind = m?.[1] ?? "";
      const rest = (m?.[2] ?? "").replace(/\s+/g, " ");
      if (kind === "if") stack.push(rest);
      else if (kind === "ifdef") stack.push(`defined(${rest})`);
      else if (kind === "ifndef") stack.push(`!defined(${rest})`);
      else if (kind === "else") stack.push(`!(${stack.pop() ?? ""})`);
      else if (kind === "elif") stack.push(`!(${stack.pop() ?? ""}) && ${rest}`);
      else if (kind === "endif") stack.pop();
      code += blanked;
      marks.push({ offset: code.length, conditions: [...stack] });
    } else {
      code += line;
    }
    if (i < lines.length - 1) code += "\n";
  }
  return { code, marks };
}

function conditionsAt(marks: readonly Directive[], offset: number): string[] {
  let found: string[] = [];
  for (const mark of marks) {
    if (mark.offset > offset) break;
    found = mark.conditions;
  }
  return found;
}

/** Index of the bracket closing the one at `open`, skipping string and character literals. */
function matchingClose(code: string, open: number): number {
  const pairs: Record<string, string> = { "{": "}", "(": ")", "[": "]" };
  const stack: string[] = [];
  for (let i = open; i < code.length; i++) {
    const c = code[i] ?? "";
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < code.length && code[j] !== c) j += code[j] === "\\" ? 2 : 1;
      i = j;
    } else if (pairs[c] !== undefined) {
      stack.push(pairs[c]);
    } else if (c === "}" || c === ")" || c === "]") {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

/** Splits at commas outside brackets and literals; each part with its offset. */
function splitTopLevel(code: string, start: number, end: number): { text: string; offset: number }[] {
  const parts: { text: string; offset: number }[] = [];
  let depth = 0;
  let from = start;
  for (let i = start; i < end; i++) {
    const c = code[i] ?? "";
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < end && code[j] !== c) j += code[j] === "\\" ? 2 : 1;
      i = j;
    } else if (c === "{" || c === "(" || c === "[") depth += 1;
    else if (c === "}" || c === ")" || c === "]") depth -= 1;
    else if (c === "," && depth === 0) {
      parts.push({ text: code.slice(from, i), offset: from });
      from = i + 1;
    }
  }
  parts.push({ text: code.slice(from, end), offset: from });
  return parts.map((p) => {
    const lead = p.text.length - p.text.trimStart().length;
    return { text: p.text.trim(), offset: p.offset + lead };
  });
}

function lineOf(code: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < code.length; i++) if (code[i] === "\n") line += 1;
  return line;
}

function decodeFlags(raw: string, where: string, moduleType: string | undefined): Omit<Entry, "name" | "module" | "file" | "offset" | "conditions" | "rawFlags"> | undefined {
  const tokens = raw.split("|").map((t) => t.trim());
  const contexts = new Set<Context>();
  const counts = new Set<number>();
  const other = new Set<string>();
  let ok = true;
  for (const token of tokens) {
    const ctx = CONTEXT_FLAGS[token];
    const take = TAKE_FLAGS[token];
    if (ctx !== undefined) {
      for (const c of ctx) contexts.add(c);
      const family = FLAG_FAMILY[token];
      if (moduleType !== undefined && family !== moduleType) {
        problems.push(`${where}: ${token} in a module of type ${moduleType}`);
        ok = false;
      }
    } else if (take !== undefined) {
      for (const n of take) counts.add(n);
    } else if (OTHER_ARG_FLAGS.has(token)) {
      other.add(token);
    } else {
      problems.push(`${where}: unknown flag ${JSON.stringify(token)} in ${JSON.stringify(raw)}`);
      ok = false;
    }
  }
  if (contexts.size === 0) {
    problems.push(`${where}: no context flag in ${JSON.stringify(raw)}`);
    ok = false;
  }
  // Same precedence as ngx_conf_handler(): ANY, then FLAG, 1MORE, 2MORE, then the TAKEn bits.
  let args: [number, number | null];
  let flag = false;
  if (other.has("NGX_CONF_ANY")) args = [0, null];
  else if (other.has("NGX_CONF_FLAG")) {
    args = [1, 1];
    flag = true;
  } else if (other.has("NGX_CONF_1MORE")) args = [1, null];
  else if (other.has("NGX_CONF_2MORE")) args = [2, null];
  else {
    const sorted = [...counts].sort((a, b) => a - b);
    const min = sorted[0];
    const max = sorted[sorted.length - 1];
    if (min === undefined || max === undefined) {
      problems.push(`${where}: no argument-count flag in ${JSON.stringify(raw)}`);
      return undefined;
    }
    if (max - min + 1 !== sorted.length) problems.push(`${where}: argument counts ${sorted.join(",")} are not a range`);
    args = [min, max];
  }
  const argKinds = ["NGX_CONF_ANY", "NGX_CONF_FLAG", "NGX_CONF_1MORE", "NGX_CONF_2MORE"].filter((f) => other.has(f)).length + (counts.size > 0 ? 1 : 0);
  if (argKinds > 1) problems.push(`${where}: more than one kind of argument flag in ${JSON.stringify(raw)}`);
  if (!ok) return undefined;
  const ordered = CONTEXTS.filter((c) => contexts.has(c));
  return { contexts: ordered, args, block: other.has("NGX_CONF_BLOCK"), flag };
}

function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listSources(path));
    else if (name.endsWith(".c")) out.push(path);
  }
  return out;
}

/** Every directive definition of one nginx source tree. */
function extract(arg: string): { version: string; entries: Entry[]; moduleFiles: Map<string, string>; arrays: number; byName: Map<string, Entry[]> } {
  const srcDir = existsSync(join(arg, "src", "core", "nginx.h")) ? join(arg, "src") : existsSync(join(arg, "core", "nginx.h")) ? arg : fail(`no src/core/nginx.h under ${arg}`);
  const versionMatch = /#define\s+NGINX_VERSION\s+"([^"]+)"/.exec(readFileSync(join(srcDir, "core", "nginx.h"), "utf8"));
  const version = versionMatch?.[1] ?? fail("NGINX_VERSION not found in core/nginx.h");

  const entries: Entry[] = [];
  const moduleFiles = new Map<string, string>();
  let arrays = 0;
  for (const path of listSources(srcDir)) {
    const file = "src/" + relative(srcDir, path).split("\\").join("/");
    const { code, marks } = preprocess(stripComments(readFileSync(path, "utf8")));

    // Module definitions: ngx_module_t name = { NGX_MODULE_V1, &ctx, commands, type, ... };
    const commandsModule = new Map<string, { module: string; type: string }>();
    for (const m of code.matchAll(/\bngx_module_t\s+(\w+)\s*=\s*\{/g)) {
      const open = (m.index ?? 0) + m[0].length - 1;
      const close = matchingClose(code, open);
      const fields = splitTopLevel(code, open + 1, close).map((f) => f.text);
      const name = m[1] ?? "";
      const commands = fields[2] ?? "";
      const type = fields[3] ?? "";
      if (close < 0 || fields[0] !== "NGX_MODULE_V1") problems.push(`${file}: cannot read module ${name}`);
      else if (commands !== "NULL") commandsModule.set(commands, { module: name, type });
    }

    for (const m of code.matchAll(/\bngx_command_t\s+(\w+)\s*\[\s*\]\s*=\s*\{/g)) {
      arrays += 1;
      const arrayName = m[1] ?? "";
      const open = (m.index ?? 0) + m[0].length - 1;
      const close = matchingClose(code, open);
      if (close < 0) {
        problems.push(`${file}: unbalanced braces in ${arrayName}`);
        continue;
      }
      const owner = commandsModule.get(arrayName);
      if (owner === undefined) problems.push(`${file}: no ngx_module_t uses ${arrayName}`);
      const module = owner?.module ?? arrayName;
      moduleFiles.set(module, file);
      const items = splitTopLevel(code, open + 1, close).filter((p) => p.text !== "");
      items.forEach((item, index) => {
        const where = `${file}:${lineOf(code, item.offset)}`;
        if (item.text === "ngx_null_command") {
          if (index !== items.length - 1) problems.push(`${where}: ngx_null_command before the end of ${arrayName}`);
          return;
        }
        if (!item.text.startsWith("{") || !item.text.endsWith("}")) {
          problems.push(`${where}: cannot read entry ${JSON.stringify(item.text.slice(0, 60))}`);
          return;
        }
        const fields = splitTopLevel(item.text, 1, item.text.length - 1).map((f) => f.text);
        const nameMatch = /^ngx_string\s*\(\s*"([^"]+)"\s*\)$/.exec(fields[0] ?? "");
        const rawFlags = (fields[1] ?? "").replace(/\s+/g, "");
        if (nameMatch?.[1] === undefined || fields.length !== 6) {
          problems.push(`${where}: cannot read entry ${JSON.stringify(item.text.replace(/\s+/g, " ").slice(0, 80))}`);
          return;
        }
        const name = nameMatch[1];
        const decoded = decodeFlags(rawFlags, `${where} ${name}`, owner?.type);
        if (decoded === undefined) return;
        // Only ngx_conf_set_flag_slot insists on `on`/`off`; a FLAG read by an enum (ssl_ocsp on|off|leaf) does not.
        const onOff = decoded.flag && fields[2] === "ngx_conf_set_flag_slot";
        entries.push({ name, ...decoded, flag: onOff, module, file, offset: item.offset, conditions: conditionsAt(marks, item.offset), rawFlags });
      });
      if (items[items.length - 1]?.text !== "ngx_null_command") problems.push(`${file}: ${arrayName} does not end with ngx_null_command`);
    }
  }

  // Group by name; definitions in source order (file path, then position).
  const byName = new Map<string, Entry[]>();
  for (const e of entries) {
    const list = byName.get(e.name) ?? [];
    if (list.some((o) => o.module === e.module)) problems.push(`${e.file}: ${e.name} defined twice in ${e.module}`);
    list.push(e);
    byName.set(e.name, list);
  }
  return { version, entries, moduleFiles, arrays, byName };
}

function main(): void {
  const [arg, ...older] = process.argv.slice(2);
  if (arg === undefined) fail("usage: npx tsx scripts/nginx-directives.ts <nginx-src-dir> [<older-nginx-src-dir>...]");
  const { version, entries, moduleFiles, arrays, byName } = extract(arg);
  // The newest of the older trees given that lacks each directive: a repository on that release or older cannot use it.
  const history = older.map((dir) => extract(dir)).sort((a, b) => compareVersions(a.version, b.version));
  const absentIn = new Map<string, string>();
  for (const name of byName.keys()) {
    const lacking = [...history].reverse().find((h) => !h.byName.has(name));
    if (lacking) absentIn.set(name, lacking.version);
  }
  const names = [...byName.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  // The hand-maintained block lists must agree with the parsed table.
  for (const [name, opens] of Object.entries(BLOCK_OPENS)) {
    for (const parent of Object.keys(opens) as Context[]) {
      if (!(byName.get(name) ?? []).some((e) => e.block && e.contexts.includes(parent))) problems.push(`BLOCK_OPENS: ${name} is not a block directive in ${parent}`);
    }
  }
  for (const name of OPAQUE_BLOCKS) {
    if (!(byName.get(name) ?? []).some((e) => e.block)) problems.push(`OPAQUE_BLOCKS: ${name} is not a block directive`);
  }
  for (const e of entries) {
    if (!e.block) continue;
    if (OPAQUE_BLOCKS.includes(e.name)) continue;
    const opens = BLOCK_OPENS[e.name] ?? {};
    for (const c of e.contexts) if (opens[c] === undefined) problems.push(`${e.file}: block ${e.name} in ${c} is in neither BLOCK_OPENS nor OPAQUE_BLOCKS`);
  }

  if (problems.length > 0) fail(`${problems.length} problem(s):\n  ${problems.join("\n  ")}`);

  const q = (s: string): string => JSON.stringify(s);
  const key = (s: string): string => (/^[A-Za-z_$][\w$]*$/.test(s) ? s : q(s));
  const out: string[] = [];
  out.push(
    "// GENERATED FILE: do not edit.",
    `// Generated by scripts/nginx-directives.ts from the sources of nginx ${version} (git tag release-${version} of`,
    "// https://github.com/nginx/nginx), every ngx_command_t array in src/**/*.c: core, event, http, stream and mail",
    "// modules, standard and optional ones alike, and entries behind #if as well. To regenerate:",
    `//   git -C <nginx.git> archive release-${version} src | tar -x -C <nginx-src-dir>`,
    `//   npx tsx scripts/nginx-directives.ts <nginx-src-dir> ${history.map((h) => `<nginx-${h.version}-src-dir>`).join(" ")} > ${OUTPUT_PATH}`,
    "",
    `/** nginx version the table was generated from. */`,
    `export const NGINX_SOURCE_VERSION = ${q(version)};`,
    "",
    "/**",
    " * Where a directive may appear. Derived from the context flags of ngx_command_t.type:",
    " *   NGX_MAIN_CONF, NGX_DIRECT_CONF → main      NGX_EVENT_CONF → events",
    " *   NGX_HTTP_MAIN_CONF → http    NGX_HTTP_SRV_CONF → server    NGX_HTTP_LOC_CONF → location",
    " *   NGX_HTTP_UPS_CONF → upstream    NGX_HTTP_SIF_CONF → if-server (`if` in server)",
    " *   NGX_HTTP_LIF_CONF → if-location (`if` in location)    NGX_HTTP_LMT_CONF → limit_except",
    " *   NGX_STREAM_MAIN_CONF → stream    NGX_STREAM_SRV_CONF → stream-server    NGX_STREAM_UPS_CONF → stream-upstream",
    " *   NGX_MAIL_MAIN_CONF → mail    NGX_MAIL_SRV_CONF → mail-server",
    " *   NGX_ANY_CONF (only `include`) → every context",
    " * The blocks `events`, `http`, `stream`, `mail`, `server`, `upstream`, `location`, `if` and `limit_except` are",
    " * directives themselves and open these contexts (see NGINX_BLOCK_OPENS); `types`, `map`, `geo`, `split_clients`",
    " * and `charset_map` are blocks whose body is data, not directives (see NGINX_OPAQUE_BLOCKS).",
    " */",
    "export type NginxContext =",
    ...CONTEXTS.map((c, i) => `  | ${q(c)}${i === CONTEXTS.length - 1 ? ";" : ""}`),
    "",
    "/** One definition of a directive (one ngx_command_t entry). */",
    "export interface DirectiveSpec {",
    "  /** Contexts the directive is allowed in. */",
    "  contexts: readonly NginxContext[];",
    "  /** Number of arguments allowed, inclusive; max null = unlimited (NGX_CONF_1MORE, NGX_CONF_2MORE, NGX_CONF_ANY). */",
    "  args: readonly [min: number, max: number | null];",
    "  /** NGX_CONF_BLOCK: followed by `{ ... }` instead of `;`. */",
    "  block: boolean;",
    "  /** NGX_CONF_FLAG read by ngx_conf_set_flag_slot: exactly one argument, `on` or `off`. */",
    "  flag: boolean;",
    "  /** The ngx_module_t that defines it, e.g. ngx_http_proxy_module; its source file is in NGINX_MODULE_FILES. */",
    "  module: string;",
    "}",
    "",
    "/**",
    " * Every directive of the nginx sources, sorted by name; one entry per definition (e.g. `server` is defined by",
    " * the http core, upstream, stream core, stream upstream and mail core modules). Optional modules are included,",
    " * so a name here may still be unknown to a given nginx build. Entries compiled only under a preprocessor",
    " * condition are marked with a comment. Look names up with nginxDirective(), not by indexing: this is a plain",
    " * object, so `NGINX_DIRECTIVES[\"constructor\"]` is Object's.",
    " */",
    "export const NGINX_DIRECTIVES: Record<string, readonly DirectiveSpec[]> = {",
  );
  for (const name of names) {
    out.push(`  ${key(name)}: [`);
    for (const e of byName.get(name) ?? []) {
      const max = e.args[1] === null ? "null" : String(e.args[1]);
      const cond = e.conditions.length > 0 ? ` // #if ${e.conditions.join(" && ")}` : "";
      out.push(`    { contexts: [${e.contexts.map(q).join(", ")}], args: [${e.args[0]}, ${max}], block: ${e.block}, flag: ${e.flag}, module: ${q(e.module)} },${cond}`);
    }
    out.push("  ],");
  }
  out.push("};", "");

  out.push("/** Source file of each module, relative to the nginx source root. */", "export const NGINX_MODULE_FILES: Record<string, string> = {");
  for (const [module, file] of [...moduleFiles].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out.push(`  ${key(module)}: ${q(file)},`);
  out.push("};", "");

  out.push(
    "/** The context a block directive opens, by the context it appears in (hand-maintained in the generator, checked against the table). */",
    "export const NGINX_BLOCK_OPENS: Record<string, Partial<Record<NginxContext, NginxContext>>> = {",
  );
  for (const name of Object.keys(BLOCK_OPENS).sort()) {
    const opens = BLOCK_OPENS[name] ?? {};
    const pairs = CONTEXTS.filter((c) => opens[c] !== undefined).map((c) => `${key(c)}: ${q(opens[c] ?? "")}`);
    out.push(`  ${key(name)}: { ${pairs.join(", ")} },`);
  }
  out.push("};", "");
  out.push(
    "/** Block directives whose body is data read by the module's own handler, not directives (`include` is also accepted in types, map and geo). */",
    `export const NGINX_OPAQUE_BLOCKS: readonly string[] = [${[...OPAQUE_BLOCKS].sort().map(q).join(", ")}];`,
    "",
    `/** The newest release among ${history.length > 0 ? history.map((h) => h.version).join(", ") : "(none given)"} that lacks a directive; absent: all of them have it. */`,
    `export const NGINX_DIRECTIVE_ABSENT_IN: Record<string, string> = {${[...absentIn].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, v]) => `\n  ${key(n)}: ${q(v)},`).join("")}${absentIn.size > 0 ? "\n" : ""}};`,
    "",
    "/** The definitions of a directive name, or undefined for a name no nginx module defines. */",
    "export function nginxDirective(name: string): readonly DirectiveSpec[] | undefined {",
    "  return Object.hasOwn(NGINX_DIRECTIVES, name) ? NGINX_DIRECTIVES[name] : undefined;",
    "}",
    "",
  );
  process.stdout.write(out.join("\n"));
  process.stderr.write(`nginx-directives: nginx ${version}: ${arrays} command arrays, ${names.length} directives, ${entries.length} entries\n`);
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

main();
