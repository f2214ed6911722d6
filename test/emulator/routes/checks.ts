/** Checks API: create/update/get/list check runs and their annotations, validated like GitHub. */
import { type Ctx, fail, intParam, obj, paginate, type Reply, type Router, validationFailed } from "../http.js";
import { MAX_ANNOTATIONS_PER_REQUEST, MAX_CHECK_ACTIONS, MAX_CHECK_OUTPUT_BYTES, utf8Bytes } from "../limits.js";
import * as render from "../render.js";
import type { Annotation, CheckRun, Repo } from "../state.js";
import { repoOf } from "./repos.js";

const STATUSES = ["queued", "in_progress", "completed"];
/** `stale` is set by GitHub only; apps can't send it. */
const CONCLUSIONS = ["action_required", "cancelled", "failure", "neutral", "success", "skipped", "timed_out"];
const LEVELS = ["notice", "warning", "failure"];
const REQUIRED_ANNOTATION_FIELDS = ["path", "start_line", "end_line", "annotation_level", "message"] as const;

/** GitHub's JSON-schema style rejection: 422 "Invalid request.\n\n<details>". */
function invalidRequest(details: string[]): never {
  fail(422, `Invalid request.\n\n${details.join("\n")}`);
}

function validateAnnotations(raw: unknown): Annotation[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) invalidRequest([`For 'properties/annotations', ${JSON.stringify(raw)} is not an array.`]);
  if (raw.length > MAX_ANNOTATIONS_PER_REQUEST) {
    invalidRequest([`No more than ${MAX_ANNOTATIONS_PER_REQUEST} items are allowed; ${raw.length} were supplied.`]);
  }
  const missing: string[] = [];
  const schema: string[] = [];
  for (const item of raw) {
    const a = obj(item);
    const absent = REQUIRED_ANNOTATION_FIELDS.filter((f) => a[f] === undefined || a[f] === null);
    if (absent.length) missing.push(`${absent.map((f) => `"${f}"`).join(", ")} ${absent.length === 1 ? "wasn't" : "weren't"} supplied.`);
    if (a.annotation_level !== undefined && !LEVELS.includes(String(a.annotation_level))) {
      schema.push(`For 'properties/annotation_level', ${JSON.stringify(a.annotation_level)} is not a member of ${JSON.stringify(LEVELS)}.`);
    }
    for (const f of ["start_line", "end_line", "start_column", "end_column"]) {
      if (a[f] !== undefined && a[f] !== null && !Number.isInteger(a[f])) {
        schema.push(`For 'properties/${f}', ${JSON.stringify(a[f])} is not an integer.`);
      }
    }
  }
  if (missing.length || schema.length) invalidRequest([...missing, ...schema]);
  const out = raw.map((item) => obj(item) as unknown as Annotation);
  for (const a of out) {
    // Semantic errors come back as a generic "invalid annotations" field error.
    const badLines = a.start_line < 1 || a.end_line < a.start_line;
    const badColumns = (a.start_column !== undefined || a.end_column !== undefined) && a.start_line !== a.end_line;
    if (badLines || badColumns || typeof a.path !== "string" || a.path === "") {
      validationFailed([{ resource: "CheckRun", code: "invalid", field: "annotations" }]);
    }
  }
  return out;
}

interface Validated {
  status?: string;
  conclusion?: string;
  output?: { title?: string; summary?: string; text?: string; annotations: Annotation[] };
}

