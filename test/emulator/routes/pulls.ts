/** Pull requests: PR objects, files, commits, reviews, requested reviewers, review comments. */
import { commentableLines, hunkHeader } from "../diff.js";
import { type Ctx, fail, intParam, listReply, obj, type Reply, type Router, validationFailed } from "../http.js";
import { codePoints, MAX_COMMENT_CHARS, MAX_PULL_FILES } from "../limits.js";
import * as render from "../render.js";
import { type Anchor, EmulatorError, type Pull, type Review, type ReviewComment, type ReviewState, type State } from "../state.js";
import { repoOf } from "./repos.js";

function pullOf(ctx: Ctx): Pull {
  return ctx.state.pull(repoOf(ctx), intParam(ctx, "number"));
}

/** "a", "a and b", "a, b, and c": how GitHub joins several review-thread errors into one string. */
function sentence(parts: string[]): string {
  if (parts.length <= 1) return parts[0] ?? "";
  if (parts.length === 2) return `${parts[0]} and ${parts[1]}`;
  return `${parts.slice(0, -1).join(", ")}, and ${parts[parts.length - 1]}`;
}

export interface CommentSpec {
  path?: unknown;
  line?: unknown;
  side?: unknown;
  start_line?: unknown;
  start_side?: unknown;
  position?: unknown;
  subject_type?: unknown;
}


/**
 * Resolve where a review comment lands in the PR diff as of `commitId`.
 * Returns the anchor, or the list of problems using GitHub's "Pull request review thread ..." wording.
 */
/** A rejected anchor: which thread field is wrong and GitHub's wording for it. */
export interface Problem {
  field: "path" | "line" | "start_line" | "diff_hunk";
  text: string;
}

const PROSE: Record<Problem["field"], string> = { path: "path", line: "line", start_line: "start line", diff_hunk: "diff hunk" };

/** Review endpoint wording: "Pull request review thread line must be part of the diff". */
export const problemSentence = (p: Problem) => `Pull request review thread ${PROSE[p.field]} ${p.text}`;

export function anchorComment(state: State, pull: Pull, commitId: string, spec: CommentSpec): Anchor | { problems: Problem[] } {
  const path = typeof spec.path === "string" ? spec.path : "";
  const file = state.pullFiles(pull, commitId).find((f) => f.filename === path);
  if (!file) return { problems: [{ field: "path", text: "could not be resolved" }] };
  if (spec.subject_type === "file") {
    return { path, line: null, side: null, startLine: null, startSide: null, position: null, subjectType: "file", diffHunk: "" };
  }
  const lines = commentableLines(file.diff.hunks);
  let side: "LEFT" | "RIGHT" = spec.side === "LEFT" ? "LEFT" : "RIGHT";
  let line = typeof spec.line === "number" && Number.isInteger(spec.line) ? spec.line : undefined;
  if (line === undefined && typeof spec.position === "number") {
    // Deprecated `position`: count lines down from the first "@@".
    for (const s of ["RIGHT", "LEFT"] as const) {
      for (const [n, l] of lines[s]) {
        if (l.position === spec.position) {
          line = n;
          side = s;
        }
      }
    }
  }
  const target = line === undefined ? undefined : lines[side].get(line);
  const problems: Problem[] = [];
  if (!target) problems.push({ field: "line", text: "must be part of the diff" });
  let startLine: number | null = null;
  let startSide: "LEFT" | "RIGHT" | null = null;
  if (spec.start_line !== undefined && spec.start_line !== null) {
    startSide = spec.start_side === "LEFT" ? "LEFT" : spec.start_side === "RIGHT" ? "RIGHT" : side;
    startLine = typeof spec.start_line === "number" ? spec.start_line : Number.NaN;
    const start = lines[startSide].get(startLine);
    if (target && start && start.position >= target.position) problems.push({ field: "start_line", text: "must precede the end line." });
    else if (!start || (target && start.hunk !== target.hunk)) problems.push({ field: "start_line", text: "must be part of the same hunk as the line." });
  }
  if (problems.length || !target || line === undefined) {
    if (!target) problems.push({ field: "diff_hunk", text: "can't be blank" });
    return { problems };
  }
  const hunk = file.diff.hunks[target.hunk]!;
  // GitHub's diff_hunk: the hunk header plus the hunk's lines down to the commented line.
  const diffHunk = [hunkHeader(hunk), ...hunk.lines.slice(0, target.position - hunkFirstPosition(file.diff.hunks, target.hunk) + 1)].join("\n");
  return { path, line, side, startLine, startSide, position: target.position, subjectType: "line", diffHunk };
}

