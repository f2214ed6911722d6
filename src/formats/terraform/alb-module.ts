/**
 * Load balancers declared through the `terraform-aws-modules/alb/aws` module (registry or git
 * source), v8 and v9 input schemas, read into the same model as the resources:
 *  - v9 and v10: `target_groups` is a map (one `target_id` each, plus `additional_target_group_attachments`),
 *    `listeners` a map whose `forward`, `weighted_forward`, `fixed_response`, `redirect` and
 *    `rules` name groups by `target_group_key`.
 *  - v8: `target_groups` is a list (`targets` each), `http_tcp_listeners` / `https_listeners` and
 *    their `*_listener_rules` name groups by `target_group_index` (defaulting to their own position).
 *    A v8 listener's `forward { target_groups }` is not applied by the module: it forwards to its
 *    `target_group_index`, which is what the model says.
 * Any other module that looks like a load balancer is said once as not evaluated.
 */
import type { Backend, HealthCheck, Loc, Model, Pool, Route, Target } from "../../model/types.js";
import type { Block, Expr, Span } from "./hcl.js";
import { type Evaluator, toNumber, toStr } from "./values.js";

const ALB_SOURCE = /^(registry\.terraform\.io\/)?terraform-aws-modules\/alb\/aws$|terraform-aws-modules\/terraform-aws-alb(\.git)?(\/\/|\?|$)/;
const LB_LIKE = /(^|[/_-])(alb|elb|nlb|lb|load-?balancer)([/_.-]|$)/i;

export interface ModuleContext {
  file: string;
  namespace: string;
  ev: Evaluator;
  model: Model;
}

type Field = { key: string; value: Expr; span: Span };

export function readModules(ctx: ModuleContext, body: Block): void {
  for (const m of body.blocks.filter((b) => b.type === "module" && b.labels.length === 1)) {
    const source = attrExpr(m, "source");
    const text = source ? toStr(ctx.ev.eval(source)) : null;
    if (text !== null && (ALB_SOURCE.test(text) || (text.startsWith(".") && albShaped(m)))) new AlbModule(ctx, m).read();
    else if (text !== null && LB_LIKE.test(text)) {
      ctx.model.diagnostics.push({ severity: "warning", message: `module "${m.labels[0]}" (${text}) is not evaluated: the load balancers it declares are unknown to this review`, loc: at(ctx, m) });
    }
  }
}

const attrExpr = (b: Block, name: string): Expr | undefined => b.attributes.find((a) => a.name === name)?.expr;

/** A local copy of the module (its own examples use `source = "../../"`): recognised by its inputs. */
const albShaped = (m: Block) => attrExpr(m, "target_groups") !== undefined && ["listeners", "http_tcp_listeners", "https_listeners"].some((k) => attrExpr(m, k) !== undefined);
const at = (ctx: ModuleContext, s: Span): Loc => ({ file: ctx.file, line: s.line, endLine: s.endLine });

function fields(e: Expr | undefined): Field[] {
  if (e?.k !== "object") return [];
  return e.items.map((i) => ({ key: i.key.k === "lit" ? String(i.key.value) : i.key.text.replace(/^"|"$/g, ""), value: i.value, span: { line: i.key.line, endLine: i.value.endLine } }));
}

const field = (e: Expr | undefined, key: string): Expr | undefined => fields(e).find((f) => f.key === key)?.value;
const items = (e: Expr | undefined): Expr[] => (e?.k === "tuple" ? e.items : []);

class AlbModule {
  private readonly name: string;
  /** Group keys (v9 map keys, v8 positions) → pool keys. */
  private readonly groups = new Map<string, { key: string; name: string }>();

  constructor(
    private readonly ctx: ModuleContext,
    private readonly block: Block,
  ) {
    this.name = block.labels[0]!;
  }

  read(): void {
    const groups = attrExpr(this.block, "target_groups");
    if (groups?.k === "object" || attrExpr(this.block, "listeners")) this.readV9(groups);
    else this.readV8(groups);
  }

  // ── v9 ────────────────────────────────────────────────────────────────────

