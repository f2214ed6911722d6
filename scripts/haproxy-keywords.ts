/**
 * Generates HAProxy keyword tables from HAProxy's own configuration manual
 * (`doc/configuration.txt` of a release), so that lb-review knows the keywords of that release
 * instead of guessing:
 *
 *   npx tsx scripts/haproxy-keywords.ts <path/to/configuration.txt> > src/formats/haproxy/keywords-3.2.generated.ts
 *
 * Everything comes from the manual's text; the only hand-written data is CORRECTIONS below,
 * which is empty unless the manual is irregular in a way the parser cannot read. Notes about
 * what was read loosely (and cross-check mismatches) go to stderr, never into the output.
 *
 * What is read, by chapter of the manual:
 * - header: "version X.Y" under the title.
 * - 3 (global): the bulleted keyword lists in the chapter's preamble, and the keyword
 *   signature lines of 3.1 to 3.4 (a keyword may be described without being in the lists).
 * - 4.1: the "Proxy keywords matrix" (defaults, frontend, listen, backend columns).
 * - 4.2: the keyword reference, for the "May be used in sections" tables of keywords the
 *   matrix leaves out on purpose, the `balance` algorithms and the `mode` values.
 * - 5.1 / 5.2: the bind and server option signature lines; the arity is the number of
 *   argument placeholders on the signature line.
 * - sections: the keywords that start a configuration section (see findSections).
 */
import { readFileSync } from "node:fs";

/**
 * Hand corrections for what the manual gets wrong, each with its reason. Keys are
 * "<table>:<keyword>"; a null value drops the keyword. Irregularities the general rules can read
 * (an unclosed `<network[,...]` placeholder, `[ ... ]` around required values, a section keyword
 * without an indented description) are not corrected here; they are reported on stderr.
 */
const CORRECTIONS: Record<string, { value: number | string | null; why: string }> = {
  "proxy:crt": {
    value: null,
    why:
      'stale 4.1 matrix row: during 3.2 development the proxy-level "crt" keyword became "ssl-f-use" ' +
      '(haproxy commit feb1a9ea1 "DOC: configuration: replace "crt" by "ssl-f-use" in listeners" updated 4.2 only); ' +
      'v3.2.0 registers only "ssl-f-use" for proxies (src/cfgparse-ssl.c), which 4.2 documents',
  },
  // A listen section is a frontend and a backend: the matrix cannot say '-' for listen and 'X'
  // for one of the two. These two rows (and, for the first, 4.2 as well) do; src/proxy.c of
  // v3.2.0 declares the request option PR_CAP_BE and the response option PR_CAP_FE.
  "proxy:option http-drop-request-trailers": {
    value: "X-XX",
    why: "matrix and 4.2 say X--X, but a backend-side option is valid in listen (PR_CAP_BE in src/proxy.c)",
  },
  "proxy:option http-drop-response-trailers": {
    value: "XXX-",
    why: "matrix says X-X- but 4.2 says XXX- and the option is frontend-side (PR_CAP_FE in src/proxy.c)",
  },
};

type Table = "bind" | "server" | "proxy" | "global";

function corrected<T extends number | string>(table: Table, kw: string, value: T): T | null {
  const c = CORRECTIONS[`${table}:${kw}`];
  if (c === undefined) return value;
  note(`correction ${table}:${kw}: ${JSON.stringify(value)} -> ${JSON.stringify(c.value)} (${c.why})`);
  return c.value as T | null;
}

const notes: string[] = [];
function note(message: string): void {
  notes.push(message);
}

