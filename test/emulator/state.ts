/**
 * In-memory model behind the emulator: git objects (snapshots, not packfiles), repositories,
 * pull requests, reviews, comments, check runs, teams and permissions.
 *
 * Everything here is synchronous and has no HTTP knowledge; routes/*.ts render it to JSON.
 */
import { createHash } from "node:crypto";
import { type FileDiff, diffFiles } from "./diff.js";
import { MAX_PULL_COMMITS } from "./limits.js";

export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";
export type MembershipState = "active" | "pending";
export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";

/** Thrown by state operations; routes turn it into an HTTP response. */
export class EmulatorError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const notFound = (message = "Not Found") => new EmulatorError(404, message);

export interface Signature {
  login: string | null;
  name: string;
  email: string;
  date: string;
}

export interface Commit {
  sha: string;
  /** Flat snapshot: path -> blob sha. */
  tree: Map<string, string>;
  treeSha: string;
  parents: string[];
  message: string;
  author: Signature;
  committer: Signature;
  /** Fork network the commit belongs to (id of the root repository). */
  network: number;
}

export interface Repo {
  id: number;
  owner: string;
  ownerType: "User" | "Organization";
  name: string;
  private: boolean;
  defaultBranch: string;
  branches: Map<string, string>;
  forkOf: Repo | undefined;
  network: number;
  permissions: Map<string, Permission>;
  nextNumber: number;
}

export interface Pull {
  id: number;
  repo: Repo;
  number: number;
  title: string;
  body: string | null;
  user: string;
  draft: boolean;
  state: "open" | "closed";
  merged: boolean;
  headRepo: Repo;
  headRef: string;
  headSha: string;
  /** Every head SHA the PR has had, oldest first (synchronize events use the last two). */
  headHistory: string[];
  baseRef: string;
  /** Set by updatePull when the base branch changes (for `edited` payloads). */
  previousBaseRef: string | undefined;
  requestedUsers: Set<string>;
  requestedTeams: Set<string>;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface Review {
  id: number;
  pull: Pull;
  user: string;
  state: ReviewState;
  body: string;
  commitId: string;
  submittedAt: string | null;
  dismissalMessage?: string;
}

export interface IssueComment {
  id: number;
  repo: Repo;
  number: number;
  user: string;
  body: string;
  createdAt: string;
  updatedAt: string;
  /** Number of PATCH requests that touched this comment (counted even when the body is unchanged). */
  edits: number;
  deleted: boolean;
}

export interface RepoOptions {
  owner: string;
  name: string;
  private?: boolean;
  defaultBranch?: string;
  ownerType?: "User" | "Organization";
  forkOf?: string;
}

export interface CommitOptions {
  branch: string;
  files: Record<string, string | Buffer | null>;
  message?: string;
  author?: string | null;
  committer?: string | null;
  /** Start a new branch from this ref (default: the default branch tip, or an empty root commit). */
  from?: string;
  /** Extra parent (ref or sha) for a merge commit, e.g. "Update branch" merging the base in. */
  mergeParent?: string;
  /** Replace the whole tree instead of patching the parent's. */
  replaceTree?: boolean;
}

/** Where a review comment sits in a pull request's diff. */
export interface Anchor {
  path: string;
  line: number | null;
  side: "LEFT" | "RIGHT" | null;
  startLine: number | null;
  startSide: "LEFT" | "RIGHT" | null;
  position: number | null;
  subjectType: "line" | "file";
  diffHunk: string;
}

export interface ReviewComment extends Anchor {
  id: number;
  pull: Pull;
  reviewId: number | null;
  user: string;
  body: string;
  commitId: string;
  inReplyTo: number | null;
  createdAt: string;
  updatedAt: string;
  edits: number;
  deleted: boolean;
}

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunSnapshot {
  at: string;
  method: "POST" | "PATCH";
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
  annotationsAdded: number;
}

export interface CheckRun {
  id: number;
  repo: Repo;
  headSha: string;
  name: string;
  status: string;
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: Annotation[];
  actions: Array<{ label: string; description: string; identifier: string }>;
  suiteId: number;
  /** Every create/update, in order, so tests can assert the sequence the app produced. */
  history: CheckRunSnapshot[];
}

export interface Team {
  id: number;
  org: string;
  slug: string;
  name: string;
  /** Keyed by lower-cased login. */
  members: Map<string, { login: string; state: MembershipState; role: "member" | "maintainer" }>;
}

export interface PullFile {
  filename: string;
  status: "added" | "modified" | "removed" | "renamed";
  previous_filename?: string;
  sha: string;
  diff: FileDiff;
}

export function sha1(...parts: Array<string | Buffer>): string {
  const h = createHash("sha1");
  for (const p of parts) h.update(p);
  return h.digest("hex");
}

/** Same as `git hash-object`. */
export function blobSha(content: Buffer): string {
  return sha1(`blob ${content.length}\0`, content);
}

export function treeHash(entries: Map<string, string>): string {
  const lines = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([p, s]) => `${s} ${p}`);
  return sha1(`tree\0${lines.join("\n")}`);
}