/** Patch position of the first line after hunk `index`'s "@@" header. */
function hunkFirstPosition(hunks: Array<{ lines: string[] }>, index: number): number {
  let pos = 0;
  for (let i = 0; i < index; i++) pos += hunks[i]!.lines.length + 1;
  return pos + 1;
}

function checkBodyLength(body: string, resource: string): void {
  if (codePoints(body) > MAX_COMMENT_CHARS) {
    validationFailed([{ resource, code: "unprocessable", field: "data", message: `Body is too long (maximum is ${MAX_COMMENT_CHARS} characters)` }]);
  }
}

/** Commit must be the head or one of the PR's commits. */
function checkCommit(state: State, pull: Pull, commitId: string): boolean {
  return commitId === pull.headSha || state.pullCommits(pull).some((c) => c.sha === commitId);
}

/** Record a review (used by the REST route and by `gh.submitReview`). */
export function addReview(
  state: State,
  pull: Pull,
  opts: { user: string; state: ReviewState; body?: string; commitId?: string; submittedAt?: string },
): Review {
  if ((opts.state === "APPROVED" || opts.state === "CHANGES_REQUESTED") && opts.user.toLowerCase() === pull.user.toLowerCase()) {
    throw new EmulatorError(422, "Unprocessable Entity", {
      errors: [opts.state === "APPROVED" ? "Can not approve your own pull request" : "Can not request changes on your own pull request"],
    });
  }
  const review: Review = {
    id: state.nextId(),
    pull,
    user: opts.user,
    state: opts.state,
    body: opts.body ?? "",
    commitId: opts.commitId ?? pull.headSha,
    submittedAt: opts.state === "PENDING" ? null : (opts.submittedAt ?? state.now()),
  };
  state.reviews.push(review);
  if (opts.state !== "PENDING") pull.requestedUsers.delete(opts.user);
  return review;
}

export function dismissReview(state: State, review: Review, message: string): Review {
  if (review.state !== "APPROVED" && review.state !== "CHANGES_REQUESTED") {
    throw new EmulatorError(422, "Unprocessable Entity", {
      errors: [`Can not dismiss a ${review.state.toLowerCase().replace("_", " ")} pull request review`],
    });
  }
  review.state = "DISMISSED";
  review.dismissalMessage = message;
  state.now();
  return review;
}

function reviewOf(ctx: Ctx, pull: Pull): Review {
  const id = intParam(ctx, "id");
  const r = ctx.state.reviews.find((x) => x.id === id && x.pull === pull);
  if (!r) fail(404, "Not Found");
  return r;
}

function visibleReviews(ctx: Ctx, pull: Pull): Review[] {
  return ctx.state.reviews.filter((r) => r.pull === pull && (r.state !== "PENDING" || r.user === ctx.botLogin));
}

function createReview(ctx: Ctx): Reply {
  const pull = pullOf(ctx);
  const b = obj(ctx.body);
  const event = b.event;
  const body = typeof b.body === "string" ? b.body : "";
  const commitId = typeof b.commit_id === "string" ? b.commit_id : pull.headSha;
  if (!checkCommit(ctx.state, pull, commitId)) {
    fail(422, "Unprocessable Entity", { errors: ["Commit id is not part of the pull request"] });
  }
  const states: Record<string, ReviewState> = { APPROVE: "APPROVED", REQUEST_CHANGES: "CHANGES_REQUESTED", COMMENT: "COMMENTED" };
  if (event !== undefined && (typeof event !== "string" || !(event in states))) {
    fail(422, "Unprocessable Entity", { errors: [`Invalid event: ${String(event)}`] });
  }
  const comments = Array.isArray(b.comments) ? b.comments.map(obj) : [];
  if (event === "REQUEST_CHANGES" && !body) fail(422, "Unprocessable Entity", { errors: ["Body is required for this event"] });
  if (event === "COMMENT" && !body && comments.length === 0) fail(422, "Unprocessable Entity", { errors: ["Body is required for this event"] });
  checkBodyLength(body, "PullRequestReview");
  const anchors: Anchor[] = [];
  const problems: string[] = [];
  for (const c of comments) {
    if (typeof c.body !== "string" || typeof c.path !== "string") {
      problems.push("Pull request review thread path and body are required");
      continue;
    }
    checkBodyLength(c.body, "PullRequestReviewComment");
    const a = anchorComment(ctx.state, pull, commitId, c);
    if ("problems" in a) problems.push(...a.problems.map(problemSentence));
    else anchors.push(a);
  }
  if (problems.length) fail(422, "Unprocessable Entity", { errors: [sentence([...new Set(problems)])] });
  const review = addReview(ctx.state, pull, {
    user: ctx.botLogin,
    state: event === undefined ? "PENDING" : states[event as string]!,
    body,
    commitId,
  });
  anchors.forEach((a, i) => {
    addReviewComment(ctx.state, pull, { ...a, user: ctx.botLogin, body: String(comments[i]!.body), commitId, reviewId: review.id });
  });
  return { status: 200, body: render.review(ctx, review) };
}

