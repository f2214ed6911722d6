/**
 * The fault matrix: every kind of GitHub call the app makes, failing in every way GitHub fails.
 * No combination may leave a passing check on a head whose verdict is failing, nor a check in
 * progress once the evaluation is over.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type FaultSpec, secondaryRateLimit } from "../emulator/index.js";
import { type Harness, incidentPull, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => h?.close());

const CALLS: [string, string, RegExp][] = [
  ["get the pull request", "GET", /\/pulls\/\d+$/],
  ["list the PR's files", "GET", /\/pulls\/\d+\/files$/],
  ["compare for the merge base", "GET", /\/compare\//],
  ["read a tree", "GET", /\/git\/trees\//],
  ["read a blob", "GET", /\/git\/blobs\//],
  ["list check runs", "GET", /\/commits\/[^/]+\/check-runs$/],
  ["create the check run", "POST", /\/check-runs$/],
  ["update the check run", "PATCH", /\/check-runs\/\d+$/],
  ["list reviews", "GET", /\/pulls\/\d+\/reviews$/],
  ["list comments", "GET", /\/issues\/\d+\/comments$/],
  ["write the comment", "POST", /\/issues\/\d+\/comments$/],
  ["list review comments", "GET", /\/pulls\/\d+\/comments$/],
  ["post the review", "POST", /\/pulls\/\d+\/reviews$/],
  ["request reviewers", "POST", /\/requested_reviewers$/],
  ["look up team membership", "GET", /\/teams\/[^/]+\/memberships\//],
  ["find the app's login", "GET", /^\/app$/],
];

const FAULTS: [string, (method: string, path: RegExp) => FaultSpec][] = [
  ["500", (method, path) => ({ method, path, status: 500, times: 2 })],
  ["502", (method, path) => ({ method, path, status: 502, times: 2 })],
  ["403 secondary rate limit", (method, path) => secondaryRateLimit({ method, path, times: 2, retryAfter: 0 })],
  ["404", (method, path) => ({ method, path, status: 404, times: 2 })],
  ["hang", (method, path) => ({ method, path, status: 200, hang: true, times: 2 })],
];

describe.each(CALLS)("when GitHub fails to %s", (_what, method, path) => {
  it.each(FAULTS)("with %s, the incident never passes and no check stays in progress", { timeout: 60_000 }, async (_fault, spec) => {
    h = await startHarness({ requestTimeoutMs: 250 });
    const n = incidentPull(h.gh);
    // An approval from one network member is not enough for the critical drain.
    h.gh.submitReview("acme", "shop", n, { user: "bob", state: "APPROVED" });
    h.gh.failNext(spec(method, path));
    await h.send(h.gh.pullRequestEvent("opened", "acme", "shop", n));
    const head = (h.gh.pull("acme", "shop", n) as { head: { sha: string } }).head.sha;
    const runs = h.gh.checkRuns({ owner: "acme", repo: "shop", sha: head, name: "lb-review" });
    for (const run of runs) {
      expect(run.status).toBe("completed");
      expect(run.history.map((s) => s.conclusion)).not.toContain("success");
    }
    // Once GitHub answers again, the next event gives the real verdict.
    await h.send(h.gh.pullRequestEvent("synchronize", "acme", "shop", n));
    const last = h.gh.checkRuns({ owner: "acme", repo: "shop", sha: head, name: "lb-review" }).at(-1)!;
    expect([last.status, last.conclusion]).toEqual(["completed", "failure"]);
    // A 404 on a membership means "not a member": bob may not count then, never the reverse.
    expect(last.output.title).toMatch(/^Critical: needs [01] of 2 approvals from @acme\/network$/);
  });
});