  private readV9(groups: Expr | undefined): void {
    for (const g of fields(groups)) {
      const target = field(g.value, "target_id");
      const backends: Backend[] = [];
      if (target && this.str(field(g.value, "create_attachment")) !== "false") backends.push(this.backend(target, field(g.value, "port"), g.value));
      this.pool(g.key, g.value, g.span, backends);
    }
    for (const a of fields(attrExpr(this.block, "additional_target_group_attachments"))) {
      const group = this.groups.get(this.str(field(a.value, "target_group_key")) ?? "");
      const target = field(a.value, "target_id");
      const pool = group && this.ctx.model.pools.find((p) => p.key === group.key);
      if (pool && target) pool.backends.push(this.backend(target, field(a.value, "port"), a.value));
    }
    for (const l of fields(attrExpr(this.block, "listeners"))) {
      const listener = `${this.name}.${l.key}`;
      const targets = [...this.forwardV9(field(l.value, "forward")), ...this.weightedV9(field(l.value, "weighted_forward"))];
      const answers = ["fixed_response", "redirect"].filter((k) => field(l.value, k) !== undefined);
      this.route(`listener:${l.key}`, `listener ${listener} (${this.listenerLabel(l.value)})${targets.length === 0 && answers.length > 0 ? ` answers with ${answers.join(", ")}` : ""}`, targets, l.span, true);
      for (const r of fields(field(l.value, "rules"))) {
        // v9 actions say `type`; v10 nests `forward` / `weighted_forward` instead.
        const actions = items(field(r.value, "actions"));
        const kind = (a: Expr) => this.str(field(a, "type")) ?? (field(a, "weighted_forward") ? "weighted-forward" : field(a, "forward") ? "forward" : null);
        const ruleTargets = actions.flatMap((a) => {
          const type = kind(a);
          if (type === "forward") return this.forwardV9(field(a, "forward") ?? a);
          if (type === "weighted-forward") return this.weightedV9(field(a, "weighted_forward") ?? a);
          return [];
        });
        if (actions.some((a) => ["forward", "weighted-forward"].includes(kind(a) ?? ""))) {
          this.route(`listener:${l.key}:rule:${r.key}`, `rule ${r.key} on listener ${listener} (priority ${this.str(field(r.value, "priority")) ?? "next free"})`, ruleTargets, r.span, false, `listener:${l.key}`);
        }
      }
    }
  }

  private forwardV9(forward: Expr | undefined): Target[] {
    if (!forward) return [];
    const key = field(forward, "target_group_key");
    return key ? [this.target(key, null, forward)] : [];
  }

  private weightedV9(weighted: Expr | undefined): Target[] {
    return items(field(weighted, "target_groups")).flatMap((tg) => {
      const key = field(tg, "target_group_key");
      return key ? [this.target(key, field(tg, "weight"), tg)] : [];
    });
  }

  // ── v8 ────────────────────────────────────────────────────────────────────

  private readV8(groups: Expr | undefined): void {
    items(groups).forEach((g, i) => {
      const targets = field(g, "targets");
      const list = targets?.k === "object" ? fields(targets).map((f) => f.value) : items(targets);
      const backends = list.flatMap((t) => {
        const id = field(t, "target_id");
        return id ? [this.backend(id, field(t, "port"), t)] : [];
      });
      this.pool(String(i), g, g, backends);
    });
    const listeners = [...items(attrExpr(this.block, "http_tcp_listeners")).map((l) => ({ l, kind: "http_tcp" })), ...items(attrExpr(this.block, "https_listeners")).map((l) => ({ l, kind: "https" }))];
    const positions = { http_tcp: 0, https: 0 };
    for (const { l, kind } of listeners) {
      const position = positions[kind as keyof typeof positions]++;
      const type = this.str(field(l, "action_type")) ?? "forward";
      const targets = type === "forward" ? [this.byIndex(field(l, "target_group_index"), position, l)] : [];
      const note = type === "forward" && field(l, "forward") ? "; its forward weights are not applied by module v8" : "";
      this.route(`${kind}_listener:${position}`, `${kind} listener ${position} of module ${this.name} (${this.listenerLabel(l)})${type === "forward" ? "" : ` answers with ${type}`}${note}`, targets, l, true);
    }
    for (const kind of ["http_tcp", "https"]) {
      items(attrExpr(this.block, `${kind}_listener_rules`)).forEach((r, i) => {
        const listener = this.num(field(r, `${kind}_listener_index`)) ?? i;
        const actions = items(field(r, "actions"));
        const targets = actions.flatMap((a) => {
          const type = this.str(field(a, "type"));
          if (type === "forward") return [this.byIndex(field(a, "target_group_index"), i, a)];
          if (type === "weighted-forward") return items(field(a, "target_groups")).map((tg) => this.byIndex(field(tg, "target_group_index"), i, tg, field(tg, "weight")));
          return [];
        });
        if (targets.length > 0) this.route(`${kind}_listener:${listener}:rule:${i}`, `${kind} listener rule ${i} of module ${this.name} (priority ${this.str(field(r, "priority")) ?? "next free"})`, targets, r, false, `${kind}_listener:${listener}`);
      });
    }
  }

