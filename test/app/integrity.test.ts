/**
 * The app judges what the CLI judges, and a pull request author cannot game it: these are the
 * attacks that used to pass, each with the verdict it must get now.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type Analyzer, WorkerPool } from "../../src/app/analyzer.js";
import { sendWebhook } from "../emulator/index.js";
import { expectSameVerdictAsCli, type Harness, INCIDENT_AFTER, INCIDENT_BEFORE, incidentPull, lastCheck, scratchPull, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => h?.close());

const opened = (repo: string, n: number) => h.gh.pullRequestEvent("opened", "acme", repo, n);
const checkOf = (repo: string) => h.gh.checkRuns({ owner: "acme", repo, name: "lb-review" }).at(-1);

async function expectSameVerdict(repo: string, n: number) {
  return expectSameVerdictAsCli(h, "acme", repo, n);
}

const svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n";
const dep = (n: number) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: ${n}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: web:1\n`;

describe("the app sees what the CLI sees", () => {
  it("a Deployment scaled 4 → 1 in k8s/deploy while its Service is in k8s/services is critical, as in the CLI", async () => {
    h = await startHarness();
    const n = scratchPull(h.gh, "k8s", { "k8s/services/web.yaml": svc, "k8s/deploy/web.yaml": dep(4) }, { "k8s/deploy/web.yaml": dep(1) });
    expect(await h.send(opened("k8s", n))).toBe(200);
    expect(checkOf("k8s")?.conclusion).toBe("failure");
    expect((await expectSameVerdict("k8s", n)).risk).toBe("critical");
  });

  it("a kustomize patch that scales an overlay to 1 is critical in the app as in the CLI, on the patch line", async () => {
    h = await startHarness();
    const k = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
    const patch = (n: number) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: ${n}\n`;
    const n = scratchPull(
      h.gh,
      "kz",
      {
        "deploy/base/kustomization.yaml": k("resources:\n- web.yaml\n- svc.yaml\n"),
        "deploy/base/web.yaml": dep(4),
        "deploy/base/svc.yaml": svc,
        "deploy/prod/kustomization.yaml": k("namespace: prod\nresources:\n- ../base\npatches:\n- path: scale.yaml\n"),
        "deploy/prod/scale.yaml": patch(4),
      },
      { "deploy/prod/scale.yaml": patch(1) },
    );
    expect(await h.send(opened("kz", n))).toBe(200);
    expect(checkOf("kz")?.conclusion).toBe("failure");
    const cli = await expectSameVerdict("kz", n);
    expect(cli.findings.find((f) => f.severity === "critical")).toMatchObject({ file: "deploy/prod/scale.yaml", line: 6 });
  });

  it("a drain in a Jinja2 template (nginx.conf.j2) is critical in the app as in the CLI", async () => {
    h = await startHarness();
    const conf = (down: string) => `upstream shop {\n{% if prod %}\n  server 10.0.0.1:80;\n  server 10.0.0.2:80${down};\n{% else %}\n  server 127.0.0.1:80;\n{% endif %}\n}\n`;
    const n = scratchPull(h.gh, "tpl", { "roles/lb/templates/nginx.conf.j2": conf("") }, { "roles/lb/templates/nginx.conf.j2": conf(" down") });
    expect(await h.send(opened("tpl", n))).toBe(200);
    expect(checkOf("tpl")?.conclusion).toBe("failure");
    expect((await expectSameVerdict("tpl", n)).risk).toBe("critical");
  });

  it("a weight set in variables.tf of the listener's module directory is judged in the app as in the CLI", async () => {
    h = await startHarness();
    const listener = 'resource "aws_lb_listener" "app" {\n  port = 80\n  default_action {\n    type = "forward"\n    forward {\n      target_group {\n        arn    = aws_lb_target_group.blue.arn\n        weight = var.blue\n      }\n      target_group {\n        arn    = aws_lb_target_group.green.arn\n        weight = var.green\n      }\n    }\n  }\n}\nresource "aws_lb_target_group" "blue" {\n  port = 80\n}\nresource "aws_lb_target_group" "green" {\n  port = 80\n}\n';
    const vars = (b: number, g: number) => `variable "blue" {\n  default = ${b}\n}\nvariable "green" {\n  default = ${g}\n}\n`;
    const n = scratchPull(h.gh, "tf", { "infra/lb.tf": listener, "infra/variables.tf": vars(50, 50) }, { "infra/variables.tf": vars(100, 0) });
    expect(await h.send(opened("tf", n))).toBe(200);
    expect(checkOf("tf")?.conclusion).toBe("failure");
    const cli = await expectSameVerdict("tf", n);
    expect(cli.findings.map((f) => f.rule)).toContain("traffic-concentration");
  });

  it("renaming lb/storefront.conf to archive/storefront.txt is a deletion (high), as in the CLI", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh, { policy: null });
    h.gh.pushToPull("acme", "shop", n, { files: { "lb/storefront.conf": null, "archive/storefront.txt": INCIDENT_BEFORE }, author: "alice" });
    expect(await h.send(h.gh.pullRequestEvent("synchronize", "acme", "shop", n))).toBe(200);
    expect(lastCheck(h.gh)?.conclusion).toBe("failure");
    const cli = await expectSameVerdict("shop", n);
    expect(cli.findings.map((f) => f.rule)).toContain("lb-config-deleted");
  });

  it("a typo in an upstream in upstreams/ while its route is in sites/ is critical, as in the CLI", async () => {
    h = await startHarness();
    const site = "server {\n  listen 80;\n  location / {\n    proxy_pass http://storefront;\n  }\n}\n";
    const up = (name: string) => `upstream ${name} {\n  server 10.0.0.1:8080;\n  server 10.0.0.2:8080;\n}\n`;
    const n = scratchPull(h.gh, "edge", { "nginx/sites/shop.conf": site, "nginx/upstreams/storefront.conf": up("storefront") }, { "nginx/upstreams/storefront.conf": up("storefornt") });
    expect(await h.send(opened("edge", n))).toBe(200);
    expect(checkOf("edge")?.conclusion).toBe("failure");
    const cli = await expectSameVerdict("edge", n);
    expect(cli.risk).toBe("critical");
  });

  it("the incident, as in the CLI", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    expect(await h.send(opened("shop", n))).toBe(200);
    expect((await expectSameVerdict("shop", n)).risk).toBe("critical");
  });
});

describe("approvals that cannot be gamed", () => {
  async function approve(n: number, user: string) {
    const id = h.gh.submitReview("acme", "shop", n, { user, state: "APPROVED" });
    expect(await h.send(h.gh.pullRequestReviewEvent("submitted", "acme", "shop", n, id))).toBe(200);
  }

  it("a force-push back to an approved ancestor voids the approvals", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    expect(await h.send(opened("shop", n))).toBe(200);
    const drain = h.gh.branchSha("acme", "shop", "maintenance")!;
    // A harmless revert is pushed and approved...
    h.gh.pushToPull("acme", "shop", n, { files: { "lb/storefront.conf": INCIDENT_BEFORE }, author: "alice" });
    expect(await h.send(h.gh.pullRequestEvent("synchronize", "acme", "shop", n))).toBe(200);
    await approve(n, "bob");
    await approve(n, "carol");
    expect(lastCheck(h.gh)?.conclusion).toBe("success");
    // ...then the branch is forced back to the drain.
    h.gh.setBranch("acme", "shop", "maintenance", drain);
    expect(await h.send(h.gh.pullRequestEvent("synchronize", "acme", "shop", n))).toBe(200);
    const check = lastCheck(h.gh, drain)!;
    expect(check.conclusion).toBe("failure");
    expect(check.output.title).toBe("Critical: needs 0 of 2 approvals from @acme/network");
  });

  it("a rebase that leaves the config identical keeps the approvals", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    expect(await h.send(opened("shop", n))).toBe(200);
    await approve(n, "bob");
    await approve(n, "carol");
    expect(lastCheck(h.gh)?.conclusion).toBe("success");
    const rebased = h.gh.commit("acme", "shop", { branch: "rebased", from: "main", author: "alice", files: { "lb/storefront.conf": INCIDENT_AFTER } });
    h.gh.setBranch("acme", "shop", "maintenance", rebased);
    expect(await h.send(h.gh.pullRequestEvent("synchronize", "acme", "shop", n))).toBe(200);
    expect(lastCheck(h.gh, rebased)?.conclusion).toBe("success");
  });

  it("a failed read of an existing policy file fails closed instead of using the default policy", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    h.gh.failNext({ method: "GET", path: /\/git\/blobs\//, status: 404, times: 50 });
    await h.send(opened("shop", n));
    const check = lastCheck(h.gh)!;
    expect(check.conclusion).toBe("failure");
    expect(check.output.title).toBe("lb-review could not evaluate this change");
    // Two writers outside the network team cannot pass it either.
    h.gh.failNext({ method: "GET", path: /\/git\/blobs\//, status: 404, times: 50 });
    const id = h.gh.submitReview("acme", "shop", n, { user: "frank", state: "APPROVED" });
    await h.send(h.gh.pullRequestReviewEvent("submitted", "acme", "shop", n, id));
    expect(lastCheck(h.gh)?.conclusion).toBe("failure");
  });

  it("bots never count", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh, { policy: null });
    h.gh.setPermission("acme", "shop", "deploy-helper[bot]", "write");
    h.gh.setPermission("acme", "shop", "renovate[bot]", "write");
    expect(await h.send(opened("shop", n))).toBe(200);
    await approve(n, "deploy-helper[bot]");
    await approve(n, "renovate[bot]");
    const check = lastCheck(h.gh)!;
    expect(check.conclusion).toBe("failure");
    const record = h.audit.at(-1)!;
    expect(record.approvalsRejected).toEqual(expect.arrayContaining([{ login: "renovate[bot]", reason: "is a bot" }]));
  });

  it("_extends to another organization is refused unless the operator allows it", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh, { policy: "_extends: mallory/.github\n" });
    expect(await h.send(opened("shop", n))).toBe(200);
    const check = lastCheck(h.gh)!;
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("outside the organization `acme`");
  });
});

describe("the app's own state cannot be forged, and cosmetics never decide", () => {
  it("a comment by the author carrying the app's marker and state is not the app's", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    const forged = `<!-- lb-review:summary -->\n<!-- lb-review:meta {"sha":"x","requested":["team:network"]} -->\nall good`;
    const id = h.gh.addIssueComment("acme", "shop", n, { user: "alice", body: forged });
    expect(await h.send(opened("shop", n))).toBe(200);
    // The team is still asked, and the forged comment is left as it was.
    expect(h.gh.requestsTo("POST", /requested_reviewers$/).map((r) => r.body)).toEqual([{ reviewers: [], team_reviewers: ["network"] }]);
    const comments = h.gh.issueComments("acme", "shop", n);
    expect(comments.find((c) => c.id === id)!.body).toBe(forged);
    expect(comments.filter((c) => c.user === "lb-review[bot]" && c.body.startsWith("<!-- lb-review:summary -->"))).toHaveLength(1);
  });

  it("posts new inline comments as one review", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    expect(await h.send(opened("shop", n))).toBe(200);
    expect(h.gh.requestsTo("POST", /\/pulls\/\d+\/reviews$/)).toHaveLength(1);
    expect(h.gh.requestsTo("POST", /\/pulls\/\d+\/comments$/)).toHaveLength(0);
  });

  it("a failed comment or review request never changes the verdict, and is said in the check", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    expect(await h.send(opened("shop", n))).toBe(200);
    const bob = h.gh.submitReview("acme", "shop", n, { user: "bob", state: "APPROVED" });
    expect(await h.send(h.gh.pullRequestReviewEvent("submitted", "acme", "shop", n, bob))).toBe(200);
    h.gh.failNext({ method: "PATCH", path: /\/issues\/comments\//, status: 500, times: 20 });
    h.gh.failNext({ method: "POST", path: /\/pulls\/\d+\/reviews$/, status: 500, times: 20 });
    const carol = h.gh.submitReview("acme", "shop", n, { user: "carol", state: "APPROVED" });
    await h.send(h.gh.pullRequestReviewEvent("submitted", "acme", "shop", n, carol));
    const check = lastCheck(h.gh)!;
    expect(check.conclusion).toBe("success");
    expect(check.output.summary).toContain("Not posted, retried at the next evaluation: the summary comment");
  });

  it("/lb-review recheck from someone without write access costs nothing", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    expect(await h.send(opened("shop", n))).toBe(200);
    const before = h.audit.length;
    const comment = h.gh.addIssueComment("acme", "shop", n, { user: "stranger", body: "/lb-review recheck" });
    expect(await h.send(h.gh.issueCommentEvent("created", "acme", "shop", comment))).toBe(200);
    expect(h.audit.length).toBe(before);
  });
});

describe("guards that must hold", () => {
  async function approve(n: number, user: string) {
    const id = h.gh.submitReview("acme", "shop", n, { user, state: "APPROVED" });
    expect(await h.send(h.gh.pullRequestReviewEvent("submitted", "acme", "shop", n, id))).toBe(200);
  }

  it("evaluations of one PR never overlap: concurrent deliveries leave one check run and one comment", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    const events = [0, 1, 2, 3].map(() => h.gh.pullRequestEvent("synchronize", "acme", "shop", n));
    await Promise.all(events.map((e) => h.send(e)));
    const head = (h.gh.pull("acme", "shop", n) as { head: { sha: string } }).head.sha;
    expect(h.gh.checkRuns({ owner: "acme", repo: "shop", sha: head, name: "lb-review" })).toHaveLength(1);
    expect(h.gh.issueComments("acme", "shop", n).filter((c) => c.user === "lb-review[bot]")).toHaveLength(1);
  });

  it("with excludeContributors, a team member who pushed to the PR does not count", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh, { policy: "approvals:\n  critical: { count: 1, teams: [network] }\nexcludeContributors: true\n" });
    h.gh.pushToPull("acme", "shop", n, { files: { "README.md": "# shop\nby bob\n" }, author: "bob" });
    expect(await h.send(opened("shop", n))).toBe(200);
    await approve(n, "bob");
    expect(lastCheck(h.gh)?.conclusion).toBe("failure");
    expect(h.audit.at(-1)!.approvalsRejected).toContainEqual({ login: "bob", reason: "pushed commits to this pull request" });
    await approve(n, "carol");
    expect(lastCheck(h.gh)?.conclusion).toBe("success");
  });

  it("without a policy file, only people with write access count", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh, { policy: null });
    expect(await h.send(opened("shop", n))).toBe(200);
    await approve(n, "bob");
    await approve(n, "outsider");
    expect(lastCheck(h.gh)?.conclusion).toBe("failure");
    await approve(n, "carol");
    expect(lastCheck(h.gh)?.conclusion).toBe("success");
  });

  it("a tree GitHub lists only in part fails closed", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    h.gh.failNext({ method: "GET", path: /\/git\/trees\//, status: 200, body: { sha: "0".repeat(40), tree: [], truncated: true }, times: 5 });
    await h.send(opened("shop", n));
    const check = lastCheck(h.gh)!;
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("too large for GitHub to list in full");
  });

  it("more candidate files than the limit fails closed", async () => {
    h = await startHarness();
    const many = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`conf.d/site${i}.conf`, `upstream u${i} {\n  server 10.0.${i >> 8}.${i & 255}:80;\n}\n`]));
    const n = scratchPull(h.gh, "shop", many, { "conf.d/site1.conf": "upstream u1 {\n  server 10.9.9.9:80;\n}\n" });
    await h.send(opened("shop", n));
    const check = lastCheck(h.gh)!;
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("1001 candidate config files, over the limit of 1000");
  });
});

describe("no stale pass, no hang", () => {
  it("acknowledges a delivery before evaluating it", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    const e = opened("shop", n);
    const status = await sendWebhook(`${h.url}/api/github/webhooks`, "test-secret", e.name, e.payload, { id: e.id });
    expect(status).toBe(200);
    expect(h.queue.depth).toBe(1);
    await h.queue.idle();
    expect(lastCheck(h.gh)?.conclusion).toBe("failure");
  });

  it("a review that cannot be evaluated turns an earlier success into a failure naming the event", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    expect(await h.send(opened("shop", n))).toBe(200);
    for (const user of ["bob", "carol"]) {
      const id = h.gh.submitReview("acme", "shop", n, { user, state: "APPROVED" });
      await h.send(h.gh.pullRequestReviewEvent("submitted", "acme", "shop", n, id));
    }
    expect(lastCheck(h.gh)?.conclusion).toBe("success");
    h.gh.failNext({ method: "GET", path: /\/pulls\/\d+\/reviews$/, status: 500, times: 100 });
    const id = h.gh.submitReview("acme", "shop", n, { user: "bob", state: "CHANGES_REQUESTED", body: "no" });
    await h.send(h.gh.pullRequestReviewEvent("submitted", "acme", "shop", n, id));
    const check = lastCheck(h.gh)!;
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toMatch(/^Could not evaluate after a review submitted: /);
  });

  it("a GitHub call that never answers times out; the check fails instead of staying in progress", async () => {
    h = await startHarness({ requestTimeoutMs: 300 });
    const n = incidentPull(h.gh);
    h.gh.failNext({ method: "GET", path: /\/git\/trees\//, status: 200, hang: true, times: 10 });
    await h.send(opened("shop", n));
    const check = lastCheck(h.gh)!;
    expect(check.status).toBe("completed");
    expect(check.conclusion).toBe("failure");
  });

  it("an evaluation past its deadline fails with the reason", async () => {
    h = await startHarness({ deadlineMs: 400, requestTimeoutMs: 10_000 });
    const n = incidentPull(h.gh);
    h.gh.failNext({ method: "GET", path: /\/git\/trees\//, status: 200, hang: true, times: 10 });
    await h.send(opened("shop", n));
    const check = lastCheck(h.gh)!;
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("not evaluated within 400 ms");
  });
});

describe("start-up", () => {
  it("evaluates again the runs it left in progress", async () => {
    let sha = "";
    h = await startHarness({
      before: (gh) => {
        const n = incidentPull(gh);
        sha = (gh.pull("acme", "shop", n) as { head: { sha: string } }).head.sha;
        gh.addCheckRun("acme", "shop", { sha, name: "lb-review", status: "in_progress" });
      },
    });
    await h.queue.idle();
    const runs = h.gh.checkRuns({ owner: "acme", repo: "shop", sha, name: "lb-review" });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "completed", conclusion: "failure" });
  });
});

describe("dismissStaleApprovals", () => {
  it("dismisses on GitHub the approvals a config push voided", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh, { policy: "approvals:\n  critical: { count: 1, teams: [network] }\ndismissStaleApprovals: true\n" });
    expect(await h.send(opened("shop", n))).toBe(200);
    const id = h.gh.submitReview("acme", "shop", n, { user: "bob", state: "APPROVED" });
    await h.send(h.gh.pullRequestReviewEvent("submitted", "acme", "shop", n, id));
    expect(lastCheck(h.gh)?.conclusion).toBe("success");
    h.gh.pushToPull("acme", "shop", n, { files: { "lb/storefront.conf": INCIDENT_AFTER.replace("keepalive 64", "keepalive 8") }, author: "alice" });
    await h.send(h.gh.pullRequestEvent("synchronize", "acme", "shop", n));
    expect(lastCheck(h.gh)?.conclusion).toBe("failure");
    expect(h.gh.reviews("acme", "shop", n).find((r) => r.id === id)?.state).toBe("DISMISSED");
  });
});

describe("the engine off the event loop", () => {
  it("an analysis past its deadline is stopped and the check fails with the reason", async () => {
    const pool = new WorkerPool(1, 1);
    h = await startHarness({ analyzer: pool.analyze });
    const n = incidentPull(h.gh);
    await h.send(opened("shop", n));
    const check = lastCheck(h.gh)!;
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("the analysis did not finish within");
  });

  it("/healthz and another repository's delivery are answered while a large analysis runs", async () => {
    const pool = new WorkerPool(1);
    const events: string[] = [];
    // Records when the analysis starts and ends, to order the answers against it.
    const analyzer: Analyzer = async (before, after, policy) => {
      if (after.some((f) => f.path === "lb/pools.conf")) events.push("analysis started");
      const result = await pool.analyze(before, after, policy);
      if (after.some((f) => f.path === "lb/pools.conf")) events.push("analysis finished");
      return result;
    };
    h = await startHarness({ analyzer });
    const pools = (down: boolean) =>
      Array.from({ length: 4000 }, (_, i) => `upstream u${i} {\n${[1, 2, 3, 4, 5].map((k) => `  server 10.${i >> 8}.${i & 255}.${k}:80${down && k > 1 ? " down" : ""};`).join("\n")}\n}\n`).join("");
    const big = scratchPull(h.gh, "big", { "lb/pools.conf": pools(false) }, { "lb/pools.conf": pools(true) });
    const e = opened("big", big);
    expect(await sendWebhook(`${h.url}/api/github/webhooks`, "test-secret", e.name, e.payload, { id: e.id })).toBe(200);
    for (let i = 0; i < 1000 && !events.includes("analysis started"); i++) await new Promise((r) => setTimeout(r, 5));
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    events.push("healthz answered");
    const n = incidentPull(h.gh);
    const other = opened("shop", n);
    expect(await sendWebhook(`${h.url}/api/github/webhooks`, "test-secret", other.name, other.payload, { id: other.id })).toBe(200);
    events.push("delivery acknowledged");
    await h.queue.idle();
    expect(events).toEqual(["analysis started", "healthz answered", "delivery acknowledged", "analysis finished"]);
    expect(h.gh.checkRuns({ owner: "acme", repo: "big", name: "lb-review" }).at(-1)?.conclusion).toBe("failure");
  });
});

describe("merge queue groups", () => {
  async function approvedIncident() {
    h = await startHarness();
    const n = incidentPull(h.gh);
    await h.send(opened("shop", n));
    for (const user of ["bob", "carol"]) {
      const id = h.gh.submitReview("acme", "shop", n, { user, state: "APPROVED" });
      await h.send(h.gh.pullRequestReviewEvent("submitted", "acme", "shop", n, id));
    }
    expect(lastCheck(h.gh)?.conclusion).toBe("success");
    return n;
  }
  let groups = 0;
  const group = async (n: number, files: Record<string, string>) => {
    const baseSha = h.gh.branchSha("acme", "shop", "main")!;
    const headSha = h.gh.commit("acme", "shop", { branch: `gh-readonly-queue/main/group-${++groups}`, from: "main", files });
    await h.send(h.gh.mergeGroupEvent("acme", "shop", { headSha, baseSha, pr: n }));
    return lastCheck(h.gh, headSha)!;
  };

  it("a group whose config is exactly the approved PR's passes", async () => {
    const n = await approvedIncident();
    const check = await group(n, { "lb/storefront.conf": INCIDENT_AFTER, "README.md": "# shop\nqueued\n" });
    expect([check.conclusion, check.output.title]).toEqual(["success", `Critical: approved in #${n}`]);
  });

  it("a group whose config also carries another change fails closed", async () => {
    const n = await approvedIncident();
    const check = await group(n, { "lb/storefront.conf": INCIDENT_AFTER.replace("keepalive 64", "keepalive 2") });
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain(`differs from what was approved in #${n}`);
  });

  it("a group for a PR without a passing check fails; one with no config change passes", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    await h.send(opened("shop", n));
    expect((await group(n, { "lb/storefront.conf": INCIDENT_AFTER })).conclusion).toBe("failure");
    expect((await group(n, { "README.md": "# shop\ndocs only\n" })).conclusion).toBe("success");
  });
});

describe("each thing read once", () => {
  it("a blob shared by base and head, and a tree asked for twice, are fetched once", async () => {
    h = await startHarness();
    const n = incidentPull(h.gh);
    h.gh.pushToPull("acme", "shop", n, { files: { "lb/storefront.conf": INCIDENT_BEFORE, "README.md": "# shop\ndocs\n" }, author: "alice" });
    h.gh.clearRequests();
    await h.send(h.gh.pullRequestEvent("synchronize", "acme", "shop", n));
    const blobs = h.gh.requestsTo("GET", /\/git\/blobs\//).map((r) => r.path);
    expect(blobs.length).toBe(new Set(blobs).size);
    const trees = h.gh.requestsTo("GET", /\/git\/trees\//).map((r) => r.path);
    expect(trees.length).toBe(new Set(trees).size);
  });
});
