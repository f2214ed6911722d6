/**
 * terraform-aws-modules/alb (v8 and v9 inputs), Route 53 weighted and failover records, and a
 * module directory's variables read across its files. Fixtures are modelled on the module's own
 * examples/complete-alb at v8.7.0 and v9.17.0 (Apache-2.0) and on weighted-record shifts of a
 * production repository (90/10 → 50/50 → 100/0).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { analyze } from "../../src/engine/analyze.js";
import { initFormats } from "../../src/formats/index.js";
import { loadPolicy } from "../../src/policy/load.js";

beforeAll(async () => {
  await initFormats();
});

const review = (before: string, after: string, path = "infra/lb.tf", extra: { path: string; text: string }[] = []) =>
  analyze([{ path, text: before }, ...extra], [{ path, text: after }, ...extra], loadPolicy(null));

const V9 = (a: number, b: number) => `module "alb" {
  source  = "terraform-aws-modules/alb/aws"
  version = "~> 9.0"

  name = "shop"
  listeners = {
    http = {
      port     = 80
      protocol = "HTTP"
      weighted_forward = {
        target_groups = [
          { target_group_key = "blue", weight = ${a} },
          { target_group_key = "green", weight = ${b} },
        ]
      }
    }
  }
  target_groups = {
    blue = {
      name_prefix = "blue-"
      protocol    = "HTTP"
      port        = 80
      target_id   = "i-0aaa"
    }
    green = {
      name_prefix = "green-"
      protocol    = "HTTP"
      port        = 80
      target_id   = "i-0bbb"
    }
  }
}
`;

const V8 = (a: number, b: number) => `module "alb" {
  source  = "git::https://github.com/terraform-aws-modules/terraform-aws-alb.git?ref=v8.7.0"

  name = "shop"
  target_groups = [
    { name_prefix = "blue-", backend_protocol = "HTTP", backend_port = 80, targets = { a = { target_id = "i-0aaa", port = 80 } } },
    { name_prefix = "green-", backend_protocol = "HTTP", backend_port = 80, targets = { b = { target_id = "i-0bbb", port = 80 } } },
  ]
  https_listeners = [{ port = 443, protocol = "HTTPS", certificate_arn = "arn:aws:acm:eu-west-1:1:certificate/x", target_group_index = 0 }]
  https_listener_rules = [{
    https_listener_index = 0
    priority             = 4
    actions = [{
      type          = "weighted-forward"
      target_groups = [{ target_group_index = 0, weight = ${a} }, { target_group_index = 1, weight = ${b} }]
    }]
    conditions = [{ path_patterns = ["/api/*"] }]
  }]
}
`;

describe("terraform-aws-modules/alb", () => {
  it("v9: a weighted forward moved from 60/40 to 100/0 concentrates the listener on one group, on the weight's line", () => {
    const a = review(V9(60, 40), V9(100, 0));
    expect(a.findings.find((f) => f.rule === "traffic-concentration")).toMatchObject({ line: 12 });
    expect(a.risk).not.toBe("none");
  });

  it("v8: a rule's weighted-forward by target_group_index is read the same way", () => {
    const a = review(V8(60, 40), V8(100, 0));
    expect(a.findings.find((f) => f.rule === "traffic-concentration")).toMatchObject({ line: 15 });
  });

  it("another load-balancer module is said once as not evaluated", () => {
    const other = 'module "lb" {\n  source = "cloudposse/alb/aws"\n  name   = "shop"\n}\n';
    const a = analyze([], [{ path: "infra/lb.tf", text: other }], loadPolicy(null));
    expect(a.findings.map((f) => [f.rule, f.severity, f.line])).toEqual([["unparseable-config", "info", 1]]);
    expect(a.findings[0]!.message).toContain("not evaluated");
  });
});

const RECORDS = (a: number, b: number, health = true) => `resource "aws_route53_record" "www_blue" {
  zone_id        = aws_route53_zone.main.zone_id
  name           = "www.example.com"
  type           = "CNAME"
  ttl            = 60
  set_identifier = "blue"
  records        = ["blue.example.com"]
${health ? "  health_check_id = aws_route53_health_check.blue.id\n" : ""}  weighted_routing_policy {
    weight = ${a}
  }
}

resource "aws_route53_record" "www_green" {
  zone_id        = aws_route53_zone.main.zone_id
  name           = "www.example.com"
  type           = "CNAME"
  ttl            = 60
  set_identifier = "green"
  records        = ["green.example.com"]
  weighted_routing_policy {
    weight = ${b}
  }
}
`;

describe("Route 53 weighted records", () => {
  it("90/10 → 50/50 is a share shift onto green; 50/50 → 100/0 concentrates on blue", () => {
    expect(review(RECORDS(90, 10), RECORDS(50, 50), "dns/www.tf").findings.find((f) => f.rule === "share-shift")).toMatchObject({ severity: "high", line: 22 });
    expect(review(RECORDS(50, 50), RECORDS(100, 0), "dns/www.tf").findings.find((f) => f.rule === "traffic-concentration")).toMatchObject({ severity: "critical" });
  });

  it("weights of 0 in every record are equal shares, as Route 53 answers", () => {
    expect(review(RECORDS(1, 1), RECORDS(0, 0), "dns/www.tf").findings.filter((f) => f.severity !== "info")).toEqual([]);
  });

  it("removing health_check_id removes the record's health check", () => {
    const a = review(RECORDS(50, 50), RECORDS(50, 50, false), "dns/www.tf");
    expect(a.findings.map((f) => f.rule)).toContain("health-check-removed");
  });
});

describe("a module directory", () => {
  it("a variable declared in variables.tf sets a weight in main.tf", () => {
    const main = `resource "aws_lb_listener" "app" {
  load_balancer_arn = aws_lb.app.arn
  port              = 80
  default_action {
    type = "forward"
    forward {
      target_group {
        arn    = aws_lb_target_group.blue.arn
        weight = var.blue_weight
      }
      target_group {
        arn    = aws_lb_target_group.green.arn
        weight = var.green_weight
      }
    }
  }
}
`;
    const vars = (b: number, g: number) => `variable "blue_weight" {\n  default = ${b}\n}\n\nvariable "green_weight" {\n  default = ${g}\n}\n`;
    const groups = 'resource "aws_lb_target_group" "blue" {\n  port = 80\n}\nresource "aws_lb_target_group" "green" {\n  port = 80\n}\n';
    const files = (b: number, g: number) => [
      { path: "infra/main.tf", text: main },
      { path: "infra/variables.tf", text: vars(b, g) },
      { path: "infra/groups.tf", text: groups },
    ];
    const a = analyze(files(50, 50), files(100, 0), loadPolicy(null));
    expect(a.findings.find((f) => f.rule === "traffic-concentration")).toBeDefined();
  });
});
