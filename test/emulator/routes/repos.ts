/** App/installation, repository, contents, git data, commits and compare routes. */
import { randomBytes } from "node:crypto";
import { type Ctx, fail, listReply, obj, paginate, type Reply, type Router } from "../http.js";
import { CONTENTS_JSON_MAX_BYTES, CONTENTS_MAX_BYTES, MAX_COMPARE_FILES, MAX_PULL_COMMITS } from "../limits.js";
import * as render from "../render.js";
import { type Commit, normalizePath, type Repo, subTree } from "../state.js";

export const INSTALLATION_ID = 1;

function requireJwt(ctx: Ctx): void {
  if (ctx.auth !== "jwt") fail(401, "A JSON web token could not be decoded");
}

export function repoOf(ctx: Ctx): Repo {
  return ctx.state.repo(ctx.params.owner!, ctx.params.repo!);
}

function installation(ctx: Ctx, account: { login: string; type: "User" | "Organization" }) {
  return {
    id: INSTALLATION_ID,
    account: render.user(ctx, account.login, account.type),
    app_id: 1,
    app_slug: ctx.botLogin.replace(/\[bot\]$/, ""),
    target_type: account.type,
    repository_selection: "all",
    permissions: { checks: "write", contents: "read", pull_requests: "write", issues: "write", members: "read", metadata: "read" },
    events: ["pull_request", "pull_request_review", "check_run", "issue_comment", "membership", "push"],
    access_tokens_url: `${ctx.api}/app/installations/${INSTALLATION_ID}/access_tokens`,
    html_url: `${ctx.origin}/settings/installations/${INSTALLATION_ID}`,
  };
}

/** Base64 with a newline every 60 characters, as GitHub sends it. */
export function base64Lines(buf: Buffer): string {
  const b64 = buf.toString("base64");
  if (b64 === "") return "";
  return b64.replace(/(.{60})/g, "$1\n") + (b64.length % 60 === 0 && b64.length > 0 ? "" : "\n");
}

function wantsRaw(ctx: Ctx): boolean {
  return /application\/vnd\.github(\.v3)?\.raw/.test(String(ctx.headers.accept ?? ""));
}

function rawReply(buf: Buffer): Reply {
  return { status: 200, body: buf, headers: { "content-type": "text/plain; charset=utf-8", "x-github-media-type": "github.v3; param=raw" } };
}

function resolveCommit(ctx: Ctx, repoObj: Repo, ref: string | null): Commit {
  return ctx.state.commitAt(repoObj, ref ?? repoObj.defaultBranch);
}

function contents(ctx: Ctx): Reply {
  const repoObj = repoOf(ctx);
  const ref = ctx.query.get("ref");
  const c = resolveCommit(ctx, repoObj, ref);
  const path = normalizePath(ctx.params.path ?? "");
  const full = `${repoObj.owner}/${repoObj.name}`;
  const refParam = ref ?? repoObj.defaultBranch;
  const links = (p: string, type: "file" | "dir", sha: string) => {
    const enc = p.split("/").map(encodeURIComponent).join("/");
    const self = `${ctx.api}/repos/${full}/contents/${enc}?ref=${encodeURIComponent(refParam)}`;
    const git = `${ctx.api}/repos/${full}/git/${type === "file" ? "blobs" : "trees"}/${sha}`;
    const html = `${ctx.origin}/${full}/${type === "file" ? "blob" : "tree"}/${refParam}/${enc}`;
    return {
      url: self,
      html_url: html,
      git_url: git,
      download_url: type === "file" ? `${ctx.origin}/${full}/raw/${refParam}/${enc}` : null,
      _links: { self, git, html },
    };
  };
  const blobSha = path === "" ? undefined : c.tree.get(path);
  if (blobSha !== undefined) {
    const buf = ctx.state.blobs.get(blobSha)!;
    if (buf.length > CONTENTS_MAX_BYTES) {
      fail(403, "This API returns blobs up to 100 MB in size. The requested blob is too large to fetch via the API.", {
        errors: [{ resource: "Blob", field: "data", code: "too_large" }],
      });
    }
    if (wantsRaw(ctx)) return rawReply(buf);
    const large = buf.length > CONTENTS_JSON_MAX_BYTES;
    return {
      status: 200,
      body: {
        type: "file",
        encoding: large ? "none" : "base64",
        size: buf.length,
        name: path.split("/").pop(),
        path,
        content: large ? "" : base64Lines(buf),
        sha: blobSha,
        ...links(path, "file", blobSha),
      },
    };
  }
  const dir = subTree(c.tree, path);
  if (dir.size === 0 && path !== "") fail(404, "Not Found");
  const entries = new Map<string, { type: "file" | "dir"; sha: string; size: number }>();
  for (const [p, sha] of dir) {
    const slash = p.indexOf("/");
    if (slash < 0) entries.set(p, { type: "file", sha, size: ctx.state.blobs.get(sha)!.length });
    else {
      const name = p.slice(0, slash);
      if (!entries.has(name)) {
        const sub = subTree(dir, name);
        entries.set(name, { type: "dir", sha: ctx.state.putTree(sub), size: 0 });
      }
    }
  }
  const list = [...entries]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, e]) => {
      const p = path ? `${path}/${name}` : name;
      return { type: e.type, size: e.size, name, path: p, sha: e.sha, ...links(p, e.type, e.sha) };
    });
  return { status: 200, body: list };
}