function fail(message: string): never {
  process.stderr.write(`haproxy-keywords: ${message}\n`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// Document structure

interface Chapter {
  /** "3", "4.1", "12.7.1" */
  number: string;
  title: string;
  /** Line index of the heading. */
  start: number;
  /** Line index after the chapter's last line (the next heading of any level). */
  end: number;
}

/** Headings are "N.N. Title" at column 0, underlined by dashes on the next line. */
function findChapters(lines: readonly string[]): Chapter[] {
  const chapters: Chapter[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const m = /^(\d+(?:\.\d+)*)\.\s+(\S.*)$/.exec(lines[i]!);
    if (m && /^-{3,}\s*$/.test(lines[i + 1]!)) chapters.push({ number: m[1]!, title: m[2]!.trim(), start: i, end: lines.length });
  }
  for (let i = 0; i + 1 < chapters.length; i++) chapters[i]!.end = chapters[i + 1]!.start;
  return chapters;
}

function chapter(chapters: readonly Chapter[], number: string): Chapter {
  const c = chapters.find((ch) => ch.number === number);
  if (!c) fail(`no chapter ${number} in the manual`);
  return c;
}

/** A chapter with all its sub-chapters. */
function chapterSpan(chapters: readonly Chapter[], number: string): { start: number; end: number } {
  const first = chapter(chapters, number);
  const inside = chapters.filter((c) => c.number === number || c.number.startsWith(`${number}.`));
  return { start: first.start, end: inside[inside.length - 1]!.end };
}

// ---------------------------------------------------------------------------------------------
// Keyword signature lines

/**
 * A keyword entry: one or more signature lines at column 0 (a blank line before the first),
 * then, normally, an indented description.
 */
interface Entry {
  line: number;
  signatures: string[];
  /** The indented description up to the next entry, without its indentation. */
  description: string[];
  /** False when the signature is followed by unindented prose (an irregular entry). */
  indented: boolean;
}

const KEYWORD_START = /^[a-z0-9][a-z0-9._-]*(?:\([^)\s]*\))?(?:\s|$)/;
const HEADING = /^\d+(?:\.\d+)*\.\s/;

function isSignature(line: string): boolean {
  return KEYWORD_START.test(line) && !HEADING.test(line);
}

function findEntries(lines: readonly string[], start: number, end: number): Entry[] {
  const entries: Entry[] = [];
  let i = start;
  while (i < end) {
    const line = lines[i]!;
    const prevBlank = i === start || lines[i - 1]!.trim() === "";
    if (!prevBlank || !isSignature(line)) {
      i++;
      continue;
    }
    const signatures = [line.trimEnd()];
    let j = i + 1;
    while (j < end && isSignature(lines[j]!)) signatures.push(lines[j++]!.trimEnd());
    const next = j < end ? lines[j]! : "";
    const indented = /^\s+\S/.test(next);
    // Prose that merely starts with a lowercase word: several column-0 lines that do not look
    // like signatures (no placeholder, several plain words) are not an entry.
    if (!indented && !signatures.every(looksLikeSignature)) {
      i = j;
      continue;
    }
    const description: string[] = [];
    let k = j;
    while (k < end && !(lines[k - 1]!.trim() === "" && isSignature(lines[k]!))) {
      if (/^\s/.test(lines[k]!) || lines[k]!.trim() === "") description.push(lines[k]!.replace(/^\s{2}/, ""));
      else if (indented) break;
      k++;
    }
    entries.push({ line: i, signatures, description, indented });
    i = j;
  }
  return entries;
}

/** A signature has a keyword and only placeholders, brackets, alternatives and short words. */
function looksLikeSignature(line: string): boolean {
  const rest = line.replace(KEYWORD_START, "").trim();
  if (rest === "") return true;
  if (/[<[{]/.test(rest)) return true;
  return rest.split(/\s+/).length <= 2 && !/[.,:;]$/.test(rest);
}

function firstWord(signature: string): string {
  return signature.split(/\s+/)[0]!.replace(/\(.*$/, "");
}

// ---------------------------------------------------------------------------------------------
// Argument counting for bind / server options

/** Splits a signature's argument text into groups separated by whitespace outside brackets. */
function argumentGroups(text: string): string[] {
  const groups: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if ("[{(".includes(ch)) depth++;
    else if ("]})".includes(ch)) depth = Math.max(0, depth - 1);
    if (/\s/.test(ch) && depth === 0) {
      if (current) groups.push(current);
      current = "";
    } else current += ch;
  }
  if (current) groups.push(current);
  return groups;
}

function hasTopLevelBar(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if ("[{(".includes(ch)) depth++;
    else if ("]})".includes(ch)) depth--;
    else if (ch === "|" && depth === 0) return true;
  }
  return false;
}

interface Arity {
  required: number;
  /** Optional trailing sub-options, e.g. `[interface <name>]`. */
  optional: string[];
  /** `[ a | b ]` groups read as a required value. */
  looseRequired: string[];
}

/**
 * Counts a bind/server option's arguments from its signature line. Each whitespace-separated
 * group is one argument: `<value>`, `{ a | b }`, a literal word, or a glued form such as
 * `[<backend>/]<server>`. Not counted: `...`, annotations such as `[ EXPERIMENTAL ]` or
 * `(deprecated)`, and optional sub-options `[word <value>]`. A whole group in `[ ]` that only
 * lists values (`[none|required]`, `[ SSLv3 | TLSv1.0 ]`) is the manual's loose way of writing a
 * required value: bind and server options never take an optional value.
 */
function arity(signature: string): Arity {
  let rest = signature.replace(KEYWORD_START, " ").trim();
  rest = rest.replace(/\((?:deprecated|experimental)\)/gi, " ").replace(/\[\s*[A-Z][A-Z ]*\]/g, " ");
  rest = rest.replace(/<[^<>]*>/g, "<x>");
  const result: Arity = { required: 0, optional: [], looseRequired: [] };
  for (const group of argumentGroups(rest)) {
    if (/^(\.\.\.|\[\.\.\.\]\*?|\*)$/.test(group)) continue;
    const whole = /^\[(.*)\]$/.exec(group);
    if (whole && balanced(whole[1]!)) {
      const inner = whole[1]!.trim();
      const words = argumentGroups(inner);
      if (/^[a-z][a-z0-9_-]*$/.test(words[0] ?? "") && words.length > 1 && !hasTopLevelBar(inner)) {
        result.optional.push(group);
        continue;
      }
      result.looseRequired.push(group);
    }
    result.required++;
  }
  return result;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === "[") depth++;
    else if (ch === "]" && --depth < 0) return false;
  }
  return depth === 0;
}

