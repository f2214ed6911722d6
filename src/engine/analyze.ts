/**
 * The whole review as one pure function: two sets of files and a policy in, findings, shares
 * and required approvals out. Adapters (CLI, GitHub App) only gather the files.
 */
import { RULES } from "../../rules/index.js";
import { type ChangeSet, diffVersions, type FileChange, uniqueLocs } from "../diff/diff.js";
import { mapLines } from "../diff/lines.js";
import { copyJudge, detectMoves } from "../diff/moves.js";
import picomatch from "picomatch";
import { detectFormat } from "../formats/detect.js";
import { chartDirs, TEMPLATE_NAME, templateReason } from "../formats/templates.js";
import { mapModelLines, readTemplate, templateEngines } from "../formats/template/read.js";
import { renderEnvsubst, renderJinja } from "../formats/template/render.js";
import { parse as parseYaml } from "yaml";
import { scanTags } from "../formats/template/scan.js";
import { KUSTOMIZATION, type KustomizeResult, renderKustomizations } from "../formats/kubernetes/kustomize.js";
import { ModelCache } from "./model-cache.js";
import { type ParseOptions, parseConfig, parseUnit } from "../formats/index.js";
import { includeMatcher } from "../model/includes.js";
import { resolveUpstreamIncludes } from "../formats/nginx/upstream-includes.js";
import { link, type Version } from "../model/link.js";
import { type Diagnostic, emptyModel, type Format, type Loc, loc, type Model, SEVERITIES, type Severity } from "../model/types.js";
import type { LoadedPolicy } from "../policy/load.js";
import type { ApprovalTier, Policy } from "../policy/schema.js";

/** A changed file that is a template of config, not config: said once per file or chart. */
export interface NotEvaluated {
  file: string;
  message: string;
}

export interface SourceFile {
  path: string;
  text: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  endLine: number;
  related: Loc[];
  /** Rules whose findings on the same subject were folded into this one. */
  merged?: string[];
}

export type Risk = "none" | "low" | "medium" | "high" | "critical";

export interface RequiredApproval extends ApprovalTier {
  severity: Severity;
}

export interface Analysis {
  changes: ChangeSet;
  findings: Finding[];
  risk: Risk;
  approvals: RequiredApproval[];
}

/** Beyond this a file is not parsed: it yields an error, never a silent pass. */
export const MAX_FILE_BYTES = 10_000_000;

const bytesOf = (text: string) => Buffer.byteLength(text, "utf8");

/**
 * Config files over the size limit. One that was already over it (or is new) is left out of both
 * versions and, when it changed, said once. One that grows past the limit in this change stays
 * in: it parses to an error, since it could hide what changed in it.
 */
function oversized(before: SourceFile[], after: SourceFile[], formats: Map<string, Format>): { skipped: Set<string>; tooLarge: { file: string; message: string }[] } {
  const old = new Map(before.map((f) => [f.path, f.text]));
  const skipped = new Set<string>();
  const tooLarge: { file: string; message: string }[] = [];
  for (const f of after) {
    if (!formats.has(f.path) || bytesOf(f.text) <= MAX_FILE_BYTES) continue;
    const was = old.get(f.path);
    if (was !== undefined && bytesOf(was) <= MAX_FILE_BYTES) continue;
    skipped.add(f.path);
    if (was !== f.text) tooLarge.push({ file: f.path, message: `${f.path} is ${bytesOf(f.text)} bytes, over the ${MAX_FILE_BYTES}-byte limit: not evaluated` });
  }
  return { skipped, tooLarge };
}

/**
 * `cache`: models kept across analyses by a long-lived caller (the app's workers); by default one
 * for this analysis alone, so files unchanged between the versions are parsed once.
 */