export function addReviewComment(
  state: State,
  pull: Pull,
  opts: Anchor & { user: string; body: string; commitId: string; reviewId: number | null; inReplyTo?: number },
): ReviewComment {
  const now = state.now();
  const c: ReviewComment = {
    id: state.nextId(),
    pull,
    reviewId: opts.reviewId,
    user: opts.user,
    body: opts.body,
    commitId: opts.commitId,
    path: opts.path,
    line: opts.line,
    side: opts.side,
    startLine: opts.startLine,
    startSide: opts.startLine === null ? null : opts.startSide,
    position: opts.position,
    subjectType: opts.subjectType,
    diffHunk: opts.diffHunk,
    inReplyTo: opts.inReplyTo ?? null,
    createdAt: now,
    updatedAt: now,
    edits: 0,
    deleted: false,
  };
  state.reviewComments.push(c);
  return c;
}

function createReviewCommentRoute(ctx: Ctx): Reply {
  const pull = pullOf(ctx);
  const b = obj(ctx.body);
  const resource = "PullRequestReviewComment";
  if (typeof b.body !== "string" || b.body === "") validationFailed([{ resource, code: "missing_field", field: "body" }]);
  checkBodyLength(b.body, resource);
  if (b.in_reply_to !== undefined) return reply(ctx, pull, Number(b.in_reply_to), b.body);
  if (typeof b.commit_id !== "string") validationFailed([{ resource, code: "missing_field", field: "commit_id" }]);
  if (typeof b.path !== "string") validationFailed([{ resource, code: "missing_field", field: "path" }]);
  if (!checkCommit(ctx.state, pull, b.commit_id)) {
    validationFailed([{ resource, code: "custom", field: "commit_id", message: "commit_id is not part of the pull request" }]);
  }
  const a = anchorComment(ctx.state, pull, b.commit_id, b);
  if ("problems" in a) {
    // The single-comment endpoint reports field errors: "pull_request_review_thread.line must be part of the diff".
    validationFailed(
      a.problems.map((p) => {
        const field = `pull_request_review_thread.${p.field}`;
        return { resource, code: "custom", field, message: `${field} ${p.text}` };
      }),
    );
  }
  // Like GitHub, a standalone review comment also creates a COMMENTED review by the same user.
  const review = addReview(ctx.state, pull, { user: ctx.botLogin, state: "COMMENTED", commitId: b.commit_id });
  const c = addReviewComment(ctx.state, pull, { ...a, user: ctx.botLogin, body: b.body, commitId: b.commit_id, reviewId: review.id });
  return { status: 201, body: render.reviewComment(ctx, c) };
}

function reply(ctx: Ctx, pull: Pull, parentId: number, body: string): Reply {
  const parent = ctx.state.reviewComments.find((c) => c.id === parentId && c.pull === pull && !c.deleted);
  if (!parent) fail(404, "Not Found");
  const root = parent.inReplyTo ?? parent.id;
  const c = addReviewComment(ctx.state, pull, {
    path: parent.path,
    line: parent.line,
    side: parent.side,
    startLine: parent.startLine,
    startSide: parent.startSide,
    position: parent.position,
    subjectType: parent.subjectType,
    diffHunk: parent.diffHunk,
    user: ctx.botLogin,
    body,
    commitId: parent.commitId,
    reviewId: addReview(ctx.state, pull, { user: ctx.botLogin, state: "COMMENTED", commitId: parent.commitId }).id,
    inReplyTo: root,
  });
  return { status: 201, body: render.reviewComment(ctx, c) };
}

