import { afterEach, describe, expect, it } from "vitest";
import { badgeToken } from "../../src/app/badge.js";
import { expectSameVerdictAsCli, type Harness, INCIDENT_AFTER, INCIDENT_BEFORE, incidentPull, lastCheck, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => h?.close());

const SENTENCE = "storefront: 10.20.0.11:8080 now receives 100% of traffic (was 25%); share-shift: +75 points";
const opened = (n: number) => h.gh.pullRequestEvent("opened", "acme", "shop", n);
const synchronize = (n: number) => h.gh.pullRequestEvent("synchronize", "acme", "shop", n);
const sticky = (n: number) => h.gh.issueComments("acme", "shop", n).filter((c) => c.body.startsWith("<!-- lb-review:summary -->"));

async function approve(n: number, user: string, state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" = "APPROVED") {
  const id = h.gh.submitReview("acme", "shop", n, { user, state });
  expect(await h.send(h.gh.pullRequestReviewEvent("submitted", "acme", "shop", n, id))).toBe(200);
  return id;
}

describe("the incident pull request", () => {
  it("is blocked with the sentence, on the right line, until two network approvals; docs pushes keep them, config pushes do not", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    expect(await h.send(opened(n))).toBe(200);

    const head = h.gh.pull("acme", "shop", n) as { head: { sha: string } };
    let check = lastCheck(h.gh, head.head.sha)!;
    expect(check).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(check.output.title).toBe("Critical: needs 0 of 2 approvals from @acme/network");
    expect(check.output.summary).toContain(SENTENCE);
    expect(check.annotations).toContainEqual(
      expect.objectContaining({ path: "lb/storefront.conf", start_line: 5, end_line: 5, annotation_level: "failure", message: SENTENCE }),
    );

    // One sticky comment with the traffic table, and inline comments on the changed lines.
    expect(sticky(n)).toHaveLength(1);
    expect(sticky(n)[0]!.body).toMatch(/\| `10\.20\.0\.11:8080` \| active \| 1 \| 25% \| \*\*100%\*\* \| \+75 pts \|/);
    const inline = h.gh.reviewComments("acme", "shop", n);
    expect(inline.length).toBeGreaterThan(0);
    for (const c of inline) expect(h.gh.pullFiles("acme", "shop", n).map((f) => f.filename)).toContain(c.path);
    expect(inline.find((c) => c.body.includes(SENTENCE))).toMatchObject({ path: "lb/storefront.conf", line: 5, side: "RIGHT" });
    // The required team was asked, once.
    const requests = h.gh.requestsTo("POST", /requested_reviewers$/);
    expect(requests.map((r) => r.body)).toEqual([{ reviewers: [], team_reviewers: ["network"] }]);

    await approve(n, "bob");
    expect(lastCheck(h.gh)!.output.title).toBe("Critical: needs 1 of 2 approvals from @acme/network");
    await approve(n, "carol");
    check = lastCheck(h.gh)!;
    expect(check.conclusion).toBe("success");
    expect(check.output.title).toBe("Critical: approved (@bob, @carol)");
    expect(h.gh.requestsTo("POST", /requested_reviewers$/)).toHaveLength(1);

    // A push that touches no load-balancer file (docs, a CI workflow's YAML) keeps the approvals.
    const docs = h.gh.pushToPull("acme", "shop", n, { files: { "README.md": "# shop\n\nrunbook\n", ".github/workflows/ci.yml": "on: push\njobs: {}\n" }, author: "alice" });
    expect(await h.send(synchronize(n))).toBe(200);
    expect(lastCheck(h.gh, docs)!.conclusion).toBe("success");

    // Touching the load-balancer config again needs fresh approvals.
    const config = h.gh.pushToPull("acme", "shop", n, { files: { "lb/storefront.conf": INCIDENT_AFTER.replace("keepalive 64", "keepalive 32") }, author: "alice" });
    expect(await h.send(synchronize(n))).toBe(200);
    check = lastCheck(h.gh, config)!;
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toMatch(/@bob: approved [0-9a-f]{7}; load-balancer config changed since/);
    expect(sticky(n)).toHaveLength(1);

    const audit = h.audit.filter((a) => a.outcome === "evaluated");
    expect(audit.at(-1)).toMatchObject({ repo: "acme/shop", pr: n, headSha: config, risk: "critical", conclusion: "failure" });
    expect(audit.at(-1)!.approvalsRejected!.map((r) => r.login).sort()).toEqual(["bob", "carol"]);
    expect(audit.find((a) => a.conclusion === "success")!.approvalsCounted).toEqual(["bob", "carol"]);
  });
});

