/** The postmortem's log of every config change: one JSON line per evaluation. */
import { appendFileSync } from "node:fs";
import type { Rejection } from "../approvals/evaluate.js";
import type { Finding, Risk } from "../engine/analyze.js";

export interface AuditRecord {
  at: string;
  repo: string;
  pr: number;
  headSha: string;
  outcome: "evaluated" | "not-evaluated" | "stale";
  risk?: Risk;
  conclusion?: string;
  findings?: Pick<Finding, "rule" | "severity" | "message" | "file" | "line">[];
  approvalsCounted?: string[];
  approvalsRejected?: Rejection[];
  reason?: string;
}

export type AuditSink = (record: AuditRecord) => void;

/** Appends to a file when LB_REVIEW_AUDIT_LOG names one; otherwise the app logs it. */
export function fileAuditSink(path: string): AuditSink {
  return (record) => appendFileSync(path, `${JSON.stringify(record)}\n`);
}
