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

interface Guard {
  requestMs: number;
  signal: AbortSignal | undefined;
}

const guards = new WeakMap<Octokit, Guard>();

/**
 * Timeout signals held until they fire. `AbortSignal.any()` holds its sources weakly, and Node
 * holds an `AbortSignal.timeout()` signal only weakly too: collected before it fires, it never
 * aborts, and a request GitHub does not answer hangs until the evaluation's deadline (seen as a
 * rare 60 s test time-out under load).
 */
const pending = new Set<AbortSignal>();

/**
 * Every request of this client times out after `requestMs`, and stops as soon as `signal`
 * aborts (an evaluation past its deadline). One hook per client, its limits swapped per use.
 */
export function guard(octokit: Octokit, requestMs: number, signal?: AbortSignal): void {
  let g = guards.get(octokit);
  if (!g) {
    const state: Guard = { requestMs, signal };
    guards.set(octokit, state);
    octokit.hook.before("request", (options) => {
      const timeout = AbortSignal.timeout(state.requestMs);
      pending.add(timeout);
      timeout.addEventListener("abort", () => pending.delete(timeout), { once: true });
      options.request = { ...options.request, signal: state.signal ? AbortSignal.any([timeout, state.signal]) : timeout };
    });
    g = state;
  }
  g.requestMs = requestMs;
  g.signal = signal;
}