describe("approval rules through GitHub", () => {
  it("ignores non-members, pending members and comments; changes requested blocks; dismissal revokes", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    await h.send(opened(n));
    await approve(n, "frank");
    await approve(n, "dave");
    await approve(n, "bob");
    await approve(n, "bob", "COMMENTED");
    let check = lastCheck(h.gh)!;
    expect(check.output.title).toBe("Critical: needs 1 of 2 approvals from @acme/network");
    expect(check.output.summary).toContain("@frank: not in a required team or user list");
    expect(check.output.summary).toContain("@dave: not in a required team or user list");

    const carol = await approve(n, "carol", "CHANGES_REQUESTED");
    expect(lastCheck(h.gh)!.output.title).toContain("changes requested by @carol");
    h.gh.dismissReview("acme", "shop", n, carol);
    await h.send(h.gh.pullRequestReviewEvent("dismissed", "acme", "shop", n, carol));
    expect(lastCheck(h.gh)!.output.summary).toContain("@carol: review was dismissed");

    // A team the PR does not wait on changes nothing.
    h.gh.addTeam("acme", "design", [{ login: "erin" }]);
    const evaluations = h.audit.length;
    expect(await h.send(h.gh.membershipEvent("added", "acme", "design", "erin"))).toBe(200);
    expect(h.audit.length).toBe(evaluations);

    // Membership becomes active: the membership event re-evaluates the waiting PR.
    h.gh.setMembership("acme", "network", "dave", "active");
    expect(await h.send(h.gh.membershipEvent("added", "acme", "network", "dave"))).toBe(200);
    check = lastCheck(h.gh)!;
    expect(check.conclusion).toBe("success");
    expect(check.output.title).toBe("Critical: approved (@bob, @dave)");
  });

  it("takes the policy from the base branch, not the pull request", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    h.gh.pushToPull("acme", "shop", n, { files: { ".github/lb-review.yml": "approvals:\n  critical: { count: 0 }\n" }, author: "alice" });
    await h.send(opened(n));
    expect(lastCheck(h.gh)!.conclusion).toBe("failure");
  });

  it("fails closed, naming file and line, when the base policy is invalid", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh, { policy: "version: 1\napprovals:\n  critical: { count: lots }\n" });
    await h.send(opened(n));
    const check = lastCheck(h.gh)!;
    expect(check.conclusion).toBe("failure");
    expect(check.output.title).toBe("lb-review could not evaluate this change");
    expect(check.output.summary).toContain("`.github/lb-review.yml:3`: approvals.critical.count");
  });
});