function reviewCommentOf(ctx: Ctx): ReviewComment {
  const r = repoOf(ctx);
  const id = intParam(ctx, "id");
  const c = ctx.state.reviewComments.find((x) => x.id === id && x.pull.repo === r && !x.deleted);
  if (!c) fail(404, "Not Found");
  return c;
}

function requestReviewers(ctx: Ctx): Reply {
  const pull = pullOf(ctx);
  const b = obj(ctx.body);
  const users = Array.isArray(b.reviewers) ? b.reviewers.map(String) : [];
  const teams = Array.isArray(b.team_reviewers) ? b.team_reviewers.map(String) : [];
  if (users.some((u) => u.toLowerCase() === pull.user.toLowerCase())) {
    fail(422, "Review cannot be requested from pull request author.");
  }
  const full = `${pull.repo.owner}/${pull.repo.name}`;
  const bad =
    users.some((u) => ctx.state.permission(pull.repo, u) === "none") ||
    teams.some((t) => pull.repo.ownerType !== "Organization" || !ctx.state.team(pull.repo.owner, t));
  if (bad) {
    fail(
      422,
      `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${full} repository.`,
    );
  }
  for (const u of users) pull.requestedUsers.add(u);
  for (const t of teams) pull.requestedTeams.add(t);
  pull.updatedAt = ctx.state.now();
  return { status: 201, body: render.pull(ctx, pull) };
}

