/**
 * AWS load-balancer resources → the normalized model.
 *  - aws_lb_target_group → Pool with a selector; its backends are the replicas of the attachment
 *    (and Auto Scaling group, ECS service) Workloads that name it, from any file of the version.
 *  - aws_lb_target_group_attachment → Workload: replicas from count/for_each when statically known.
 *  - aws_lb_listener / aws_lb_listener_rule → Route with weighted target-group targets.
 * aws_alb_* are aliases of aws_lb_* and share keys, so renaming one to the other is no change.
 */
import { type Diagnostic, type HealthCheck, type Listener, type Loc, type Model, type Pool, type Route, type Target, tokens, type Workload } from "../../model/types.js";
import { readModules } from "./alb-module.js";
import type { Attribute, Block, Expr, Span } from "./hcl.js";
import { readWeightedRecords } from "./route53.js";
import { countValue, type Evaluator, forEachKeys, isKnown, ListValue, type ModuleIndex, toNumber, toStr, UNKNOWN, type Value } from "./values.js";

const TARGET_GROUP = ["aws_lb_target_group", "aws_alb_target_group"];
const LOAD_BALANCER = ["aws_lb", "aws_alb"];
const LISTENER = ["aws_lb_listener", "aws_alb_listener"];
const LISTENER_RULE = ["aws_lb_listener_rule", "aws_alb_listener_rule"];
const ATTACHMENT = ["aws_lb_target_group_attachment", "aws_alb_target_group_attachment"];
/** Network Load Balancer protocols: flows are hashed across targets. */
/** Target group arguments whose change makes Terraform destroy and recreate the group. */
const FORCES_NEW_TARGET_GROUP = ["name", "port", "protocol", "target_type", "vpc_id"];
const NLB_PROTOCOLS = new Set(["TCP", "UDP", "TLS", "TCP_UDP"]);
const SECONDS = 1000;

const ALGORITHMS: Record<string, string> = {
  round_robin: "round-robin",
  least_outstanding_requests: "least-outstanding-requests",
  weighted_random: "weighted-random",
};

type Kind = "target_group" | "listener" | "listener_rule" | "load_balancer";

/** How many instances a resource has: one, per count, per for_each key (null when unknown). */
type Instances = { kind: "single" } | { kind: "count" | "for_each"; n: number | null; attr: Attribute; keys?: string[] };

/** A reference to a target group: a resource of this module, or something declared elsewhere. */
type GroupRef = { kind: "resource"; key: string; label: string; name: string } | { kind: "external"; name: string } | { kind: "dynamic"; expression: string };

export class ModelBuilder {
  /**
   * A Terraform module is a directory: resources reference each other within it, and two root
   * modules (envs/prod, envs/staging) may both have a target group "app" without sharing it.
   */
  private readonly namespace: string;
  readonly model: Model;
  /** Names declared as both aws_lb_X and aws_alb_X in this file: the aws_alb one gets its own key. */
  private readonly clashes = new Set<string>();
  /** Each target group's health check, for the attachments in this file that point at it. */
  private readonly healthChecks = new Map<string, HealthCheck>();
  private readonly groupProtocols = new Map<string, string | null>();
  private readonly listenerInfo = new Map<string, Listener[]>();

  constructor(
    private readonly file: string,
    private readonly body: Block,
    private readonly ev: Evaluator,
    private readonly index: ModuleIndex,
    model: Model,
  ) {
    this.model = model;
    const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : ".";
    this.namespace = `terraform:${dir}`;
    const seen = new Map<string, string>();
    for (const b of this.resources()) {
      const kind = kindOf(b.labels[0]!);
      if (!kind) continue;
      const id = `${kind}:${b.labels[1]}`;
      const other = seen.get(id);
      if (other !== undefined && other !== b.labels[0]) this.clashes.add(id);
      seen.set(id, b.labels[0]!);
    }
  }