function blob(ctx: Ctx): Reply {
  repoOf(ctx);
  const buf = ctx.state.blobs.get(ctx.params.sha!);
  if (!buf) fail(404, "Not Found");
  if (buf.length > CONTENTS_MAX_BYTES) fail(403, "This API returns blobs up to 100 MB in size.");
  if (wantsRaw(ctx)) return rawReply(buf);
  const r = repoOf(ctx);
  return {
    status: 200,
    body: {
      sha: ctx.params.sha,
      node_id: Buffer.from(`04:Blob${ctx.params.sha}`).toString("base64"),
      size: buf.length,
      url: `${ctx.api}/repos/${r.owner}/${r.name}/git/blobs/${ctx.params.sha}`,
      content: base64Lines(buf),
      encoding: "base64",
    },
  };
}

function tree(ctx: Ctx): Reply {
  const r = repoOf(ctx);
  const id = ctx.params.sha!;
  let entries = ctx.state.trees.get(id);
  let sha = id;
  if (!entries) {
    const c = ctx.state.resolveRef(r, id);
    if (!c) fail(404, "Not Found");
    const commitObj = ctx.state.commits.get(c)!;
    entries = commitObj.tree;
    sha = commitObj.treeSha;
  }
  const recursive = ctx.query.has("recursive");
  const out: Array<Record<string, unknown>> = [];
  const dirs = new Set<string>();
  for (const [p, blobSha] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const parts = p.split("/");
    if (!recursive && parts.length > 1) {
      dirs.add(parts[0]!);
      continue;
    }
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
    out.push({ path: p, mode: "100644", type: "blob", sha: blobSha, size: ctx.state.blobs.get(blobSha)!.length });
  }
  for (const d of dirs) out.push({ path: d, mode: "040000", type: "tree", sha: ctx.state.putTree(subTree(entries, d)) });
  out.sort((a, b) => (String(a.path) < String(b.path) ? -1 : 1));
  return { status: 200, body: { sha, url: `${ctx.api}/repos/${r.owner}/${r.name}/git/trees/${sha}`, tree: out, truncated: false } };
}

/** `base...head`, where either side may be `owner:ref` for a fork in the same network. */
function compare(ctx: Ctx): Reply {
  const r = repoOf(ctx);
  const m = /^(.+?)\.\.\.(.+)$/.exec(ctx.params.basehead ?? "");
  if (!m) fail(404, "Not Found");
  const side = (spec: string) => {
    const [ownerPart, ref] = spec.includes(":") ? (spec.split(/:(.*)/s) as [string, string]) : [r.owner, spec];
    const target =
      ownerPart.toLowerCase() === r.owner.toLowerCase()
        ? r
        : [...ctx.state.repos.values()].find((x) => x.network === r.network && x.owner.toLowerCase() === ownerPart.toLowerCase());
    const sha = target ? ctx.state.resolveRef(target, ref) : undefined;
    if (!sha) fail(404, `No commit found for the ref ${spec}`);
    return sha;
  };
  const base = side(m[1]!);
  const head = side(m[2]!);
  const mb = ctx.state.mergeBase(base, head);
  const ahead = ctx.state.commitsBetween(base, head);
  const behind = ctx.state.commitsBetween(head, base);
  const files = ctx.state.diffTrees(ctx.state.commits.get(mb ?? base)!.tree, ctx.state.commits.get(head)!.tree);
  const status = ahead.length && behind.length ? "diverged" : ahead.length ? "ahead" : behind.length ? "behind" : "identical";
  return {
    status: 200,
    body: {
      url: `${ctx.api}/repos/${r.owner}/${r.name}/compare/${ctx.params.basehead}`,
      html_url: `${ctx.origin}/${r.owner}/${r.name}/compare/${ctx.params.basehead}`,
      base_commit: render.commit(ctx, r, ctx.state.commits.get(base)!),
      merge_base_commit: mb ? render.commit(ctx, r, ctx.state.commits.get(mb)!) : null,
      status,
      ahead_by: ahead.length,
      behind_by: behind.length,
      total_commits: ahead.length,
      commits: ahead.slice(0, MAX_PULL_COMMITS).map((c) => render.commit(ctx, r, c)),
      files: files.slice(0, MAX_COMPARE_FILES).map((f) => render.file(ctx, r, head, f)),
    },
  };
}

