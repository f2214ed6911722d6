/**
 * Status badges in Shields style. Public repositories: anyone may fetch them. Private ones need
 * the per-repository token and never reveal names; an unknown repository looks the same as a
 * private one without a token, so the endpoint cannot be used to probe for repositories.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { makeBadge } from "badge-maker";
import type { BadgeStore, RepoState } from "./state.js";

const ROUTE = /^\/lb-review\/badge\/([^/]+)\/([^/]+?)(?:\/pulls\/(\d+))?\.svg$/;
const PREFIX = "/lb-review/badge/";
/** GitHub's own rules: owners of up to 39 letters, digits and inner hyphens; repositories of `.`, `-`, `_`. */
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
/** An SVG is an active document: it must never run script or be sniffed as something else. */
const SVG_HEADERS = {
  "content-type": "image/svg+xml",
  "cache-control": "no-cache, max-age=0",
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
};

export function badgeToken(secret: string, fullName: string): string {
  return createHmac("sha256", secret).update(fullName.toLowerCase()).digest("hex").slice(0, 32);
}

export function badgeHandler(store: BadgeStore, secret: string) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = new URL(req.url ?? "/", "http://badge");
    if (req.method !== "GET" || !url.pathname.startsWith(PREFIX)) return false;
    const m = url.pathname.match(ROUTE);
    const [owner, repo] = m ? [safeDecode(m[1]!), safeDecode(m[2]!)] : [null, null];
    if (!m || owner === null || repo === null || !OWNER.test(owner) || !REPO.test(repo) || repo === "." || repo === "..") {
      res.writeHead(400, { "content-type": "text/plain", "x-content-type-options": "nosniff" });
      res.end("not a badge: expected /lb-review/badge/OWNER/REPO.svg or /lb-review/badge/OWNER/REPO/pulls/N.svg\n");
      return true;
    }
    const fullName = `${owner}/${repo}`;
    const state = store.get(fullName);
    const visible = state && (!state.private || (secret !== "" && tokenMatches(url.searchParams.get("token") ?? "", badgeToken(secret, fullName))));
    const [message, color] = !visible ? ["unknown", "lightgrey"] : m[3] ? pullBadge(state, Number(m[3])) : repoBadge(state);
    res.writeHead(200, SVG_HEADERS);
    res.end(makeBadge({ label: "lb-review", message, color, style: "flat" }));
    return true;
  };
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

function tokenMatches(given: string, expected: string): boolean {
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

function repoBadge(s: RepoState): [string, string] {
  const awaiting = [...s.pulls.values()].filter((p) => !p.satisfied).length;
  const parts: string[] = [];
  if (s.pools !== undefined) parts.push(`${s.pools} pool${s.pools === 1 ? "" : "s"}`, s.errors ? `${s.errors} error${s.errors === 1 ? "" : "s"}` : "healthy");
  if (awaiting > 0) parts.push(`${awaiting} PR${awaiting === 1 ? "" : "s"} awaiting approval`);
  if (parts.length === 0) return ["unknown", "lightgrey"];
  return [parts.join(" · "), s.errors ? "red" : awaiting > 0 ? "orange" : "brightgreen"];
}

function pullBadge(s: RepoState, number: number): [string, string] {
  const p = s.pulls.get(number);
  if (!p) return ["unknown", "lightgrey"];
  if (p.required === 0) return [`risk ${p.risk}`, "brightgreen"];
  return [`${p.risk} · ${p.approved}/${p.required} approvals`, p.satisfied ? "brightgreen" : p.risk === "critical" ? "red" : "orange"];
}

export function healthHandler(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== "GET" || req.url !== "/healthz") return false;
  res.writeHead(200, { "content-type": "application/json" });
  res.end('{"status":"ok"}');
  return true;
}