  build(): void {
    this.checkDuplicates();
    const all = this.resources();
    const of = (types: string[]) => all.filter((b) => types.includes(b.labels[0]!));
    for (const b of of(TARGET_GROUP)) this.targetGroup(b);
    for (const b of of(ATTACHMENT)) this.attachment(b);
    for (const b of of(["aws_autoscaling_group"])) this.autoScalingGroup(b);
    for (const b of of(["aws_autoscaling_attachment"])) this.autoScalingAttachment(b);
    for (const b of of(["aws_ecs_service"])) this.ecsService(b);
    for (const b of of(LISTENER)) this.listener(b);
    for (const b of of(LISTENER_RULE)) this.listenerRule(b);
    readModules({ file: this.file, namespace: this.namespace, ev: this.ev, model: this.model }, this.body);
    readWeightedRecords({ file: this.file, namespace: this.namespace, ev: this.ev, model: this.model }, all);
  }

  private resources(): Block[] {
    return this.body.blocks.filter((b) => b.type === "resource" && b.labels.length === 2);
  }

  // ---------------------------------------------------------------- target groups

  private targetGroup(b: Block): void {
    const [type, name] = b.labels as [string, string];
    const inst = this.instances(b);
    if (exists(inst) === false) return;
    const { key, label } = this.identity("target_group", type, name);
    const protocol = this.upper(b, "protocol");
    const targetType = this.str(b, "target_type") ?? "instance";
    this.groupProtocols.set(key, protocol);
    const settings: Record<string, string> = {};
    for (const s of ["protocol", "port", "target_type", "deregistration_delay", "slow_start"]) {
      const v = this.describe(b, s);
      if (v !== undefined) settings[s] = v;
    }
    const stickiness = b.blocks.find((x) => x.type === "stickiness");
    if (stickiness) {
      const enabled = this.eval(stickiness, "enabled");
      settings.stickiness = `${this.describe(stickiness, "type") ?? "?"}${enabled === false ? " (disabled)" : ""}`;
    }
    if (inst.kind !== "single") settings.instances = inst.n === null ? `unknown (${inst.kind})` : String(inst.n);
    const replacedOnChange: NonNullable<Pool["replacedOnChange"]> = {};
    for (const s of FORCES_NEW_TARGET_GROUP) {
      const attr = this.attr(b, s);
      // Only a value known statically can be said to change; an expression is left unjudged.
      if (attr) replacedOnChange[s] = { value: toStr(this.ev.eval(attr.expr)) ?? `(not static: ${tokens(attr.expr.text)})`, loc: this.loc(attr) };
    }
    const pool: Pool = {
      key,
      name: this.str(b, "name") ?? name,
      format: "terraform",
      algorithm: this.algorithm(b, protocol),
      allBackups: false,
      backupsSupported: false,
      backends: [],
      settings,
      selector: { namespace: this.namespace, labels: { target_group: label } },
      replacedOnChange,
      loc: this.loc(b),
    };
    this.healthChecks.set(key, this.healthCheck(b, protocol, targetType));
    this.model.pools.push(pool);
  }

  private algorithm(b: Block, protocol: string | null): Pool["algorithm"] {
    const attr = this.attr(b, "load_balancing_algorithm_type");
    const at = attr ? { loc: this.loc(attr) } : {};
    if (protocol !== null && NLB_PROTOCOLS.has(protocol)) return { name: "flow-hash", args: [], ...at };
    if (!attr) return { name: "round-robin", args: [] };
    const v = this.ev.eval(attr.expr);
    if (typeof v !== "string") return { name: "unknown", args: [attr.expr.text], ...at };
    return { name: ALGORITHMS[v] ?? v, args: [], ...at };
  }

