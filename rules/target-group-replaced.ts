import type { Rule, RuleHit } from "./rule.js";

const tg = (port: number) =>
  `resource "aws_lb_target_group" "app" {\n  name     = "app"\n  port     = ${port}\n  protocol = "HTTP"\n  vpc_id   = "vpc-1"\n}\n`;

export const targetGroupReplaced: Rule = {
  id: "target-group-replaced",
  severity: "high",
  title: "Target group replaced",
  description:
    "A Terraform target group argument that forces replacement changes (`name`, `port`, `protocol`, `target_type`, `vpc_id`): Terraform destroys the group and creates a new, empty one.",
  rationale:
    "The new group has no registered targets until attachments or the Auto Scaling group register them again and their health checks pass; listeners forwarding to it return 503 in between, and `create_before_destroy` with a fixed `name` cannot help.",
  assumptions: "Only values known statically are compared: an argument computed from variables or functions the parser cannot evaluate is not judged.",
  formats: ["terraform"],
  examples: {
    fires: { format: "terraform", before: tg(80), after: tg(8080) },
    silent: { format: "terraform", before: tg(80), after: tg(80).replace('protocol = "HTTP"', 'protocol = "HTTP"\n  slow_start = 30') },
  },
  check({ changes }) {
    const hits: RuleHit[] = [];
    for (const p of changes.pools) {
      const was = p.before?.replacedOnChange;
      const now = p.after?.replacedOnChange;
      if (!was || !now) continue;
      const dynamic = (v: { value: string } | undefined) => v?.value.startsWith("(not static") === true;
      const changed = [...new Set([...Object.keys(was), ...Object.keys(now)])]
        .sort()
        .filter((k) => was[k]?.value !== now[k]?.value && !dynamic(was[k]) && !dynamic(now[k]));
      if (changed.length === 0) continue;
      const what = changed.map((k) => `${k} ${was[k]?.value ?? "(unset)"} → ${now[k]?.value ?? "(unset)"}`).join(", ");
      const at = changed.flatMap((k) => (now[k] ? [now[k].loc] : []));
      hits.push({
        message: `${p.name}: ${what} replaces the target group: it starts empty until its targets register again`,
        loc: at[0] ?? p.after!.loc,
        related: at.slice(1),
      });
    }
    return hits;
  },
};
