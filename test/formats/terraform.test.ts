import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { createTerraformParser, terraform } from "../../src/formats/terraform/index.js";
import { link } from "../../src/model/link.js";
import { poolsByKey } from "../support/pools.js";
import type { Model, Route, Workload } from "../../src/model/types.js";

const parse = (text: string, file = "lb.tf") => terraform.parse(text, file);
const errors = (m: Model) => m.diagnostics.filter((d) => d.severity === "error");
const warnings = (m: Model) => m.diagnostics.filter((d) => d.severity === "warning");
const workload = (m: Model, name: string) => m.workloads.find((w) => w.name === name)!;
const route = (m: Model, key: string) => m.routes.find((r) => r.key === key)!;
const fixture = readFileSync(resolve(import.meta.dirname, "../fixtures/terraform/alb.tf"), "utf8");

/** A one-attachment config whose count (or for_each) expression is `expr`, after `prelude`. */
function replicasOf(prelude: string, meta: string): Workload {
  const m = parse(`${prelude}
resource "aws_lb_target_group" "tg" {
  port     = 80
  protocol = "HTTP"
}
resource "aws_lb_target_group_attachment" "a" {
  ${meta}
  target_group_arn = aws_lb_target_group.tg.arn
  target_id        = "i-1"
}
`);
  expect(errors(m)).toEqual([]);
  return workload(m, "a.i-1");
}

describe("terraform format registration", () => {
  it("recognises files that declare or reference AWS load balancer resources", () => {
    expect(terraform.format).toBe("terraform");
    expect(terraform.names.test("infra/lb.tf")).toBe(true);
    expect(terraform.names.test("infra/lb.tfvars")).toBe(false);
    expect(terraform.detect('resource "aws_lb_target_group" "x" {}')).toBe(true);
    expect(terraform.detect('resource "aws_alb_listener" "x" {}')).toBe(true);
    expect(terraform.detect("target_group_arns = [aws_lb_target_group.web.arn]")).toBe(true);
    expect(terraform.detect('resource "aws_instance" "web" {}\nresource "aws_lb_cookie_stickiness_policy" "p" {}')).toBe(false);
  });

  it("answers with an error diagnostic, not an exception, when parse runs before init", async () => {
    // A new instance has not run init(), even though the grammar is loaded for the process.
    const parser = createTerraformParser();
    const m = parser.parse('resource "aws_lb" "x" {}', "a.tf");
    expect(m.pools).toEqual([]);
    expect(errors(m)).toHaveLength(1);
    expect(errors(m)[0]).toMatchObject({ loc: { file: "a.tf", line: 1 } });
    expect(errors(m)[0]!.message).toMatch(/not loaded.*initFormats/);
    await parser.init!();
    expect(errors(parser.parse('resource "aws_lb" "x" {}', "a.tf"))).toEqual([]);
  });
});

