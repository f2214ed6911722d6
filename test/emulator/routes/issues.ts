/** Issue (PR conversation) comments, and the issue view of a PR. */
import { type Ctx, fail, intParam, listReply, obj, type Router, validationFailed } from "../http.js";
import { codePoints, MAX_COMMENT_CHARS } from "../limits.js";
import * as render from "../render.js";
import type { IssueComment, Pull } from "../state.js";
import { repoOf } from "./repos.js";

function issuePull(ctx: Ctx): Pull {
  // Only PRs exist as issues in the emulator.
  return ctx.state.pull(repoOf(ctx), intParam(ctx, "number"));
}

export function checkCommentBody(body: unknown): string {
  if (typeof body !== "string" || body === "") validationFailed([{ resource: "IssueComment", code: "missing_field", field: "body" }]);
  if (codePoints(body) > MAX_COMMENT_CHARS) {
    validationFailed([{ resource: "IssueComment", code: "unprocessable", field: "data", message: `Body is too long (maximum is ${MAX_COMMENT_CHARS} characters)` }]);
  }
  return body;
}

function commentOf(ctx: Ctx): IssueComment {
  const r = repoOf(ctx);
  const id = intParam(ctx, "id");
  const c = ctx.state.issueComments.find((x) => x.id === id && x.repo === r && !x.deleted);
  if (!c) fail(404, "Not Found");
  return c;
}

export function issue(ctx: Pick<Ctx, "state" | "origin" | "api" | "botLogin">, pull: Pull): Record<string, unknown> {
  const p = render.pull(ctx, pull);
  return {
    url: p.issue_url,
    html_url: p.html_url,
    id: pull.id,
    number: pull.number,
    title: pull.title,
    body: pull.body,
    user: p.user,
    labels: [],
    state: pull.state,
    locked: false,
    comments: p.comments,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    author_association: p.author_association,
    draft: pull.draft,
    pull_request: { url: p.url, html_url: p.html_url, diff_url: p.diff_url, patch_url: p.patch_url, merged_at: p.merged_at },
  };
}

export function register(router: Router): void {
  router
    .on("GET", "/repos/:owner/:repo/issues/comments/:id", (ctx) => ({ status: 200, body: render.issueComment(ctx, commentOf(ctx)) }))
    .on("PATCH", "/repos/:owner/:repo/issues/comments/:id", (ctx) => {
      const c = commentOf(ctx);
      const body = checkCommentBody(obj(ctx.body).body);
      c.body = body;
      c.edits++;
      c.updatedAt = ctx.state.now();
      return { status: 200, body: render.issueComment(ctx, c) };
    })
    .on("DELETE", "/repos/:owner/:repo/issues/comments/:id", (ctx) => {
      commentOf(ctx).deleted = true;
      return { status: 204 };
    })
    .on("GET", "/repos/:owner/:repo/issues/:number", (ctx) => ({ status: 200, body: issue(ctx, issuePull(ctx)) }))
    .on("GET", "/repos/:owner/:repo/issues/:number/comments", (ctx) => {
      const pull = issuePull(ctx);
      const since = ctx.query.get("since");
      const list = ctx.state.issueComments.filter(
        (c) => c.repo === pull.repo && c.number === pull.number && !c.deleted && (!since || c.updatedAt >= since),
      );
      return listReply(ctx, list, (c) => render.issueComment(ctx, c));
    })
    .on("POST", "/repos/:owner/:repo/issues/:number/comments", (ctx) => {
      const pull = issuePull(ctx);
      const body = checkCommentBody(obj(ctx.body).body);
      const now = ctx.state.now();
      const c: IssueComment = {
        id: ctx.state.nextId(),
        repo: pull.repo,
        number: pull.number,
        user: ctx.botLogin,
        body,
        createdAt: now,
        updatedAt: now,
        edits: 0,
        deleted: false,
      };
      ctx.state.issueComments.push(c);
      return { status: 201, body: render.issueComment(ctx, c) };
    });
}
