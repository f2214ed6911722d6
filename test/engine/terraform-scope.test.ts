import { describe, expect, it } from "vitest";
import { analyze } from "../../src/engine/analyze.js";
import { loadPolicy } from "../../src/policy/load.js";
import { toJsonReport } from "../../src/report/json.js";
import { review } from "../support/review.js";

const tg = (count: string) => `resource "aws_lb_target_group" "app" {
  name     = "app"
  port     = 80
  protocol = "HTTP"
  vpc_id   = "vpc-1"
}
resource "aws_lb_target_group_attachment" "app" {
  count            = ${count}
  target_group_arn = aws_lb_target_group.app.arn
  target_id        = "i-0123"
}
`;

describe("unknown counts", () => {
  it("a count that becomes unknown is not judged as one backend left", () => {
    const a = review("terraform", tg("4"), tg("var.n"));
    expect(a.findings.filter((f) => f.rule === "active-backends-reduced")).toEqual([]);
    const pool = toJsonReport(a).pools[0]!;
    expect(pool.after!.backends.map((b) => b.share)).toEqual([null]);
  });
});

describe("Terraform modules are directories", () => {
  it("two root modules with the same target group name do not share backends", () => {
    const files = [
      { path: "envs/prod/lb.tf", text: tg("4") },
      { path: "envs/staging/lb.tf", text: tg("1") },
    ];
    const a = analyze([], files, loadPolicy(null));
    const pools = toJsonReport(a).pools.map((p) => [p.file, p.after!.backends.length]);
    expect(pools).toEqual([
      ["envs/prod/lb.tf", 4],
      ["envs/staging/lb.tf", 1],
    ]);
  });
});