describe("terraform resources", () => {
  const m = parse(fixture, "infra/alb.tf");

  it("parses the fixture without diagnostics", () => {
    expect(m.diagnostics).toEqual([]);
  });

  it("reads a target group as a pool selected by its attachments", () => {
    const web = m.pools.find((p) => p.key === "terraform:infra:target_group:web")!;
    expect(web).toMatchObject({
      name: "web-tg",
      format: "terraform",
      algorithm: { name: "least-outstanding-requests", loc: { line: 25 } },
      allBackups: false,
      backupsSupported: false,
      backends: [],
      selector: { namespace: "terraform:infra", labels: { target_group: "web" } },
      loc: { file: "infra/alb.tf", line: 21, endLine: 39 },
    });
    expect(web.settings).toEqual({ protocol: "HTTP", port: "8080", deregistration_delay: "30", stickiness: "lb_cookie" });
    // aws_alb_target_group is the same resource under its old name; no name attribute → its label.
    const api = m.pools.find((p) => p.key === "terraform:infra:target_group:api")!;
    expect(api).toMatchObject({ name: "api", algorithm: { name: "round-robin" }, loc: { line: 41, endLine: 44 } });
  });

  it("turns attachments into workloads: count from a variable default, for_each from a local set", () => {
    expect(workload(m, "web")).toMatchObject({
      kind: "aws_lb_target_group_attachment",
      namespace: "terraform:infra",
      labels: { target_group: "web" },
      replicas: 3,
      loc: { line: 47, endLine: 47 },
    });
    expect(workload(m, "web").notes).toEqual(["target aws_instance.web[count.index].id", "port 8080", "count 3 from var.web_count"]);
    expect(workload(m, "api")).toMatchObject({ labels: { target_group: "api" }, replicas: 2, loc: { line: 54 } });
    expect(workload(m, "api").notes).toContain("for_each keys: api-a, api-b");
    expect(workload(m, "pinned.10.0.0.5")).toMatchObject({ replicas: 1, loc: { line: 59, endLine: 62 } });
  });

  it("shows a count without a default as unknown, never guessed", () => {
    const w = workload(m, "unknown.10.0.0.6");
    expect(w.replicas).toBeNull();
    expect(w.loc.line).toBe(65);
    expect(w.notes).toContain("count not statically known: var.no_default");
  });

  it("gives attachments their group's health check from the same file", () => {
    expect(workload(m, "web").healthCheck).toEqual({
      kind: "http",
      intervalMs: 10_000,
      rise: 2,
      fall: 4,
      detail: "/healthz 200-299",
      loc: { file: "infra/alb.tf", line: 28, endLine: 34 },
    });
    // No health_check block: AWS's defaults for an HTTP group.
    expect(workload(m, "api").healthCheck).toEqual({ kind: "http", intervalMs: 30_000, rise: 5, fall: 2, detail: "/ 200", loc: { file: "infra/alb.tf", line: 41, endLine: 44 } });
  });

  it("links: the pool gets one backend per replica", () => {
    const v = link([structuredClone(m)]);
    const web = poolsByKey(v, "terraform:infra:target_group:web")[0]!;
    expect(web.backends.map((b) => [b.id, b.weight])).toEqual([
      ["web/1", 1],
      ["web/2", 1],
      ["web/3", 1],
      ["pinned.10.0.0.5/1", 1],
      ["unknown.10.0.0.6/*", null],
    ]);
  });

  it("reads a listener's weighted forward, resolving locals, with each weight's line", () => {
    const r = route(m, "terraform:infra:listener:https");
    expect(r).toMatchObject({ name: "listener https (HTTPS:443, sticky 600s)", format: "terraform", loc: { line: 70, endLine: 93 } });
    expect(r.condition).toBeUndefined();
    expect(r.listeners).toEqual([{ address: "443", flags: ["HTTPS", "tls", "application"], loc: { file: "infra/alb.tf", line: 72, endLine: 72 } }]);
    expect(r.targets).toEqual([
      { kind: "ref", poolKey: "terraform:infra:target_group:web", name: "web", unresolved: "missing", weight: 90, loc: { file: "infra/alb.tf", line: 81, endLine: 81 } },
      { kind: "ref", poolKey: "terraform:infra:target_group:api", name: "api", unresolved: "missing", weight: 10, loc: { file: "infra/alb.tf", line: 85, endLine: 85 } },
    ]);
  });

  it("a listener that never forwards is a route with no target, its listener's fallback", () => {
    const http = route(m, "terraform:infra:listener:http");
    expect(http.targets).toEqual([]);
    expect(http).toMatchObject({ fallback: true, scope: "terraform:infra:listener:http" });
    expect(http.name).toMatch(/ answers with redirect$/);
  });

  it("reads listener rules: conditions, priority, the listener they hang on, external targets", () => {
    const api = route(m, "terraform:infra:listener_rule:api");
    expect(api).toMatchObject({ name: "rule api on listener https (priority 10)", condition: "host_header api.example.com && path_pattern /v1/*,/v2/*", loc: { line: 110, endLine: 130 } });
    expect(api.listeners.map((l) => l.address)).toEqual(["443"]);
    expect(api.targets).toEqual([{ kind: "ref", poolKey: "terraform:infra:target_group:api", name: "api", unresolved: "missing", weight: 1, loc: { file: "infra/alb.tf", line: 116, endLine: 116 } }]);
    const legacy = route(m, "terraform:infra:listener_rule:legacy");
    expect(legacy.condition).toBe("path-pattern /legacy/*");
    expect(legacy.name).toBe("rule legacy on listener https (priority next free)");
    expect(legacy.targets).toEqual([{ kind: "external", name: "module.other.target_group_arn", weight: 1, loc: { file: "infra/alb.tf", line: 137, endLine: 137 } }]);
  });
});

