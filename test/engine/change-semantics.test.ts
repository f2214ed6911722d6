/** Change semantics: what counts as introduced, re-pointed or retargeted. */
import { describe, expect, it } from "vitest";
import { MAX_FILE_BYTES } from "../../src/engine/analyze.js";
import { review } from "../support/review.js";

const unparseable = (a: ReturnType<typeof review>) => a.findings.filter((f) => f.rule === "unparseable-config");

describe("pre-existing errors do not re-fire", () => {
  const broken = "upstream app {\n  server 10.0.0.1:80 weight=0;\n  server 10.0.0.2:80;\n}\n";

  it("after a line shift", () => {
    const a = review("nginx", broken, `# header\n# more\n\n${broken}`);
    expect(unparseable(a)).toEqual([]);
  });

  it("when the erroneous line itself was edited but the error is the same kind", () => {
    const a = review("nginx", broken, broken.replace("10.0.0.1:80 weight=0", "10.0.0.1:81 weight=0"));
    expect(unparseable(a)).toEqual([]);
  });

  it("when only a number in the message changed (an oversized file grew)", () => {
    const big = (n: number) => `upstream app {\n  server 10.0.0.1:80;\n}\n${"#".repeat(MAX_FILE_BYTES + n)}\n`;
    expect(unparseable(review("nginx", big(10), big(5000)))).toEqual([]);
  });

  it("a new error in a file that already had errors is one medium finding, at the new error", () => {
    const a = review("nginx", broken, broken.replace("10.0.0.2:80;", "10.0.0.2:80 weight=0;").replace("}\n", "  server 10.0.0.3:80 weight=0;\n}\n"));
    expect(unparseable(a).map((f) => [f.severity, f.line])).toEqual([["medium", 3]]);
    expect(unparseable(a)[0]!.message).toMatch(/\(and 1 more\); the file already had errors before this change$/);
  });

  it("a new error in a file that parsed is critical, and its message carries no line number", () => {
    const clean = broken.replace(" weight=0", "");
    const a = review("nginx", clean, broken);
    expect(unparseable(a).map((f) => [f.severity, f.line])).toEqual([["critical", 2]]);
    expect(unparseable(a)[0]!.message).not.toMatch(/:\d+:/);
  });
});

describe("re-pointed pools", () => {
  it("same server names on new ports is pool-repointed (medium), at the new addresses", () => {
    const before = "backend app\n  server a 10.0.0.1:80 check\n  server b 10.0.0.2:80 check\n";
    const a = review("haproxy", before, before.replaceAll(":80 ", ":8080 "));
    expect(a.findings.map((f) => [f.rule, f.severity, f.line])).toEqual([["pool-repointed", "medium", 2]]);
    expect(a.findings[0]!.related.map((l) => l.line)).toEqual([3]);
  });

  it("replacing the only backend of a one-backend pool is pool-repointed, not traffic-concentration", () => {
    const a = review("nginx", "upstream app {\n  server 10.0.0.1:80;\n}\n", "upstream app {\n  server 10.0.0.7:80;\n}\n");
    expect(a.findings.map((f) => [f.rule, f.severity])).toEqual([["pool-repointed", "medium"]]);
    expect(a.risk).toBe("medium");
  });

  it("keeping one old address is not a re-point", () => {
    const a = review("nginx", "upstream app {\n  server 10.0.0.1:80;\n  server 10.0.0.2:80;\n}\n", "upstream app {\n  server 10.0.0.1:80;\n  server 10.0.0.3:80;\n}\n");
    expect(a.findings.filter((f) => f.rule === "pool-repointed")).toEqual([]);
  });
});

describe("expressions are compared by their tokens", () => {
  const groups = ["app", "maintenance"].map((g) => `resource "aws_lb_target_group" "${g}" {\n  port = 80\n  protocol = "HTTP"\n}\n`).join("");
  const listener = (expr: string) =>
    `resource "aws_lb_listener" "web" {\n  load_balancer_arn = aws_lb.main.arn\n  port = 80\n  protocol = "HTTP"\n  default_action {\n    type = "forward"\n    target_group_arn = ${expr}\n  }\n}\n${groups}`;

  it("re-indentation and spacing never make a retarget", () => {
    const a = review("terraform", listener("lookup( local.arns , var.env )"), listener("lookup(local.arns, var.env)"));
    expect(a.findings.filter((f) => f.severity !== "info")).toEqual([]);
    expect(a.changes.routes.filter((r) => r.targetsChanged)).toEqual([]);
  });

  it("an equivalent expression over the same resource is the same target", () => {
    const a = review("terraform", listener('join("", aws_lb_target_group.app.*.arn)'), listener("one(aws_lb_target_group.app[*].arn)"));
    expect(a.findings.filter((f) => f.rule === "route-retarget")).toEqual([]);
  });

  it("an expression over another resource is a retarget", () => {
    const a = review("terraform", listener("element(aws_lb_target_group.app[*].arn, 0)"), listener("element(aws_lb_target_group.maintenance[*].arn, 0)"));
    expect(a.findings.find((f) => f.rule === "route-retarget")).toMatchObject({ severity: "high", line: 7 });
  });
});
