/**
 * An in-memory RepoGitHub for unit tests of branches the emulator reaches only with effort: a
 * commit that vanished, a write that fails, a review request refused. Commits are file maps;
 * failures are injected per method.
 */
import { createHash } from "node:crypto";
import type { CheckParams, CheckRun, LineComment, Pull, RawReview, RepoGitHub, TreeListing } from "../../src/app/github/context.js";

const sha = (text: string) => createHash("sha1").update(text).digest("hex");

export class FakeGitHub implements RepoGitHub {
  readonly ref = { owner: "acme", repo: "shop" };
  readonly commits = new Map<string, Map<string, string>>();
  readonly blobs = new Map<string, string>();
  readonly reviewList: RawReview[] = [];
  readonly checks: { id: number; sha: string; params: CheckParams[] }[] = [];
  readonly comments: { id: number; body: string; user: { login: string } }[] = [];
  readonly requested: { users: string[]; teams: string[] }[] = [];
  readonly reviewsPosted: LineComment[][] = [];
  readonly members = new Map<string, string>();
  /** method name → error to throw on every call. */
  readonly failing = new Map<string, Error & { status?: number }>();
  head = "";
  base = "";

  commit(files: Record<string, string>): string {
    const id = sha(JSON.stringify(files) + this.commits.size);
    const tree = new Map<string, string>();
    for (const [path, text] of Object.entries(files)) {
      const b = sha(text);
      this.blobs.set(b, text);
      tree.set(path, b);
    }
    this.commits.set(id, tree);
    return id;
  }

  private guard(name: string): void {
    const e = this.failing.get(name);
    if (e) throw e;
  }

  async pull(number: number): Promise<Pull> {
    this.guard("pull");
    return { number, state: "open", changed_files: 1, user: { login: "alice" }, head: { sha: this.head }, base: { sha: this.base, ref: "main", repo: { private: false } }, html_url: `https://x/acme/shop/pull/${number}` } as unknown as Pull;
  }
  async pullFiles() {
    this.guard("pullFiles");
    return [...this.commits.get(this.head)!.keys()].map((filename) => ({ filename, patch: "@@ -1 +1,40 @@\n" }));
  }
  async mergeBase() {
    return this.base;
  }
  async tree(commit: string): Promise<TreeListing> {
    this.guard("tree");
    const t = this.commits.get(commit);
    if (!t) throw Object.assign(new Error("Not Found"), { status: 404 });
    return { sha: commit, url: "", truncated: false, tree: [...t].map(([path, s]) => ({ path, sha: s, type: "blob", mode: "100644" })) } as TreeListing;
  }
  async blob(s: string) {
    this.guard("blob");
    return this.blobs.get(s)!;
  }
  async inheritedConfig() {
    return {};
  }
  async reviews() {
    this.guard("reviews");
    return this.reviewList;
  }
  async membership(_org: string, _slug: string, login: string) {
    return this.members.get(login) ?? null;
  }
  async permission() {
    return "write";
  }
  async commitLogins() {
    return ["alice"];
  }
  async latestCheck(s: string): Promise<CheckRun | undefined> {
    const c = this.checks.filter((x) => x.sha === s).at(-1);
    return c ? ({ id: c.id, status: "in_progress", conclusion: null } as unknown as CheckRun) : undefined;
  }
  async issueComments() {
    this.guard("issueComments");
    return this.comments as never;
  }
  async reviewComments() {
    return [];
  }
  async openPulls() {
    return [{ number: 1, headSha: this.head }];
  }
  async createCheck(s: string, _name: string, params: CheckParams) {
    const id = this.checks.length + 1;
    this.checks.push({ id, sha: s, params: [params] });
    return id;
  }
  async updateCheck(id: number, params: CheckParams) {
    this.checks.find((c) => c.id === id)!.params.push(params);
  }
  async createComment(_n: number, body: string) {
    this.comments.push({ id: this.comments.length + 1, body, user: { login: "lb-review[bot]" } });
  }
  async updateComment(id: number, body: string) {
    this.comments.find((c) => c.id === id)!.body = body;
  }
  async createReview(_n: number, _commit: string, comments: LineComment[]) {
    this.guard("createReview");
    this.reviewsPosted.push(comments);
  }
  async createFileComment() {}
  async updateReviewComment() {}
  async requestReviewers(_n: number, users: string[], teams: string[]) {
    this.guard("requestReviewers");
    this.requested.push({ users, teams });
  }
  async dismissReview() {}

  /** The conclusion and title the last completed write gave the check. */
  verdict(): { conclusion?: string; title?: string; summary?: string } {
    const done = this.checks.at(-1)!.params.filter((p) => (p as { conclusion?: string }).conclusion !== undefined).at(-1) as { conclusion?: string; output?: { title?: string; summary?: string } } | undefined;
    const last = this.checks.at(-1)!.params.at(-1) as { output?: { title?: string; summary?: string } };
    return { conclusion: done?.conclusion, title: done?.output?.title, summary: last.output?.summary };
  }
}