export function analyze(before: SourceFile[], after: SourceFile[], policy: LoadedPolicy, cache = new ModelCache()): Analysis {
  const { formats, templates } = classify(before, after, policy);
  const { skipped, tooLarge } = oversized(before, after, formats);
  const [kb, ka] = kustomizeBoth(before, after, formats);
  const old = new Map(before.map((f) => [f.path, f.text]));
  const same = new Set(after.filter((f) => old.get(f.path) === f.text).map((f) => f.path));
  // A file is worth a kept copy when it will be read again: in the other version, or by a later analysis.
  const keep = (paths: readonly { path: string }[]) => cache.lasting || paths.every((f) => same.has(f.path));
  const vb = parseVersion(before.filter((f) => !skipped.has(f.path)), formats, policy.policy, kb, cache, keep);
  const va = parseVersion(after.filter((f) => !skipped.has(f.path)), formats, policy.policy, ka, cache, keep);
  const { files, moves } = fileChanges(before, after, formats, vb, va);
  const changes = { ...diffVersions(files, vb, va, moves), notEvaluated: templates, tooLarge, becameTemplates: becameTemplates(files, before, after) };
  const findings = runRules(changes, policy);
  const risk = riskOf(findings, changes);
  const approvals = SEVERITIES.filter((s) => findings.some((f) => f.severity === s))
    .flatMap((s) => {
      const tier = policy.policy.approvals[s];
      return tier && tier.count > 0 ? [{ severity: s, ...tier }] : [];
    })
    .reverse();
  return { changes, findings, risk, approvals };
}

/**
 * The format of every path in either version. A file recognised in the old version keeps
 * its format even if the new content is unrecognisable: a mangled config must fail, not vanish.
 */
function classify(before: SourceFile[], after: SourceFile[], policy: LoadedPolicy): { formats: Map<string, Format>; templates: NotEvaluated[] } {
  const formats = new Map<string, Format>();
  const old = new Map(before.map((f) => [f.path, f.text]));
  const now = new Set(after.map((f) => f.path));
  // A chart must exist in the base for its files there to be templates: adding a Chart.yaml in a
  // pull request cannot turn existing config into unjudged templates. New files follow the head.
  const baseCharts = chartDirs(before.map((f) => f.path));
  const headCharts = chartDirs([...before, ...after].map((f) => f.path));
  const templates = new Map<string, string>();
  for (const f of [...before, ...after]) {
    if (formats.has(f.path)) continue;
    // The policy's own mapping wins over the template guess.
    const mapped = policy.policy.files.some((m) => picomatch.isMatch(f.path, m.path, { dot: true }));
    const template = mapped ? null : templateReason(f.path, old.has(f.path) ? baseCharts : headCharts);
    // A template by name (nginx.conf.j2) is read as the format its name and content say, with
    // its placeholders unknown; only one whose format cannot be told is left unevaluated.
    const byName = template && TEMPLATE_NAME.test(f.path) ? detectFormat(f.path.replace(TEMPLATE_NAME, ""), f.text, policy.policy) : null;
    if (byName) {
      formats.set(f.path, byName);
      continue;
    }
    if (template) {
      const changed = old.get(f.path) !== f.text || !now.has(f.path);
      if (changed && !templates.has(template)) templates.set(template, f.path);
      continue;
    }
    const format = KUSTOMIZATION.test(f.path) ? "kubernetes" : detectFormat(f.path, f.text, policy.policy);
    if (format) formats.set(f.path, format);
  }
  return { formats, templates: [...templates].map(([message, file]) => ({ file, message })).sort((a, b) => a.file.localeCompare(b.file)) };
}

/**
 * kustomize renders of both versions. A kustomization new in the change may not take over files
 * the base judged as plain config: re-keyed into an overlay, a drain in them would look like a
 * new pool (as a Chart.yaml added to a directory cannot make its files templates).
 */
function kustomizeBoth(before: SourceFile[], after: SourceFile[], formats: Map<string, Format>): [KustomizeResult, KustomizeResult] {
  const yaml = (files: SourceFile[]) => files.filter((f) => /\.ya?ml$|(^|\/)Kustomization$/.test(f.path));
  const base = renderKustomizations(yaml(before));
  const old = new Set(before.map((f) => f.path));
  const plain = new Set(before.filter((f) => formats.has(f.path) && (!base.consumed.has(f.path) || base.standalone.has(f.path))).map((f) => f.path));
  const head = renderKustomizations(yaml(after), { trusted: (k, hidden) => old.has(k) || ![...hidden].some((f) => plain.has(f)), existedBefore: (p) => old.has(p) });
  return [base, head];
}

