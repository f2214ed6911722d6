/**
 * Real `haproxy -c` (2.6) as the oracle for the HAProxy parser: files it accepts (exit 0, or 2
 * for "valid with warnings") must parse without errors; files it rejects (exit 1) must give at
 * least one error, on one of the lines HAProxy names when it names any.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  BIND_KEYWORDS,
  GLOBAL_KEYWORDS,
  OPTIONS,
  PROXY_KEYWORDS,
  SECTION_KEYWORDS,
  SERVER_ARG_KEYWORDS,
  SERVER_FLAGS,
  STATS_KEYWORDS,
  TIMEOUTS,
} from "../../src/formats/haproxy/keywords.js";
import { parseHaproxy } from "../../src/formats/haproxy/parse.js";
import { CORPUS_SKIP_REASON, corpusAvailable, corpusFiles } from "../support/corpus.js";

const haproxy = spawnSync("which", ["haproxy"]).status === 0;
const SKIP_REASON = "haproxy not on PATH: haproxy -c oracle tests skipped (apt-get install haproxy)";
if (!haproxy) console.warn(SKIP_REASON);

const workDir = mkdtempSync(join(tmpdir(), "lbr-haproxy-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));
let files = 0;
/** A fresh path in the work directory for one `haproxy -c` run. */
const nextPath = () => join(workDir, `check-${++files}.cfg`);

/** Makes unresolvable server names a warning instead of an error (DNS is not what we test). */
const DNS_WORKAROUND = "  default-server init-addr last,libc,none";

/**
 * Rejections caused by this machine rather than the config: missing certificate, map, error or
 * Lua files, unknown users, names that do not resolve. The lines concerned are commented out
 * and the check re-run.
 */
const ENVIRONMENTAL = new RegExp(
  [
    "unable to stat|Couldn't open|unable to load|cannot open|failed to open|error opening file|No such file or directory",
    "cannot find (user|group) id|could not resolve address|invalid address: '[A-Za-z]",
  ].join("|"),
);
/** HAProxy's closing summaries, which repeat what the other alerts said. */
const SUMMARY = /Error\(s\) found in configuration file|Fatal errors found in configuration|too many fatal errors/;
/** With `zero-warning`, warnings abort; warnings are not syntax errors, so this counts as exit 2. */
const ZERO_WARNING = /'zero-warning' is set/;

interface Alert {
  text: string;
  /** Line in the original file, when HAProxy names one that we did not inject. */
  line?: number;
}

interface Verdict {
  accepted: boolean;
  output: string;
  /** Original lines HAProxy's alerts point at. */
  lines: number[];
}

/**
 * A copy of `text` where every defaults section carries the DNS workaround, plus one added just
 * before the first section (so that lines outside any section stay outside). `origin[i]` is the
 * original line of copy line i+1 (undefined when injected).
 */
function sandboxCopy(text: string): { lines: string[]; origin: (number | undefined)[] } {
  const lines: string[] = [];
  const origin: (number | undefined)[] = [];
  const inject = (...extra: string[]) => {
    for (const l of extra) {
      lines.push(l);
      origin.push(undefined);
    }
  };
  let sectionSeen = false;
  text.split("\n").forEach((line, i) => {
    const first = line.trim().split(/\s+/)[0] ?? "";
    if (!sectionSeen && Object.hasOwn(SECTION_KEYWORDS, first)) {
      sectionSeen = true;
      inject("defaults", DNS_WORKAROUND);
    }
    lines.push(line);
    origin.push(i + 1);
    if (first === "defaults") inject(DNS_WORKAROUND);
  });
  return { lines, origin };
}

function runHaproxy(path: string): { status: number | null; output: string } {
  const r = spawnSync("haproxy", ["-c", "-f", path], { encoding: "utf8" });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function alertsOf(output: string, origin: (number | undefined)[]): Alert[] {
  return output
    .split("\n")
    .filter((l) => l.includes("[ALERT]") && !SUMMARY.test(l))
    .map((text) => {
      const at = /\[[^\]\s]+\.cfg:(\d+)\]/.exec(text)?.[1];
      return { text, line: at === undefined ? undefined : origin[Number(at) - 1] };
    });
}

function haproxyCheck(text: string): Verdict {
  const { lines, origin } = sandboxCopy(text);
  for (;;) {
    const path = nextPath();
    // The text keeps its own last line ending: HAProxy refuses a file without a final LF.
    writeFileSync(path, lines.join("\n"));
    const { status, output } = runHaproxy(path);
    if (status !== 1) return { accepted: true, output, lines: [] };
    const alerts = alertsOf(output, origin);
    const real = alerts.filter((a) => !ENVIRONMENTAL.test(a.text) && !ZERO_WARNING.test(a.text));
    if (real.length > 0 || alerts.length === 0) {
      return { accepted: false, output, lines: real.flatMap((a) => (a.line === undefined ? [] : [a.line])) };
    }
    const env = alerts.filter((a) => ENVIRONMENTAL.test(a.text) && a.line !== undefined);
    if (env.length === 0) return { accepted: true, output, lines: [] };
    for (const a of env) {
      const i = origin.indexOf(a.line);
      lines[i] = `#${lines[i]}`;
    }
  }
}

function judge(name: string, text: string): void {
  const verdict = haproxyCheck(text);
  const errors = parseHaproxy(text, name).diagnostics.filter((d) => d.severity === "error");
  if (verdict.accepted) {
    expect(errors, `haproxy -c accepts ${name}:\n${verdict.output}`).toEqual([]);
    return;
  }
  expect(errors.length, `haproxy -c rejects ${name}:\n${verdict.output}`).toBeGreaterThan(0);
  if (verdict.lines.length > 0) {
    const lines = errors.map((e) => e.loc.line);
    expect(lines.some((l) => verdict.lines.includes(l)), `${name}: haproxy names lines ${verdict.lines}, we ${lines}`).toBe(true);
  }
}

