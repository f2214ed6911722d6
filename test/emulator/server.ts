/**
 * GitHubEmulator: a stateful GitHub Enterprise REST API (`/api/v3`) over real HTTP, for tests.
 *
 *   const gh = new GitHubEmulator();
 *   await gh.start();                       // 127.0.0.1, random port
 *   gh.addRepo({ owner: "acme", name: "lb" });
 *   gh.commit("acme", "lb", { branch: "main", files: { "lb/haproxy.cfg": "..." } });
 *   gh.commit("acme", "lb", { branch: "feature", files: { "lb/haproxy.cfg": "..." } }); // branches from main
 *   const n = gh.openPull("acme", "lb", { head: { branch: "feature" }, base: "main", user: "alice" });
 *   // point Probot at gh.baseUrl (or GHE_HOST=gh.host, GHE_PROTOCOL=http), then assert on
 *   // gh.checkRuns(...), gh.issueComments(...), gh.requests ...
 *   await gh.stop();
 *
 * Setup helpers are synchronous and bypass HTTP (no request log entries, no faults).
 * Everything the app writes over HTTP is authored by `gh.botLogin` ("lb-review[bot]" by default).
 * Timestamps come from a logical clock (2024-01-01T00:00:00Z, +1 s per state change) unless `clock` is given.
 * See README.md for the route list and enforced limits.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type AuthKind, type Ctx, errorBody, type Reply, Router } from "./http.js";
import type { FaultSpec } from "./limits.js";
import * as render from "./render.js";
import * as checks from "./routes/checks.js";
import * as issues from "./routes/issues.js";
import * as orgs from "./routes/orgs.js";
import * as pulls from "./routes/pulls.js";
import * as repos from "./routes/repos.js";
import {
  type CheckRun,
  type CommitOptions,
  type RepoOptions,
  EmulatorError,
  type IssueComment,
  type MembershipState,
  type Permission,
  type PullFile,
  type ReviewComment,
  type ReviewState,
  State,
} from "./state.js";
import * as webhooks from "./webhooks.js";

export interface EmulatorOptions {
  /** App slug; the bot user is `${appSlug}[bot]`. Default "lb-review". */
  appSlug?: string;
  /** Value of `x-github-enterprise-version` on every response; null to omit. Default "3.17.0". */
  enterpriseVersion?: string | null;
  /** Real clock for timestamps instead of the deterministic logical clock. */
  clock?: () => Date;
}

export interface RecordedRequest {
  method: string;
  /** Decoded path after `/api/v3`, e.g. `/repos/acme/lb/contents/lb/haproxy.cfg`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body (undefined when empty). */
  body: unknown;
  status: number;
  /** Raw `Authorization` header. */
  auth: string | undefined;
  authKind: AuthKind;
  accept: string | undefined;
  /** True when the response came from `failNext`. */
  fault: boolean;
}

interface ActiveFault extends FaultSpec {
  remaining: number;
}

const PREFIX = "/api/v3";

export class GitHubEmulator {
  /** The model; exposed for webhooks.ts and for unusual assertions. Prefer the helpers below. */
  state: State;
  readonly requests: RecordedRequest[] = [];
  readonly botLogin: string;
  private readonly router = new Router();
  private readonly faults: ActiveFault[] = [];
  /** Called with each request as it arrives, before faults and routing. */
  onRequest?: (request: RecordedRequest) => void;
  private server: Server | undefined;
  private port = 0;

  constructor(private readonly options: EmulatorOptions = {}) {
    this.state = new State(options.clock);
    this.botLogin = `${options.appSlug ?? "lb-review"}[bot]`;
    repos.register(this.router);
    pulls.register(this.router);
    checks.register(this.router);
    issues.register(this.router);
    orgs.register(this.router);
  }