  /**
   * With a health_check block, the provider's defaults fill the gaps (interval 30, thresholds 3/3,
   * protocol HTTP); without one, AWS's (interval 30, healthy 5, unhealthy 2; TCP for NLB groups;
   * none for Lambda targets).
   */
  private healthCheck(b: Block, protocol: string | null, targetType: string): HealthCheck {
    const block = b.blocks.find((x) => x.type === "health_check");
    const nlb = protocol !== null && NLB_PROTOCOLS.has(protocol);
    if (!block) {
      const dyn = this.dynamicBlocks(b, "health_check")[0];
      if (dyn) return { kind: nlb ? "tcp" : "http", detail: "dynamic health_check: not evaluated", loc: this.loc(dyn) };
      if (targetType === "lambda") return { kind: "none", loc: this.loc(b) };
      if (protocol === "GENEVE") return { kind: "tcp", intervalMs: 10 * SECONDS, rise: 5, fall: 2, detail: "port 80", loc: this.loc(b) };
      if (nlb) return { kind: "tcp", intervalMs: 30 * SECONDS, rise: 5, fall: 2, loc: this.loc(b) };
      return { kind: "http", intervalMs: 30 * SECONDS, rise: 5, fall: 2, detail: "/ 200", loc: this.loc(b) };
    }
    const loc = this.loc(block);
    // The finding belongs on the line that switched it off.
    if (this.eval(block, "enabled") === false) return { kind: "none", loc: this.loc(this.attr(block, "enabled")!) };
    const protoAttr = this.attr(block, "protocol");
    const proto = protoAttr ? this.upper(block, "protocol") : "HTTP";
    const kind = proto === null ? (nlb ? "tcp" : "http") : proto === "TCP" ? "tcp" : "http";
    const hc: HealthCheck = { kind, loc };
    const setting = (name: string, fallback: number): number | undefined => {
      if (!this.attr(block, name)) return fallback;
      return this.num(block, name) ?? undefined;
    };
    const interval = setting("interval", 30);
    if (interval !== undefined) hc.intervalMs = interval * SECONDS;
    const rise = setting("healthy_threshold", 3);
    if (rise !== undefined) hc.rise = rise;
    const fall = setting("unhealthy_threshold", 3);
    if (fall !== undefined) hc.fall = fall;
    const detail: string[] = [];
    if (kind === "http") {
      if (proto === "HTTPS") detail.push("HTTPS");
      detail.push(this.describe(block, "path") ?? "/", this.describe(block, "matcher") ?? (nlb ? "200-399" : "200"));
    }
    const port = this.describe(block, "port");
    if (port !== undefined && port !== "traffic-port") detail.push(`port ${port}`);
    const timeout = this.describe(block, "timeout");
    if (timeout !== undefined) detail.push(`timeout ${timeout}s`);
    if (detail.length > 0) hc.detail = detail.join(" ");
    return hc;
  }

  // ---------------------------------------------------------------- targets of target groups

  private attachment(b: Block): void {
    const [, name] = b.labels as [string, string];
    const arn = this.attr(b, "target_group_arn");
    const ref = arn ? this.groupRef(arn.expr) : null;
    if (ref?.kind !== "resource") return;
    const inst = this.instances(b);
    const targetId = this.attr(b, "target_id");
    const literalId = targetId ? toStr(this.ev.eval(targetId.expr)) : null;
    const notes: string[] = [];
    if (targetId) notes.push(`target ${targetId.expr.text}`);
    const port = this.describe(b, "port");
    if (port !== undefined) notes.push(`port ${port}`);
    this.workload(b, "aws_lb_target_group_attachment", literalId !== null ? `${name}.${literalId}` : name, ref, this.replicas(inst, notes), notes, inst);
  }

  /** Instances an Auto Scaling group registers: how many is decided at run time. */
  private autoScalingGroup(b: Block): void {
    const attr = this.attr(b, "target_group_arns");
    if (!attr) return;
    const refs = attr.expr.k === "tuple" ? attr.expr.items.map((e) => this.groupRef(e)) : [];
    const notes = ["Auto Scaling group: instance count decided at run time"];
    const sizes = ["min_size", "desired_capacity", "max_size"].flatMap((s) => {
      const v = this.describe(b, s);
      return v === undefined ? [] : [`${s} ${v}`];
    });
    if (sizes.length > 0) notes.push(sizes.join(", "));
    for (const ref of refs) if (ref.kind === "resource") this.workload(b, "aws_autoscaling_group", b.labels[1]!, ref, null, notes, { kind: "single" });
  }