describe("events and delivery", () => {
  it("rejects a bad signature with 4xx and does nothing", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    h.gh.clearRequests();
    const status = await h.send(opened(n), { signature: "sha256=bad" });
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(h.gh.requests).toHaveLength(0);
  });

  it("handles redelivery of the same webhook without duplicates", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    const event = opened(n);
    await h.send(event);
    const evaluations = h.audit.length;
    await h.send(event);
    // The same delivery id costs no second evaluation.
    expect(h.audit.length).toBe(evaluations);
    expect(h.gh.checkRuns({ name: "lb-review" })).toHaveLength(1);
    expect(sticky(n)).toHaveLength(1);
    expect(sticky(n)[0]!.edits).toBe(0);
    const inline = h.gh.reviewComments("acme", "shop", n);
    expect(new Set(inline.map((c) => c.body)).size).toBe(inline.length);
    expect(h.gh.requestsTo("POST", /requested_reviewers$/)).toHaveLength(1);
  });

  it("never lets a slow run for an old head overwrite the newer result", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    const first = (h.gh.pull("acme", "shop", n) as { head: { sha: string } }).head.sha;
    let pushed = "";
    // While the first evaluation reads blobs, the author pushes a fix.
    h.gh.onRequest = (r) => {
      if (!pushed && r.method === "GET" && r.path.includes("/git/blobs/")) {
        pushed = h.gh.pushToPull("acme", "shop", n, { files: { "lb/storefront.conf": INCIDENT_BEFORE }, author: "alice" });
      }
    };
    await h.send(opened(n));
    h.gh.onRequest = undefined;
    expect(pushed).not.toBe("");
    expect(sticky(n)).toHaveLength(0);
    expect(h.audit.at(-1)).toMatchObject({ outcome: "stale", headSha: first });
    await h.send(synchronize(n));
    expect(lastCheck(h.gh, pushed)!.conclusion).toBe("success");
    expect(sticky(n)[0]!.body).toContain(`evaluated ${pushed.slice(0, 7)}`);
  });

  it("retries 5xx errors and secondary rate limits", async () => {
    h = await startHarness({ retrying: true });
    const n = incidentPull(h.gh);
    h.gh.failNext({ method: "POST", path: /\/check-runs$/, status: 502, times: 2 });
    h.gh.failNext({ method: "GET", path: /\/git\/trees\//, status: 403, times: 1, headers: { "retry-after": "1" }, body: { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." } });
    await h.send(opened(n));
    expect(h.gh.requests.filter((r) => r.fault)).toHaveLength(3);
    expect(lastCheck(h.gh)!.output.title).toBe("Critical: needs 0 of 2 approvals from @acme/network");
  });

  it("never shows a pass for a change it could not evaluate", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    h.gh.failNext({ method: "GET", path: /\/git\/blobs\//, status: 500, times: 100 });
    await h.send(opened(n));
    const check = lastCheck(h.gh)!;
    expect(check).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(check.output.title).toBe("lb-review could not evaluate this change");
    expect(check.history.every((s) => s.conclusion !== "success")).toBe(true);
    expect(h.audit.at(-1)).toMatchObject({ outcome: "not-evaluated" });
  });

  it("re-evaluates when the base branch changes, not when the title is edited", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    await h.send(opened(n));
    const count = h.audit.length;
    h.gh.updatePull("acme", "shop", n, { title: "Maintenance (tonight)" });
    await h.send(h.gh.pullRequestEvent("edited", "acme", "shop", n));
    expect(h.audit.length).toBe(count);
    h.gh.commit("acme", "shop", { branch: "release", from: "main", files: { "README.md": "# shop\nrelease\n" } });
    h.gh.updatePull("acme", "shop", n, { base: "release" });
    await h.send(h.gh.pullRequestEvent("edited", "acme", "shop", n));
    expect(h.audit.length).toBe(count + 1);
    expect(lastCheck(h.gh)!.conclusion).toBe("failure");
  });

  it("re-checks on /lb-review recheck and on the check's re-run", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    await h.send(opened(n));
    const before = h.audit.length;
    const comment = h.gh.addIssueComment("acme", "shop", n, { user: "bob", body: "/lb-review recheck" });
    await h.send(h.gh.issueCommentEvent("created", "acme", "shop", comment));
    expect(h.audit.length).toBe(before + 1);
    const check = lastCheck(h.gh)!;
    await h.send(h.gh.checkRunEvent("rerequested", "acme", "shop", check.id));
    expect(h.audit.length).toBe(before + 2);
  });

  it("reviews a fork's pull request, finding it by SHA when the check event has no PR list", async () => {
    h = await startHarness();
    incidentPull(h.gh);
    h.gh.addRepo({ owner: "mallory", name: "shop", forkOf: "acme/shop" });
    h.gh.commit("mallory", "shop", { branch: "tweak", from: "main", author: "mallory", files: { "lb/storefront.conf": INCIDENT_AFTER } });
    const n = h.gh.openPull("acme", "shop", { head: { repo: "mallory/shop", branch: "tweak" }, base: "main", user: "mallory" });
    await h.send(opened(n));
    const check = lastCheck(h.gh)!;
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain(SENTENCE);
    const event = h.gh.checkRunEvent("rerequested", "acme", "shop", check.id);
    (event.payload as { check_run: { pull_requests: unknown[] } }).check_run.pull_requests = [];
    const count = h.audit.length;
    await h.send(event);
    expect(h.audit.length).toBe(count + 1);
    expectSameVerdictAsCli(h, "acme", "shop", n);
  });

  it("passes a pull request that touches no load-balancer config", async () => {
    h = await startHarness();
    incidentPull(h.gh);
    h.gh.commit("acme", "shop", { branch: "docs", from: "main", author: "alice", files: { "README.md": "# shop\nmore\n" } });
    const n = h.gh.openPull("acme", "shop", { head: { branch: "docs" }, base: "main", user: "alice" });
    await h.send(opened(n));
    expect(lastCheck(h.gh)).toMatchObject({ conclusion: "success", output: { title: "Risk none: 0 findings, no approval required" } });
    expectSameVerdictAsCli(h, "acme", "shop", n);
  });

  it("fails closed beyond GitHub's 3,000-file listing", async () => {
    h = await startHarness();
    incidentPull(h.gh);
    const files = Object.fromEntries(Array.from({ length: 3001 }, (_, i) => [`docs/page-${i}.md`, `${i}\n`]));
    h.gh.commit("acme", "shop", { branch: "big", from: "main", author: "alice", files });
    const n = h.gh.openPull("acme", "shop", { head: { branch: "big" }, base: "main", user: "alice" });
    await h.send(opened(n));
    const check = lastCheck(h.gh)!;
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("changes 3001 files");
  });
});