describe("terraform target groups: algorithms and health checks", () => {
  const group = (body: string) => {
    const m = parse(`resource "aws_lb_target_group" "g" {\n${body}\n}\nresource "aws_lb_target_group_attachment" "a" {\n  target_group_arn = aws_lb_target_group.g.arn\n}\n`);
    expect(errors(m)).toEqual([]);
    return { pool: m.pools[0]!, hc: m.workloads[0]!.healthCheck };
  };

  it("hashes flows for NLB protocols, whatever the algorithm attribute says", () => {
    for (const protocol of ["TCP", "UDP", "TLS", "TCP_UDP"]) expect(group(`protocol = "${protocol}"\nport = 80`).pool.algorithm.name).toBe("flow-hash");
    expect(group(`protocol = "HTTP"\nload_balancing_algorithm_type = "weighted_random"`).pool.algorithm.name).toBe("weighted-random");
    expect(group(`protocol = "HTTP"\nload_balancing_algorithm_type = "round_robin"`).pool.algorithm.name).toBe("round-robin");
    expect(group(`protocol = "HTTP"\nload_balancing_algorithm_type = var.algo`).pool.algorithm).toMatchObject({ name: "unknown", args: ["var.algo"] });
  });

  it("uses AWS defaults without a block, provider defaults inside one", () => {
    expect(group(`protocol = "TCP"`).hc).toMatchObject({ kind: "tcp", intervalMs: 30_000, rise: 5, fall: 2, loc: { line: 1, endLine: 3 } });
    expect(group(`protocol = "HTTP"\nhealth_check {\n  path = "/up"\n}`).hc).toMatchObject({ kind: "http", intervalMs: 30_000, rise: 3, fall: 3, detail: "/up 200", loc: { line: 3, endLine: 5 } });
    expect(group(`protocol = "HTTP"\nhealth_check {\n  enabled = false\n}`).hc).toMatchObject({ kind: "none", loc: { line: 4 } }); // the line that switched it off
    expect(group(`protocol = "TCP"\nhealth_check {\n  protocol = "TCP"\n  interval = 10\n}`).hc).toMatchObject({ kind: "tcp", intervalMs: 10_000 });
    expect(group(`protocol = "HTTPS"\nhealth_check {\n  protocol = "HTTPS"\n  timeout = "5"\n  port = 8443\n}`).hc.detail).toBe("HTTPS / 200 port 8443 timeout 5s");
    expect(group(`target_type = "lambda"`).hc.kind).toBe("none");
  });

  it("leaves non-literal health check values out instead of guessing", () => {
    const hc = group(`protocol = "HTTP"\nhealth_check {\n  interval = var.interval\n  healthy_threshold = 2\n}`).hc;
    expect(hc.intervalMs).toBeUndefined();
    expect(hc.rise).toBe(2);
  });

  it("reads names through string escapes and templates of literals", () => {
    const name = (expr: string, prelude = "") => parse(`${prelude}\nresource "aws_lb_target_group" "g" {\n  name = ${expr}\n}\n`).pools[0]!.name;
    expect(name('"a\\"b\\u00e9"')).toBe('a"b\u00e9');
    expect(name('"cost-$${literal}"')).toBe("cost-${literal}");
    expect(name('"${var.env}-web"', 'variable "env" {\n  default = "prod"\n}')).toBe("prod-web");
    expect(name('"${var.env}-web"')).toBe("g");
  });

  it("gives attachments whose group is in another file the defaults, noted as such", () => {
    const m = parse(`resource "aws_lb_target_group_attachment" "a" {\n  target_group_arn = aws_lb_target_group.elsewhere.arn\n  target_id = "i-9"\n}\n`);
    expect(m.pools).toEqual([]);
    expect(m.workloads[0]).toMatchObject({ name: "a.i-9", labels: { target_group: "elsewhere" }, replicas: 1 });
    expect(m.workloads[0]!.healthCheck).toMatchObject({ kind: "http", intervalMs: 30_000, rise: 5, fall: 2 });
    expect(m.workloads[0]!.healthCheck.detail).toMatch(/another file/);
  });
});