  private autoScalingAttachment(b: Block): void {
    const attr = this.attr(b, "lb_target_group_arn") ?? this.attr(b, "alb_target_group_arn");
    const ref = attr ? this.groupRef(attr.expr) : null;
    if (ref?.kind !== "resource") return;
    const asg = this.attr(b, "autoscaling_group_name");
    const notes = [`Auto Scaling group ${asg ? asg.expr.text : "?"}: instance count decided at run time`];
    this.workload(b, "aws_autoscaling_attachment", b.labels[1]!, ref, null, notes, { kind: "single" });
  }

  /** ECS registers each task of the service: desired_count, unless something else manages it. */
  private ecsService(b: Block): void {
    const lbs = b.blocks.filter((x) => x.type === "load_balancer");
    if (lbs.length === 0) return;
    const notes: string[] = [];
    const desired = this.attr(b, "desired_count");
    const ignored = b.blocks.find((x) => x.type === "lifecycle")?.attributes.find((a) => a.name === "ignore_changes")?.expr.text ?? "";
    let replicas: number | null = null;
    if (this.str(b, "scheduling_strategy") === "DAEMON") notes.push("DAEMON service: one task per container instance");
    else if (/\bdesired_count\b|\ball\b/.test(ignored)) notes.push("desired_count managed outside Terraform (ignore_changes)");
    else if (desired) replicas = countValue(this.ev.eval(desired.expr));
    else notes.push("desired_count not set");
    for (const lb of lbs) {
      const attr = this.attr(lb, "target_group_arn");
      const ref = attr ? this.groupRef(attr.expr) : null;
      if (ref?.kind !== "resource") continue;
      const container = this.describe(lb, "container_name");
      const port = this.describe(lb, "container_port");
      const where = [container, port].filter((x) => x !== undefined).join(":");
      const span = desired && replicas !== null ? this.loc(desired) : this.loc(b);
      this.model.workloads.push({
        kind: "aws_ecs_service",
        name: b.labels[1]!,
        namespace: this.namespace,
        labels: { target_group: ref.label },
        replicas,
        healthCheck: this.healthFor(ref, span),
        notes: where ? [...notes, `container ${where}`] : [...notes],
        loc: span,
      });
    }
  }

  private workload(b: Block, kind: string, name: string, ref: Extract<GroupRef, { kind: "resource" }>, replicas: number | null, notes: string[], inst: Instances): void {
    const loc = inst.kind === "single" ? this.loc(b) : this.loc(inst.attr, true);
    const w: Workload = {
      kind,
      name,
      namespace: this.namespace,
      labels: { target_group: ref.label },
      replicas,
      healthCheck: this.healthFor(ref, loc),
      notes,
      loc,
    };
    this.model.workloads.push(w);
  }

  private healthFor(ref: Extract<GroupRef, { kind: "resource" }>, loc: Loc): HealthCheck {
    const own = this.healthChecks.get(ref.key);
    if (own) return own;
    // The group is declared in another file: its health_check is not visible from here.
    return { kind: "http", intervalMs: 30 * SECONDS, rise: 5, fall: 2, detail: "defaults assumed (target group declared in another file)", loc };
  }

  private replicas(inst: Instances, notes: string[]): number | null {
    if (inst.kind === "single") return 1;
    if (inst.n === null) notes.push(`${inst.kind} not statically known: ${inst.attr.expr.text}`);
    else if (inst.kind === "for_each" && inst.keys) notes.push(`for_each keys: ${inst.keys.join(", ")}`);
    else if (!isLiteralNumber(inst.attr.expr)) notes.push(`count ${inst.n} from ${inst.attr.expr.text}`);
    return inst.n;
  }

  // ---------------------------------------------------------------- listeners and rules

