/**
 * Reads and validates the policy YAML. Every problem comes back as a diagnostic naming the
 * file and line of the offending key, so a user can fix it without guessing.
 */
import { isNode, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { RULES } from "../../rules/index.js";
import { type Diagnostic, loc, SEVERITIES, type Severity } from "../model/types.js";
import { POLICY_PATH } from "./path.js";
import { DEFAULT_POLICY, type Policy, policySchema, severitySetting } from "./schema.js";

export { POLICY_PATH };

export interface RuleSetting {
  severity?: Severity | "off";
  options: Record<string, unknown>;
}

export interface LoadedPolicy {
  policy: Policy;
  /** Per rule: the policy's severity override and the rule's options with defaults applied. */
  rules: Map<string, RuleSetting>;
  diagnostics: Diagnostic[];
}

export function loadPolicy(text: string | null, file = POLICY_PATH): LoadedPolicy {
  if (text === null) return { policy: DEFAULT_POLICY, rules: ruleSettings({}), diagnostics: [] };
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const lineOf = (offset: number) => lines.linePos(offset).line;
  const diagnostics: Diagnostic[] = doc.errors.map((e) => ({
    severity: "error",
    message: `invalid YAML: ${e.message.split("\n")[0]}`,
    loc: loc(file, lineOf(e.pos[0])),
  }));
  if (diagnostics.length > 0) return { policy: DEFAULT_POLICY, rules: ruleSettings({}), diagnostics };
  const lineAt = (path: PropertyKey[]): number => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as (string | number)[], true);
      if (isNode(node) && node.range) return lineOf(node.range[0]);
    }
    return 1;
  };
  return loadPolicyData(doc.toJS() ?? {}, file, lineAt);
}

/**
 * Validates an already-parsed policy, e.g. the GitHub App's merge of a repository file with an
 * organization default (`_extends`). Without `lineAt`, problems point at line 1 and name the key.
 */
export function loadPolicyData(data: unknown, file = POLICY_PATH, lineAt: (path: PropertyKey[]) => number = () => 1): LoadedPolicy {
  const diagnostics: Diagnostic[] = [];
  const issue = (path: PropertyKey[], message: string): Diagnostic => {
    const where = path.length > 0 ? `${path.join(".")}: ` : "";
    return { severity: "error", message: `${where}${message}`, loc: loc(file, lineAt(path)) };
  };
  const parsed = policySchema.safeParse(data);
  if (!parsed.success) {
    return { policy: DEFAULT_POLICY, rules: ruleSettings({}), diagnostics: parsed.error.issues.map((i) => issue(issuePath(i), i.message)) };
  }
  const known = new Map(RULES.map((r) => [r.id, r]));
  for (const id of Object.keys(parsed.data.rules)) {
    if (!known.has(id)) diagnostics.push(issue(["rules", id], `unknown rule "${id}"; known rules: ${[...known.keys()].join(", ")}`));
  }
  const rules = ruleSettings(parsed.data.rules, (path, message) => diagnostics.push(issue(path, message)));
  return { policy: parsed.data, rules, diagnostics };
}

/** Zod reports an unknown key at its parent; the user needs the key's own line. */
function issuePath(i: z.core.$ZodIssue): PropertyKey[] {
  return i.code === "unrecognized_keys" && i.keys[0] !== undefined ? [...i.path, i.keys[0]] : i.path;
}

function ruleSettings(
  raw: Record<string, Record<string, unknown>>,
  report: (path: PropertyKey[], message: string) => void = () => {},
): Map<string, RuleSetting> {
  const out = new Map<string, RuleSetting>();
  for (const rule of RULES) {
    const { severity, ...rest } = raw[rule.id] ?? {};
    const setting: RuleSetting = { options: {} };
    if (severity !== undefined) {
      const s = severitySetting.safeParse(severity);
      if (s.success) setting.severity = s.data as RuleSetting["severity"];
      else report(["rules", rule.id, "severity"], `must be one of ${[...SEVERITIES, "off"].join(", ")}`);
    }
    const schema = (rule.options ?? z.strictObject({})) as z.ZodType<Record<string, unknown>>;
    const options = schema.safeParse(rest);
    if (options.success) setting.options = options.data;
    else for (const i of options.error.issues) report(["rules", rule.id, ...issuePath(i)], i.message);
    out.set(rule.id, setting);
  }
  return out;
}