describe("GitHub's size limits", () => {
  it("batches annotations by 50 and keeps the summary and comment within limits", async () => {
    h = await startHarness();
    h.gh.addRepo({ owner: "acme", name: "shop" });
    const pools = (down: boolean) =>
      Array.from({ length: 120 }, (_, i) => `upstream pool${i} {\n  server 10.0.${i}.1:80;\n  server 10.0.${i}.2:80${down ? " down" : ""};\n}\n`).join("");
    h.gh.commit("acme", "shop", { branch: "main", files: { "lb/pools.conf": pools(false) } });
    h.gh.commit("acme", "shop", { branch: "drain", author: "alice", files: { "lb/pools.conf": pools(true) } });
    const n = h.gh.openPull("acme", "shop", { head: { branch: "drain" }, base: "main", user: "alice" });
    await h.send(opened(n));
    const check = lastCheck(h.gh)!;
    expect(check.annotations.length).toBeGreaterThan(150);
    for (const s of check.history) expect(s.annotationsAdded).toBeLessThanOrEqual(50);
    expect(Buffer.byteLength(check.output.summary ?? "")).toBeLessThanOrEqual(65_535);
    expect(check.output.summary).toContain("truncated");
    expect([...sticky(n)[0]!.body].length).toBeLessThanOrEqual(65_536);
    expect(h.gh.reviewComments("acme", "shop", n).length).toBeLessThanOrEqual(20);
    expectSameVerdictAsCli(h, "acme", "shop", n);
  });
});