const key = (owner: string, name: string) => `${owner}/${name}`.toLowerCase();
const SHA_RE = /^[0-9a-f]{7,40}$/;

export class State {
  readonly repos = new Map<string, Repo>();
  readonly commits = new Map<string, Commit>();
  readonly blobs = new Map<string, Buffer>();
  /** Any tree sha (root or sub-directory) -> flat entries relative to that tree. */
  readonly trees = new Map<string, Map<string, string>>();
  readonly pulls: Pull[] = [];
  readonly reviews: Review[] = [];
  readonly issueComments: IssueComment[] = [];
  readonly reviewComments: ReviewComment[] = [];
  readonly checkRuns: CheckRun[] = [];
  readonly teams = new Map<string, Team>();
  readonly suites = new Map<string, number>();
  readonly installationTokens = new Set<string>();
  private readonly diffCache = new Map<string, PullFile[]>();
  private seq = 0;
  private tick = 0;

  constructor(private readonly clock?: () => Date) {
    this.trees.set(treeHash(new Map()), new Map());
  }

  nextId(): number {
    return ++this.seq;
  }

  /** Deterministic, strictly increasing timestamps (one second per state change) unless a clock was given. */
  now(): string {
    if (this.clock) return this.clock().toISOString().replace(/\.\d{3}Z$/, "Z");
    const t = Date.UTC(2024, 0, 1) + this.tick++ * 1000;
    return new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  // ---------------------------------------------------------------- repos

  addRepo(opts: RepoOptions): Repo {
    if (this.repos.has(key(opts.owner, opts.name))) throw new Error(`repo ${opts.owner}/${opts.name} exists`);
    const parent = opts.forkOf ? this.repo(...splitFull(opts.forkOf)) : undefined;
    const id = this.nextId();
    const repo: Repo = {
      id,
      owner: opts.owner,
      ownerType: opts.ownerType ?? (parent ? "User" : "Organization"),
      name: opts.name,
      private: opts.private ?? parent?.private ?? false,
      defaultBranch: opts.defaultBranch ?? parent?.defaultBranch ?? "main",
      branches: new Map(parent?.branches ?? []),
      forkOf: parent,
      network: parent?.network ?? id,
      permissions: new Map(),
      nextNumber: 1,
    };
    this.repos.set(key(opts.owner, opts.name), repo);
    return repo;
  }

  findRepo(owner: string, name: string): Repo | undefined {
    return this.repos.get(key(owner, name));
  }

  repo(owner: string, name: string): Repo {
    const r = this.findRepo(owner, name);
    if (!r) throw notFound();
    return r;
  }

  // ---------------------------------------------------------------- git

  putBlob(content: Buffer): string {
    const sha = blobSha(content);
    if (!this.blobs.has(sha)) this.blobs.set(sha, content);
    return sha;
  }

  /** Register a flat tree and all its sub-directories; returns the root tree sha. */
  putTree(entries: Map<string, string>): string {
    const root = treeHash(entries);
    if (this.trees.has(root)) return root;
    this.trees.set(root, entries);
    const dirs = new Set<string>();
    for (const path of entries.keys()) {
      const parts = path.split("/");
      for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
    }
    for (const dir of dirs) {
      const sub = subTree(entries, dir);
      this.trees.set(treeHash(sub), sub);
    }
    return root;
  }

  commit(
    repo: Repo,
    opts: CommitOptions,
  ): string {
    let parentSha = repo.branches.get(opts.branch);
    if (parentSha === undefined) {
      const from = opts.from ?? (repo.branches.has(repo.defaultBranch) ? repo.defaultBranch : undefined);
      parentSha = from === undefined ? undefined : this.resolveRef(repo, from);
      if (from !== undefined && parentSha === undefined) throw new Error(`unknown ref ${from}`);
    }
    const parent = parentSha ? this.commits.get(parentSha) : undefined;
    const tree = new Map(opts.replaceTree ? [] : (parent?.tree ?? []));
    for (const [rawPath, content] of Object.entries(opts.files)) {
      const path = normalizePath(rawPath);
      if (content === null) tree.delete(path);
      else tree.set(path, this.putBlob(typeof content === "string" ? Buffer.from(content, "utf8") : content));
    }
    const parents = parentSha ? [parentSha] : [];
    if (opts.mergeParent) {
      const mp = this.resolveRef(repo, opts.mergeParent);
      if (!mp) throw new Error(`unknown ref ${opts.mergeParent}`);
      parents.push(mp);
    }
    const date = this.now();
    const sig = (login: string | null): Signature => ({
      login,
      name: login ?? "Anonymous",
      email: login ? `${login.replace(/\[bot\]$/, "")}@users.noreply.example.com` : "anonymous@example.com",
      date,
    });
    const author = opts.author === undefined ? "octocat" : opts.author;
    const committer = opts.committer === undefined ? author : opts.committer;
    const treeSha = this.putTree(tree);
    const message = opts.message ?? `Update ${Object.keys(opts.files).join(", ") || "files"}`;
    const sha = sha1(`commit\0${treeSha}\0${parents.join(",")}\0${author}\0${date}\0${message}\0${this.nextId()}`);
    this.commits.set(sha, {
      sha,
      tree,
      treeSha,
      parents,
      message,
      author: sig(author),
      committer: sig(committer),
      network: repo.network,
    });
    this.setBranch(repo, opts.branch, sha);
    return sha;
  }

  /** Move (or create) a branch; open PRs whose head is that branch follow it. */
  setBranch(repo: Repo, branch: string, sha: string): void {
    if (!this.commits.has(sha)) throw new Error(`unknown commit ${sha}`);
    repo.branches.set(branch, sha);
    for (const pull of this.pulls) {
      if (pull.state === "open" && pull.headRepo === repo && pull.headRef === branch && pull.headSha !== sha) {
        pull.headSha = sha;
        pull.headHistory.push(sha);
        pull.updatedAt = this.now();
      }
    }
  }

  /** Branch name, refs/heads/x, heads/x, or a (possibly abbreviated, >= 7 chars) commit sha in the repo's network. */
  resolveRef(repo: Repo, ref: string): string | undefined {
    const branch = ref.replace(/^refs\/heads\//, "").replace(/^heads\//, "");
    const b = repo.branches.get(branch);
    if (b) return b;
    if (!SHA_RE.test(ref)) return undefined;
    if (ref.length === 40) {
      const c = this.commits.get(ref);
      return c && c.network === repo.network ? ref : undefined;
    }
    for (const [sha, c] of this.commits) if (sha.startsWith(ref) && c.network === repo.network) return sha;
    return undefined;
  }

  commitAt(repo: Repo, ref: string): Commit {
    const sha = this.resolveRef(repo, ref);
    if (!sha) throw new EmulatorError(404, `No commit found for the ref ${ref}`);
    return this.commits.get(sha)!;
  }

  ancestors(sha: string): Set<string> {
    const seen = new Set<string>();
    const stack = [sha];
    while (stack.length) {
      const s = stack.pop()!;
      if (seen.has(s)) continue;
      seen.add(s);
      stack.push(...(this.commits.get(s)?.parents ?? []));
    }
    return seen;
  }

  /** Nearest common ancestor (breadth-first from head), like `git merge-base`. */
  mergeBase(baseSha: string, headSha: string): string | undefined {
    const baseAnc = this.ancestors(baseSha);
    const queue = [headSha];
    const seen = new Set<string>();
    while (queue.length) {
      const s = queue.shift()!;
      if (seen.has(s)) continue;
      seen.add(s);
      if (baseAnc.has(s)) return s;
      queue.push(...(this.commits.get(s)?.parents ?? []));
    }
    return undefined;
  }

  /** Commits reachable from head but not from base (`git log base..head`), oldest first. */
  commitsBetween(baseSha: string | undefined, headSha: string): Commit[] {
    const exclude = baseSha ? this.ancestors(baseSha) : new Set<string>();
    const out: Commit[] = [];
    const seen = new Set<string>();
    const visit = (sha: string) => {
      // iterative post-order so parents come before children
      const stack: Array<[string, boolean]> = [[sha, false]];
      while (stack.length) {
        const [s, done] = stack.pop()!;
        if (done) {
          out.push(this.commits.get(s)!);
          continue;
        }
        if (seen.has(s) || exclude.has(s)) continue;
        seen.add(s);
        stack.push([s, true]);
        const parents = this.commits.get(s)?.parents ?? [];
        for (let i = parents.length - 1; i >= 0; i--) stack.push([parents[i]!, false]);
      }
    };
    visit(headSha);
    return out;
  }

  /** Files changed between two trees, sorted by path, with exact-content renames detected. */
  diffTrees(oldTree: Map<string, string>, newTree: Map<string, string>): PullFile[] {
    const removed: string[] = [];
    const added: string[] = [];
    const out: PullFile[] = [];
    const paths = new Set([...oldTree.keys(), ...newTree.keys()]);
    for (const p of paths) {
      const a = oldTree.get(p);
      const b = newTree.get(p);
      if (a === b) continue;
      if (a === undefined) added.push(p);
      else if (b === undefined) removed.push(p);
      else out.push({ filename: p, status: "modified", sha: b, diff: diffFiles(this.blobs.get(a), this.blobs.get(b)) });
    }
    const removedBySha = new Map<string, string[]>();
    for (const p of removed) {
      const s = oldTree.get(p)!;
      removedBySha.set(s, [...(removedBySha.get(s) ?? []), p]);
    }
    const renamedFrom = new Set<string>();
    for (const p of added) {
      const s = newTree.get(p)!;
      const from = removedBySha.get(s)?.shift();
      if (from !== undefined) {
        renamedFrom.add(from);
        out.push({
          filename: p,
          status: "renamed",
          previous_filename: from,
          sha: s,
          diff: { binary: false, additions: 0, deletions: 0, hunks: [], patch: undefined },
        });
      } else out.push({ filename: p, status: "added", sha: s, diff: diffFiles(undefined, this.blobs.get(s)) });
    }
    for (const p of removed) {
      if (renamedFrom.has(p)) continue;
      const s = oldTree.get(p)!;
      out.push({ filename: p, status: "removed", sha: s, diff: diffFiles(this.blobs.get(s), undefined) });
    }
    return out.sort((x, y) => (x.filename < y.filename ? -1 : x.filename > y.filename ? 1 : 0));
  }

  // ---------------------------------------------------------------- pulls

  pull(repo: Repo, number: number): Pull {
    const p = this.pulls.find((x) => x.repo === repo && x.number === number);
    if (!p) throw notFound();
    return p;
  }

  openPull(
    repo: Repo,
    opts: { head: { repo?: string; branch: string }; base: string; user: string; title?: string; body?: string; draft?: boolean },
  ): Pull {
    const headRepo = opts.head.repo ? this.repo(...splitFull(opts.head.repo)) : repo;
    if (headRepo.network !== repo.network) throw new Error("head repository is not in the base repository's fork network");
    const headSha = headRepo.branches.get(opts.head.branch);
    if (!headSha) throw new Error(`no branch ${opts.head.branch} in ${headRepo.owner}/${headRepo.name}`);
    if (!repo.branches.has(opts.base)) throw new Error(`no base branch ${opts.base}`);
    const now = this.now();
    const pull: Pull = {
      id: this.nextId(),
      repo,
      number: repo.nextNumber++,
      title: opts.title ?? `Update ${opts.head.branch}`,
      body: opts.body ?? null,
      user: opts.user,
      draft: opts.draft ?? false,
      state: "open",
      merged: false,
      headRepo,
      headRef: opts.head.branch,
      headSha,
      headHistory: [headSha],
      baseRef: opts.base,
      previousBaseRef: undefined,
      requestedUsers: new Set(),
      requestedTeams: new Set(),
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    };
    this.pulls.push(pull);
    return pull;
  }

  /** Current tip of the PR's base branch. */
  baseSha(pull: Pull): string {
    return pull.repo.branches.get(pull.baseRef)!;
  }

  /**
   * The PR's files: merge-base(current base tip, head) vs head (GitHub's three-dot diff).
   * `headSha` lets review-comment validation use the diff as of an older commit.
   */
  pullFiles(pull: Pull, headSha = pull.headSha): PullFile[] {
    const base = this.mergeBase(this.baseSha(pull), headSha) ?? this.baseSha(pull);
    // Commits are immutable, so the diff of a (base, head) pair can be cached.
    const cacheKey = `${base}:${headSha}`;
    let files = this.diffCache.get(cacheKey);
    if (!files) {
      files = this.diffTrees(this.commits.get(base)!.tree, this.commits.get(headSha)!.tree);
      this.diffCache.set(cacheKey, files);
    }
    return files;
  }

  pullCommits(pull: Pull): Commit[] {
    return this.commitsBetween(this.baseSha(pull), pull.headSha).slice(0, MAX_PULL_COMMITS);
  }

  // ---------------------------------------------------------------- permissions & teams

  /** Explicit permission, else "read" on public repositories and "none" on private ones. */
  permission(repo: Repo, login: string): Permission {
    const p = repo.permissions.get(login.toLowerCase());
    if (p) return p;
    if (login.toLowerCase() === repo.owner.toLowerCase()) return "admin";
    return repo.private ? "none" : "read";
  }

  team(org: string, slug: string): Team | undefined {
    return this.teams.get(`${org}/${slug}`.toLowerCase());
  }

  suiteId(repo: Repo, sha: string): number {
    const k = `${repo.id}:${sha}`;
    let id = this.suites.get(k);
    if (id === undefined) {
      id = this.nextId();
      this.suites.set(k, id);
    }
    return id;
  }
}

export function splitFull(full: string): [string, string] {
  const [o, r] = full.split("/");
  if (!o || !r) throw new Error(`expected owner/name, got ${full}`);
  return [o, r];
}

export function normalizePath(p: string): string {
  return p.replace(/^\/+|\/+$/g, "");
}

/** Entries under `dir` (relative to it) of a flat tree. */
export function subTree(tree: Map<string, string>, dir: string): Map<string, string> {
  if (dir === "") return tree;
  const prefix = `${dir}/`;
  const out = new Map<string, string>();
  for (const [p, s] of tree) if (p.startsWith(prefix)) out.set(p.slice(prefix.length), s);
  return out;
}
