/**
 * Two route changes a history replay found (cloudposse/terraform-aws-alb #187 and #190, Apache-2.0;
 * modelled, no text copied): a listener switched from forward to a redirect is a real risk; a
 * listener that forwarded nowhere and is repaired is not a retarget.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { initFormats } from "../../src/formats/index.js";
import { review } from "../support/review.js";

beforeAll(async () => {
  await initFormats();
});

const listener = (action: string) => `resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.app.arn
  port              = 443
  protocol          = "HTTPS"
  default_action {
${action}
  }
}
resource "aws_lb_target_group" "app" {
  port = 80
}
`;
const FORWARD = '    type             = "forward"\n    target_group_arn = aws_lb_target_group.app.arn';
const REDIRECT = '    type = "redirect"\n    redirect {\n      port        = "443"\n      protocol    = "HTTPS"\n      status_code = "HTTP_301"\n    }';

describe("route-retarget at its edges", () => {
  it("a listener that stops forwarding (forward → redirect) is high", () => {
    const a = review("terraform", listener(FORWARD), listener(REDIRECT));
    expect(a.findings.find((f) => f.rule === "route-retarget")).toMatchObject({ severity: "high", line: 1 });
    expect(a.findings.find((f) => f.rule === "route-retarget")!.message).toContain("no longer forwards");
  });

  it("a listener that forwarded nowhere and forwards again is a repair, not a retarget", () => {
    const a = review("terraform", listener(REDIRECT), listener(FORWARD));
    expect(a.findings.filter((f) => f.rule === "route-retarget")).toEqual([]);
  });
});