describe("terraform: other resources that register targets", () => {
  it("an Auto Scaling group's instances are an unknown count, with its sizes noted", () => {
    const m = parse(`resource "aws_autoscaling_group" "web" {
  min_size          = 2
  max_size          = 6
  target_group_arns = [aws_lb_target_group.web.arn, var.other_tg]
}
resource "aws_autoscaling_attachment" "extra" {
  autoscaling_group_name = aws_autoscaling_group.batch.id
  lb_target_group_arn    = aws_lb_target_group.web.arn
}
`);
    expect(m.workloads.map((w) => [w.kind, w.name, w.labels.target_group, w.replicas, w.loc.line])).toEqual([
      ["aws_autoscaling_group", "web", "web", null, 1],
      ["aws_autoscaling_attachment", "extra", "web", null, 6],
    ]);
    expect(m.workloads[0]!.notes).toEqual(["Auto Scaling group: instance count decided at run time", "min_size 2, max_size 6"]);
  });

  it("an ECS service registers desired_count tasks, unless something else manages the count", () => {
    const service = (extra: string) =>
      parse(`resource "aws_ecs_service" "api" {
  desired_count = 3
  load_balancer {
    target_group_arn = aws_lb_target_group.api.arn
    container_name   = "api"
    container_port   = 8080
  }
${extra}
}
`).workloads[0]!;
    expect(service("")).toMatchObject({ kind: "aws_ecs_service", name: "api", labels: { target_group: "api" }, replicas: 3, loc: { line: 2, endLine: 2 } });
    expect(service("").notes).toEqual(["container api:8080"]);
    const ignored = service("  lifecycle {\n    ignore_changes = [desired_count]\n  }");
    expect(ignored.replicas).toBeNull();
    expect(ignored.notes[0]).toMatch(/managed outside Terraform/);
    expect(service('  scheduling_strategy = "DAEMON"').replicas).toBeNull();
  });
});

describe("terraform literal evaluation of count and for_each", () => {
  it("resolves literals, variable defaults, locals and functions of literal lists", () => {
    expect(replicasOf("", "count = 4").replicas).toBe(4);
    expect(replicasOf("", 'count = "2"').replicas).toBe(2);
    expect(replicasOf('variable "n" {\n  default = 5\n}', "count = var.n").replicas).toBe(5);
    expect(replicasOf('locals {\n  n = 2\n  m = local.n * 3\n}', "count = local.m").replicas).toBe(6);
    expect(replicasOf('variable "ips" {\n  default = ["a", "b", "c"]\n}', "count = length(var.ips)").replicas).toBe(3);
    expect(replicasOf('variable "on" {\n  default = true\n}', "count = var.on ? 2 : 0").replicas).toBe(2);
    expect(replicasOf('resource "aws_instance" "i" {\n  count = 3\n}', "count = length(aws_instance.i)").replicas).toBe(3);
    expect(replicasOf("", "count = length(range(1, 8, 2))").replicas).toBe(4);
  });

  it("counts the keys of literal maps and sets", () => {
    expect(replicasOf("", 'for_each = { a = "10.0.0.1", b = "10.0.0.2" }').replicas).toBe(2);
    expect(replicasOf("", 'for_each = toset(["a", "b", "a"])').replicas).toBe(2);
    expect(replicasOf('locals {\n  hosts = { x = 1, y = 2, z = 3 }\n}', "for_each = { for k, v in local.hosts : k => v if v > 1 }").replicas).toBe(2);
    expect(replicasOf('variable "ids" {\n  type    = set(string)\n  default = ["i-1", "i-2"]\n}', "for_each = var.ids").replicas).toBe(2);
  });

  it("shows unknown counts as null: other resources, variables without defaults, non-literal collections", () => {
    expect(replicasOf("", "count = length(aws_instance.blue)").replicas).toBeNull();
    expect(replicasOf('variable "n" {}', "count = var.n").replicas).toBeNull();
    expect(replicasOf("", "count = var.undeclared").replicas).toBeNull();
    expect(replicasOf("", "for_each = toset(data.aws_instances.web.ids)").replicas).toBeNull();
    expect(replicasOf("", 'for_each = ["a", "b"]').replicas).toBeNull();
    expect(replicasOf('locals {\n  a = local.b\n  b = local.a\n}', "count = local.a").replicas).toBeNull();
    expect(replicasOf("", "count = -1").replicas).toBeNull();
  });

  it("skips target groups and listeners whose count is a known zero", () => {
    const m = parse(`resource "aws_lb_target_group" "g" {\n  count = 0\n}\nresource "aws_lb_listener" "l" {\n  count = 0\n  default_action {\n    type = "forward"\n    target_group_arn = aws_lb_target_group.g[0].arn\n  }\n}\n`);
    expect(m.pools).toEqual([]);
    expect(m.routes).toEqual([]);
  });
});

