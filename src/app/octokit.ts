/**
 * The app's Octokit: Probot's, except that secondary rate limits are retried (Probot's default
 * only logs them, which would turn a busy minute into an unevaluated change).
 */
import { ProbotOctokit } from "probot";

/** Retries after GitHub's retry-after, twice at most; the third hit fails the evaluation closed. */
export const MAX_SECONDARY_RETRIES = 2;

export const AppOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  throttle: {
    ...(options.throttle as Record<string, unknown>),
    onSecondaryRateLimit: (retryAfter: number, req: { method: string; url: string }, octokit: InstanceType<typeof ProbotOctokit>, retryCount: number) => {
      octokit.log.warn(`secondary rate limit on ${req.method} ${req.url}; retry ${retryCount + 1} in ${retryAfter}s`);
      return retryCount < MAX_SECONDARY_RETRIES;
    },
  },
}));