function parseVersion(
  files: SourceFile[],
  formats: Map<string, Format>,
  policy: Policy,
  kustomize: KustomizeResult,
  cache: ModelCache,
  keep: (files: readonly { path: string }[]) => boolean,
): Version {
  const models = new Map<string, Model>();
  const options = releases(policy);
  const optionsKey = JSON.stringify(options);
  const parsed = (group: readonly SourceFile[], key: string, parse: () => Model[]) => (keep(group) ? cache.models(group, key, parse) : parse());
  const texts = new Map(files.map((f) => [f.path, f.text]));
  for (const f of files) {
    const format = formats.get(f.path);
    if (!format) continue;
    const rendering = policy.templates.find((t) => picomatch.isMatch(f.path, t.path, { dot: true }));
    if (rendering && !unreadable(f.text)) {
      models.set(f.path, renderAndParse(format, f, rendering, texts, options));
      continue;
    }
    // A file a kustomization reads is judged in the overlays that render it, never on its own.
    if (kustomize.consumed.has(f.path) && !kustomize.standalone.has(f.path)) models.set(f.path, { ...emptyModel(f.path, "kubernetes"), diagnostics: kustomize.diagnostics.get(f.path) ?? [] });
    else if (format !== "terraform" || unreadable(f.text)) models.set(f.path, parsed([f], `${format}|${optionsKey}`, () => [parseFile(format, f.path, f.text, options)])[0]!);
  }
  for (const m of terraformModules(files, (f) => formats.get(f.path) === "terraform", parsed)) models.set(m.file, m);
  for (const overlay of kustomize.overlays) models.set(overlay.file, overlay);
  reparseStreamIncludes(files, models, options);
  resolveUpstreamIncludes(models, files);
  return link([...models.values()], copyJudge(new Map(files.map((f) => [f.path, f.text]))));
}

/**
 * Terraform files, one module directory at a time: every .tf file of a directory that holds
 * load-balancer config is read, since its variables and locals may live in variables.tf.
 */
function terraformModules(files: SourceFile[], isConfig: (f: SourceFile) => boolean, parsed: (group: readonly SourceFile[], key: string, parse: () => Model[]) => Model[]): Model[] {
  const dirOf = (p: string) => (p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : "");
  const wanted = new Set(files.filter((f) => isConfig(f) && !unreadable(f.text)).map((f) => dirOf(f.path)));
  const dirs = new Map<string, SourceFile[]>();
  for (const f of files) {
    if (!f.path.endsWith(".tf") || !wanted.has(dirOf(f.path)) || unreadable(f.text)) continue;
    dirs.set(dirOf(f.path), [...(dirs.get(dirOf(f.path)) ?? []), f]);
  }
  const config = new Set(files.filter(isConfig).map((f) => f.path));
  return [...dirs.values()].flatMap((group) => parsed(group, "terraform", () => parseUnit("terraform", group))).filter((m) => config.has(m.file));
}

/**
 * A template the policy says how to render: rendered with its values, parsed, and mapped back to
 * the template's lines. One that cannot be rendered is read as a template, and says why.
 */
function renderAndParse(format: Format, f: SourceFile, t: Policy["templates"][number], texts: Map<string, string>, options: ParseOptions): Model {
  const values = t.values ? valuesFile(t.values, texts) : { variables: {} };
  const variables = { ...values.variables, ...t.variables };
  const rendered = t.engine === "envsubst" ? { ok: renderEnvsubst(f.text, variables) } : renderJinja(f.text, variables);
  if ("ok" in rendered) {
    const model = parseFile(format, f.path, rendered.ok.text, options);
    return mapModelLines(model, f.path, rendered.ok.lines);
  }
  const model = parseFile(format, f.path, f.text, options);
  const why = `could not render with the policy's values (${rendered.error}): read as a template, its placeholders unknown`;
  return { ...model, diagnostics: [...model.diagnostics, ...(values.problem ? [values.problem] : []), { severity: "warning", message: why, loc: loc(f.path, rendered.line) }] };
}

/** A values file's top-level keys (YAML or JSON), from the same version of the repository. */
function valuesFile(path: string, texts: Map<string, string>): { variables: Record<string, unknown>; problem?: Diagnostic } {
  const text = texts.get(path);
  if (text === undefined) return { variables: {}, problem: { severity: "warning", message: `templates values file ${path} is not among the files read`, loc: loc(path, 1) } };
  try {
    const v: unknown = parseYaml(text);
    return { variables: v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {} };
  } catch (err) {
    return { variables: {}, problem: { severity: "warning", message: `templates values file ${path} is not YAML: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`, loc: loc(path, 1) } };
  }
}

/** The releases the policy says the repository runs, as parser options. */
function releases(policy: Policy): ParseOptions {
  return {
    nginx: policy.nginxVersion ? { version: policy.nginxVersion } : {},
    haproxy: policy.haproxyVersion ? { version: policy.haproxyVersion } : {},
  };
}