  private listener(b: Block): void {
    const [type, name] = b.labels as [string, string];
    if (exists(this.instances(b)) === false) return;
    const { key } = this.identity("listener", type, name);
    const protocol = this.upper(b, "protocol");
    const port = this.known(b, "port");
    const flags: string[] = [];
    if (protocol !== null) flags.push(protocol);
    if (this.attr(b, "ssl_policy")) flags.push("tls");
    const lbType = this.loadBalancerType(b);
    if (lbType) flags.push(lbType);
    const portAttr = this.attr(b, "port");
    const listeners: Listener[] = [{ address: port ?? "?", flags, loc: portAttr ? this.loc(portAttr) : this.loc(b) }];
    this.listenerInfo.set(key, listeners);
    // A listener that answers itself (fixed-response, redirect) is a route with no target: it is
    // where the traffic of a removed rule goes.
    const actions = this.forwardTargets(b, "default_action");
    const answer = actions ? "" : ` answers with ${this.actionTypes(b, "default_action") || "?"}`;
    const route: Route = {
      key,
      name: `listener ${name} (${protocol ?? "?"}:${port ?? "?"}${actions?.sticky ?? ""})${answer}`,
      format: "terraform",
      listeners,
      targets: actions?.targets ?? [],
      scope: key,
      fallback: true,
      loc: this.loc(b),
    };
    this.model.routes.push(route);
  }

  private listenerRule(b: Block): void {
    const [type, name] = b.labels as [string, string];
    if (exists(this.instances(b)) === false) return;
    const { key } = this.identity("listener_rule", type, name);
    const actions = this.forwardTargets(b, "action");
    if (!actions) return;
    const priority = this.known(b, "priority");
    const listenerAttr = this.attr(b, "listener_arn");
    const listenerRef = listenerAttr ? this.resourceRef(listenerAttr.expr, LISTENER) : null;
    const listenerKey = listenerRef ? this.identity("listener", listenerRef.type, listenerRef.name).key : null;
    const on = listenerRef ? ` on listener ${listenerRef.name}` : "";
    const route: Route = {
      key,
      name: `rule ${name}${on} (priority ${priority ?? "next free"}${actions.sticky})`,
      format: "terraform",
      listeners: listenerKey ? (this.listenerInfo.get(listenerKey) ?? []) : [],
      targets: actions.targets,
      ...(listenerKey ? { scope: listenerKey } : {}),
      loc: this.loc(b),
    };
    const condition = this.conditions(b);
    if (condition) route.condition = condition;
    this.model.routes.push(route);
  }

  private loadBalancerType(listener: Block): string | null {
    const attr = this.attr(listener, "load_balancer_arn");
    const ref = attr ? this.resourceRef(attr.expr, LOAD_BALANCER) : null;
    if (!ref) return null;
    const lb = LOAD_BALANCER.map((t) => this.index.resources.get(`${t}.${ref.name}`)).find((x) => x !== undefined);
    if (!lb) return null;
    if (!this.attr(lb, "load_balancer_type")) return "application";
    return this.str(lb, "load_balancer_type");
  }

  /**
   * Targets of the forward actions among `blockName` blocks; null when no action forwards.
   * Dynamic blocks that may forward are not expanded: one unknown target each, and a warning.
   */
  private forwardTargets(b: Block, blockName: string): { targets: Target[]; sticky: string } | null {
    const targets: Target[] = [];
    const hidden: Block[] = [];
    let forwards = false;
    let sticky = "";
    for (const action of b.blocks.filter((x) => x.type === blockName)) {
      const type = this.attr(action, "type") ? this.str(action, "type") : null;
      const forward = action.blocks.find((x) => x.type === "forward");
      const dynForward = this.dynamicBlocks(action, "forward");
      const arn = this.attr(action, "target_group_arn");
      const mayForward = forward !== undefined || dynForward.length > 0 || arn !== undefined;
      if (type !== "forward" && !(type === null && mayForward)) continue;
      forwards = true;
      if (forward) {
        for (const tg of forward.blocks.filter((x) => x.type === "target_group")) {
          const tgArn = this.attr(tg, "arn");
          const weightAttr = this.attr(tg, "weight");
          const weight = weightAttr ? this.weight(weightAttr) : 1;
          const loc = this.loc(weightAttr ?? tg);
          if (tgArn) targets.push(this.target(tgArn.expr, weight, loc));
        }
        const dynGroups = this.dynamicBlocks(forward, "target_group");
        hidden.push(...dynGroups);
        for (const d of dynGroups) targets.push(dynamicTarget(d, this.loc(d)));
        sticky = this.stickiness(forward);
      } else if (dynForward.length > 0) {
        hidden.push(...dynForward);
        for (const d of dynForward) targets.push(dynamicTarget(d, this.loc(d)));
      } else if (arn) {
        targets.push(this.target(arn.expr, 1, this.loc(arn)));
      }
    }
    for (const d of this.dynamicBlocks(b, blockName)) {
      const content = d.blocks.find((x) => x.type === "content");
      if (!content || !this.mayForward(content)) continue;
      forwards = true;
      hidden.push(d);
      targets.push(dynamicTarget(d, this.loc(d)));
    }
    if (hidden.length > 0) {
      const [type, name] = b.labels;
      const what = [...new Set(hidden.map((d) => `dynamic "${d.labels[0]}"`))].join(", ");
      const lines = hidden.map((d) => d.line).join(", ");
      this.warn(hidden[0]!, `${type}.${name}: ${what} (line${hidden.length > 1 ? "s" : ""} ${lines}) not evaluated statically; its forward targets and weights are unknown`);
    }
    return forwards ? { targets, sticky } : null;
  }