function singleCommit(ctx: Ctx): Reply {
  const r = repoOf(ctx);
  const c = resolveCommit(ctx, r, ctx.params.ref!);
  if (wantsRaw(ctx)) fail(415, "Unsupported media type for this endpoint");
  const parent = c.parents[0] ? ctx.state.commits.get(c.parents[0])!.tree : new Map<string, string>();
  const files = ctx.state.diffTrees(parent, c.tree);
  return {
    status: 200,
    body: {
      ...render.commit(ctx, r, c),
      stats: {
        additions: files.reduce((n, f) => n + f.diff.additions, 0),
        deletions: files.reduce((n, f) => n + f.diff.deletions, 0),
        total: files.reduce((n, f) => n + f.diff.additions + f.diff.deletions, 0),
      },
      files: files.slice(0, MAX_COMPARE_FILES).map((f) => render.file(ctx, r, c.sha, f)),
    },
  };
}

export function register(router: Router): void {
  router
    .on("POST", "/app/installations/:id/access_tokens", (ctx) => {
      requireJwt(ctx);
      if (ctx.params.id !== String(INSTALLATION_ID)) fail(404, "Not Found");
      const token = `ghs_${randomBytes(18).toString("base64url")}`;
      ctx.state.installationTokens.add(token);
      const b = obj(ctx.body);
      return {
        status: 201,
        body: {
          token,
          expires_at: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
          permissions: b.permissions ?? installation(ctx, { login: "x", type: "Organization" }).permissions,
          repository_selection: "all",
        },
      };
    })
    .on("GET", "/app", (ctx) => {
      requireJwt(ctx);
      return { status: 200, body: render.app(ctx) };
    })
    .on("GET", "/app/installations", (ctx) => {
      requireJwt(ctx);
      const owners = new Map<string, Repo>();
      for (const r of ctx.state.repos.values()) if (!owners.has(r.owner.toLowerCase())) owners.set(r.owner.toLowerCase(), r);
      return listReply(ctx, [...owners.values()].slice(0, 1), (r) => installation(ctx, { login: r.owner, type: r.ownerType }));
    })
    .on("GET", "/app/installations/:id", (ctx) => {
      requireJwt(ctx);
      if (ctx.params.id !== String(INSTALLATION_ID)) fail(404, "Not Found");
      return { status: 200, body: installation(ctx, { login: "installation-owner", type: "Organization" }) };
    })
    .on("GET", "/repos/:owner/:repo/installation", (ctx) => {
      requireJwt(ctx);
      const r = repoOf(ctx);
      return { status: 200, body: installation(ctx, { login: r.owner, type: r.ownerType }) };
    })
    .on("GET", "/orgs/:owner/installation", (ctx) => {
      requireJwt(ctx);
      return { status: 200, body: installation(ctx, { login: ctx.params.owner!, type: "Organization" }) };
    })
    .on("GET", "/installation/repositories", (ctx) => {
      // The single installation covers every repository, as an org-wide install does.
      const { page, headers } = paginate(ctx, [...ctx.state.repos.values()]);
      return { status: 200, body: { total_count: ctx.state.repos.size, repositories: page.map((r) => render.repo(ctx, r)) }, headers };
    })
    .on("GET", "/repos/:owner/:repo", (ctx) => ({ status: 200, body: render.repo(ctx, repoOf(ctx)) }))
    .on("GET", "/repos/:owner/:repo/contents", contents)
    .on("GET", "/repos/:owner/:repo/contents/*path", contents)
    .on("GET", "/repos/:owner/:repo/git/blobs/:sha", blob)
    .on("GET", "/repos/:owner/:repo/git/trees/:sha", tree)
    .on("GET", "/repos/:owner/:repo/git/ref/*ref", (ctx) => {
      const r = repoOf(ctx);
      const ref = ctx.params.ref!;
      const branch = ref.replace(/^heads\//, "");
      const sha = ref.startsWith("heads/") ? r.branches.get(branch) : undefined;
      if (!sha) fail(404, "Not Found");
      return {
        status: 200,
        body: { ref: `refs/${ref}`, url: `${ctx.api}/repos/${r.owner}/${r.name}/git/refs/${ref}`, object: { type: "commit", sha } },
      };
    })
    .on("GET", "/repos/:owner/:repo/branches/*branch", (ctx) => {
      const r = repoOf(ctx);
      const sha = r.branches.get(ctx.params.branch!);
      if (!sha) fail(404, "Branch not found");
      return { status: 200, body: { name: ctx.params.branch, commit: render.commit(ctx, r, ctx.state.commits.get(sha)!), protected: false } };
    })
    .on("GET", "/repos/:owner/:repo/commits/:ref", singleCommit)
    .on("GET", "/repos/:owner/:repo/commits/:sha/pulls", (ctx) => {
      const r = repoOf(ctx);
      const sha = ctx.state.resolveRef(r, ctx.params.sha!);
      if (!sha) fail(422, `No commit found for SHA: ${ctx.params.sha}`);
      // PRs in this repository whose commits include the sha (fork heads included).
      const pulls = ctx.state.pulls.filter((p) => p.repo === r && ctx.state.pullCommits(p).some((c) => c.sha === sha));
      return listReply(ctx, pulls, (p) => render.pull(ctx, p));
    })
    .on("GET", "/repos/:owner/:repo/compare/*basehead", compare);
}