  // ---------------------------------------------------------------- lifecycle

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(JSON.stringify({ message: String(err) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  }

  /** "127.0.0.1:PORT", for GHE_HOST (with GHE_PROTOCOL=http). */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** "http://127.0.0.1:PORT": web URLs (html_url) live here. */
  get origin(): string {
    return `http://${this.host}`;
  }

  /** "http://127.0.0.1:PORT/api/v3": Octokit/Probot `baseUrl`. */
  get baseUrl(): string {
    return `${this.origin}${PREFIX}`;
  }

  /** Forget all state, recorded requests and pending faults (the server keeps running). */
  reset(): void {
    this.state = new State(this.options.clock);
    this.requests.length = 0;
    this.faults.length = 0;
  }

  // ---------------------------------------------------------------- setup helpers

  /** Create a repository (or a fork with `forkOf: "owner/name"`, which copies the parent's branches). Owner type defaults to Organization (User for forks). */
  addRepo(opts: RepoOptions): void {
    this.state.addRepo(opts);
  }

  /**
   * Commit a snapshot on `branch`: the parent's tree (branch tip) with `files` set (null deletes).
   * A new branch starts at `from` (ref or sha), else the default branch tip, else a root commit.
   * `author`/`committer` are logins (null = no GitHub user, like some bot commits). Returns the 40-hex sha.
   * Open PRs whose head is this branch move to the new commit.
   */
  commit(owner: string, repo: string, opts: CommitOptions): string {
    return this.state.commit(this.state.repo(owner, repo), opts);
  }

  /** Point a branch at an existing commit (force push / reset); PR heads follow. */
  setBranch(owner: string, repo: string, branch: string, sha: string): void {
    this.state.setBranch(this.state.repo(owner, repo), branch, sha);
  }

  /** A check run as an app left it (e.g. `in_progress` when it crashed mid-evaluation). */
  addCheckRun(owner: string, repo: string, opts: { sha: string; name: string; status: "queued" | "in_progress" }): number {
    const run = checks.blankCheckRun(this.state, this.state.repo(owner, repo), opts.sha, opts.name);
    run.status = opts.status;
    run.startedAt = this.state.now();
    this.state.checkRuns.push(run);
    return run.id;
  }

  /** Every file of a commit, path → content: to run the CLI on exactly what the app read. */
  filesAt(sha: string): Map<string, Buffer> {
    const c = this.state.commits.get(sha);
    if (!c) throw new Error(`no commit ${sha}`);
    return new Map([...c.tree].map(([path, blob]) => [path, this.state.blobs.get(blob)!]));
  }

  /** The merge base of two commits, as the compare API reports it. */
  mergeBase(baseSha: string, headSha: string): string | undefined {
    return this.state.mergeBase(baseSha, headSha);
  }

  /** Tip of a branch, or undefined. */
  branchSha(owner: string, repo: string, branch: string): string | undefined {
    return this.state.repo(owner, repo).branches.get(branch);
  }

  /** Open a PR from `head.branch` (in `head.repo` = "owner/name" for forks) into `base`. Returns its number. */
  openPull(
    owner: string,
    repo: string,
    opts: { head: { repo?: string; branch: string }; base: string; user: string; title?: string; body?: string; draft?: boolean },
  ): number {
    return this.state.openPull(this.state.repo(owner, repo), opts).number;
  }

  /** Commit on the PR's head branch (in the head repository). Returns the new head sha. */
  pushToPull(
    owner: string,
    repo: string,
    number: number,
    opts: { files: Record<string, string | Buffer | null>; message?: string; author?: string | null; mergeParent?: string },
  ): string {
    const p = this.state.pull(this.state.repo(owner, repo), number);
    return this.state.commit(p.headRepo, { ...opts, branch: p.headRef });
  }

  /** Change PR fields. Changing `base` records the previous base for `pull_request.edited` payloads. */
  updatePull(
    owner: string,
    repo: string,
    number: number,
    changes: { base?: string; title?: string; body?: string; draft?: boolean; state?: "open" | "closed"; merged?: boolean },
  ): void {
    const p = this.state.pull(this.state.repo(owner, repo), number);
    if (changes.base !== undefined && changes.base !== p.baseRef) {
      if (!p.repo.branches.has(changes.base)) throw new Error(`no base branch ${changes.base}`);
      p.previousBaseRef = p.baseRef;
      p.baseRef = changes.base;
    }
    if (changes.title !== undefined) p.title = changes.title;
    if (changes.body !== undefined) p.body = changes.body;
    if (changes.draft !== undefined) p.draft = changes.draft;
    if (changes.state !== undefined) {
      p.state = changes.state;
      p.closedAt = changes.state === "closed" ? this.state.now() : null;
    }
    if (changes.merged !== undefined) p.merged = changes.merged;
    p.updatedAt = this.state.now();
  }

  /**
   * Record a review. `commit_id` defaults to the current head. Authors can't approve or request
   * changes on their own PR (throws, like GitHub's 422). Returns the review id.
   */
  submitReview(
    owner: string,
    repo: string,
    number: number,
    opts: { user: string; state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED"; commit_id?: string; body?: string; submitted_at?: string },
  ): number {
    const p = this.state.pull(this.state.repo(owner, repo), number);
    return helper(() =>
      pulls.addReview(this.state, p, {
        user: opts.user,
        state: opts.state as ReviewState,
        body: opts.body,
        commitId: opts.commit_id,
        submittedAt: opts.submitted_at,
      }),
    ).id;
  }

  /** Dismiss an APPROVED or CHANGES_REQUESTED review (state becomes DISMISSED). */
  dismissReview(owner: string, repo: string, number: number, reviewId: number, message = "Dismissed"): void {
    const p = this.state.pull(this.state.repo(owner, repo), number);
    const r = this.state.reviews.find((x) => x.id === reviewId && x.pull === p);
    if (!r) throw new Error(`no review ${reviewId} on #${number}`);
    helper(() => pulls.dismissReview(this.state, r, message));
  }

  /** Create a team in `org` with members (state "active" or "pending"; role defaults to "member"). */
  addTeam(org: string, slug: string, members: Array<{ login: string; state?: MembershipState; role?: "member" | "maintainer" }> = []): void {
    const key = `${org}/${slug}`.toLowerCase();
    if (this.state.teams.has(key)) throw new Error(`team ${key} exists`);
    const team = { id: this.state.nextId(), org, slug, name: slug, members: new Map() };
    this.state.teams.set(key, team);
    for (const m of members) this.setMembership(org, slug, m.login, m.state ?? "active", m.role);
  }

  /** Set (or with null, remove) a user's membership of a team. */
  setMembership(org: string, slug: string, login: string, state: MembershipState | null, role: "member" | "maintainer" = "member"): void {
    const team = this.state.team(org, slug);
    if (!team) throw new Error(`no team ${org}/${slug}`);
    if (state === null) team.members.delete(login.toLowerCase());
    else team.members.set(login.toLowerCase(), { login, state, role });
  }

  /** Repository role for a user. Without one: "read" on public repos, "none" on private; the owner is admin. */
  setPermission(owner: string, repo: string, login: string, permission: Permission): void {
    this.state.repo(owner, repo).permissions.set(login.toLowerCase(), permission);
  }

  /** Add a PR conversation comment as `user` (e.g. a comment left by a previous run of the app). Returns its id. */
  addIssueComment(owner: string, repo: string, number: number, opts: { user?: string; body: string }): number {
    const p = this.state.pull(this.state.repo(owner, repo), number);
    const now = this.state.now();
    const c: IssueComment = {
      id: this.state.nextId(),
      repo: p.repo,
      number,
      user: opts.user ?? this.botLogin,
      body: opts.body,
      createdAt: now,
      updatedAt: now,
      edits: 0,
      deleted: false,
    };
    this.state.issueComments.push(c);
    return c.id;
  }

  /**
   * Fail the next `times` (default 1) requests matching `method` and `path` (a RegExp or an exact
   * decoded path after `/api/v3`) with `status`, before auth, routing or any state change.
   * See `secondaryRateLimit()` / `primaryRateLimit()` in limits.ts for ready-made faults.
   */
  failNext(spec: FaultSpec): void {
    this.faults.push({ ...spec, remaining: spec.times ?? 1 });
  }

  // ---------------------------------------------------------------- inspection

  /** The PR as `GET /pulls/:n` renders it. */
  pull(owner: string, repo: string, number: number): Record<string, unknown> {
    return render.pull(this.renderCtx(), this.state.pull(this.state.repo(owner, repo), number));
  }

  /** All changed files (uncapped), with parsed hunks. */
  pullFiles(owner: string, repo: string, number: number): PullFile[] {
    return this.state.pullFiles(this.state.pull(this.state.repo(owner, repo), number));
  }

  reviews(owner: string, repo: string, number: number): Array<{ id: number; user: string; state: ReviewState; commitId: string; body: string }> {
    const p = this.state.pull(this.state.repo(owner, repo), number);
    return this.state.reviews.filter((r) => r.pull === p).map((r) => ({ id: r.id, user: r.user, state: r.state, commitId: r.commitId, body: r.body }));
  }

  /** Live (not deleted) conversation comments, with `edits` (PATCH count) and `updatedAt`. */
  issueComments(owner: string, repo: string, number: number): IssueComment[] {
    const r = this.state.repo(owner, repo);
    return this.state.issueComments.filter((c) => c.repo === r && c.number === number && !c.deleted);
  }

  reviewComments(owner: string, repo: string, number: number): ReviewComment[] {
    const p = this.state.pull(this.state.repo(owner, repo), number);
    return this.state.reviewComments.filter((c) => c.pull === p && !c.deleted);
  }

  /** Every check run ever created (oldest first), optionally filtered; each keeps `annotations` and `history`. */
  checkRuns(filter: { owner?: string; repo?: string; sha?: string; name?: string } = {}): CheckRun[] {
    return this.state.checkRuns.filter(
      (c) =>
        (!filter.owner || c.repo.owner.toLowerCase() === filter.owner.toLowerCase()) &&
        (!filter.repo || c.repo.name.toLowerCase() === filter.repo.toLowerCase()) &&
        (!filter.sha || c.headSha === filter.sha) &&
        (!filter.name || c.name === filter.name),
    );
  }

  /** Recorded requests matching a method (or "*") and a path pattern. */
  requestsTo(method: string, path: RegExp | string): RecordedRequest[] {
    return this.requests.filter((r) => (method === "*" || r.method === method) && matchPath(path, r.path));
  }

  /** Recorded state-changing requests (everything but GET/HEAD and token creation). */
  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== "GET" && r.method !== "HEAD" && !r.path.startsWith("/app/"));
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  // ---------------------------------------------------------------- webhook payloads (see webhooks.ts)

  pullRequestEvent(action: webhooks.PullRequestAction, owner: string, repo: string, number: number, opts?: { sender?: string }) {
    return webhooks.pullRequestEvent(this, action, owner, repo, number, opts);
  }

  pullRequestReviewEvent(action: "submitted" | "dismissed" | "edited", owner: string, repo: string, number: number, reviewId: number) {
    return webhooks.pullRequestReviewEvent(this, action, owner, repo, number, reviewId);
  }

  mergeGroupEvent(owner: string, repo: string, opts: { headSha: string; baseSha: string; pr: number; base?: string }) {
    return webhooks.mergeGroupEvent(this, owner, repo, opts);
  }

  checkRunEvent(
    action: "created" | "completed" | "rerequested" | "requested_action",
    owner: string,
    repo: string,
    checkRunId: number,
    opts?: { identifier?: string; sender?: string },
  ) {
    return webhooks.checkRunEvent(this, action, owner, repo, checkRunId, opts);
  }

  issueCommentEvent(action: "created" | "edited" | "deleted", owner: string, repo: string, commentId: number) {
    return webhooks.issueCommentEvent(this, action, owner, repo, commentId);
  }

  pushEvent(owner: string, repo: string, branch: string, opts?: { before?: string; sender?: string }) {
    return webhooks.pushEvent(this, owner, repo, branch, opts);
  }

  membershipEvent(action: "added" | "removed", org: string, slug: string, login: string) {
    return webhooks.membershipEvent(this, action, org, slug, login);
  }

  /** What renderers need (state, URLs, bot login). */
  renderCtx(): render.RenderCtx {
    return { state: this.state, origin: this.origin, api: this.baseUrl, botLogin: this.botLogin };
  }

  // ---------------------------------------------------------------- HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.origin);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const method = (req.method ?? "GET").toUpperCase();
    const rawPath = url.pathname.startsWith(`${PREFIX}/`) ? url.pathname.slice(PREFIX.length) : undefined;
    const path = rawPath === undefined ? url.pathname : decodePath(rawPath);
    const authHeader = req.headers.authorization;
    const authKind = classifyAuth(authHeader, this.state);
    const record: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      status: 0,
      auth: authHeader,
      authKind,
      accept: req.headers.accept,
      fault: false,
    };
    this.requests.push(record);
    // Lets a test change state in the middle of an app's sequence of requests (e.g. a push mid-evaluation).
    this.onRequest?.(record);
    const send = (reply: Reply) => {
      record.status = reply.status;
      this.write(res, reply);
    };

    let body: unknown;
    if (raw.length) {
      try {
        body = JSON.parse(raw.toString("utf8"));
        record.body = body;
      } catch {
        return send({ status: 400, body: { message: "Problems parsing JSON" } });
      }
    }

    const fault = this.faults.find((f) => f.remaining > 0 && (!f.method || f.method.toUpperCase() === method) && matchPath(f.path, path));
    if (fault) {
      fault.remaining--;
      record.fault = true;
      // Hold the connection until the client gives up (or the server stops), as a stuck GitHub would.
      if (fault.hang) return;
      return send({ status: fault.status, headers: fault.headers, body: fault.body ?? { message: defaultMessage(fault.status) } });
    }
    if (rawPath === undefined) return send({ status: 404, body: { message: "Not Found" } });
    if (authKind === "none") return send({ status: 401, body: { message: "Requires authentication" } });

    const match = this.router.match(method, rawPath);
    if (!match || match === "method") return send({ status: 404, body: { message: "Not Found" } });
    const appRoute = path.startsWith("/app") || /^\/(repos\/[^/]+\/[^/]+|orgs\/[^/]+)\/installation$/.test(path);
    if (authKind === "jwt" && !appRoute) return send({ status: 403, body: { message: "Resource not accessible by integration" } });

    const ctx: Ctx = {
      method,
      path: rawPath,
      params: match.params,
      query: url.searchParams,
      body,
      headers: req.headers,
      auth: authKind,
      url,
      ...this.renderCtx(),
    };
    try {
      send(match.handler(ctx));
    } catch (err) {
      if (err instanceof EmulatorError) send({ status: err.status, body: errorBody(err) });
      else send({ status: 500, body: { message: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) } });
    }
  }

  private write(res: ServerResponse, reply: Reply): void {
    const headers: Record<string, string> = {
      "x-github-request-id": randomUUID(),
      "x-github-media-type": "github.v3; format=json",
      "x-github-api-version-selected": "2022-11-28",
      "x-ratelimit-limit": "15000",
      "x-ratelimit-remaining": "14999",
      "x-ratelimit-used": "1",
      "x-ratelimit-resource": "core",
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
      ...(this.options.enterpriseVersion === null ? {} : { "x-github-enterprise-version": this.options.enterpriseVersion ?? "3.17.0" }),
    };
    let payload: Buffer | undefined;
    if (Buffer.isBuffer(reply.body)) payload = reply.body;
    else if (reply.body !== undefined && reply.status !== 204) {
      payload = Buffer.from(JSON.stringify(reply.body));
      headers["content-type"] = "application/json; charset=utf-8";
    }
    Object.assign(headers, reply.headers ?? {});
    if (payload) headers["content-length"] = String(payload.length);
    res.writeHead(reply.status, headers);
    res.end(payload);
  }
}

