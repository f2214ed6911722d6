/** The policy file `.github/lb-review.yml`: its schema and defaults. */
import { z } from "zod";
import { FORMATS, SEVERITIES } from "../model/types.js";

const severity = z.enum(SEVERITIES as [string, ...string[]]);
const format = z.enum(FORMATS as [string, ...string[]]);

const approvalTier = z.strictObject({
  count: z.number().int().min(0).max(20),
  teams: z.array(z.string().min(1)).default([]),
  users: z.array(z.string().min(1)).default([]),
});

export const capacitySchema = z.strictObject({
  /** Free text for messages, e.g. "rps" or "conn/s". */
  unit: z.string().default("rps"),
  /** Expected peak load per pool name. */
  peak: z.record(z.string(), z.number().positive()),
  /** Capacity per backend id (host:port) or "pool/backend". */
  backends: z.record(z.string(), z.number().positive()),
});

export const policySchema = z.strictObject({
  version: z.literal(1).default(1),
  /** Which paths hold load-balancer config, and their format. Without it, formats are detected. */
  files: z.array(z.strictObject({ path: z.string().min(1), format })).default([]),
  /** The HAProxy release the repository runs ("2.6", "3.2"): which keywords are errors follows it. */
  haproxyVersion: z.string().regex(/^\d+\.\d+(\.\d+)?$/, "a release such as 2.6 or 3.2").optional(),
  /** The nginx release the repository runs ("1.26"): directives newer than it are errors. */
  nginxVersion: z.string().regex(/^\d+\.\d+(\.\d+)?$/, "a release such as 1.26").optional(),
  /**
   * Templates to render before judging (Jinja2 through nunjucks, or envsubst): the rendered
   * config is judged, with findings on the template's lines. `values`: a YAML or JSON file of the
   * repository whose top-level keys are variables; `variables` add to it and win.
   */
  templates: z
    .array(
      z.strictObject({
        path: z.string().min(1),
        engine: z.enum(["jinja2", "envsubst"]),
        variables: z.record(z.string(), z.unknown()).default({}),
        values: z.string().min(1).optional(),
      }),
    )
    .default([]),
  /** Paths never treated as load-balancer config. */
  ignore: z.array(z.string().min(1)).default([]),
  /** Per-rule settings: `severity` (or "off") plus the rule's own options. Checked per rule. */
  rules: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  capacity: capacitySchema.optional(),
  approvals: z
    .strictObject(Object.fromEntries(SEVERITIES.map((s) => [s, approvalTier.optional()])))
    .default({ critical: { count: 2, teams: [], users: [] }, high: { count: 1, teams: [], users: [] } }),
  /** Also refuse approvals from anyone who pushed commits to the pull request. */
  excludeContributors: z.boolean().default(false),
  /** The app dismisses GitHub approvals that its staleness rule voided, so the PR page agrees. */
  dismissStaleApprovals: z.boolean().default(false),
});

export type Policy = z.infer<typeof policySchema>;
export type Capacity = z.infer<typeof capacitySchema>;
export type ApprovalTier = z.infer<typeof approvalTier>;
export const severitySetting = z.union([severity, z.literal("off")]);

export const DEFAULT_POLICY: Policy = policySchema.parse({});