  /** v8 names a group by position; absent, the module uses the listener's or rule's own position. */
  private byIndex(index: Expr | undefined, fallback: number, where: Expr, weight?: Expr): Target {
    const i = index ? this.num(index) : fallback;
    const group = i === null ? undefined : this.groups.get(String(i));
    const loc = at(this.ctx, weight ?? index ?? where);
    if (!group) return { kind: "dynamic", expression: index?.text ?? String(fallback), weight: this.weight(weight), loc };
    return { kind: "ref", poolKey: group.key, name: group.name, unresolved: "missing", weight: this.weight(weight), loc };
  }

  // ── shared ────────────────────────────────────────────────────────────────

  private pool(id: string, g: Expr, span: Span, backends: Backend[]): void {
    const key = `${this.ctx.namespace}:module:${this.name}:target_group:${id}`;
    const name = this.str(field(g, "name")) ?? this.str(field(g, "name_prefix")) ?? id;
    this.groups.set(id, { key, name });
    const health = this.healthCheck(field(g, "health_check"), g);
    for (const b of backends) b.healthCheck = { ...health, loc: b.loc };
    this.ctx.model.pools.push({
      key,
      name: `${this.name}/${name}`,
      format: "terraform",
      algorithm: { name: this.str(field(g, "load_balancing_algorithm_type")) === "least_outstanding_requests" ? "least-outstanding-requests" : "round-robin", args: [] },
      allBackups: false,
      backupsSupported: false,
      backends,
      settings: Object.fromEntries(["protocol", "backend_protocol", "port", "backend_port", "target_type"].flatMap((k) => (this.str(field(g, k)) !== null ? [[k, this.str(field(g, k))!]] : []))),
      loc: at(this.ctx, span),
    } satisfies Pool);
  }

  private backend(target: Expr, port: Expr | undefined, where: Expr): Backend {
    const id = this.str(target) ?? target.text;
    const p = port ? this.num(port) : null;
    return {
      id: p !== null ? `${id}:${p}` : id,
      weight: 1,
      state: "active",
      healthCheck: { kind: "http", loc: at(this.ctx, where) },
      limits: {},
      notes: this.str(target) === null ? [`target ${target.text}`] : [],
      loc: at(this.ctx, where),
    };
  }

  /** The module emits health_check only when given; AWS's defaults apply otherwise. */
  private healthCheck(h: Expr | undefined, g: Expr): HealthCheck {
    const loc = at(this.ctx, h ?? g);
    if (!h) return { kind: "http", intervalMs: 30_000, rise: 5, fall: 2, detail: "/ 200 (AWS defaults)", loc };
    if (this.str(field(h, "enabled")) === "false") return { kind: "none", loc: at(this.ctx, field(h, "enabled")!) };
    const interval = this.num(field(h, "interval"));
    return {
      kind: (this.str(field(h, "protocol")) ?? "HTTP").toUpperCase() === "TCP" ? "tcp" : "http",
      intervalMs: (interval ?? 30) * 1000,
      rise: this.num(field(h, "healthy_threshold")) ?? 3,
      fall: this.num(field(h, "unhealthy_threshold")) ?? 3,
      detail: `${this.str(field(h, "path")) ?? "/"} ${this.str(field(h, "matcher")) ?? "200"}`,
      loc,
    };
  }

  private target(key: Expr, weight: Expr | undefined | null, where: Expr): Target {
    const group = this.groups.get(this.str(key) ?? "");
    const loc = at(this.ctx, weight ?? where);
    const w = weight === null ? 1 : this.weight(weight);
    if (!group) return { kind: "missing", name: this.str(key) ?? key.text, weight: w, loc };
    return { kind: "ref", poolKey: group.key, name: group.name, unresolved: "missing", weight: w, loc };
  }

  /** An absent weight is the provider's default, 1. */
  private weight(e: Expr | undefined): number | null {
    if (!e) return 1;
    const n = this.num(e);
    return n !== null && Number.isInteger(n) && n >= 0 && n <= 999 ? n : null;
  }

  private route(id: string, name: string, targets: Target[], span: Span, fallback: boolean, scope?: string): void {
    const key = `${this.ctx.namespace}:module:${this.name}:${id}`;
    const route: Route = {
      key,
      name,
      format: "terraform",
      listeners: [],
      targets,
      scope: scope ? `${this.ctx.namespace}:module:${this.name}:${scope}` : key,
      ...(fallback ? { fallback: true } : {}),
      loc: at(this.ctx, span),
    };
    this.ctx.model.routes.push(route);
  }

  private listenerLabel(l: Expr): string {
    return `${this.str(field(l, "protocol")) ?? "HTTP"}:${this.str(field(l, "port")) ?? "80"}`;
  }

  private str(e: Expr | undefined): string | null {
    return e ? toStr(this.ctx.ev.eval(e)) : null;
  }

  private num(e: Expr | undefined): number | null {
    return e ? toNumber(this.ctx.ev.eval(e)) : null;
  }
}
