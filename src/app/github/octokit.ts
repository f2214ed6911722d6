import type { ProbotOctokit } from "probot";

export type Octokit = InstanceType<typeof ProbotOctokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}

/** A reason the change could not be evaluated; the check fails closed with this message. */
export class NotEvaluated extends Error {}

export function isStatus(e: unknown, status: number): boolean {
  return typeof e === "object" && e !== null && (e as { status?: number }).status === status;
}
