/**
 * Tests of the GitHub emulator itself (test/emulator/), through a real @octokit/rest client and a
 * real Probot instance, so app tests can trust what it serves and what it rejects.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Octokit } from "@octokit/rest";
import { createNodeMiddleware, createProbot } from "probot";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { diffFiles } from "./emulator/diff.js";
import {
  asProbotEvent,
  createTestProbot,
  GitHubEmulator,
  gheEnv,
  secondaryRateLimit,
  sendWebhook,
  TestOctokit,
} from "./emulator/index.js";

const gh = new GitHubEmulator();
let octokit: Octokit;

beforeAll(async () => {
  await gh.start();
});
afterAll(async () => {
  await gh.stop();
});
beforeEach(() => {
  gh.reset();
  const quiet = () => {};
  // Silence Octokit's per-error log lines: most tests provoke errors on purpose.
  octokit = new Octokit({ baseUrl: gh.baseUrl, auth: "token x", request: { retries: 0 }, log: { debug: quiet, info: quiet, warn: quiet, error: quiet } });
});

const lines = (n: number, edit: (i: number) => string | null = (i) => `line ${i}`) =>
  Array.from({ length: n }, (_, k) => edit(k + 1))
    .filter((l): l is string => l !== null)
    .map((l) => `${l}\n`)
    .join("");

/** acme/lb with a 20-line config on main and a PR from `feature` that edits line 2 and deletes line 18. */
function scenario() {
  gh.addRepo({ owner: "acme", name: "lb" });
  const base = gh.commit("acme", "lb", { branch: "main", files: { "lb/haproxy.cfg": lines(20), "README.md": "hi\n" } });
  const head = gh.commit("acme", "lb", {
    branch: "feature",
    author: "alice",
    files: { "lb/haproxy.cfg": lines(20, (i) => (i === 2 ? "line 2 changed" : i === 18 ? null : `line ${i}`)) },
  });
  const number = gh.openPull("acme", "lb", { head: { branch: "feature" }, base: "main", user: "alice" });
  return { owner: "acme", repo: "lb", base, head, number };
}

async function status(p: Promise<unknown>): Promise<{ status: number; data: Record<string, unknown>; headers: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    const err = e as { status: number; response?: { data: Record<string, unknown>; headers: Record<string, unknown> } };
    return { status: err.status, data: err.response?.data ?? {}, headers: err.response?.headers ?? {} };
  }
  throw new Error("expected the request to fail");
}