interface Options {
  arity: Record<string, number>;
  /** Keywords whose signature has optional trailing sub-options, which the arity leaves out. */
  trailing: Record<string, Set<string>>;
}

function optionArities(lines: readonly string[], span: { start: number; end: number }, table: "bind" | "server"): Options {
  const out: Record<string, number> = {};
  const trailing: Record<string, Set<string>> = {};
  for (const entry of findEntries(lines, span.start, span.end)) {
    for (const sig of entry.signatures) {
      const kw = firstWord(sig);
      const a = arity(sig);
      if (a.optional.length) {
        note(`${table} '${kw}': optional trailing arguments not counted: ${a.optional.join(" ")}`);
        for (const o of a.optional) (trailing[kw] ??= new Set()).add(/^\[\s*([a-z][a-z0-9_-]*)/.exec(o)![1]!);
      }
      if (a.looseRequired.length) note(`${table} '${kw}': bracketed value read as required: ${a.looseRequired.join(" ")}`);
      const value = corrected(table, kw, a.required);
      if (value === null) continue;
      const prev = out[kw];
      if (prev !== undefined && prev !== value) note(`${table} '${kw}': signatures disagree (${prev} vs ${value}); keeping the smaller`);
      out[kw] = prev === undefined ? value : Math.min(prev, value);
    }
    const cont = entry.description.find((l) => /^\s*[[{]/.test(l));
    if (cont !== undefined && entry.description.indexOf(cont) === 0) note(`${table} '${firstWord(entry.signatures[0]!)}': signature continues on an indented line`);
  }
  return { arity: out, trailing };
}

/** Doc comment for an option table, naming the keywords with optional trailing sub-options. */
function optionsDoc(what: string, chapterNumber: string, options: Options): string {
  const lines = [
    `/**`,
    ` * Options of ${what} lines (${chapterNumber}) to the number of arguments their signature line requires`,
    ` * (0: a flag; \`[ a | b ]\` around a value is read as a required value).`,
  ];
  for (const [kw, subs] of sorted(options.trailing)) {
    lines.push(` * "${kw}" may also be followed by optional ${[...subs].sort().map((x) => `"${x} ..."`).join(" / ")} groups, not counted.`);
  }
  lines.push(` */`);
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Global keywords

function globalKeywords(lines: readonly string[], chapters: readonly Chapter[]): { keywords: string[]; listOnly: string[]; entryOnly: string[] } {
  const ch3 = chapter(chapters, "3");
  const listed = new Set<string>();
  for (let i = ch3.start; i < ch3.end; i++) {
    const m = /^\s+-\s+([a-z0-9][a-z0-9._-]*)(\s+\(deprecated\))?\s*$/.exec(lines[i]!);
    if (m) listed.add(m[1]!);
  }
  const described = new Set<string>();
  for (const sub of chapters.filter((c) => c.number.startsWith("3."))) {
    for (const entry of findEntries(lines, sub.start + 2, sub.end)) for (const sig of entry.signatures) described.add(firstWord(sig));
  }
  const all = new Set<string>();
  for (const kw of [...listed, ...described]) {
    const v = corrected("global", kw, kw);
    if (v !== null) all.add(v);
  }
  return {
    keywords: [...all].sort(),
    listOnly: [...listed].filter((k) => !described.has(k)).sort(),
    entryOnly: [...described].filter((k) => !listed.has(k)).sort(),
  };
}

// ---------------------------------------------------------------------------------------------
// Proxy keywords

interface Matrix {
  table: Record<string, string>;
  negatable: string[];
  namedDefaultsOnly: string[];
  deprecated: string[];
}

/** Column order of the matrix and of the letters: defaults, frontend, listen, backend. */
const MATRIX_HEADER = /^\s*keyword\s+defaults\s+frontend\s+listen\s+backend\s*$/;
const MATRIX_ROW = /^(\S.*?)\s{2,}(?:(\(\*\)|\(deprecated\))\s+)?(X(?: \(!\))?|-)\s+(X|-)\s+(X|-)\s+(X|-)\s*$/;

function proxyMatrix(lines: readonly string[], chapters: readonly Chapter[]): Matrix {
  const ch = chapter(chapters, "4.1");
  const result: Matrix = { table: {}, negatable: [], namedDefaultsOnly: [], deprecated: [] };
  let inTable = false;
  for (let i = ch.start; i < ch.end; i++) {
    const line = lines[i]!;
    if (MATRIX_HEADER.test(line)) {
      inTable = !inTable || Object.keys(result.table).length === 0;
      continue;
    }
    if (!inTable || /^-/.test(line) || line.trim() === "") continue;
    const m = MATRIX_ROW.exec(line);
    if (!m) {
      note(`proxy matrix: unreadable row ${i + 1}: ${line.trim()}`);
      continue;
    }
    const kw = m[1]!.trim().replace(/\s+/g, " ");
    const letters = [m[3]!, m[4]!, m[5]!, m[6]!].map((c) => (c.startsWith("X") ? "X" : "-")).join("");
    if (m[2] === "(*)") result.negatable.push(kw);
    if (m[2] === "(deprecated)") result.deprecated.push(kw);
    if (m[3]!.includes("(!)")) result.namedDefaultsOnly.push(kw);
    if (result.table[kw] !== undefined) note(`proxy matrix: '${kw}' listed twice`);
    if (letters[2] === "-" && (letters[1] === "X" || letters[3] === "X")) note(`proxy matrix: '${kw}' is ${letters}: allowed in a frontend or backend but not in listen`);
    const v = corrected("proxy", kw, letters);
    if (v !== null) result.table[kw] = v;
  }
  if (Object.keys(result.table).length === 0) fail("proxy keywords matrix not found in 4.1");
  return result;
}

/** A 4.2 entry's keyword: the longest prefix of its words that the matrix knows, else a guess. */
function referenceKeyword(signature: string, known: ReadonlySet<string>, families: ReadonlySet<string>): string {
  // "set-var(<name>)", "rdp-cookie(<name>)": the keyword is the part before the parenthesis.
  const words = signature
    .replace(/^no\s+/, "")
    .split(/\s+/)
    .map((w) => w.replace(/\(.*$/, ""));
  for (let n = Math.min(words.length, 4); n > 0; n--) {
    const kw = words.slice(0, n).join(" ");
    if (known.has(kw)) return kw;
  }
  const w0 = words[0]!;
  const w1 = words[1];
  if (families.has(w0) && w1 !== undefined && /^[a-z][a-z0-9_-]*$/.test(w1)) return `${w0} ${w1}`;
  return w0;
}

function usedIn(description: readonly string[]): string | undefined {
  const idx = description.findIndex((l) => /May be used in sections\s*:\s*defaults\s*\|\s*frontend\s*\|\s*listen\s*\|\s*backend/.test(l));
  if (idx < 0) return undefined;
  const cells = (description[idx + 1] ?? "").split("|").map((c) => c.trim());
  if (cells.length !== 4 || !cells.every((c) => /^(yes|no)(\(!\))?$/.test(c))) return undefined;
  return cells.map((c) => (c.startsWith("yes") ? "X" : "-")).join("");
}

interface Reference {
  referenceOnly: Record<string, string>;
  balance: string[];
  modes: string[];
}

function proxyReference(lines: readonly string[], chapters: readonly Chapter[], matrix: Matrix): Reference {
  const ch = chapter(chapters, "4.2");
  const known = new Set(Object.keys(matrix.table));
  const families = new Set([...known].filter((k) => k.includes(" ")).map((k) => k.split(" ")[0]!));
  const out: Reference = { referenceOnly: {}, balance: [], modes: [] };
  for (const entry of findEntries(lines, ch.start + 2, ch.end)) {
    const letters = usedIn(entry.description);
    const kws = new Set(entry.signatures.map((s) => referenceKeyword(s, known, families)));
    for (const kw of kws) {
      if (letters === undefined) continue;
      const inMatrix = matrix.table[kw];
      if (inMatrix === undefined) {
        const v = corrected("proxy", kw, letters);
        if (v !== null) out.referenceOnly[kw] = v;
      } else if (inMatrix !== letters) {
        note(`proxy '${kw}': matrix says ${inMatrix}, 4.2 says ${letters} (the matrix, after CORRECTIONS, is kept)`);
      }
    }
    const sig0 = entry.signatures[0]!;
    if (firstWord(sig0) === "balance") {
      // The items of "<algorithm> may be one of the following", up to the "<arguments>" item.
      const from = entry.description.findIndex((l) => /<algorithm> may be one of the following/.test(l));
      const to = entry.description.findIndex((l, i) => i > from && /^ {2}<arguments>/.test(l));
      if (from < 0 || to < 0) note("balance: the list of algorithms was not found");
      for (const l of entry.description.slice(from + 1, to)) {
        const m = /^ {4}([a-z][a-z0-9_-]*)(?:\([^)]*\))?(?:\s+[A-Z]|$)/.exec(l);
        if (m && !out.balance.includes(m[1]!)) out.balance.push(m[1]!);
      }
    }
    const mode = /^mode\s+\{(.*)\}\s*$/.exec(sig0);
    if (mode) out.modes = mode[1]!.split("|").map((s) => s.trim()).filter(Boolean);
  }
  if (out.balance.length === 0) note("no balance algorithms found in 4.2");
  if (out.modes.length === 0) note("no mode values found in 4.2");
  return out;
}

// ---------------------------------------------------------------------------------------------
// Section keywords

/**
 * Keywords that start a configuration section:
 * - the proxies listed at the top of chapter 4 (" - defaults [<name>] ...");
 * - every "The following keywords are supported in the "X" section" ("global", "crt-store");
 * - an entry whose description starts "Creates (a) new ...", "Starts a new ...", "Declare a
 *   ... section" / "Declare a ... named", or "This is a new ... section" (resolvers, cache,
 *   peers, userlist, ring, log-forward, log-profile, fcgi-app, program, ...);
 * - the first entry of a chapter whose text speaks of a "X" section with the entry's keyword X
 *   (this catches entries without an indented description, such as "acme <name>").
 */
function findSections(lines: readonly string[], chapters: readonly Chapter[]): string[] {
  const found = new Set<string>();
  const ch4 = chapter(chapters, "4");
  for (let i = ch4.start; i < ch4.end; i++) {
    const m = /^ - ([a-z][a-z0-9_-]*)\s+(?:\[?<name>|\[<name>\])/.exec(lines[i]!);
    if (m) found.add(m[1]!);
  }
  for (const line of lines) {
    for (const m of line.matchAll(/keywords are supported in the "([a-z][a-z0-9_-]*)" section/g)) found.add(m[1]!);
  }
  const starts = /^(Creates? (?:a )?new\b|Starts? a new\b|Declares? an? .*\b(?:section|named)\b|This is a new .*\bsection\b)/;
  for (const ch of chapters) {
    const entries = findEntries(lines, ch.start + 2, ch.end);
    entries.forEach((entry, index) => {
      const sig = entry.signatures[0]!;
      if (entry.signatures.length !== 1 || !/^[a-z][a-z0-9_-]*(\s+(\[?<[^>]+>\]?))?\s*$/.test(sig)) return;
      const kw = firstWord(sig);
      const firstLine = entry.description.find((l) => l.trim() !== "")?.trim() ?? "";
      if (entry.indented && starts.test(firstLine)) {
        found.add(kw);
        return;
      }
      if (index === 0) {
        const text = lines.slice(ch.start, ch.end).join("\n");
        if (new RegExp(`"${kw.replace(/[-.]/g, "\\$&")}" section`, "i").test(text)) {
          if (!entry.indented) note(`section '${kw}': entry has no indented description (found through its chapter's text)`);
          found.add(kw);
        }
      }
    });
  }
  return [...found].sort();
}

// ---------------------------------------------------------------------------------------------
// Output

function sorted<T>(record: Record<string, T>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function stringList(name: string, doc: string, values: readonly string[]): string {
  const body = [...values].sort().map((v) => `  ${JSON.stringify(v)},`).join("\n");
  return `${doc}\nexport const ${name}: readonly string[] = [\n${body}\n];\n`;
}

function record(name: string, type: string, doc: string, values: Record<string, string | number>): string {
  const body = sorted(values).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`).join("\n");
  return `${doc}\nexport const ${name}: Record<string, ${type}> = {\n${body}\n};\n`;
}

function main(): void {
  const args = process.argv.slice(2);
  const refAt = args.indexOf("--ref");
  const ref = refAt >= 0 ? args.splice(refAt, 2)[1] : undefined;
  const path = args[0];
  if (!path || args.length !== 1 || (refAt >= 0 && !ref)) {
    fail("usage: npx tsx scripts/haproxy-keywords.ts <path/to/configuration.txt> [--ref <haproxy git tag>]");
  }
  const lines = readFileSync(path, "utf8").replace(/\r\n?/g, "\n").split("\n");
  const head = lines.slice(0, 15).join("\n");
  const version = /^\s*version\s+(\S+)\s*$/m.exec(head)?.[1];
  const date = /^\s*(\d{4}\/\d{2}\/\d{2})\s*$/m.exec(head)?.[1];
  if (!version || !/HAProxy/.test(head) || !/Configuration Manual/.test(head)) fail(`${path} does not start like HAProxy's configuration manual`);

  const chapters = findChapters(lines);
  const global = globalKeywords(lines, chapters);
  const matrix = proxyMatrix(lines, chapters);
  const reference = proxyReference(lines, chapters, matrix);
  const bind = optionArities(lines, chapterSpan(chapters, "5.1"), "bind");
  const server = optionArities(lines, chapterSpan(chapters, "5.2"), "server");
  const sections = findSections(lines, chapters);
  if (global.listOnly.length) note(`global keywords in the lists but not described: ${global.listOnly.join(" ")}`);
  if (global.entryOnly.length) note(`global keywords described but not in the lists: ${global.entryOnly.join(" ")}`);

  const suffix = version.replace(/\D/g, "");
  const gitRef = ref ?? `<tag of HAProxy ${version}>`;
  const out = [
    `// GENERATED FILE, do not edit. Made by scripts/haproxy-keywords.ts from HAProxy's doc/configuration.txt`,
    `// ${ref ? `at ${ref} of https://github.com/haproxy/haproxy, ` : ""}whose header says "version ${version}"${date ? `, ${date}` : ""}.`,
    `// To regenerate (from this repository's root; <haproxy> is a clone of haproxy/haproxy):`,
    `//   git -C <haproxy> show ${gitRef}:doc/configuration.txt > /tmp/haproxy-configuration-${version}.txt`,
    `//   npx tsx scripts/haproxy-keywords.ts /tmp/haproxy-configuration-${version}.txt${ref ? ` --ref ${ref}` : ""} > src/formats/haproxy/keywords-${version}.generated.ts`,
    ``,
    `/** The version line of the configuration manual these tables were read from. */`,
    `export const HAPROXY_DOC_VERSION = ${JSON.stringify(version)};`,
    ``,
    stringList(
      `GLOBAL_KEYWORDS_${suffix}`,
      `/** Keywords of the "global" section: the keyword lists of chapter 3 and the keywords described in 3.1 to 3.4. */`,
      global.keywords,
    ),
    record(
      `PROXY_KEYWORDS_${suffix}`,
      "string",
      [
        `/**`,
        ` * The "Proxy keywords matrix" (4.1): keyword (one or more words, as in the matrix) to four`,
        ` * letters, one a column IN THIS ORDER: defaults, frontend, listen, backend. 'X': allowed,`,
        ` * '-': not allowed. "X (!)" (named defaults sections only) is 'X' here; see`,
        ` * PROXY_NAMED_DEFAULTS_ONLY_${suffix}. Keywords the matrix leaves out are in PROXY_KEYWORDS_REFERENCE_ONLY_${suffix}.`,
        ` */`,
      ].join("\n"),
      matrix.table,
    ),
    record(
      `PROXY_KEYWORDS_REFERENCE_ONLY_${suffix}`,
      "string",
      [
        `/**`,
        ` * Proxy keywords described in 4.2 but left out of the 4.1 matrix (the manual leaves some out on`,
        ` * purpose), with the letters of their "May be used in sections" table, same column order as`,
        ` * PROXY_KEYWORDS_${suffix}: defaults, frontend, listen, backend.`,
        ` */`,
      ].join("\n"),
      reference.referenceOnly,
    ),
    stringList(`PROXY_NEGATABLE_${suffix}`, `/** Matrix keywords marked "(*)": they accept a "no" (and "default") prefix. */`, matrix.negatable),
    stringList(`PROXY_NAMED_DEFAULTS_ONLY_${suffix}`, `/** Matrix keywords marked "X (!)": in defaults sections, only named ones. */`, matrix.namedDefaultsOnly),
    stringList(`PROXY_DEPRECATED_${suffix}`, `/** Matrix keywords marked "(deprecated)". */`, matrix.deprecated),
    stringList(`BALANCE_ALGORITHMS_${suffix}`, `/** The algorithms the "balance" entry of 4.2 lists (without their "(<arg>)" forms). */`, reference.balance),
    stringList(`PROXY_MODES_${suffix}`, `/** The values of the "mode" keyword (4.2). */`, reference.modes),
    record(`SERVER_KEYWORDS_${suffix}`, "number", optionsDoc('"server" and "default-server"', "5.2", server), server.arity),
    record(`BIND_KEYWORDS_${suffix}`, "number", optionsDoc('"bind"', "5.1", bind), bind.arity),
    stringList(`SECTION_KEYWORDS_${suffix}`, `/** Keywords that start a configuration section. */`, sections),
  ].join("\n");
  process.stdout.write(out);
  for (const n of notes) process.stderr.write(`note: ${n}\n`);
}

main();
