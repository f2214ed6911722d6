/**
 * GitHub limits the emulator enforces, and ready-made faults for the limits it can't
 * reproduce from state (rate limits). Messages follow what GitHub actually returns
 * (collected from public issue reports), so app code that matches on them is tested.
 */

/** Pagination: default and maximum `per_page`. */
export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 100;
/** `GET /pulls/:n/files` lists at most this many files (the PR's `changed_files` keeps the true count). */
export const MAX_PULL_FILES = 3000;
/** `GET /pulls/:n/commits` lists at most this many commits. */
export const MAX_PULL_COMMITS = 250;
/** `GET /compare/...` and `GET /commits/:ref` list at most this many files. */
export const MAX_COMPARE_FILES = 300;
/** Contents API: above this size the JSON form has `content: ""` and `encoding: "none"`. */
export const CONTENTS_JSON_MAX_BYTES = 1024 * 1024;
/** Contents/blob API: above this size even raw/blob access is refused. */
export const CONTENTS_MAX_BYTES = 100 * 1024 * 1024;
/** Checks API: annotations per create/update request. */
export const MAX_ANNOTATIONS_PER_REQUEST = 50;
/** Checks API: `output.summary` / `output.text` limit. GitHub measures UTF-8 bytes ("bytesize"). */
export const MAX_CHECK_OUTPUT_BYTES = 65535;
/** Checks API: at most 3 `actions`; label 20, identifier 20, description 40 characters. */
export const MAX_CHECK_ACTIONS = 3;
/** Issue / review comment body limit, in characters (Unicode code points). */
export const MAX_COMMENT_CHARS = 65536;

export const DOCS = "https://docs.github.com/enterprise-server@3.17/rest";

/** A fault to inject with `gh.failNext(...)`. */
export interface FaultSpec {
  /** HTTP method to match (any when omitted). */
  method?: string;
  /** Matched against the path after `/api/v3`, without the query string, e.g. `/repos/o/r/check-runs`. */
  path: RegExp | string;
  status: number;
  /** How many matching requests fail (default 1). */
  times?: number;
  headers?: Record<string, string>;
  /** JSON body; default `{ message: <status text> }`. */
  body?: unknown;
  /** Never answer (the client must time out); `status` is then ignored. */
  hang?: boolean;
}

/** 403 secondary rate limit, as GitHub sends it (Octokit's throttling plugin keys on the message). */
export function secondaryRateLimit(opts: { method?: string; path: RegExp | string; times?: number; retryAfter?: number }): FaultSpec {
  return {
    method: opts.method,
    path: opts.path,
    times: opts.times,
    status: 403,
    headers: { "retry-after": String(opts.retryAfter ?? 1) },
    body: {
      message:
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
      documentation_url: `${DOCS}/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
    },
  };
}

/** 403 primary rate limit exhausted (`x-ratelimit-remaining: 0`). */
export function primaryRateLimit(opts: { method?: string; path: RegExp | string; times?: number; resetInSeconds?: number }): FaultSpec {
  const reset = Math.floor(Date.now() / 1000) + (opts.resetInSeconds ?? 60);
  return {
    method: opts.method,
    path: opts.path,
    times: opts.times,
    status: 403,
    headers: { "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
    body: { message: "API rate limit exceeded for installation.", documentation_url: `${DOCS}/using-the-rest-api/rate-limits-for-the-rest-api` },
  };
}

export const utf8Bytes = (s: string) => Buffer.byteLength(s, "utf8");
export const codePoints = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};