const fixtureDir = resolve(import.meta.dirname, "../fixtures/haproxy");
const fixtures = readdirSync(fixtureDir)
  .sort()
  .map((name) => ({ name, text: readFileSync(join(fixtureDir, name), "utf8") }));

describe.skipIf(!haproxy)(`haproxy -c oracle: fixtures${haproxy ? "" : ` (${SKIP_REASON})`}`, () => {
  it("can tell good from bad, through the DNS and missing-file workarounds", () => {
    const base = "defaults\n timeout client 1s\n timeout server 1s\n timeout connect 1s\nbackend b\n";
    expect(haproxyCheck(`${base} server s no-such-host.invalid:80\n`).accepted).toBe(true);
    expect(haproxyCheck(`global\n log no-such-host.invalid local0\n${base} server s 10.0.0.1:80\n`).accepted).toBe(true);
    expect(haproxyCheck(`${base} server s 10.0.0.1:80 weight 999\n`)).toMatchObject({ accepted: false, lines: [6] });
    expect(haproxyCheck(`# lines before any section stay there\n timeout connect 1s\n${base}`).accepted).toBe(false);
  });
  it.each(fixtures.map((f) => [f.name, f.text]))("%s", (name, text) => {
    expect(haproxyCheck(text).accepted, `fixture names say what haproxy -c must think`).toBe(name.startsWith("valid-"));
    judge(name, text);
  });
});

describe.skipIf(!haproxy || !corpusAvailable)(
  `haproxy -c oracle: shared corpus${corpusAvailable ? "" : ` (${CORPUS_SKIP_REASON})`}`,
  () => {
    it.each(corpusFiles("haproxy").map((f) => [f.name, f.text]))("%s", (name, text) => judge(name, text));
  },
);

/** Runs `lines` in one section, in chunks below HAProxy's 50-error limit, and returns the output. */
function checkLines(header: string, lines: string[]): string {
  let output = "";
  for (let i = 0; i < lines.length; i += 20) {
    const path = nextPath();
    writeFileSync(path, `${header}\n${lines.slice(i, i + 20).join("\n")}\n`);
    output += runHaproxy(path).output;
  }
  expect(output).not.toMatch(/too many fatal errors/);
  return output;
}

/** Our keyword tables must never call valid what HAProxy does not know, nor the reverse. */
describe.skipIf(!haproxy)(`haproxy -c oracle: keyword tables${haproxy ? "" : ` (${SKIP_REASON})`}`, () => {
  const unknown = (output: string) =>
    [...output.matchAll(/unknown (?:keyword|option|stats parameter) '([^']+)'/g)].map((m) => m[1]);

  it("knows every global keyword we accept", () => {
    expect(unknown(checkLines("global", [...GLOBAL_KEYWORDS].map((k) => `  ${k}`)))).toEqual([]);
  });
  it("knows every proxy keyword, option, timeout and stats parameter we accept", () => {
    const words = Object.keys(PROXY_KEYWORDS).map((k) => k.split(" ")[0]!);
    const lines = [
      ...[...new Set(words)].map((k) => `  ${k}`),
      ...Object.keys(OPTIONS).map((o) => `  option ${o}`),
      ...Object.keys(TIMEOUTS).map((t) => `  timeout ${t} 1s`),
      ...[...STATS_KEYWORDS].map((k) => `  stats ${k}`),
    ];
    expect(unknown(checkLines("listen l\n  bind :18080", lines))).toEqual([]);
  });
  it("knows every server and bind keyword we accept", () => {
    const server = [...SERVER_FLAGS, ...SERVER_ARG_KEYWORDS].map((k, i) => `  server s${i} 10.0.0.1:80 ${k} x`);
    const bind = Object.keys(BIND_KEYWORDS).map((k) => `  bind :${18080 + k.length} ${k} x`);
    // A flag followed by `x` makes HAProxy call `x` unknown: that is the only unknown word allowed.
    expect(unknown(checkLines("listen l", [...server, ...bind])).filter((w) => w !== "x")).toEqual([]);
  });
  it("rejects a keyword we call unknown, in every table", () => {
    const lines = ["  bogus-kw", "  option bogus-opt", "  server s 10.0.0.1:80 bogus-srv", "  bind :1 bogus-bind", "  stats bogus-st"];
    expect(unknown(checkLines("listen l", lines))).toEqual(["bogus-kw", "bogus-opt", "bogus-srv", "bogus-bind", "bogus-st"]);
    const model = parseHaproxy(["listen l", ...lines, ""].join("\n"), "x.cfg");
    // Every line is flagged; keyword-shaped unknowns that are no near-typo are warnings (a newer
    // HAProxy may know them), closed sets (options, stats) stay errors.
    expect(model.diagnostics.map((d) => [d.loc.line, d.severity])).toEqual([
      [2, "warning"],
      [3, "error"],
      [4, "warning"],
      [5, "warning"],
      [6, "error"],
    ]);
    const typos = parseHaproxy("listen l\n  balanse roundrobin\n  server s 10.0.0.1:80 wieght 3\n", "x.cfg");
    expect(typos.diagnostics.map((d) => [d.loc.line, d.severity, d.message])).toEqual([
      [2, "error", expect.stringContaining("did you mean 'balance'")],
      [3, "error", expect.stringContaining("did you mean 'weight'")],
    ]);
  });
});