/** Run a state operation for a setup helper, turning GitHub-style errors into readable exceptions. */
function helper<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof EmulatorError) throw new Error(`${err.status} ${err.message}: ${JSON.stringify(err.body?.errors ?? [])}`, { cause: err });
    throw err;
  }
}

function matchPath(pattern: RegExp | string, path: string): boolean {
  return typeof pattern === "string" ? pattern === path : pattern.test(path);
}

function decodePath(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

function defaultMessage(status: number): string {
  const known: Record<number, string> = { 403: "Forbidden", 404: "Not Found", 422: "Unprocessable Entity", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable" };
  return known[status] ?? `HTTP ${status}`;
}

/** `Bearer <a.b.c>` is an app JWT (signature not checked); any other token is accepted as an installation/user token. */
function classifyAuth(header: string | undefined, state: State): AuthKind {
  if (!header) return "none";
  const m = /^(bearer|token)\s+(\S+)$/i.exec(header.trim());
  if (!m) return "none";
  const token = m[2]!;
  if (m[1]!.toLowerCase() === "bearer" && /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) {
    try {
      const payload = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8"));
      if (payload && typeof payload === "object" && "iss" in payload) return "jwt";
    } catch {
      // not a JWT after all
    }
  }
  return state.installationTokens.has(token) ? "installation" : "token";
}