function parseFile(format: Format, path: string, text: string, options: ParseOptions): Model {
  const problem = unreadable(text);
  if (problem) {
    return { ...emptyModel(path, format), diagnostics: [{ severity: "error", message: problem, loc: loc(path, 1) }] };
  }
  const engines = templateEngines(format, path, text);
  if (engines.length > 0) return readTemplate(text, engines, (rendered) => parseConfig(format, rendered, path, options));
  return parseConfig(format, text, path, options);
}

function unreadable(text: string): string | null {
  if (text.includes("\u0000")) return "binary content: cannot be read as load-balancer config";
  const bytes = bytesOf(text);
  if (bytes > MAX_FILE_BYTES) return `file is ${bytes} bytes, over the ${MAX_FILE_BYTES}-byte limit: not evaluated`;
  return null;
}

/**
 * An nginx fragment is parsed as if included in `http`; a fragment that a file includes inside
 * `stream {}` is parsed again in that context, so its upstreams land in the right namespace.
 */
function reparseStreamIncludes(files: SourceFile[], models: Map<string, Model>, options: ParseOptions): void {
  const streamPatterns = [...models.values()]
    .filter((m) => m.format === "nginx")
    .flatMap((m) => m.includes.filter((i) => i.context === "stream").map((i) => includeMatcher(i.pattern)));
  if (streamPatterns.length === 0) return;
  for (const f of files) {
    const m = models.get(f.path);
    if (m?.format === "nginx" && streamPatterns.some((match) => match(f.path))) models.set(f.path, parseFile("nginx", f.path, f.text, { ...options, nginx: { ...options.nginx, context: "stream" } }));
  }
}


/**
 * The files that differ, with moves: a removed file whose content now lives in added files (see
 * diff/moves.ts) is reported as moved there, and its elements are matched to theirs.
 */
function fileChanges(before: SourceFile[], after: SourceFile[], formats: Map<string, Format>, vb: Version, va: Version) {
  const old = new Map(before.map((f) => [f.path, f.text]));
  const now = new Map(after.map((f) => [f.path, f.text]));
  const modelsBefore = new Map(vb.models.map((m) => [m.file, m]));
  const modelsAfter = new Map(va.models.map((m) => [m.file, m]));
  const changed: FileChange[] = [];
  for (const path of [...new Set([...old.keys(), ...now.keys()])].sort()) {
    const format = formats.get(path);
    // An overlay's render depends on other files: a kustomization whose render gained or lost a
    // problem has changed even when its own text has not.
    const rerendered = KUSTOMIZATION.test(path) && problems(modelsBefore.get(path)) !== problems(modelsAfter.get(path));
    if (!format || (old.get(path) === now.get(path) && !rerendered)) continue;
    const status = !old.has(path) ? "added" : !now.has(path) ? "removed" : "modified";
    const change: FileChange = { path, format, status, before: modelsBefore.get(path) ?? null, after: modelsAfter.get(path) ?? null };
    // A file that no longer parses is unparseable, not emptied.
    if (status === "modified" && elements(change.before) > 0 && elements(change.after) === 0 && !hasErrors(change.after)) change.emptied = true;
    changed.push(change);
  }
  const candidate = (f: FileChange, text: string | undefined) => ({ path: f.path, format: f.format, text: text ?? "" });
  // Only a removed file can have moved: an emptied one stays a deletion of what it held, so a
  // decoy copy elsewhere cannot absorb it (its elements are still compared with their new selves).
  const moves = detectMoves(
    changed.filter((f) => f.status === "removed").map((f) => candidate(f, old.get(f.path))),
    changed.filter((f) => f.status === "added").map((f) => candidate(f, now.get(f.path))),
  );
  const movedTo = new Map<string, string>();
  for (const [from, dests] of moves) for (const d of dests) if (!movedTo.has(d)) movedTo.set(d, from);
  const files = changed
    .filter((f) => !(f.status === "removed" && moves.has(f.path)))
    .map((f): FileChange => {
      const from = f.status === "added" ? movedTo.get(f.path) : undefined;
      const moved: FileChange = from === undefined ? f : { ...f, status: "moved", from, before: modelsBefore.get(from) ?? null };
      if (hasDiagnostics(moved.before) && hasDiagnostics(moved.after)) moved.lineMap = mapLines(old.get(moved.from ?? moved.path) ?? "", now.get(moved.path) ?? "");
      return moved;
    });
  return { files, moves };
}

/**
 * Changed files that held no template syntax before and now do: values they fixed may have
 * become unknown, which a reviewer must see (a template cannot be a way to blind the review).
 */
