/**
 * Route 53 weighted and failover records: the records of one name and type form a pool whose
 * backends are the records' values (or alias targets), by `set_identifier`. Weighted records
 * share by weight (all 0: equal shares, as Route 53 answers); a failover SECONDARY is a backup.
 * A record's `health_check_id` (or an alias's `evaluate_target_health`) is its health check.
 */
import type { Backend, HealthCheck, Loc, Pool } from "../../model/types.js";
import type { Block, Span } from "./hcl.js";
import type { ModuleContext } from "./alb-module.js";
import { ListValue, toNumber, toStr } from "./values.js";

const RECORD = "aws_route53_record";

export function readWeightedRecords(ctx: ModuleContext, resources: Block[]): void {
  const groups = new Map<string, { name: string; type: string; records: Block[] }>();
  for (const b of resources.filter((r) => r.labels[0] === RECORD)) {
    const policy = b.blocks.find((x) => x.type === "weighted_routing_policy" || x.type === "failover_routing_policy");
    if (!policy) continue;
    const name = text(ctx, b, "name") ?? b.attributes.find((a) => a.name === "name")?.expr.text ?? b.labels[1]!;
    const type = text(ctx, b, "type") ?? "?";
    const zone = b.attributes.find((a) => a.name === "zone_id")?.expr.text ?? "";
    const id = `${zone}|${name}|${type}`;
    const g = groups.get(id) ?? { name, type, records: [] };
    g.records.push(b);
    groups.set(id, g);
  }
  for (const g of groups.values()) {
    const backends = g.records.map((r) => backend(ctx, r));
    // Route 53 answers every record equally when all weights are 0.
    if (backends.every((b) => b.weight === 0)) for (const b of backends) b.weight = 1;
    const first = g.records[0]!;
    const pool: Pool = {
      key: `${ctx.namespace}:dns:${g.name}:${g.type}`,
      name: `DNS ${g.name} ${g.type}`,
      format: "terraform",
      algorithm: { name: g.records.some((r) => r.blocks.some((x) => x.type === "failover_routing_policy")) ? "failover" : "weighted-dns", args: [] },
      allBackups: false,
      backupsSupported: true,
      backends,
      settings: {},
      loc: at(ctx, first),
    };
    ctx.model.pools.push(pool);
  }
}

function backend(ctx: ModuleContext, r: Block): Backend {
  const weighted = r.blocks.find((x) => x.type === "weighted_routing_policy");
  const failover = r.blocks.find((x) => x.type === "failover_routing_policy");
  const weightAttr = weighted?.attributes.find((a) => a.name === "weight");
  const weight = weightAttr ? toNumber(ctx.ev.eval(weightAttr.expr)) : 1;
  const role = failover ? text(ctx, failover, "type") : null;
  const id = text(ctx, r, "set_identifier") ?? r.labels[1]!;
  const alias = r.blocks.find((x) => x.type === "alias");
  const records = r.attributes.find((a) => a.name === "records");
  const value = records ? ctx.ev.eval(records.expr) : null;
  const host = alias ? (text(ctx, alias, "name") ?? alias.attributes.find((a) => a.name === "name")?.expr.text) : value instanceof ListValue ? value.items.map(toStr).join(",") : records?.expr.text;
  return {
    id,
    ...(host ? { host } : {}),
    weight,
    state: role === "SECONDARY" ? "backup" : "active",
    healthCheck: health(ctx, r, alias),
    limits: {},
    notes: host ? [`answers ${host}`] : [],
    loc: at(ctx, weightAttr ?? failover ?? r),
  };
}

function health(ctx: ModuleContext, r: Block, alias: Block | undefined): HealthCheck {
  const check = r.attributes.find((a) => a.name === "health_check_id");
  if (check) return { kind: "http", detail: `Route 53 health check ${check.expr.text}`, loc: at(ctx, check) };
  const evaluate = alias?.attributes.find((a) => a.name === "evaluate_target_health");
  if (evaluate && ctx.ev.eval(evaluate.expr) === true) return { kind: "http", detail: "alias target health", loc: at(ctx, evaluate) };
  return { kind: "none", loc: at(ctx, r) };
}

function text(ctx: ModuleContext, b: Block, name: string): string | null {
  const a = b.attributes.find((x) => x.name === name);
  return a ? toStr(ctx.ev.eval(a.expr)) : null;
}

const at = (ctx: ModuleContext, s: Span): Loc => ({ file: ctx.file, line: s.line, endLine: s.endLine });
