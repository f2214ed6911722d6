/** `lb-review`: the engine on the command line. Exit 0 below --fail-on, 1 at or above, 2 on errors. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { RULES } from "../../rules/index.js";
import { analyze } from "../engine/analyze.js";
import { detectFormat, isCandidatePath } from "../formats/detect.js";
import { initFormats, PARSERS, parseConfig } from "../formats/index.js";
import { FORMATS, type Format, SEVERITIES, type Severity } from "../model/types.js";
import { type LoadedPolicy, loadPolicy, POLICY_PATH } from "../policy/load.js";
import { toJsonReport } from "../report/json.js";
import { renderMarkdown } from "../report/markdown.js";
import { renderRulesMarkdown } from "../report/rule-docs.js";
import { renderSarif } from "../report/sarif.js";
import { renderText } from "../report/text.js";
import { defaultBase, repoRoot, resolveSide, type Side, UsageError, workingTreeSide } from "./sources.js";

export const HELP = `lb-review: review load-balancer config changes by their effect on traffic.

Usage:
  lb-review check [--base <dir|git-ref>] [--head <dir|git-ref>] [options]
  lb-review parse <file> [--as ${FORMATS.join("|")}]
  lb-review rules [--format text|json|markdown]
  lb-review --help | --version

check options:
  --base <dir|ref>     old version: a directory or a git ref of the repository in the
                       current directory (default: merge base of HEAD with the default branch)
  --head <dir|ref>     new version (default: the git working tree)
  --config <file>      policy file (default: ${POLICY_PATH} from the base version)
  --format <fmt>       text (default), json, markdown or sarif
  --fail-on <sev>      exit 1 when a finding is at or above: info, low, medium, high (default), critical
  --output <file>      write the report to a file instead of stdout

Exit codes: 0 every finding is below --fail-on; 1 a finding is at or above it;
2 usage error, invalid policy, or internal error.
`;

export interface Io {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export async function main(argv: string[], io: Io): Promise<number> {
  try {
    await initFormats();
    return run(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`lb-review: ${e.message}\n`);
      return 2;
    }
    io.stderr(`lb-review: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 2;
  }
}

function run(argv: string[], io: Io): number {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${HELP}`);
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.stdout(`${version()}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    io.stdout(HELP);
    return values.help ? 0 : 2;
  }
  switch (command) {
    case "check":
      return check(values, io);
    case "parse":
      return parseCommand(rest, values.as, io);
    case "rules":
      return rulesCommand(values.format ?? "text", io);
    default:
      throw new UsageError(`unknown command "${command}"\n\n${HELP}`);
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      base: { type: "string" },
      head: { type: "string" },
      config: { type: "string" },
      format: { type: "string" },
      "fail-on": { type: "string" },
      output: { type: "string" },
      as: { type: "string" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
    },
  });
}

type Values = ReturnType<typeof parse>["values"];

function check(values: Values, io: Io): number {
  const format = oneOf(values.format ?? "text", ["text", "json", "markdown", "sarif"], "--format");
  const failOn = oneOf(values["fail-on"] ?? "high", SEVERITIES, "--fail-on") as Severity;
  const base = values.base ? resolveSide(values.base, io.cwd) : defaultBase(io.cwd);
  const head = values.head ? resolveSide(values.head, io.cwd) : workingTreeSide(repoRoot(io.cwd));
  const baseFiles = base.list();
  const policy = readPolicy(values.config, base, baseFiles);
  if (policy.diagnostics.length > 0) {
    for (const d of policy.diagnostics) io.stderr(`${d.loc.file}:${d.loc.line}: ${d.message}\n`);
    io.stderr("lb-review: invalid policy file: nothing was evaluated\n");
    return 2;
  }
  const pick = (side: Side, files: string[]) => side.read(files.filter((p) => isCandidatePath(p, policy.policy)));
  const analysis = analyze(pick(base, baseFiles), pick(head, head.list()), policy);
  const report = toJsonReport(analysis);
  const rendered =
    format === "json"
      ? `${JSON.stringify(report, null, 2)}\n`
      : format === "markdown"
        ? renderMarkdown(report)
        : format === "sarif"
          ? renderSarif(report, version())
          : renderText(report);
  if (values.output) writeFileSync(values.output, rendered);
  else io.stdout(rendered);
  const threshold = SEVERITIES.indexOf(failOn);
  return analysis.findings.some((f) => SEVERITIES.indexOf(f.severity) >= threshold) ? 1 : 0;
}

function readPolicy(configPath: string | undefined, base: Side, baseFiles: string[]): LoadedPolicy {
  if (configPath) {
    let text: string;
    try {
      text = readFileSync(configPath, "utf8");
    } catch {
      throw new UsageError(`cannot read policy file ${configPath}`);
    }
    return loadPolicy(text, configPath);
  }
  // Like the app, the policy comes from the base version: a change cannot loosen its own review.
  const found = baseFiles.includes(POLICY_PATH) ? base.read([POLICY_PATH])[0] : undefined;
  return loadPolicy(found?.text ?? null, POLICY_PATH);
}

function parseCommand(files: string[], as: string | undefined, io: Io): number {
  const [file] = files;
  if (!file || files.length > 1) throw new UsageError("parse takes exactly one file");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new UsageError(`cannot read ${file}`);
  }
  const format = as ? (oneOf(as, FORMATS, "--as") as Format) : (detectFormat(file, text, loadPolicy(null).policy) ?? guess(text));
  if (!format) throw new UsageError(`cannot tell the format of ${file}; pass --as ${FORMATS.join("|")}`);
  const model = parseConfig(format, text, file);
  io.stdout(`${JSON.stringify(model, null, 2)}\n`);
  return model.diagnostics.some((d) => d.severity === "error") ? 1 : 0;
}

/** For `parse`, the name need not look like a config file: try the content alone. */
function guess(text: string): Format | null {
  return PARSERS.find((p) => p.detect(text))?.format ?? null;
}

function rulesCommand(format: string, io: Io): number {
  const f = oneOf(format, ["text", "json", "markdown"], "--format");
  if (f === "markdown") io.stdout(renderRulesMarkdown());
  else if (f === "json") {
    const data = RULES.map(({ id, severity, title, description, formats }) => ({ id, severity, title, description, formats }));
    io.stdout(`${JSON.stringify(data, null, 2)}\n`);
  } else for (const r of RULES) io.stdout(`${r.id.padEnd(24)} ${r.severity.padEnd(9)} ${r.description}\n`);
  return 0;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(", ")}; got "${value}"`);
  return value as T;
}

/** Read from package.json, found upward: the same code runs from src/ in tests and dist/ when built. */
export function version(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
}
