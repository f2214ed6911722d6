/**
 * The CLI's commands. Loaded only when a command runs, so that `--help` and `--version` start
 * without importing every format, rule and report.
 */
import { readFileSync, writeFileSync } from "node:fs";
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
import type { Io, Values } from "./main.js";
import { version } from "./version.js";
import { defaultBase, repoRoot, resolveSide, type Side, UsageError, workingTreeSide } from "./sources.js";

export async function check(values: Values, io: Io): Promise<number> {
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
  const [before, after] = [pick(base, baseFiles), pick(head, head.list())];
  // The HCL grammar (WebAssembly) is loaded only when there is Terraform to read.
  if ([...before, ...after].some((f) => f.path.endsWith(".tf"))) await initFormats();
  const analysis = analyze(before, after, policy);
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

export async function parseCommand(files: string[], as: string | undefined, io: Io): Promise<number> {
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
  if (format === "terraform") await initFormats();
  const model = parseConfig(format, text, file);
  io.stdout(`${JSON.stringify(model, null, 2)}\n`);
  return model.diagnostics.some((d) => d.severity === "error") ? 1 : 0;
}

/** For `parse`, the name need not look like a config file: try the content alone. */
function guess(text: string): Format | null {
  return PARSERS.find((p) => p.detect(text))?.format ?? null;
}

export function rulesCommand(format: string, io: Io): number {
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

