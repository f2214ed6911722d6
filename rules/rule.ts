/**
 * What a rule is: data (id, severity, docs, examples) plus one small pure check over the
 * semantic diff. Rules never read files or the network.
 */
import type { z } from "zod";
import type { ChangeSet } from "../src/diff/diff.js";
import type { Format, Loc, Severity } from "../src/model/types.js";
import type { Capacity } from "../src/policy/schema.js";

/** A before/after pair of one file, as a rule's documentation example. */
export interface Example {
  format: Format;
  /** Where the file is, when the rule depends on it (default: a path typical of the format). */
  path?: string;
  /** null: the file does not exist in that version. */
  before: string | null;
  after: string | null;
  /** Policy YAML the example needs (e.g. capacities). */
  policy?: string;
  /** Other files, the same in both versions (e.g. declarations a reference may resolve to). */
  extra?: { path: string; text: string }[];
  /** The after text is padded with comment lines to at least this many bytes (size limits). */
  padAfterTo?: number;
}

/** An example's after text as the engine sees it, padding included. */
export function afterText(e: Example): string | null {
  if (e.after === null || e.padAfterTo === undefined) return e.after;
  const line = `${"#".repeat(99)}\n`;
  return e.after + line.repeat(Math.ceil(Math.max(0, e.padAfterTo - e.after.length) / line.length));
}

export interface RuleContext<O> {
  changes: ChangeSet;
  options: O;
  capacity: Capacity | undefined;
}

export interface RuleHit {
  /** Overrides the rule's default, for rules whose severity depends on the case. */
  severity?: Severity;
  message: string;
  loc: Loc;
  /** Other lines that caused it, e.g. the servers that were marked down. */
  related?: Loc[];
  /**
   * The element the fact is about (pool or route identity, and backend). Hits of several rules
   * on one subject are one finding: the strongest, carrying the others' `detail`.
   */
  subject?: string;
  /** This hit's fact in a few words, for when it joins a stronger finding on the same subject. */
  detail?: string;
}

export interface Rule<O = Record<string, never>> {
  id: string;
  severity: Severity;
  title: string;
  /** When it fires, in one sentence. */
  description: string;
  rationale: string;
  /** Modelling assumptions a reviewer should know. */
  assumptions?: string;
  formats: readonly Format[];
  /** Options settable under `rules.<id>` in the policy file, with their defaults. */
  options?: z.ZodType<O>;
  /**
   * `fires` sits exactly on the rule's threshold where it has one, and `silent` just off it, so
   * a `>=` turned into `>` fails the examples' test; `severity` is the finding's exact severity.
   */
  examples: { fires: Example & { severity?: Severity }; silent: Example };
  check(ctx: RuleContext<O>): RuleHit[];
}

export function percent(share: number | null): string {
  if (share === null) return "an unknown share";
  const p = share * 100;
  return `${Number.isInteger(p) ? p : p.toFixed(1)}%`;
}

/** How a report names a backend: an address, or for a replica its workload, never "web/3". */
export function backendName(b: { id: string; replicaOf?: string | undefined }, many = false): string {
  if (b.replicaOf === undefined) return b.id;
  return many ? `each replica of ${b.replicaOf}` : `the only replica of ${b.replicaOf}`;
}
