/** Tiny router, response helpers and GitHub-style pagination for the emulator. */
import type { IncomingHttpHeaders } from "node:http";
import { DEFAULT_PER_PAGE, DOCS, MAX_PER_PAGE } from "./limits.js";
import { EmulatorError, type State } from "./state.js";

export type AuthKind = "none" | "jwt" | "installation" | "token";

export interface Ctx {
  method: string;
  /** Path after `/api/v3`, still percent-encoded. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  headers: IncomingHttpHeaders;
  auth: AuthKind;
  /** Absolute URL of this request (used for Link headers). */
  url: URL;
  state: State;
  /** Login of the app's bot user (`<slug>[bot]`), the author of everything the app writes. */
  botLogin: string;
  /** `http://host` for html_url fields. */
  origin: string;
  /** `http://host/api/v3` for url fields. */
  api: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: Ctx) => Reply;

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  /** Pattern segments: literal, `:name` (one segment), or `*name` (rest of the path, at the end). */
  on(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, segments: pattern.split("/").filter(Boolean), handler });
    return this;
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | "method" | undefined {
    const parts = path.split("/").filter(Boolean);
    let wrongMethod = false;
    for (const r of this.routes) {
      const params = matchSegments(r.segments, parts);
      if (!params) continue;
      if (r.method !== method) {
        wrongMethod = true;
        continue;
      }
      return { handler: r.handler, params };
    }
    return wrongMethod ? "method" : undefined;
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p.startsWith("*")) {
      if (i >= parts.length) return undefined;
      params[p.slice(1)] = parts.slice(i).map(safeDecode).join("/");
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (p.startsWith(":")) params[p.slice(1)] = safeDecode(part);
    else if (p !== part) return undefined;
  }
  return pattern.length === parts.length ? params : undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// ---------------------------------------------------------------- errors

export function fail(status: number, message: string, extra?: Record<string, unknown>): never {
  throw new EmulatorError(status, message, extra);
}

/** 422 "Validation Failed" with GitHub's `errors` array of objects. */
export function validationFailed(errors: Array<Record<string, unknown>>): never {
  throw new EmulatorError(422, "Validation Failed", { errors });
}

export function errorBody(err: EmulatorError, docs = DOCS): Record<string, unknown> {
  return { message: err.message, ...(err.body ?? {}), documentation_url: docs, status: String(err.status) };
}

// ---------------------------------------------------------------- input helpers

export function obj(body: unknown): Record<string, unknown> {
  return body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

export function intParam(ctx: Ctx, name: string): number {
  const v = ctx.params[name] ?? "";
  if (!/^\d+$/.test(v)) fail(404, "Not Found");
  return Number(v);
}

// ---------------------------------------------------------------- pagination

/**
 * Slice `items` by `page`/`per_page` and set a `Link` header like GitHub's
 * (`next`, `last`, `first`, `prev`, absolute URLs that keep the other query parameters).
 */
export function paginate<T>(ctx: Ctx, items: T[]): { page: T[]; headers: Record<string, string> } {
  const perRaw = Number(ctx.query.get("per_page") ?? DEFAULT_PER_PAGE);
  const perPage = Number.isInteger(perRaw) && perRaw > 0 ? Math.min(perRaw, MAX_PER_PAGE) : DEFAULT_PER_PAGE;
  const pageRaw = Number(ctx.query.get("page") ?? 1);
  const page = Number.isInteger(pageRaw) && pageRaw > 0 ? pageRaw : 1;
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number, rel: string) => {
    const u = new URL(ctx.url.href);
    u.searchParams.set("per_page", String(perPage));
    u.searchParams.set("page", String(p));
    return `<${u.href}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"), link(Math.min(page - 1, last), "prev"));
  return {
    page: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length ? { link: links.join(", ") } : {},
  };
}

export function listReply<T>(ctx: Ctx, items: T[], render: (item: T) => unknown): Reply {
  const { page, headers } = paginate(ctx, items);
  return { status: 200, body: page.map(render), headers };
}
