/** Groups HAProxy's lines into sections and handles the `.if` family of directives. */

import { type Diagnostic, type Loc, loc } from "../../model/types.js";
import { lookup, SECTION_KEYWORDS, type SectionKind } from "./keywords.js";
import { tokenize } from "./tokenize.js";
import { invalidChar } from "./values.js";

/** One configuration line that carries a keyword. */
export interface Directive {
  line: number;
  /** Unquoted words. */
  words: string[];
  /** The same words as written, for echoing conditions back to reviewers. */
  raws: string[];
}

export interface Section {
  /** The section keyword as written: `backend`, `peers`... */
  keyword: string;
  kind: SectionKind;
  /** "" for global and anonymous defaults. */
  name: string;
  /** The defaults section named by `from NAME`. */
  from?: string;
  /** A legacy `listen NAME ADDR` address, which HAProxy 2.6 no longer accepts. */
  address?: string;
  /** HAProxy creates no section (a proxy without a name): the body is not read. */
  broken: boolean;
  header: Directive;
  body: Directive[];
  /** From the header to the section's last keyword line (trailing comments describe what follows). */
  loc: Loc;
  /** The `.if` branches the header sits in; both branches of a condition are read. */
  branches: Branch[];
}

export interface Branch {
  /** Line of the `.if` that opens the condition. */
  ifLine: number;
  /** 0 for the `.if` branch, then one more for each `.elif` or `.else`. */
  index: number;
  /** An `.else` was seen: no further branch may follow. */
  last: boolean;
}

export interface SplitResult {
  sections: Section[];
  /** Lines inside `.if` blocks, which HAProxy may skip depending on its version and build. */
  conditionalLines: Set<number>;
}

/** Two sections in different branches of one condition never both exist in HAProxy. */
export function exclusive(a: Section, b: Section): boolean {
  return a.branches.some((x) => b.branches.some((y) => x.ifLine === y.ifLine && x.index !== y.index));
}

const CONDITIONALS = new Set([".if", ".elif", ".else", ".endif"]);
const MESSAGES = new Set([".notice", ".warning", ".alert", ".diag"]);

/**
 * Both branches of an `.if` are read, but HAProxy skips one: a problem found there may never
 * bite, so it is reported as a warning with this suffix. Unreadable lines stay errors: HAProxy
 * tokenizes skipped lines too.
 */
export const MAY_BE_SKIPPED = " (inside an .if block HAProxy may skip)";

export function splitSections(text: string, file: string, diagnostics: Diagnostic[]): SplitResult {
  const sections: Section[] = [];
  const openIfs: Branch[] = [];
  const error = (message: string, line: number) => diagnostics.push({ severity: "error", message, loc: loc(file, line) });
  const sectionError = (message: string, line: number) =>
    openIfs.length > 0
      ? diagnostics.push({ severity: "warning", message: message + MAY_BE_SKIPPED, loc: loc(file, line) })
      : error(message, line);
  const conditionalLines = new Set<number>();
  for (const t of tokenize(text)) {
    if (openIfs.length > 0) conditionalLines.add(t.line);
    if (t.error) {
      error(`HAProxy cannot read this line: ${t.error}`, t.line);
      continue;
    }
    const d: Directive = { line: t.line, words: t.words.map((w) => w.text), raws: t.words.map((w) => w.raw) };
    const keyword = d.words[0]!;
    // A line whose first word is empty (e.g. `"" x`) is skipped by HAProxy.
    if (keyword === "") continue;
    if (CONDITIONALS.has(keyword)) conditional(d, openIfs, error);
    else if (MESSAGES.has(keyword)) {
      // Inside a condition we cannot tell whether HAProxy reaches the line; outside, `.alert` always fails.
      if (keyword === ".alert" && openIfs.length === 0) error(`.alert: ${d.words.slice(1).join(" ")}`, d.line);
    } else if (lookup(SECTION_KEYWORDS, keyword)) sections.push(openSection(d, file, openIfs, sectionError));
    else {
      const current = sections.at(-1);
      if (current) {
        current.body.push(d);
        current.loc.endLine = d.line;
      } else sectionError(`unknown keyword '${keyword}' out of section`, d.line);
    }
  }
  for (const b of openIfs) error("'.if' block is never closed by '.endif'", b.ifLine);
  if (text !== "" && !text.endsWith("\n")) {
    error("missing LF on the last line: HAProxy takes the file for truncated and refuses it", text.split("\n").length);
  }
  return { sections, conditionalLines };
}

function conditional(d: Directive, openIfs: Branch[], error: (m: string, l: number) => void): void {
  const [keyword, extra] = d.words as [string, string | undefined];
  const current = openIfs.at(-1);
  if (keyword === ".if") openIfs.push({ ifLine: d.line, index: 0, last: false });
  else if (!current) error(`'${keyword}' without a matching '.if'`, d.line);
  else if ((keyword === ".else" || keyword === ".endif") && extra !== undefined) {
    error(`unexpected argument '${extra}' for '${keyword}'`, d.line);
  } else if (keyword === ".endif") openIfs.pop();
  else if (current.last) error(`'${keyword}' after '.else' is not permitted`, d.line);
  else {
    current.index++;
    current.last = keyword === ".else";
  }
}

function openSection(d: Directive, file: string, openIfs: Branch[], error: (m: string, l: number) => void): Section {
  const [keyword, name = "", ...rest] = d.words as [string, ...string[]];
  const kind = lookup(SECTION_KEYWORDS, keyword)!;
  const branches = openIfs.map((b) => ({ ...b }));
  const section: Section = { keyword, kind, name, broken: false, header: d, body: [], loc: loc(file, d.line), branches };
  if (kind === "global" && d.words.length > 1) error(`'global' cannot handle unexpected argument '${name}'`, d.line);
  if (kind === "defaults") readDefaultsHeader(section, rest);
  if (kind === "frontend" || kind === "backend" || kind === "listen") readProxyHeader(section, rest, error);
  return section;
}

/** `defaults [NAME] [from PARENT]`, where `defaults from PARENT` has no name. */
function readDefaultsHeader(section: Section, rest: string[]): void {
  if (section.name === "from" && rest.length === 1) {
    section.from = rest[0];
    section.name = "";
  } else if (rest[0] === "from" && rest[1] !== undefined) section.from = rest[1];
}

/** `frontend|backend|listen NAME [from DEFAULTS]`. */
function readProxyHeader(section: Section, rest: string[], error: (m: string, l: number) => void): void {
  const { keyword, name, header } = section;
  if (name === "") {
    error(`'${keyword}' needs a name`, header.line);
    section.broken = true;
    return;
  }
  const bad = invalidChar(name);
  if (bad) error(`character '${bad}' is not permitted in ${keyword} name '${name}'`, header.line);
  if (rest.length === 2 && rest[0] === "from") section.from = rest[1];
  else if (rest.length > 2) error(`'${keyword}' cannot handle unexpected argument '${rest[2]}'`, header.line);
  // A legacy listening address: parse.ts reports it once it knows whether the section has a body.
  else if (rest.length > 0) section.address = rest.join(" ");
}
