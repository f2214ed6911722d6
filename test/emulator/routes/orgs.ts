/** Teams, team memberships and collaborator permissions. */
import { type Ctx, fail, listReply, type Router } from "../http.js";
import * as render from "../render.js";
import type { Permission, Team } from "../state.js";
import { repoOf } from "./repos.js";

function teamOf(ctx: Ctx): Team {
  const t = ctx.state.team(ctx.params.org!, ctx.params.slug!);
  if (!t) fail(404, "Not Found");
  return t;
}

/** The legacy `permission` field folds maintain into write and triage into read; `role_name` keeps the real role. */
const LEGACY: Record<Permission, string> = { admin: "admin", maintain: "write", write: "write", triage: "read", read: "read", none: "none" };

export function register(router: Router): void {
  router
    .on("GET", "/orgs/:org/teams", (ctx) => {
      const teams = [...ctx.state.teams.values()].filter((t) => t.org.toLowerCase() === ctx.params.org!.toLowerCase());
      return listReply(ctx, teams, (t) => render.team(ctx, t));
    })
    .on("GET", "/orgs/:org/teams/:slug", (ctx) => ({ status: 200, body: render.team(ctx, teamOf(ctx)) }))
    .on("GET", "/orgs/:org/teams/:slug/memberships/:username", (ctx) => {
      const t = teamOf(ctx);
      const m = t.members.get(ctx.params.username!.toLowerCase());
      // 404 when not a member; pending invitations are reported as state "pending" (not a member yet).
      if (!m) fail(404, "Not Found");
      return {
        status: 200,
        body: { url: `${ctx.api}/organizations/${render.userId(t.org)}/team/${t.id}/memberships/${ctx.params.username}`, role: m.role, state: m.state },
      };
    })
    .on("GET", "/orgs/:org/teams/:slug/members", (ctx) => {
      const t = teamOf(ctx);
      const role = ctx.query.get("role") ?? "all";
      const logins = [...t.members.values()].filter((m) => m.state === "active" && (role === "all" || m.role === role)).map((m) => m.login);
      return listReply(ctx, logins, (login) => render.user(ctx, login));
    })
    .on("GET", "/repos/:owner/:repo/collaborators/:username/permission", (ctx) => {
      const r = repoOf(ctx);
      const p = ctx.state.permission(r, ctx.params.username!);
      return { status: 200, body: { permission: LEGACY[p], role_name: p, user: render.user(ctx, ctx.params.username!) } };
    })
    .on("GET", "/repos/:owner/:repo/collaborators/:username", (ctx) => {
      const r = repoOf(ctx);
      const explicit = r.permissions.get(ctx.params.username!.toLowerCase());
      if (!explicit || explicit === "none") fail(404, "Not Found");
      return { status: 204 };
    });
}
