/** Runs the real app behind a real HTTP server, talking to the emulator in the GHE layout. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { expect } from "vitest";
import Bottleneck from "bottleneck";
import { createNodeMiddleware, createProbot } from "probot";
import { createApp } from "../../src/app/app.js";
import type { AuditRecord } from "../../src/app/audit.js";
import { AppOctokit } from "../../src/app/octokit.js";
import type { Analyzer } from "../../src/app/analyzer.js";
import { JobQueue } from "../../src/app/queue.js";
import { GitHubEmulator, gheEnv, sendWebhook, TestOctokit, type WebhookEvent } from "../emulator/index.js";

export const SECRET = "test-secret";
export const WEBHOOK_PATH = "/api/github/webhooks";

/** The app's production retry and throttling, minus the waiting between requests. */
export const RetryingOctokit = AppOctokit.defaults((o: Record<string, unknown>) => ({
  ...o,
  retry: { enabled: true, retryAfterBaseValue: 5 },
  throttle: {
    ...(o.throttle as Record<string, unknown>),
    enabled: true,
    retryAfterBaseValue: 10,
    write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
    global: new Bottleneck.Group({ maxConcurrent: 10, minTime: 0 }),
    notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
  },
}));

export interface Harness {
  gh: GitHubEmulator;
  url: string;
  audit: AuditRecord[];
  queue: JobQueue;
  send(event: WebhookEvent, opts?: { signature?: string }): Promise<number>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  retrying?: boolean;
  /** Runs on the emulator before the app starts (state the app finds at start-up). */
  before?: (gh: GitHubEmulator) => void;
  queue?: JobQueue;
  requestTimeoutMs?: number;
  deadlineMs?: number;
  analyzer?: Analyzer;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const gh = new GitHubEmulator();
  await gh.start();
  opts.before?.(gh);
  // The app acknowledges deliveries before evaluating; tests wait for its queue to drain.
  const queue = opts.queue ?? new JobQueue({ retries: 2, backoffMs: () => 5 });
  const env = { ...gheEnv(gh, SECRET), LOG_LEVEL: "fatal" as const };
  const probot = createProbot({ env, overrides: { Octokit: opts.retrying ? RetryingOctokit : TestOctokit } });
  const audit: AuditRecord[] = [];
  const middleware = await createNodeMiddleware(createApp({
      audit: (r) => audit.push(r),
      badgeSecret: "badge-secret",
      queue,
      ...(opts.requestTimeoutMs !== undefined ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
      ...(opts.deadlineMs !== undefined ? { deadlineMs: opts.deadlineMs } : {}),
      ...(opts.analyzer ? { analyzer: opts.analyzer } : {}),
    }), { probot, webhooksPath: WEBHOOK_PATH });
  const server: Server = createServer((req, res) =>
    middleware(req, res, () => {
      res.writeHead(404);
      res.end();
    }),
  );
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  // The app's start-up pass (runs left in progress) finishes before the test begins.
  await queue.idle();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    gh,
    url,
    audit,
    queue,
    send: async (event, o = {}) => {
      const status = await sendWebhook(`${url}${WEBHOOK_PATH}`, SECRET, event.name, event.payload, { id: event.id, ...o });
      await queue.idle();
      return status;
    },
    close: async () => {
      await new Promise((done) => server.close(done));
      await gh.stop();
    },
  };
}

const examples = resolve(import.meta.dirname, "../../examples/incident");
export const INCIDENT_BEFORE = readFileSync(resolve(examples, "before/lb/storefront.conf"), "utf8");
export const INCIDENT_AFTER = readFileSync(resolve(examples, "after/lb/storefront.conf"), "utf8");
export const INCIDENT_POLICY = readFileSync(resolve(examples, "before/.github/lb-review.yml"), "utf8");

/** acme/shop with the incident's config on main, a maintenance branch, and its PR by alice. */
export function incidentPull(gh: GitHubEmulator, opts: { policy?: string | null } = {}): number {
  gh.addRepo({ owner: "acme", name: "shop" });
  const policy = opts.policy === undefined ? INCIDENT_POLICY : opts.policy;
  gh.commit("acme", "shop", { branch: "main", files: { "lb/storefront.conf": INCIDENT_BEFORE, "README.md": "# shop\n", ...(policy ? { ".github/lb-review.yml": policy } : {}) } });
  gh.commit("acme", "shop", { branch: "maintenance", author: "alice", files: { "lb/storefront.conf": INCIDENT_AFTER } });
  gh.addTeam("acme", "network", [{ login: "bob" }, { login: "carol" }, { login: "dave", state: "pending" }]);
  for (const login of ["alice", "bob", "carol", "dave", "frank"]) gh.setPermission("acme", "shop", login, "write");
  return gh.openPull("acme", "shop", { head: { branch: "maintenance" }, base: "main", user: "alice", title: "Maintenance: drain storefront 12-14" });
}

/** A repository acme/REPO with `main`'s files, and alice's PR whose branch changes `head` of them (null deletes). */
export function scratchPull(gh: GitHubEmulator, repo: string, main: Record<string, string>, head: Record<string, string | null>): number {
  gh.addRepo({ owner: "acme", name: repo });
  gh.commit("acme", repo, { branch: "main", files: main });
  gh.commit("acme", repo, { branch: "change", author: "alice", files: head });
  return gh.openPull("acme", repo, { head: { branch: "change" }, base: "main", user: "alice" });
}

export function lastCheck(gh: GitHubEmulator, sha?: string) {
  const runs = gh.checkRuns({ owner: "acme", repo: "shop", name: "lb-review", ...(sha ? { sha } : {}) });
  return runs[runs.length - 1];
}

const CLI = resolve(import.meta.dirname, "../../bin/lb-review.js");

/**
 * Runs the real CLI on the PR's merge base and head, written out as files, and asserts the app's
 * last evaluation reached the same risk and findings: the app must judge what the CLI judges.
 */
export function expectSameVerdictAsCli(h: Harness, owner: string, repo: string, n: number) {
  const pr = h.gh.pull(owner, repo, n) as { head: { sha: string }; base: { sha: string } };
  const root = mkdtempSync(join(tmpdir(), "lbr-parity-"));
  try {
    const write = (side: string, sha: string) => {
      for (const [path, content] of h.gh.filesAt(sha)) {
        const file = join(root, side, path);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, content);
      }
    };
    write("base", h.gh.mergeBase(pr.base.sha, pr.head.sha)!);
    write("head", pr.head.sha);
    const args = [CLI, "check", "--base", join(root, "base"), "--head", join(root, "head"), "--format", "json"];
    const out = spawnSync(process.execPath, args, { encoding: "utf8" }).stdout;
    const cli = JSON.parse(out) as { risk: string; findings: { rule: string; severity: string; file: string; line: number; message: string }[] };
    const record = h.audit.filter((r) => r.outcome === "evaluated" && r.pr === n).at(-1)!;
    expect(record.risk).toBe(cli.risk);
    expect(record.findings).toEqual(cli.findings.map(({ rule, severity, message, file, line }) => ({ rule, severity, message, file, line })));
    return cli;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