  /** The literal `type`s of a resource's actions, e.g. "fixed-response". */
  private actionTypes(b: Block, blockName: string): string {
    return b.blocks
      .filter((x) => x.type === blockName)
      .map((a) => (this.attr(a, "type") ? this.str(a, "type") : null) ?? "?")
      .join(", ");
  }

  /** Whether a dynamic action's content may forward (its type is forward, or not literal). */
  private mayForward(content: Block): boolean {
    const type = this.attr(content, "type");
    const literal = type ? this.str(content, "type") : null;
    if (literal !== null) return literal === "forward";
    return this.attr(content, "target_group_arn") !== undefined || content.blocks.some((x) => x.type === "forward" || (x.type === "dynamic" && x.labels[0] === "forward"));
  }

  private stickiness(forward: Block): string {
    const s = forward.blocks.find((x) => x.type === "stickiness");
    if (!s) return "";
    const enabled = this.eval(s, "enabled");
    if (enabled === false) return "";
    const duration = this.describe(s, "duration");
    return enabled === true ? `, sticky ${duration ?? "?"}s` : ", stickiness unknown";
  }

  private weight(attr: Attribute): number | null {
    const v = this.ev.eval(attr.expr);
    const n = toNumber(v);
    if (n === null) return null;
    if (!Number.isInteger(n) || n < 0 || n > 999) {
      this.error(attr, `weight ${n} is outside 0..999 (AWS rejects it)`);
      return null;
    }
    return n;
  }

  private target(expr: Expr, weight: number | null, loc: Loc): Target {
    const ref = this.groupRef(expr);
    switch (ref.kind) {
      case "resource":
        return { kind: "ref", poolKey: ref.key, name: ref.name, unresolved: "missing", weight, loc };
      case "external":
        return { kind: "external", name: ref.name, weight, loc };
      default:
        return { kind: "dynamic", expression: ref.expression, weight, loc };
    }
  }

  private conditions(b: Block): string | undefined {
    const parts: string[] = [];
    for (const c of b.blocks) {
      if (c.type === "dynamic" && c.labels[0] === "condition") parts.push("dynamic condition");
      if (c.type !== "condition") continue;
      if (this.attr(c, "field")) {
        parts.push(`${this.describe(c, "field")} ${this.values(c, "values")}`);
        continue;
      }
      for (const inner of c.blocks) {
        switch (inner.type) {
          case "http_header":
            parts.push(`http_header ${this.describe(inner, "http_header_name") ?? "?"}=${this.values(inner, "values")}`);
            break;
          case "query_string": {
            const k = this.describe(inner, "key");
            parts.push(`query_string ${k === undefined ? "" : `${k}=`}${this.describe(inner, "value") ?? "?"}`);
            break;
          }
          case "dynamic":
            parts.push(`dynamic ${inner.labels[0] ?? "?"}`);
            break;
          default:
            parts.push(`${inner.type} ${this.values(inner, this.attr(inner, "values") ? "values" : "regex_values")}`);
        }
      }
    }
    return parts.length > 0 ? parts.join(" && ") : undefined;
  }