describe("terraform forward actions", () => {
  const listener = (action: string, prelude = "") =>
    parse(`${prelude}
resource "aws_lb_listener" "l" {
  port     = 80
  protocol = "HTTP"
  default_action {
${action}
  }
}
`);

  it("resolves a weight from a variable's default map and a literal key", () => {
    const m = listener(
      `    type = "forward"
    forward {
      target_group {
        arn    = aws_lb_target_group.blue.arn
        weight = lookup(var.dist[var.mode], "blue", 100)
      }
      target_group {
        arn    = aws_lb_target_group.green.arn
        weight = lookup(var.dist[var.mode], "green", 0)
      }
    }`,
      'variable "mode" {\n  default = "split"\n}\nvariable "dist" {\n  default = {\n    split = { blue = 50, green = 50 }\n  }\n}',
    );
    expect(m.routes[0]!.targets.map((t) => [t.kind, t.weight])).toEqual([
      ["ref", 50],
      ["ref", 50],
    ]);
  });

  it("leaves unresolvable weights unknown, and defaults a missing weight to 1", () => {
    const m = listener(`    type = "forward"
    forward {
      target_group {
        arn    = aws_lb_target_group.blue.arn
        weight = lookup(local.traffic_dist_map[var.traffic_distribution], "blue", 100)
      }
      target_group {
        arn = aws_lb_target_group.green.arn
      }
    }`);
    expect(m.routes[0]!.targets.map((t) => t.weight)).toEqual([null, 1]);
    expect(m.routes[0]!.targets[1]!.loc).toMatchObject({ line: 12, endLine: 14 });
  });

  it("reports a weight outside 0..999 as an error on its line", () => {
    const m = listener(`    type = "forward"
    forward {
      target_group {
        arn    = aws_lb_target_group.blue.arn
        weight = 1000
      }
    }`);
    expect(errors(m)).toEqual([{ severity: "error", message: "weight 1000 is outside 0..999 (AWS rejects it)", loc: { file: "lb.tf", line: 10, endLine: 10 } }]);
    expect(m.routes[0]!.targets[0]!.weight).toBeNull();
  });

  it("marks data sources, variables and literal ARNs external; other expressions dynamic", () => {
    const targets = (arn: string) => listener(`    type = "forward"\n    target_group_arn = ${arn}`).routes[0]!.targets[0]!;
    expect(targets("data.aws_lb_target_group.shared.arn")).toMatchObject({ kind: "external", name: "data.aws_lb_target_group.shared.arn" });
    expect(targets("var.tg_arn")).toMatchObject({ kind: "external", name: "var.tg_arn" });
    expect(targets('"arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/x/1"')).toMatchObject({ kind: "external", name: "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/x/1" });
    expect(targets('"${aws_lb_target_group.legacy.arn}"')).toMatchObject({ kind: "ref", poolKey: "terraform:.:target_group:legacy" });
    expect(targets("aws_lb_target_group.many[0].arn")).toMatchObject({ kind: "ref", poolKey: "terraform:.:target_group:many" });
    expect(targets("var.on ? aws_lb_target_group.a.arn : aws_lb_target_group.b.arn")).toMatchObject({ kind: "dynamic", weight: 1 });
  });

  it("warns once when a dynamic block hides forward targets, and shows them as unknown", () => {
    const m = listener(`    type = "forward"
    forward {
      dynamic "target_group" {
        for_each = var.groups
        content {
          arn    = target_group.value.arn
          weight = target_group.value.weight
        }
      }
    }`);
    expect(warnings(m)).toHaveLength(1);
    expect(warnings(m)[0]).toMatchObject({ loc: { line: 8 } });
    expect(warnings(m)[0]!.message).toMatch(/aws_lb_listener\.l: dynamic "target_group" .*not evaluated statically/);
    expect(m.routes[0]!.targets).toEqual([{ kind: "dynamic", expression: 'dynamic "target_group" for_each = var.groups', weight: null, loc: { file: "lb.tf", line: 8, endLine: 14 } }]);
  });

  it("does not warn about dynamic blocks that cannot forward", () => {
    const m = parse(`resource "aws_lb_listener" "l" {
  dynamic "default_action" {
    for_each = var.redirects
    content {
      type = "redirect"
    }
  }
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.a.arn
  }
}
resource "aws_lb_target_group" "a" {
  dynamic "stickiness" {
    for_each = var.sticky
    content {
      type = "lb_cookie"
    }
  }
}
`);
    expect(m.diagnostics).toEqual([]);
    expect(m.routes[0]!.targets.map((t) => t.kind)).toEqual(["ref"]);
  });
});