export function register(router: Router): void {
  router
    .on("GET", "/repos/:owner/:repo/pulls", (ctx) => {
      const r = repoOf(ctx);
      const st = ctx.query.get("state") ?? "open";
      const head = ctx.query.get("head");
      const base = ctx.query.get("base");
      let pulls = ctx.state.pulls.filter(
        (p) =>
          p.repo === r &&
          (st === "all" || p.state === st) &&
          (!base || p.baseRef === base) &&
          (!head || `${p.headRepo.owner}:${p.headRef}`.toLowerCase() === head.toLowerCase()),
      );
      // Sorted by creation (number); GitHub's default direction for that is desc.
      const asc = ctx.query.get("direction") === "asc";
      pulls = [...pulls].sort((a, b) => (asc ? a.number - b.number : b.number - a.number));
      return listReply(ctx, pulls, (p) => render.pull(ctx, p));
    })
    .on("GET", "/repos/:owner/:repo/pulls/comments/:id", (ctx) => ({ status: 200, body: render.reviewComment(ctx, reviewCommentOf(ctx)) }))
    .on("PATCH", "/repos/:owner/:repo/pulls/comments/:id", (ctx) => {
      const c = reviewCommentOf(ctx);
      const b = obj(ctx.body);
      if (typeof b.body !== "string") validationFailed([{ resource: "PullRequestReviewComment", code: "missing_field", field: "body" }]);
      checkBodyLength(b.body, "PullRequestReviewComment");
      c.body = b.body;
      c.edits++;
      c.updatedAt = ctx.state.now();
      return { status: 200, body: render.reviewComment(ctx, c) };
    })
    .on("DELETE", "/repos/:owner/:repo/pulls/comments/:id", (ctx) => {
      reviewCommentOf(ctx).deleted = true;
      return { status: 204 };
    })
    .on("GET", "/repos/:owner/:repo/pulls/:number", (ctx) => ({ status: 200, body: render.pull(ctx, pullOf(ctx)) }))
    .on("PATCH", "/repos/:owner/:repo/pulls/:number", (ctx) => {
      const pull = pullOf(ctx);
      const b = obj(ctx.body);
      if (typeof b.base === "string") {
        if (!pull.repo.branches.has(b.base)) validationFailed([{ resource: "PullRequest", code: "invalid", field: "base" }]);
        if (b.base !== pull.baseRef) pull.previousBaseRef = pull.baseRef;
        pull.baseRef = b.base;
      }
      if (typeof b.title === "string") pull.title = b.title;
      if (typeof b.body === "string") pull.body = b.body;
      if (b.state === "closed" || b.state === "open") {
        pull.state = b.state;
        pull.closedAt = b.state === "closed" ? ctx.state.now() : null;
      }
      pull.updatedAt = ctx.state.now();
      return { status: 200, body: render.pull(ctx, pull) };
    })
    .on("GET", "/repos/:owner/:repo/pulls/:number/files", (ctx) => {
      const pull = pullOf(ctx);
      // GitHub stops listing at 3000 files; `changed_files` on the PR keeps the real count.
      const files = ctx.state.pullFiles(pull).slice(0, MAX_PULL_FILES);
      return listReply(ctx, files, (f) => render.file(ctx, pull.headRepo, pull.headSha, f));
    })
    .on("GET", "/repos/:owner/:repo/pulls/:number/commits", (ctx) => {
      const pull = pullOf(ctx);
      return listReply(ctx, ctx.state.pullCommits(pull), (c) => render.commit(ctx, pull.repo, c));
    })
    .on("GET", "/repos/:owner/:repo/pulls/:number/reviews", (ctx) => {
      const pull = pullOf(ctx);
      return listReply(ctx, visibleReviews(ctx, pull), (r) => render.review(ctx, r));
    })
    .on("POST", "/repos/:owner/:repo/pulls/:number/reviews", createReview)
    .on("GET", "/repos/:owner/:repo/pulls/:number/reviews/:id", (ctx) => ({ status: 200, body: render.review(ctx, reviewOf(ctx, pullOf(ctx))) }))
    .on("POST", "/repos/:owner/:repo/pulls/:number/reviews/:id/events", (ctx) => {
      const review = reviewOf(ctx, pullOf(ctx));
      const b = obj(ctx.body);
      const states: Record<string, ReviewState> = { APPROVE: "APPROVED", REQUEST_CHANGES: "CHANGES_REQUESTED", COMMENT: "COMMENTED" };
      const st = typeof b.event === "string" ? states[b.event] : undefined;
      if (review.state !== "PENDING" || !st) fail(422, "Unprocessable Entity", { errors: ["Review is not pending or event is invalid"] });
      review.state = st;
      if (typeof b.body === "string") review.body = b.body;
      review.submittedAt = ctx.state.now();
      return { status: 200, body: render.review(ctx, review) };
    })
    .on("PUT", "/repos/:owner/:repo/pulls/:number/reviews/:id/dismissals", (ctx) => {
      const review = reviewOf(ctx, pullOf(ctx));
      const b = obj(ctx.body);
      if (typeof b.message !== "string" || !b.message) validationFailed([{ resource: "PullRequestReview", code: "missing_field", field: "message" }]);
      return { status: 200, body: render.review(ctx, dismissReview(ctx.state, review, b.message)) };
    })
    .on("GET", "/repos/:owner/:repo/pulls/:number/requested_reviewers", (ctx) => {
      const pull = pullOf(ctx);
      const p = render.pull(ctx, pull);
      return { status: 200, body: { users: p.requested_reviewers, teams: p.requested_teams } };
    })
    .on("POST", "/repos/:owner/:repo/pulls/:number/requested_reviewers", requestReviewers)
    .on("DELETE", "/repos/:owner/:repo/pulls/:number/requested_reviewers", (ctx) => {
      const pull = pullOf(ctx);
      const b = obj(ctx.body);
      for (const u of Array.isArray(b.reviewers) ? b.reviewers : []) pull.requestedUsers.delete(String(u));
      for (const t of Array.isArray(b.team_reviewers) ? b.team_reviewers : []) pull.requestedTeams.delete(String(t));
      return { status: 200, body: render.pull(ctx, pull) };
    })
    .on("GET", "/repos/:owner/:repo/pulls/:number/comments", (ctx) => {
      const pull = pullOf(ctx);
      return listReply(
        ctx,
        ctx.state.reviewComments.filter((c) => c.pull === pull && !c.deleted),
        (c) => render.reviewComment(ctx, c),
      );
    })
    .on("POST", "/repos/:owner/:repo/pulls/:number/comments", createReviewCommentRoute)
    .on("POST", "/repos/:owner/:repo/pulls/:number/comments/:id/replies", (ctx) => {
      const pull = pullOf(ctx);
      const b = obj(ctx.body);
      if (typeof b.body !== "string" || !b.body) validationFailed([{ resource: "PullRequestReviewComment", code: "missing_field", field: "body" }]);
      checkBodyLength(b.body, "PullRequestReviewComment");
      return reply(ctx, pull, intParam(ctx, "id"), b.body);
    });
}