describe("HTTP layer", () => {
  it("serves only under /api/v3 and requires Authorization", async () => {
    scenario();
    // No credentials: GitHub answers 401 (the emulator is stricter than public github.com, on purpose).
    expect((await fetch(`${gh.baseUrl}/repos/acme/lb`)).status).toBe(401);
    // The GHE layout: the same route outside /api/v3 doesn't exist.
    expect((await fetch(`${gh.origin}/repos/acme/lb`, { headers: { authorization: "token x" } })).status).toBe(404);
    const { data, headers } = await octokit.rest.repos.get({ owner: "acme", repo: "lb" });
    expect(data.full_name).toBe("acme/lb");
    expect(data.default_branch).toBe("main");
    expect(headers["x-github-enterprise-version"]).toBe("3.17.0");
    // A JWT is only good for /app routes; repo routes need an installation token.
    const jwt = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ iss: 1 })).toString("base64url")}.sig`;
    expect((await fetch(`${gh.baseUrl}/repos/acme/lb`, { headers: { authorization: `Bearer ${jwt}` } })).status).toBe(403);
    expect(gh.requests.map((r) => r.status)).toEqual([401, 404, 200, 403]);
  });
});

describe("pull request files", () => {
  it("paginates more than 100 files with Link headers that octokit.paginate follows", async () => {
    const { number } = scenario();
    const files = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`lb/conf.d/f${String(i).padStart(3, "0")}.cfg`, `n ${i}\n`]));
    gh.pushToPull("acme", "lb", number, { files });
    const first = await octokit.rest.pulls.listFiles({ owner: "acme", repo: "lb", pull_number: number, per_page: 100 });
    expect(first.data).toHaveLength(100);
    expect(first.headers.link).toMatch(/page=2>; rel="next"/);
    expect(first.headers.link).toMatch(/page=3>; rel="last"/);
    const all = await octokit.paginate(octokit.rest.pulls.listFiles, { owner: "acme", repo: "lb", pull_number: number, per_page: 100 });
    // 250 new files + the modified haproxy.cfg, each once, sorted by path.
    expect(all).toHaveLength(251);
    expect(new Set(all.map((f) => f.filename)).size).toBe(251);
    expect(all.filter((f) => f.status === "added")).toHaveLength(250);
    expect(all.map((f) => f.filename)).toEqual([...all.map((f) => f.filename)].sort());
  });

  it("caps the list at 3000 files while changed_files keeps the true count", async () => {
    const { number } = scenario();
    const files = Object.fromEntries(Array.from({ length: 3005 }, (_, i) => [`gen/${i}.cfg`, `${i}\n`]));
    gh.pushToPull("acme", "lb", number, { files });
    const all = await octokit.paginate(octokit.rest.pulls.listFiles, { owner: "acme", repo: "lb", pull_number: number, per_page: 100 });
    expect(all).toHaveLength(3000);
    const { data: pr } = await octokit.rest.pulls.get({ owner: "acme", repo: "lb", pull_number: number });
    expect(pr.changed_files).toBe(3006);
  });

  it("renders a unified patch with git's hunk headers and counts", async () => {
    const { number } = scenario();
    const { data } = await octokit.rest.pulls.listFiles({ owner: "acme", repo: "lb", pull_number: number });
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({ filename: "lb/haproxy.cfg", status: "modified", additions: 1, deletions: 2, changes: 3 });
    expect(data[0]!.patch).toBe(
      [
        "@@ -1,5 +1,5 @@",
        " line 1",
        "-line 2",
        "+line 2 changed",
        " line 3",
        " line 4",
        " line 5",
        "@@ -15,6 +15,5 @@",
        " line 15",
        " line 16",
        " line 17",
        "-line 18",
        " line 19",
        " line 20",
      ].join("\n"),
    );
  });

  it("marks a missing final newline and detects exact renames", async () => {
    expect(diffFiles(Buffer.from("a\nb"), Buffer.from("a\nc\n")).patch).toBe(
      ["@@ -1,2 +1,2 @@", " a", "-b", "\\ No newline at end of file", "+c"].join("\n"),
    );
    expect(diffFiles(undefined, Buffer.from("x\n")).patch).toBe("@@ -0,0 +1 @@\n+x");
    const { number } = scenario();
    gh.pushToPull("acme", "lb", number, { files: { "README.md": null, "docs/README.md": "hi\n" } });
    const { data } = await octokit.rest.pulls.listFiles({ owner: "acme", repo: "lb", pull_number: number });
    expect(data.find((f) => f.filename === "docs/README.md")).toMatchObject({ status: "renamed", previous_filename: "README.md" });
    expect(data.map((f) => f.filename)).not.toContain("README.md");
  });

  it("diffs against the merge base, so later base commits don't leak into the PR", async () => {
    const { number } = scenario();
    const newMain = gh.commit("acme", "lb", { branch: "main", files: { "other.txt": "x\n" } });
    const { data: files } = await octokit.rest.pulls.listFiles({ owner: "acme", repo: "lb", pull_number: number });
    expect(files.map((f) => f.filename)).toEqual(["lb/haproxy.cfg"]);
    const { data: pr } = await octokit.rest.pulls.get({ owner: "acme", repo: "lb", pull_number: number });
    expect(pr.base.sha).toBe(newMain);
    const { data: cmp } = await octokit.rest.repos.compareCommitsWithBasehead({ owner: "acme", repo: "lb", basehead: "main...feature" });
    expect(cmp).toMatchObject({ status: "diverged", ahead_by: 1, behind_by: 1 });
    expect(cmp.files?.map((f) => f.filename)).toEqual(["lb/haproxy.cfg"]);
  });

  it("lists PR commits with author and committer logins, paginated", async () => {
    const { number, head } = scenario();
    const second = gh.pushToPull("acme", "lb", number, { files: { x: "1\n" }, author: "bob" });
    const third = gh.pushToPull("acme", "lb", number, { files: { x: "2\n" }, author: null });
    const commits = await octokit.paginate(octokit.rest.pulls.listCommits, { owner: "acme", repo: "lb", pull_number: number, per_page: 2 });
    expect(commits.map((c) => c.sha)).toEqual([head, second, third]);
    expect(commits.map((c) => c.author?.login ?? null)).toEqual(["alice", "bob", null]);
    expect(commits[0]!.committer?.login).toBe("alice");
  });
});

describe("contents", () => {
  it("serves JSON and raw forms, directories, refs by sha, and 404s", async () => {
    const { base, head } = scenario();
    const json = await octokit.rest.repos.getContent({ owner: "acme", repo: "lb", path: "lb/haproxy.cfg", ref: head });
    const file = json.data as { type: string; encoding: string; content: string; sha: string; size: number };
    expect(file).toMatchObject({ type: "file", encoding: "base64" });
    expect(file.content).toContain("\n"); // GitHub wraps base64 at 60 columns
    expect(Buffer.from(file.content, "base64").toString()).toContain("line 2 changed");
    const raw = await octokit.rest.repos.getContent({ owner: "acme", repo: "lb", path: "lb/haproxy.cfg", ref: base, mediaType: { format: "raw" } });
    expect(raw.data).toBe(lines(20));
    const dir = await octokit.rest.repos.getContent({ owner: "acme", repo: "lb", path: "", ref: "main" });
    expect((dir.data as Array<{ name: string; type: string }>).map((e) => [e.name, e.type])).toEqual([
      ["README.md", "file"],
      ["lb", "dir"],
    ]);
    expect((await status(octokit.rest.repos.getContent({ owner: "acme", repo: "lb", path: "nope.cfg" }))).status).toBe(404);
    const badRef = await status(octokit.rest.repos.getContent({ owner: "acme", repo: "lb", path: "README.md", ref: "no-such-branch" }));
    expect(badRef).toMatchObject({ status: 404, data: { message: "No commit found for the ref no-such-branch" } });
    // The path arrives as lb%2Fhaproxy.cfg; the log keeps it decoded.
    expect(gh.requestsTo("GET", "/repos/acme/lb/contents/lb/haproxy.cfg")).toHaveLength(2);
  });

  it("returns encoding none over 1 MB; raw and git blobs still work", async () => {
    scenario();
    const big = "x".repeat(1024 * 1024 + 10);
    gh.commit("acme", "lb", { branch: "main", files: { "big.cfg": big } });
    const { data } = await octokit.rest.repos.getContent({ owner: "acme", repo: "lb", path: "big.cfg" });
    const meta = data as { content: string; encoding: string; size: number; sha: string };
    expect(meta).toMatchObject({ content: "", encoding: "none", size: big.length });
    const raw = await octokit.rest.repos.getContent({ owner: "acme", repo: "lb", path: "big.cfg", mediaType: { format: "raw" } });
    expect((raw.data as unknown as string).length).toBe(big.length);
    const blob = await octokit.rest.git.getBlob({ owner: "acme", repo: "lb", file_sha: meta.sha });
    expect(blob.data.encoding).toBe("base64");
    expect(Buffer.from(blob.data.content, "base64").toString()).toBe(big);
  });
});

describe("check runs", () => {
  const annotation = (i: number) => ({ path: "lb/haproxy.cfg", start_line: i, end_line: i, annotation_level: "warning" as const, message: `m${i}` });

  it("accumulates annotations across requests and keeps the history", async () => {
    const { head } = scenario();
    const created = await octokit.rest.checks.create({
      owner: "acme",
      repo: "lb",
      name: "lb-review",
      head_sha: head,
      status: "in_progress",
      output: { title: "t", summary: "s", annotations: Array.from({ length: 50 }, (_, i) => annotation(i + 1)) },
    });
    await octokit.rest.checks.update({
      owner: "acme",
      repo: "lb",
      check_run_id: created.data.id,
      conclusion: "failure",
      output: { title: "t2", summary: "s2", annotations: Array.from({ length: 30 }, (_, i) => annotation(i + 51)) },
    });
    const got = await octokit.rest.checks.get({ owner: "acme", repo: "lb", check_run_id: created.data.id });
    expect(got.data).toMatchObject({ status: "completed", conclusion: "failure", output: { title: "t2", annotations_count: 80 } });
    const anns = await octokit.paginate(octokit.rest.checks.listAnnotations, { owner: "acme", repo: "lb", check_run_id: created.data.id, per_page: 100 });
    expect(anns.map((a) => a.message)).toEqual(Array.from({ length: 80 }, (_, i) => `m${i + 1}`));
    const [run] = gh.checkRuns({ sha: head });
    expect(run!.history.map((h) => [h.method, h.status, h.annotationsAdded])).toEqual([
      ["POST", "in_progress", 50],
      ["PATCH", "completed", 30],
    ]);
  });

  it("rejects what GitHub rejects, without changing state", async () => {
    const { head } = scenario();
    const base = { owner: "acme", repo: "lb", name: "lb-review", head_sha: head };
    const tooMany = await status(
      octokit.rest.checks.create({ ...base, output: { title: "t", summary: "s", annotations: Array.from({ length: 51 }, (_, i) => annotation(i + 1)) } }),
    );
    expect(tooMany).toMatchObject({ status: 422, data: { message: "Invalid request.\n\nNo more than 50 items are allowed; 51 were supplied." } });
    // Summary is limited to 65535 UTF-8 bytes: 40000 "é" are 80000 bytes.
    for (const summary of ["x".repeat(65536), "é".repeat(40000)]) {
      const long = await status(octokit.rest.checks.create({ ...base, output: { title: "t", summary } }));
      expect(long.status).toBe(422);
      expect(JSON.stringify(long.data.errors)).toContain("summary exceeds a maximum bytesize of 65535");
    }
    expect((await status(octokit.rest.checks.create({ ...base, output: { title: "t", summary: "s", text: "y".repeat(70000) } }))).status).toBe(422);
    expect((await status(octokit.rest.checks.create({ ...base, status: "completed" }))).status).toBe(422);
    expect((await status(octokit.rest.checks.create({ ...base, status: "in_progress", conclusion: "success" }))).status).toBe(422);
    const bad: Array<Record<string, unknown>> = [
      { ...annotation(3), start_line: 5 }, // start after end
      { ...annotation(3), annotation_level: "warn" },
      { path: "x", start_line: 1, end_line: 1, annotation_level: "notice" }, // no message
    ];
    for (const a of bad) {
      const r = await status(octokit.request("POST /repos/acme/lb/check-runs", { name: "lb-review", head_sha: head, output: { title: "t", summary: "s", annotations: [a] } }));
      expect(r.status).toBe(422);
    }
    expect(gh.checkRuns()).toHaveLength(0);
    const ok = await octokit.rest.checks.create({ ...base, output: { title: "t", summary: "x".repeat(65535) } });
    expect(ok.status).toBe(201);
  });

  it("lists runs for a ref, latest per name by default, filtered by check_name", async () => {
    const { head } = scenario();
    for (const name of ["lb-review", "lb-review", "other"]) {
      await octokit.rest.checks.create({ owner: "acme", repo: "lb", name, head_sha: head, conclusion: "success" });
    }
    const latest = await octokit.rest.checks.listForRef({ owner: "acme", repo: "lb", ref: "feature", check_name: "lb-review" });
    expect(latest.data.total_count).toBe(1);
    expect(latest.data.check_runs[0]!.id).toBe(Math.max(...gh.checkRuns({ name: "lb-review" }).map((c) => c.id)));
    const all = await octokit.paginate(octokit.rest.checks.listForRef, { owner: "acme", repo: "lb", ref: head, filter: "all", per_page: 1 });
    expect(all).toHaveLength(3);
    // Same-repo PRs are linked from the run.
    expect(latest.data.check_runs[0]!.pull_requests.map((p) => p.number)).toEqual([1]);
  });
});

describe("comments", () => {
  it("enforces the 65536-character body limit and counts edits", async () => {
    const { number } = scenario();
    const tooLong = await status(octokit.rest.issues.createComment({ owner: "acme", repo: "lb", issue_number: number, body: "x".repeat(65537) }));
    expect(tooLong.status).toBe(422);
    expect(JSON.stringify(tooLong.data.errors)).toContain("Body is too long (maximum is 65536 characters)");
    const { data: c } = await octokit.rest.issues.createComment({ owner: "acme", repo: "lb", issue_number: number, body: "x".repeat(65536) });
    expect(c.user?.login).toBe("lb-review[bot]");
    await octokit.rest.issues.updateComment({ owner: "acme", repo: "lb", comment_id: c.id, body: "same" });
    await octokit.rest.issues.updateComment({ owner: "acme", repo: "lb", comment_id: c.id, body: "same" });
    const [stored] = gh.issueComments("acme", "lb", number);
    expect(stored!.edits).toBe(2); // counted even when the body didn't change
    expect(stored!.updatedAt > stored!.createdAt).toBe(true);
    for (let i = 0; i < 34; i++) gh.addIssueComment("acme", "lb", number, { user: "bob", body: `c${i}` });
    const all = await octokit.paginate(octokit.rest.issues.listComments, { owner: "acme", repo: "lb", issue_number: number });
    expect(all).toHaveLength(35);
    await octokit.rest.issues.deleteComment({ owner: "acme", repo: "lb", comment_id: c.id });
    expect(gh.issueComments("acme", "lb", number)).toHaveLength(34);
  });

  it("accepts review comments only on diff lines", async () => {
    const { number, head } = scenario();
    const base = { owner: "acme", repo: "lb", pull_number: number, commit_id: head, path: "lb/haproxy.cfg", body: "b" };
    const outside = await status(octokit.rest.pulls.createReviewComment({ ...base, line: 10, side: "RIGHT" }));
    expect(outside.status).toBe(422);
    expect(JSON.stringify(outside.data.errors)).toContain("pull_request_review_thread.line must be part of the diff");
    const crossHunk = await status(octokit.rest.pulls.createReviewComment({ ...base, start_line: 3, line: 16 }));
    expect(JSON.stringify(crossHunk.data.errors)).toContain("must be part of the same hunk");
    // Old line 18 exists only on the LEFT side.
    expect((await status(octokit.rest.pulls.createReviewComment({ ...base, line: 20, side: "RIGHT" }))).status).toBe(422);
    const left = await octokit.rest.pulls.createReviewComment({ ...base, line: 18, side: "LEFT" });
    expect(left.status).toBe(201);
    const right = await octokit.rest.pulls.createReviewComment({ ...base, line: 16 });
    // Position counts from the first "@@": hunk 1 has 6 lines, the second "@@" is 7, line 15 is 8.
    expect(right.data).toMatchObject({ line: 16, side: "RIGHT", position: 9 });
    expect(right.data.diff_hunk).toBe("@@ -15,6 +15,5 @@\n line 15\n line 16");
    const multi = await octokit.rest.pulls.createReviewComment({ ...base, start_line: 3, line: 5 });
    expect(multi.data).toMatchObject({ start_line: 3, line: 5 });
    const fileLevel = await octokit.rest.pulls.createReviewComment({ ...base, subject_type: "file" });
    expect(fileLevel.data.subject_type).toBe("file");
    expect((await status(octokit.rest.pulls.createReviewComment({ ...base, path: "README.md", subject_type: "file" }))).status).toBe(422);
    expect(gh.reviewComments("acme", "lb", number)).toHaveLength(4);
    // Standalone review comments create COMMENTED reviews, as on GitHub.
    expect(gh.reviews("acme", "lb", number).map((r) => r.state)).toEqual(["COMMENTED", "COMMENTED", "COMMENTED", "COMMENTED"]);
  });

  it("validates comments of a review created by the app", async () => {
    const { number } = scenario();
    const bad = await status(
      octokit.rest.pulls.createReview({ owner: "acme", repo: "lb", pull_number: number, event: "COMMENT", comments: [{ path: "lb/haproxy.cfg", line: 10, body: "x" }] }),
    );
    expect(bad).toMatchObject({ status: 422, data: { message: "Unprocessable Entity" } });
    expect(JSON.stringify(bad.data.errors)).toContain("Pull request review thread line must be part of the diff");
    const ok = await octokit.rest.pulls.createReview({
      owner: "acme",
      repo: "lb",
      pull_number: number,
      event: "COMMENT",
      body: "summary",
      comments: [{ path: "lb/haproxy.cfg", line: 2, body: "changed" }],
    });
    expect(ok.data).toMatchObject({ state: "COMMENTED", user: { login: "lb-review[bot]" } });
    expect(gh.reviewComments("acme", "lb", number).map((c) => [c.reviewId, c.line])).toEqual([[ok.data.id, 2]]);
  });
});

describe("reviews, reviewers, teams and permissions", () => {
  it("orders reviews by submission, pins commit ids and dismisses", async () => {
    const { number, head } = scenario();
    const bob1 = gh.submitReview("acme", "lb", number, { user: "bob", state: "APPROVED" });
    gh.submitReview("acme", "lb", number, { user: "carol", state: "CHANGES_REQUESTED", body: "no" });
    gh.submitReview("acme", "lb", number, { user: "bob", state: "COMMENTED", body: "fyi" });
    const next = gh.pushToPull("acme", "lb", number, { files: { x: "1\n" } });
    gh.submitReview("acme", "lb", number, { user: "carol", state: "APPROVED" });
    expect(() => gh.submitReview("acme", "lb", number, { user: "alice", state: "APPROVED" })).toThrow(/own pull request/);
    const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, { owner: "acme", repo: "lb", pull_number: number, per_page: 3 });
    expect(reviews.map((r) => [r.user?.login, r.state, r.commit_id])).toEqual([
      ["bob", "APPROVED", head],
      ["carol", "CHANGES_REQUESTED", head],
      ["bob", "COMMENTED", head],
      ["carol", "APPROVED", next],
    ]);
    const times = reviews.map((r) => r.submitted_at!);
    expect([...times].sort()).toEqual(times);
    expect(new Set(times).size).toBe(4);
    await octokit.rest.pulls.dismissReview({ owner: "acme", repo: "lb", pull_number: number, review_id: bob1, message: "stale" });
    const commented = reviews[2]!.id;
    expect((await status(octokit.rest.pulls.dismissReview({ owner: "acme", repo: "lb", pull_number: number, review_id: commented, message: "x" }))).status).toBe(422);
    const after = await octokit.rest.pulls.listReviews({ owner: "acme", repo: "lb", pull_number: number });
    expect(after.data.map((r) => r.state)).toEqual(["DISMISSED", "CHANGES_REQUESTED", "COMMENTED", "APPROVED"]);
  });

  it("requests reviewers, refusing the author and non-collaborators", async () => {
    const { number } = scenario();
    gh.addTeam("acme", "netops", [{ login: "bob" }]);
    const author = await status(octokit.rest.pulls.requestReviewers({ owner: "acme", repo: "lb", pull_number: number, reviewers: ["alice"] }));
    expect(author).toMatchObject({ status: 422, data: { message: "Review cannot be requested from pull request author." } });
    expect((await status(octokit.rest.pulls.requestReviewers({ owner: "acme", repo: "lb", pull_number: number, team_reviewers: ["ghosts"] }))).status).toBe(422);
    await octokit.rest.pulls.requestReviewers({ owner: "acme", repo: "lb", pull_number: number, reviewers: ["bob"], team_reviewers: ["netops"] });
    const { data } = await octokit.rest.pulls.listRequestedReviewers({ owner: "acme", repo: "lb", pull_number: number });
    expect(data.users.map((u) => u.login)).toEqual(["bob"]);
    expect(data.teams.map((t) => t.slug)).toEqual(["netops"]);
    // Submitting a review clears the user's request.
    gh.submitReview("acme", "lb", number, { user: "bob", state: "APPROVED" });
    expect((await octokit.rest.pulls.listRequestedReviewers({ owner: "acme", repo: "lb", pull_number: number })).data.users).toEqual([]);
  });

  it("reports team membership states and active members only", async () => {
    scenario();
    gh.addTeam("acme", "netops", [
      { login: "bob", state: "active" },
      { login: "carol", state: "pending" },
      { login: "dave", state: "active", role: "maintainer" },
    ]);
    const membership = (username: string) => octokit.rest.teams.getMembershipForUserInOrg({ org: "acme", team_slug: "netops", username });
    expect((await membership("bob")).data).toMatchObject({ state: "active", role: "member" });
    expect((await membership("carol")).data).toMatchObject({ state: "pending" });
    expect((await status(membership("mallory"))).status).toBe(404);
    const members = await octokit.paginate(octokit.rest.teams.listMembersInOrg, { org: "acme", team_slug: "netops", per_page: 1 });
    expect(members.map((m) => m.login)).toEqual(["bob", "dave"]);
    gh.setMembership("acme", "netops", "bob", null);
    expect((await status(membership("bob"))).status).toBe(404);
    gh.setMembership("acme", "netops", "carol", "active");
    expect((await membership("carol")).data.state).toBe("active");
    expect((await status(octokit.rest.teams.getMembershipForUserInOrg({ org: "acme", team_slug: "nope", username: "bob" }))).status).toBe(404);
  });

  it("reports collaborator permissions with GitHub's legacy folding", async () => {
    scenario();
    gh.setPermission("acme", "lb", "mia", "maintain");
    gh.setPermission("acme", "lb", "tri", "triage");
    const perm = async (username: string) => (await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: "acme", repo: "lb", username })).data;
    expect(await perm("mia")).toMatchObject({ permission: "write", role_name: "maintain", user: { login: "mia" } });
    expect(await perm("tri")).toMatchObject({ permission: "read", role_name: "triage" });
    expect(await perm("stranger")).toMatchObject({ permission: "read" }); // public repo
    gh.addRepo({ owner: "acme", name: "secret", private: true });
    expect((await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: "acme", repo: "secret", username: "stranger" })).data.permission).toBe("none");
  });
});

describe("forks", () => {
  it("serves fork PRs like GitHub: head repo differs, checks list no PRs, objects shared in the network", async () => {
    const { base } = scenario();
    gh.addRepo({ owner: "mallory", name: "lb-fork", forkOf: "acme/lb" });
    const evil = gh.commit("mallory", "lb-fork", { branch: "evil", author: "mallory", files: { "lb/haproxy.cfg": "evil\n" } });
    const n = gh.openPull("acme", "lb", { head: { repo: "mallory/lb-fork", branch: "evil" }, base: "main", user: "mallory" });
    const { data: pr } = await octokit.rest.pulls.get({ owner: "acme", repo: "lb", pull_number: n });
    expect(pr.head).toMatchObject({ sha: evil, ref: "evil", repo: { full_name: "mallory/lb-fork", fork: true } });
    expect(pr.base).toMatchObject({ sha: base, repo: { full_name: "acme/lb", fork: false } });
    const raw = await octokit.rest.repos.getContent({ owner: "acme", repo: "lb", path: "lb/haproxy.cfg", ref: evil, mediaType: { format: "raw" } });
    expect(raw.data).toBe("evil\n");
    const run = await octokit.rest.checks.create({ owner: "acme", repo: "lb", name: "lb-review", head_sha: evil });
    expect(run.data.pull_requests).toEqual([]);
    // An unrelated repository can't see the network's commits.
    gh.addRepo({ owner: "other", name: "repo" });
    expect((await status(octokit.rest.repos.getContent({ owner: "other", repo: "repo", path: "x", ref: evil }))).status).toBe(404);
  });
});

describe("fault injection", () => {
  it("fails matching requests before any state change, then recovers", async () => {
    const { head } = scenario();
    gh.failNext({ method: "POST", path: /\/check-runs$/, status: 502, times: 2 });
    const create = () => octokit.rest.checks.create({ owner: "acme", repo: "lb", name: "lb-review", head_sha: head });
    expect((await status(create())).status).toBe(502);
    expect((await status(create())).status).toBe(502);
    expect(gh.checkRuns()).toHaveLength(0);
    expect((await create()).status).toBe(201);
    expect(gh.checkRuns()).toHaveLength(1);
    expect(gh.requestsTo("POST", /check-runs/).map((r) => [r.status, r.fault])).toEqual([
      [502, true],
      [502, true],
      [201, false],
    ]);
  });

  it("emulates a secondary rate limit", async () => {
    const { number } = scenario();
    gh.failNext(secondaryRateLimit({ method: "POST", path: /\/issues\/\d+\/comments$/ }));
    const limited = await status(octokit.rest.issues.createComment({ owner: "acme", repo: "lb", issue_number: number, body: "hi" }));
    expect(limited.status).toBe(403);
    expect(limited.headers["retry-after"]).toBe("1");
    expect(String(limited.data.message)).toMatch(/secondary rate limit/);
    expect(gh.issueComments("acme", "lb", number)).toHaveLength(0);
    await octokit.rest.issues.createComment({ owner: "acme", repo: "lb", issue_number: number, body: "hi" });
    expect(gh.issueComments("acme", "lb", number)).toHaveLength(1);
  });
});

describe("webhook payloads", () => {
  it("fills examples from emulator state", () => {
    const { number, head } = scenario();
    const next = gh.pushToPull("acme", "lb", number, { files: { x: "1\n" } });
    const sync = gh.pullRequestEvent("synchronize", "acme", "lb", number);
    expect(sync.name).toBe("pull_request");
    expect(sync.payload).toMatchObject({
      action: "synchronize",
      number,
      before: head,
      after: next,
      installation: { id: 1 },
      pull_request: { number, head: { sha: next, ref: "feature" } },
      repository: { full_name: "acme/lb" },
      organization: { login: "acme" },
    });

    gh.commit("acme", "lb", { branch: "release", files: {} });
    gh.updatePull("acme", "lb", number, { base: "release" });
    expect(gh.pullRequestEvent("edited", "acme", "lb", number).payload).toMatchObject({
      action: "edited",
      changes: { base: { ref: { from: "main" } } },
      pull_request: { base: { ref: "release" } },
    });

    const reviewId = gh.submitReview("acme", "lb", number, { user: "bob", state: "APPROVED" });
    expect(gh.pullRequestReviewEvent("submitted", "acme", "lb", number, reviewId).payload).toMatchObject({
      review: { id: reviewId, state: "approved", commit_id: next, user: { login: "bob" } },
      pull_request: { number },
    });

    const commentId = gh.addIssueComment("acme", "lb", number, { user: "bob", body: "/lb-review recheck" });
    expect(gh.issueCommentEvent("created", "acme", "lb", commentId).payload).toMatchObject({
      comment: { id: commentId, body: "/lb-review recheck", user: { login: "bob" } },
      issue: { number, pull_request: { url: expect.stringMatching(/\/pulls\/1$/) } },
    });

    expect(gh.pushEvent("acme", "lb", "feature", { before: head }).payload).toMatchObject({
      ref: "refs/heads/feature",
      before: head,
      after: next,
      commits: [{ id: next, added: ["x"], modified: [], removed: [] }],
    });

    gh.addTeam("acme", "netops");
    expect(gh.membershipEvent("removed", "acme", "netops", "bob").payload).toMatchObject({
      action: "removed",
      scope: "team",
      member: { login: "bob" },
      team: { slug: "netops" },
    });
  });

  it("builds check_run requested_action with the identifier", async () => {
    const { head } = scenario();
    const run = await octokit.rest.checks.create({
      owner: "acme",
      repo: "lb",
      name: "lb-review",
      head_sha: head,
      actions: [{ label: "Acknowledge", description: "Acknowledge the risk", identifier: "ack" }],
    });
    expect(gh.checkRunEvent("requested_action", "acme", "lb", run.data.id).payload).toMatchObject({
      action: "requested_action",
      requested_action: { identifier: "ack" },
      check_run: { id: run.data.id, head_sha: head, check_suite: { head_branch: "feature" } },
    });
  });
});

describe("with Probot", () => {
  it("authenticates as the installation and serves an app handler (probot.receive)", async () => {
    const { number } = scenario();
    const probot = createTestProbot(gh);
    const seen: string[] = [];
    await probot.load((app) => {
      app.on("pull_request.opened", async (context) => {
        const files = await context.octokit.paginate(context.octokit.rest.pulls.listFiles, context.pullRequest({ per_page: 100 }));
        seen.push(...files.map((f) => f.filename));
        await context.octokit.rest.checks.create(
          context.repo({ name: "lb-review", head_sha: context.payload.pull_request.head.sha, conclusion: "success", output: { title: "ok", summary: `${files.length} file(s)` } }),
        );
      });
    });
    await probot.receive(asProbotEvent(gh.pullRequestEvent("opened", "acme", "lb", number)));
    expect(seen).toEqual(["lb/haproxy.cfg"]);
    const token = gh.requestsTo("POST", "/app/installations/1/access_tokens");
    expect(token.map((r) => [r.status, r.authKind])).toEqual([[201, "jwt"]]);
    const repoCalls = gh.requests.filter((r) => r.path.startsWith("/repos/"));
    expect(repoCalls.map((r) => [r.method, r.authKind, r.status])).toEqual([
      ["GET", "installation", 200],
      ["POST", "installation", 201],
    ]);
    expect(gh.checkRuns()[0]).toMatchObject({ conclusion: "success", output: { summary: "1 file(s)" } });
  });

  it("team 404s reach Probot apps as status 404 without a response (GHE compatibility plugin)", async () => {
    scenario();
    gh.addTeam("acme", "netops", [{ login: "bob", state: "active" }]);
    const octo = await createTestProbot(gh).auth(1);
    const ok = await octo.rest.teams.getMembershipForUserInOrg({ org: "acme", team_slug: "netops", username: "bob" });
    expect(ok.data.state).toBe("active");
    // Because responses carry x-github-enterprise-version, @octokit/plugin-enterprise-compatibility
    // rethrows team-route 404s as a new RequestError without `response`: apps must look at `status` only.
    const err = await octo.rest.teams.getMembershipForUserInOrg({ org: "acme", team_slug: "netops", username: "eve" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 404 });
    expect((err as { response?: unknown }).response).toBeUndefined();
  });

  describe("over HTTP in the GHE layout (createProbot + GHE_HOST, sendWebhook)", () => {
    let server: Server;
    let hookUrl: string;
    const titles: string[] = [];

    beforeAll(async () => {
      const probot = createProbot({ env: { ...gheEnv(gh, "s3cret"), LOG_LEVEL: "fatal" }, overrides: { Octokit: TestOctokit } });
      const middleware = await createNodeMiddleware(
        (app) => {
          app.on("pull_request.opened", async (context) => {
            const { data } = await context.octokit.rest.pulls.get(context.pullRequest());
            titles.push(data.title);
          });
        },
        { probot, webhooksPath: "/hooks" },
      );
      server = createServer((req, res) => {
        void middleware(req, res, () => {
          res.writeHead(404).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    afterEach(() => {
      titles.length = 0;
    });

    it("delivers signed webhooks and rejects bad signatures", async () => {
      const { number } = scenario();
      gh.updatePull("acme", "lb", number, { title: "Shift 10% to blue" });
      const ev = gh.pullRequestEvent("opened", "acme", "lb", number);
      expect(await sendWebhook(hookUrl, "wrong", ev.name, ev.payload)).toBe(400);
      expect(await sendWebhook(hookUrl, "s3cret", ev.name, ev.payload, { signature: "sha256=00" })).toBe(400);
      expect(titles).toEqual([]);
      expect(await sendWebhook(hookUrl, "s3cret", ev.name, ev.payload)).toBe(200);
      expect(titles).toEqual(["Shift 10% to blue"]);
      // Probot used GHE_HOST: the calls arrived under /api/v3.
      expect(gh.requestsTo("GET", `/repos/acme/lb/pulls/${number}`)).toHaveLength(1);
    });
  });
});