  /** A list of strings as "a,b", or the expression's text when it is not literal. */
  private values(b: Block, name: string): string {
    const attr = this.attr(b, name);
    if (!attr) return "?";
    const v = this.ev.eval(attr.expr);
    if (v instanceof ListValue) {
      const strs = v.items.map(toStr);
      if (strs.every((s) => s !== null)) return strs.join(",");
    }
    return toStr(v) ?? attr.expr.text;
  }

  // ---------------------------------------------------------------- references

  /** Which target group an ARN expression names. */
  private groupRef(expr: Expr, depth = 0): GroupRef {
    const ref = this.resourceRef(expr, TARGET_GROUP);
    if (ref) {
      const { key, label } = this.identity("target_group", ref.type, ref.name);
      return { kind: "resource", key, label, name: ref.name };
    }
    // one(tg[*].arn), element(tg.*.arn, 0), join("", tg.*.arn): the one target group they name.
    const picked = expr.k === "call" && depth < 5 ? pickedArgument(expr.name, expr.args) : undefined;
    if (picked) {
      const inner = this.groupRef(picked, depth + 1);
      if (inner.kind === "resource") return inner;
    }
    const root = rootOf(expr);
    if (root === "local" && expr.k === "path" && expr.steps[0]?.k === "attr" && depth < 5) {
      const local = this.index.locals.get(expr.steps[0].name);
      if (local && expr.steps.length <= 2) return this.groupRef(local, depth + 1);
    }
    if (root === "var" || root === "module" || root === "data") return { kind: "external", name: expr.text };
    if (expr.k === "lit" && typeof expr.value === "string" && expr.value.startsWith("arn:")) return { kind: "external", name: expr.value };
    return { kind: "dynamic", expression: expr.text };
  }

  /** `type.name[...].attr` where type is one of `types`. */
  private resourceRef(expr: Expr, types: string[]): { type: string; name: string } | null {
    if (expr.k !== "path" || expr.base.k !== "var" || !types.includes(expr.base.name)) return null;
    const first = expr.steps[0];
    return first?.k === "attr" ? { type: expr.base.name, name: first.name } : null;
  }

  private identity(kind: Kind, type: string, name: string): { key: string; label: string } {
    const alias = type.startsWith("aws_alb") && this.clashes.has(`${kind}:${name}`);
    return alias ? { key: `${this.namespace}:${kind}:${name}#${type}`, label: `${type}.${name}` } : { key: `${this.namespace}:${kind}:${name}`, label: name };
  }

  // ---------------------------------------------------------------- helpers

  private instances(b: Block): Instances {
    const count = this.attr(b, "count");
    if (count) return { kind: "count", n: countValue(this.ev.eval(count.expr)), attr: count };
    const forEach = this.attr(b, "for_each");
    if (forEach) {
      const keys = forEachKeys(this.forEachValue(forEach.expr));
      return keys === null ? { kind: "for_each", n: null, attr: forEach } : { kind: "for_each", n: keys.length, attr: forEach, keys };
    }
    return { kind: "single" };
  }