function validate(body: Record<string, unknown>, existing?: CheckRun): Validated {
  const out: Validated = {};
  if (body.status !== undefined && !STATUSES.includes(String(body.status))) {
    invalidRequest([`For 'properties/status', ${JSON.stringify(body.status)} is not a member of ${JSON.stringify(STATUSES)}.`]);
  }
  if (body.conclusion !== undefined && body.conclusion !== null && !CONCLUSIONS.includes(String(body.conclusion))) {
    invalidRequest([`For 'properties/conclusion', ${JSON.stringify(body.conclusion)} is not a member of ${JSON.stringify(CONCLUSIONS)}.`]);
  }
  const conclusion = typeof body.conclusion === "string" ? body.conclusion : undefined;
  let status = typeof body.status === "string" ? body.status : undefined;
  // "Providing conclusion will automatically set the status parameter to completed."
  if (conclusion && status === undefined) status = "completed";
  if (conclusion && status !== "completed") {
    validationFailed([{ resource: "CheckRun", code: "invalid", field: "conclusion", message: "conclusion can only be set when status is completed" }]);
  }
  // "conclusion: Required if you provide completed_at or a status of completed."
  const completing = status === "completed" || body.completed_at !== undefined;
  if (completing && !conclusion && !(existing?.conclusion && status === undefined)) {
    validationFailed([{ resource: "CheckRun", code: "missing_field", field: "conclusion" }]);
  }
  if (status) out.status = status;
  if (conclusion) out.conclusion = conclusion;
  if (body.output !== undefined) {
    const o = obj(body.output);
    const isNew = !existing?.output.title;
    if ((isNew && typeof o.title !== "string") || (isNew && typeof o.summary !== "string")) {
      const absent = ["title", "summary"].filter((f) => typeof o[f] !== "string");
      invalidRequest([`${absent.map((f) => `"${f}"`).join(", ")} ${absent.length === 1 ? "wasn't" : "weren't"} supplied.`]);
    }
    for (const f of ["summary", "text"] as const) {
      const v = o[f];
      if (typeof v === "string" && utf8Bytes(v) > MAX_CHECK_OUTPUT_BYTES) {
        validationFailed([{ resource: "CheckRun", code: "custom", field: f, message: `${f} exceeds a maximum bytesize of ${MAX_CHECK_OUTPUT_BYTES}` }]);
      }
    }
    out.output = {
      title: typeof o.title === "string" ? o.title : undefined,
      summary: typeof o.summary === "string" ? o.summary : undefined,
      text: typeof o.text === "string" ? o.text : undefined,
      annotations: validateAnnotations(o.annotations),
    };
  }
  if (body.actions !== undefined) {
    const actions = Array.isArray(body.actions) ? body.actions.map(obj) : [];
    if (actions.length > MAX_CHECK_ACTIONS) invalidRequest([`No more than ${MAX_CHECK_ACTIONS} items are allowed; ${actions.length} were supplied.`]);
    for (const a of actions) {
      const tooLong =
        String(a.label ?? "").length > 20 || String(a.identifier ?? "").length > 20 || String(a.description ?? "").length > 40;
      if (!a.label || !a.identifier || !a.description || tooLong) validationFailed([{ resource: "CheckRun", code: "invalid", field: "actions" }]);
    }
  }
  return out;
}

function apply(ctx: Ctx, run: CheckRun, body: Record<string, unknown>, v: Validated, method: "POST" | "PATCH"): void {
  const now = ctx.state.now();
  if (typeof body.name === "string") run.name = body.name;
  if (typeof body.details_url === "string") run.detailsUrl = body.details_url;
  if (typeof body.external_id === "string") run.externalId = body.external_id;
  if (typeof body.started_at === "string") run.startedAt = body.started_at;
  if (v.status) run.status = v.status;
  if (v.conclusion) run.conclusion = v.conclusion;
  if (run.status === "completed") run.completedAt = typeof body.completed_at === "string" ? body.completed_at : (run.completedAt ?? now);
  if (run.status === "in_progress" && !run.startedAt) run.startedAt = now;
  if (v.output) {
    if (v.output.title !== undefined) run.output.title = v.output.title;
    if (v.output.summary !== undefined) run.output.summary = v.output.summary;
    if (v.output.text !== undefined) run.output.text = v.output.text;
    // Each request appends its annotations to the ones already there.
    run.annotations.push(...v.output.annotations);
  }
  if (Array.isArray(body.actions)) run.actions = body.actions.map(obj) as unknown as CheckRun["actions"];
  run.history.push({
    at: now,
    method,
    status: run.status,
    conclusion: run.conclusion,
    title: run.output.title,
    summary: run.output.summary,
    annotationsAdded: v.output?.annotations.length ?? 0,
  });
}