describe("terraform syntax errors", () => {
  it("reports an unclosed block at the line the closer was expected", () => {
    const m = parse('resource "aws_lb_target_group" "a" {\n  port = 80\n');
    expect(errors(m)).toHaveLength(1);
    expect(errors(m)[0]).toMatchObject({ loc: { line: 2 } });
    expect(errors(m)[0]!.message).toMatch(/missing "}"/);
  });

  it("reports a bad token at its own line and still models the rest", () => {
    const m = parse('resource "aws_lb_target_group" "a" {\n  port = 80\n}\n\nresource "aws_lb_target_group" "b" {\n  port = = 81\n}\n');
    expect(errors(m).map((e) => e.loc.line)).toContain(6);
    expect(m.pools.map((p) => p.key)).toContain("terraform:.:target_group:a");
  });

  it("reports mistakes that recovery folds into a large ERROR node at their own line", () => {
    const weight = parse('resource "aws_lb_listener" "l" {\n  default_action {\n    type = "forward"\n    forward {\n      target_group {\n        arn = aws_lb_target_group.a.arn\n        weight = 5 0\n      }\n    }\n  }\n}\n');
    expect(errors(weight).map((e) => e.loc.line)).toEqual([7]);
    const interpolation = parse('resource "aws_lb_target_group" "a" {\n  name = "${var.x"\n  port = 80\n}\n');
    expect(errors(interpolation).map((e) => e.loc.line)).toEqual([2]);
    const quote = parse('resource "aws_lb_target_group" "a" {\n  name = "abc\n  port = 80\n}\n');
    expect(errors(quote)[0]).toMatchObject({ message: "syntax error: unterminated string", loc: { line: 2 } });
    const equals = parse('resource "aws_lb_target_group" "a" {\n  name = "abc"\n  port 80\n}\n');
    expect(errors(equals)[0]).toMatchObject({ message: 'syntax error near "80"', loc: { line: 3 } });
    expect(errors(parse('}\nresource "aws_lb_target_group" "a" {}\n'))[0]).toMatchObject({ message: 'syntax error near "}"', loc: { line: 1 } });
  });

  it("reports an unclosed list on its line", () => {
    const m = parse('resource "aws_lb_target_group_attachment" "a" {\n  count = length(["a", "b"\n}\n');
    expect(errors(m).map((e) => e.loc.line)).toContain(2);
  });

  it("reports duplicated attributes and resources, which Terraform rejects", () => {
    const m = parse('resource "aws_lb_target_group" "a" {\n  port = 80\n  port = 81\n}\nresource "aws_lb_target_group" "a" {}\n');
    expect(errors(m).map((e) => [e.loc.line, e.message])).toEqual([
      [5, "duplicate resource aws_lb_target_group.a (first declared at line 1)"],
      [3, 'attribute "port" set twice in resource (first at line 2)'],
    ]);
  });

  it("keeps same-named aws_lb_* and aws_alb_* resources apart in one file", () => {
    const m = parse('resource "aws_lb_target_group" "x" {}\nresource "aws_alb_target_group" "x" {}\n');
    expect(m.pools.map((p) => [p.key, p.selector?.labels.target_group])).toEqual([
      ["terraform:.:target_group:x", "x"],
      ["terraform:.:target_group:x#aws_alb_target_group", "aws_alb_target_group.x"],
    ]);
  });
});