describe("badges and health", () => {
  it("shows the default branch's pools and the PRs awaiting approval; private repos need a token", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    await h.send(h.gh.pushEvent("acme", "shop", "main"));
    const get = async (path: string) => (await fetch(`${h.url}${path}`)).text();
    expect(await get("/lb-review/badge/acme/shop.svg")).toContain("1 pool · healthy");
    await h.send(opened(n));
    expect(await get("/lb-review/badge/acme/shop.svg")).toContain("1 PR awaiting approval");
    expect(await get(`/lb-review/badge/acme/shop/pulls/${n}.svg`)).toContain("critical · 0/2 approvals");
    expect(await get("/lb-review/badge/acme/nope.svg")).toContain("unknown");

    h.gh.addRepo({ owner: "acme", name: "secret", private: true });
    h.gh.commit("acme", "secret", { branch: "main", files: { "lb/a.conf": INCIDENT_BEFORE } });
    await h.send(h.gh.pushEvent("acme", "secret", "main"));
    expect(await get("/lb-review/badge/acme/secret.svg")).toContain("unknown");
    const token = badgeToken("badge-secret", "acme/secret");
    expect(await get(`/lb-review/badge/acme/secret.svg?token=${token}`)).toContain("1 pool · healthy");

    const health = await fetch(`${h.url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: "ok" }]);
  });

  it("answers 400 to malformed names, and serves SVGs that cannot run script", async () => {
    h = await startHarness();
    for (const bad of ["/lb-review/badge/acme.svg", "/lb-review/badge/-acme/shop.svg", "/lb-review/badge/acme/%E0%A4%A.svg", "/lb-review/badge/acme/..%2F..%2Fetc.svg", "/lb-review/badge/acme/shop/pulls/x.svg"]) {
      expect((await fetch(`${h.url}${bad}`)).status, bad).toBe(400);
    }
    const ok = await fetch(`${h.url}/lb-review/badge/acme/shop.svg`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-content-type-options")).toBe("nosniff");
    expect(ok.headers.get("content-security-policy")).toContain("default-src 'none'");
  });
});

describe("other formats through the app", () => {
  it("blocks a Kubernetes scale-in to one replica, on the replicas line", async () => {
    h = await startHarness();
    h.gh.addRepo({ owner: "acme", name: "k8s" });
    const manifest = (replicas: number) =>
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: ${replicas}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: web:1\n`;
    h.gh.commit("acme", "k8s", { branch: "main", files: { "deploy/web.yaml": manifest(4) } });
    h.gh.commit("acme", "k8s", { branch: "scale-in", author: "alice", files: { "deploy/web.yaml": manifest(1) } });
    const n = h.gh.openPull("acme", "k8s", { head: { branch: "scale-in" }, base: "main", user: "alice" });
    await h.send(h.gh.pullRequestEvent("opened", "acme", "k8s", n));
    const check = h.gh.checkRuns({ owner: "acme", repo: "k8s", name: "lb-review" }).at(-1)!;
    expect(check.conclusion).toBe("failure");
    expect(check.annotations).toContainEqual(
      expect.objectContaining({ path: "deploy/web.yaml", start_line: 16, annotation_level: "failure", message: "default/web: the only replica of web now receives 100% of traffic (was 25%); share-shift: +75 points" }),
    );
    expectSameVerdictAsCli(h, "acme", "k8s", n);
  });
});

describe("comments on what is not in the diff, and on what got fixed", () => {
  it("comments at file level for a deleted config file, and resolves inline comments once fixed", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    await h.send(opened(n));
    const before = h.gh.reviewComments("acme", "shop", n).filter((c) => c.body.includes("lb-review critical"));
    expect(before.length).toBeGreaterThan(0);

    // The author reverts the drain: every earlier finding is gone.
    h.gh.pushToPull("acme", "shop", n, { files: { "lb/storefront.conf": INCIDENT_BEFORE }, author: "alice" });
    await h.send(synchronize(n));
    for (const c of before) expect(h.gh.reviewComments("acme", "shop", n).find((x) => x.id === c.id)!.body).toMatch(/^✅ Resolved in [0-9a-f]{7}/);
    expect(lastCheck(h.gh)!.conclusion).toBe("success");

    // Deleting the file: the finding sits on no diff line, so it is a file-level comment.
    h.gh.pushToPull("acme", "shop", n, { files: { "lb/storefront.conf": null }, author: "alice" });
    await h.send(synchronize(n));
    const fileLevel = h.gh.reviewComments("acme", "shop", n).filter((c) => c.subjectType === "file");
    expect(fileLevel).toHaveLength(1);
    expect(fileLevel[0]).toMatchObject({ path: "lb/storefront.conf", body: expect.stringContaining("lb-config-deleted") });
  });
});

describe("organization defaults", () => {
  it("reads the policy through _extends from the organization's .github repository", async () => {
    h = await startHarness();
    h.gh.addRepo({ owner: "acme", name: ".github" });
    h.gh.commit("acme", ".github", { branch: "main", files: { ".github/lb-review.yml": "approvals:\n  critical: { count: 3, teams: [sre] }\n" } });
    const n = incidentPull(h.gh, { policy: "_extends: .github\n" });
    await h.send(opened(n));
    expect(lastCheck(h.gh)!.output.title).toBe("Critical: needs 0 of 3 approvals from @acme/sre");
  });
});