  /** A variable typed set(...) has its literal list default converted to a set. */
  private forEachValue(expr: Expr): Value {
    const v = this.ev.eval(expr);
    if (v instanceof ListValue && !v.isSet && rootOf(expr) === "var" && expr.k === "path" && expr.steps.length === 1 && expr.steps[0]!.k === "attr") {
      const typeAttr = this.index.variables.get(expr.steps[0]!.name)?.attributes.find((a) => a.name === "type");
      if (typeAttr && /^set\(/.test(typeAttr.expr.text) && isKnown(v)) {
        const strs = v.items.map(toStr);
        if (strs.every((s) => s !== null)) return new ListValue([...new Set(strs)], true);
      }
    }
    return v;
  }

  private dynamicBlocks(b: Block, label: string): Block[] {
    return b.blocks.filter((x) => x.type === "dynamic" && x.labels[0] === label);
  }

  private checkDuplicates(): void {
    const seen = new Map<string, Block>();
    for (const b of this.resources()) {
      const id = `${b.labels[0]}.${b.labels[1]}`;
      const first = seen.get(id);
      if (first) this.error(b, `duplicate resource ${id} (first declared at line ${first.line})`);
      else seen.set(id, b);
    }
    const walk = (b: Block): void => {
      const names = new Map<string, Attribute>();
      for (const a of b.attributes) {
        const first = names.get(a.name);
        if (first && b.type !== "locals") this.error(a, `attribute "${a.name}" set twice in ${b.type} (first at line ${first.line})`);
        names.set(a.name, a);
      }
      b.blocks.forEach(walk);
    };
    walk(this.body);
  }

  private attr(b: Block, name: string): Attribute | undefined {
    return b.attributes.find((a) => a.name === name);
  }

  private eval(b: Block, name: string): Value {
    const a = this.attr(b, name);
    return a ? this.ev.eval(a.expr) : UNKNOWN;
  }

  private str(b: Block, name: string): string | null {
    const v = this.eval(b, name);
    return typeof v === "string" ? v : null;
  }

  private upper(b: Block, name: string): string | null {
    return this.str(b, name)?.toUpperCase() ?? null;
  }

  private num(b: Block, name: string): number | null {
    return toNumber(this.eval(b, name));
  }

  /** A setting as text: its value when known, else its expression; undefined when absent. */
  private describe(b: Block, name: string): string | undefined {
    const a = this.attr(b, name);
    if (!a) return undefined;
    return toStr(this.ev.eval(a.expr)) ?? a.expr.text;
  }

  /** A setting's value as text; "?" when it is not statically known; undefined when absent. */
  private known(b: Block, name: string): string | undefined {
    const a = this.attr(b, name);
    if (!a) return undefined;
    return toStr(this.ev.eval(a.expr)) ?? "?";
  }

  private loc(s: Span, firstLineOnly = false): Loc {
    return { file: this.file, line: s.line, endLine: firstLineOnly ? s.line : s.endLine };
  }

  private error(s: Span, message: string): void {
    this.model.diagnostics.push(this.diag("error", s, message));
  }

  private warn(s: Span, message: string): void {
    this.model.diagnostics.push(this.diag("warning", s, message));
  }

  private diag(severity: Diagnostic["severity"], s: Span, message: string): Diagnostic {
    return { severity, message, loc: this.loc(s, true) };
  }
}

function kindOf(type: string): Kind | null {
  if (TARGET_GROUP.includes(type)) return "target_group";
  if (LISTENER.includes(type)) return "listener";
  if (LISTENER_RULE.includes(type)) return "listener_rule";
  if (LOAD_BALANCER.includes(type)) return "load_balancer";
  return null;
}

/** false when count/for_each says the resource has no instances at all. */
function exists(inst: Instances): boolean | null {
  if (inst.kind === "single") return true;
  return inst.n === null ? null : inst.n > 0;
}

function rootOf(expr: Expr): string | null {
  if (expr.k === "path" && expr.base.k === "var") return expr.base.name;
  if (expr.k === "var") return expr.name;
  return null;
}

function isLiteralNumber(expr: Expr): boolean {
  return expr.k === "lit" && toNumber(expr.value) !== null;
}

/** The argument a single-value selector function returns a member of, or passes through. */
function pickedArgument(fn: string, args: Expr[]): Expr | undefined {
  if ((fn === "one" || fn === "tostring" || fn === "try") && args.length >= 1) return args[0];
  if (fn === "element" && args.length === 2) return args[0];
  if (fn === "join" && args.length === 2 && args[0]!.k === "lit" && args[0]!.value === "") return args[1];
  return undefined;
}

function dynamicTarget(d: Block, loc: Loc): Target {
  const forEach = d.attributes.find((a) => a.name === "for_each");
  const text = `dynamic "${d.labels[0] ?? "?"}"${forEach ? ` for_each = ${forEach.expr.text}` : ""}`;
  return { kind: "dynamic", expression: text.length > 100 ? `${text.slice(0, 97)}...` : text, weight: null, loc };
}