function runOf(ctx: Ctx): CheckRun {
  const r = repoOf(ctx);
  const id = intParam(ctx, "id");
  const run = ctx.state.checkRuns.find((c) => c.id === id && c.repo === r);
  if (!run) fail(404, "Not Found");
  return run;
}

/** A queued run with nothing reported yet: what POST /check-runs starts from. */
export function blankCheckRun(state: Ctx["state"], r: Repo, sha: string, name: string): CheckRun {
  return {
    id: state.nextId(),
    repo: r,
    headSha: sha,
    name,
    status: "queued",
    conclusion: null,
    startedAt: null,
    completedAt: null,
    detailsUrl: null,
    externalId: null,
    output: { title: null, summary: null, text: null },
    annotations: [],
    actions: [],
    suiteId: state.suiteId(r, sha),
    history: [],
  };
}

function create(ctx: Ctx): Reply {
  const r = repoOf(ctx);
  const b = obj(ctx.body);
  const absent = ["name", "head_sha"].filter((f) => typeof b[f] !== "string" || b[f] === "");
  if (absent.length) invalidRequest([`${absent.map((f) => `"${f}"`).join(", ")} ${absent.length === 1 ? "wasn't" : "weren't"} supplied.`]);
  const v = validate(b);
  const sha = ctx.state.resolveRef(r, String(b.head_sha));
  if (!sha || sha !== b.head_sha) validationFailed([{ resource: "CheckRun", code: "invalid", field: "head_sha", message: `No commit found for SHA: ${b.head_sha}` }]);
  const run = blankCheckRun(ctx.state, r, sha, String(b.name));
  apply(ctx, run, b, v, "POST");
  if (!run.startedAt) run.startedAt = run.history[0]!.at;
  ctx.state.checkRuns.push(run);
  return { status: 201, body: render.checkRun(ctx, run) };
}

export function register(router: Router): void {
  router
    .on("POST", "/repos/:owner/:repo/check-runs", create)
    .on("GET", "/repos/:owner/:repo/check-runs/:id", (ctx) => ({ status: 200, body: render.checkRun(ctx, runOf(ctx)) }))
    .on("PATCH", "/repos/:owner/:repo/check-runs/:id", (ctx) => {
      const run = runOf(ctx);
      const b = obj(ctx.body);
      apply(ctx, run, b, validate(b, run), "PATCH");
      return { status: 200, body: render.checkRun(ctx, run) };
    })
    .on("GET", "/repos/:owner/:repo/check-runs/:id/annotations", (ctx) => {
      const run = runOf(ctx);
      const { page, headers } = paginate(ctx, run.annotations);
      return {
        status: 200,
        headers,
        body: page.map((a) => ({
          path: a.path,
          blob_href: `${ctx.origin}/${run.repo.owner}/${run.repo.name}/blob/${run.headSha}/${a.path}`,
          start_line: a.start_line,
          end_line: a.end_line,
          start_column: a.start_column ?? null,
          end_column: a.end_column ?? null,
          annotation_level: a.annotation_level,
          title: a.title ?? null,
          message: a.message,
          raw_details: a.raw_details ?? null,
        })),
      };
    })
    .on("GET", "/repos/:owner/:repo/commits/:ref/check-runs", (ctx) => {
      const r = repoOf(ctx);
      const sha = ctx.state.resolveRef(r, ctx.params.ref!);
      if (!sha) fail(422, `No commit found for SHA: ${ctx.params.ref}`);
      const name = ctx.query.get("check_name");
      const status = ctx.query.get("status");
      let runs = ctx.state.checkRuns.filter((c) => c.repo === r && c.headSha === sha && (!name || c.name === name) && (!status || c.status === status));
      // filter=latest (the default) keeps only the most recent run per name.
      if ((ctx.query.get("filter") ?? "latest") === "latest") {
        const latest = new Map<string, CheckRun>();
        for (const c of runs) latest.set(c.name, c);
        runs = [...latest.values()];
      }
      runs = [...runs].sort((a, b) => b.id - a.id);
      const { page, headers } = paginate(ctx, runs);
      return { status: 200, headers, body: { total_count: runs.length, check_runs: page.map((c) => render.checkRun(ctx, c)) } };
    });
}