describe("terraform parse never throws", () => {
  test.prop([fc.string({ maxLength: 400 })])("on arbitrary text", (text) => {
    const m = parse(text);
    expect(m.format).toBe("terraform");
  });

  const mutate = (s: string, at: number, cut: number, insert: string) => {
    const i = at % (s.length + 1);
    return s.slice(0, i) + insert + s.slice(i + cut);
  };
  test.prop([fc.nat(), fc.nat({ max: 40 }), fc.constantFrom("", "{", "}", "[", '"', "${", "=", "\n", "#", "<<EOT\n", "count = ", "weight = -"), fc.string({ maxLength: 20 })])(
    "on mutated valid configs",
    (at, cut, token, noise) => {
      const m = parse(mutate(fixture, at, cut, token + noise));
      for (const d of m.diagnostics) expect(d.loc.line).toBeGreaterThanOrEqual(1);
      const known = (r: Route) => r.targets.every((t) => t.weight === null || (t.weight >= 0 && t.weight <= 999));
      expect(m.routes.every(known)).toBe(true);
    },
  );

  it("on deeply nested input, with an error diagnostic", () => {
    const m = parse(`locals {\n  x = ${"[".repeat(20_000)}${"]".repeat(20_000)}\n}\nresource "aws_lb_target_group_attachment" "a" {\n  count = length(local.x)\n  target_group_arn = aws_lb_target_group.g.arn\n}\n`);
    expect(errors(m)).toEqual([{ severity: "error", message: "could not read this Terraform file: nesting too deep to evaluate", loc: { file: "lb.tf", line: 1, endLine: 1 } }]);
    // The parser is still usable afterwards.
    expect(parse(fixture).diagnostics).toEqual([]);
  });
});

describe("terraform: a work budget, not a wall of CPU", () => {
  // 400 bytes that compare two 10,000-item sets 10,000 times: seconds of work without a budget.
  const hostile = `locals {\n  big = toset(range(10000))\n  all = [for i in range(10000) : local.big == toset(range(10000))]\n  n   = length([for x in local.all : x if x])\n}\nresource "aws_lb_target_group" "app" {\n  name     = "app"\n  port     = 80\n  protocol = "HTTP"\n}\nresource "aws_lb_target_group_attachment" "a" {\n  count            = local.n\n  target_group_arn = aws_lb_target_group.app.arn\n  target_id        = "10.0.0.1"\n}\n`;
  it("past the budget the value is unknown, never guessed", () => {
    const m = parse(hostile);
    expect(m.workloads.map((w) => w.replicas)).toEqual([null]);
  });
  it("the meter stops the evaluator, and sets are built in linear work", async () => {
    const { Meter } = await import("../../src/formats/terraform/values.js");
    const meter = new Meter(1000);
    expect(meter.charge(999)).toBe(true);
    expect(meter.charge(2)).toBe(false);
    // Within the budget the same shape is evaluated: 30 of 30 comparisons are true.
    const small = hostile.replaceAll("10000", "30");
    expect(parse(small).workloads.map((w) => w.replicas)).toEqual([30]);
  });
});