function becameTemplates(files: FileChange[], before: SourceFile[], after: SourceFile[]): { file: string; engines: string[]; line: number }[] {
  const old = new Map(before.map((f) => [f.path, f.text]));
  const now = new Map(after.map((f) => [f.path, f.text]));
  return files.flatMap((f) => {
    const was = old.get(f.from ?? f.path);
    const is = now.get(f.path);
    if (was === undefined || is === undefined || templateEngines(f.format, f.from ?? f.path, was).length > 0) return [];
    const engines = templateEngines(f.format, f.path, is);
    const first = scanTags(is, engines)[0]?.start ?? 0;
    return engines.length > 0 ? [{ file: f.path, engines, line: is.slice(0, first).split("\n").length }] : [];
  });
}

function problems(m: Model | undefined): string {
  return (m?.diagnostics ?? []).map((d) => `${d.severity}:${d.loc.file}:${d.loc.line}:${d.message}`).join("\n");
}

function elements(m: Model | null): number {
  return m ? m.pools.length + m.routes.length : 0;
}

function hasErrors(m: Model | null): boolean {
  return !!m?.diagnostics.some((d) => d.severity === "error");
}

function hasDiagnostics(m: Model | null): boolean {
  return (m?.diagnostics.length ?? 0) > 0;
}

function runRules(changes: ChangeSet, policy: LoadedPolicy): Finding[] {
  const hits: (Finding & { subject?: string; detail?: string })[] = [];
  for (const rule of RULES) {
    const setting = policy.rules.get(rule.id);
    if (setting?.severity === "off") continue;
    for (const hit of rule.check({ changes, options: (setting?.options ?? {}) as never, capacity: policy.policy.capacity })) {
      hits.push({
        rule: rule.id,
        severity: setting?.severity ?? hit.severity ?? rule.severity,
        message: hit.message,
        file: hit.loc.file,
        line: hit.loc.line,
        endLine: hit.loc.endLine,
        related: hit.related ?? [],
        ...(hit.subject !== undefined ? { subject: hit.subject } : {}),
        ...(hit.detail !== undefined ? { detail: hit.detail } : {}),
      });
    }
  }
  return unique(oneFindingPerFact(hits)).sort((a, b) => rank(b.severity) - rank(a.severity) || a.file.localeCompare(b.file) || a.line - b.line);
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/**
 * Hits of several rules about one subject (concentration and share shift on one backend) are one
 * finding: the strongest, its message carrying the others' facts, their rules in `merged`.
 */
function oneFindingPerFact(hits: (Finding & { subject?: string; detail?: string })[]): Finding[] {
  const bySubject = new Map<string, (Finding & { detail?: string })[]>();
  for (const h of hits) if (h.subject !== undefined) bySubject.set(h.subject, [...(bySubject.get(h.subject) ?? []), h]);
  const out: Finding[] = [];
  for (const h of hits) {
    const group = h.subject === undefined ? [h] : bySubject.get(h.subject)!;
    if (group[0] !== h) continue;
    const [top, ...rest] = [...group].sort((a, b) => rank(b.severity) - rank(a.severity));
    const finding = strip(top!);
    if (rest.length > 0) {
      finding.message = [finding.message, ...rest.map((r) => `${r.rule}: ${r.detail ?? r.message}`)].join("; ");
      finding.merged = rest.map((r) => r.rule);
      const at = (f: Finding) => [{ file: f.file, line: f.line, endLine: f.endLine }, ...f.related];
      finding.related = uniqueLocs([...at(finding), ...rest.flatMap(at)]).slice(1);
    }
    out.push(finding);
  }
  return out;
}

/** The same rule saying the same thing at the same line (e.g. one pool reached from two moved files) is said once. */
function unique(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.rule}|${f.file}|${f.line}|${f.message}`;
    return !seen.has(key) && seen.add(key);
  });
}

function strip({ subject: _s, detail: _d, ...finding }: Finding & { subject?: string; detail?: string }): Finding {
  return finding;
}

/** The worst finding; "low" for a semantic change without findings; "none" when nothing changed. */
function riskOf(findings: Finding[], changes: ChangeSet): Risk {
  const worst = findings[0]?.severity;
  if (worst && worst !== "info") return worst;
  const semantic =
    worst !== undefined ||
    changes.pools.some((p) => !p.before || !p.after || p.changes.length > 0) ||
    changes.routes.some((r) => !r.before || !r.after || r.targetsChanged) ||
    changes.files.some((f) => f.status !== "modified");
  return semantic ? "low" : "none";
}
