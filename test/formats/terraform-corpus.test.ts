import { describe, expect, it } from "vitest";
import { terraform } from "../../src/formats/terraform/index.js";
import type { Model } from "../../src/model/types.js";
import { CORPUS_SKIP_REASON, corpusAvailable, parsedCorpus } from "../support/corpus.js";

const { files, model } = parsedCorpus("terraform-aws", terraform);
const summary = (m: Model) => ({
  pools: m.pools.map((p) => `${p.key} ${p.algorithm.name}`),
  workloads: m.workloads.map((w) => `${w.name}→${w.labels.target_group}×${w.replicas}`),
  routes: m.routes.map((r) => `${r.key}: ${r.targets.map((t) => `${t.kind}:${"name" in t ? t.name : t.kind === "dynamic" ? "dyn" : t.id}*${t.weight}`).join(" ")}`),
});

describe.skipIf(!corpusAvailable)(`terraform corpus${corpusAvailable ? "" : ` (${CORPUS_SKIP_REASON})`}`, () => {
  it("has the files these tests describe", () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files.map((f) => [f.name]))("%s parses without error diagnostics", (name) => {
    expect(model(name).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("weighted forward with stickiness: blue/green targets, weights unknown (the map lives in another file)", () => {
    const m = model("learn-advanced-deployments-weighted-forward-stickiness.tf");
    expect(m.diagnostics).toEqual([]);
    expect(summary(m).routes).toEqual(["terraform:corpus:listener:app: ref:blue*null ref:green*null"]);
    expect(m.routes[0]!.name).toBe("listener app (HTTP:80)");
    expect(m.routes[0]!.listeners[0]!.flags).toEqual(["HTTP", "application"]);
    expect(m.routes[0]!.targets.map((t) => t.loc.line)).toEqual([80, 85]);
  });

  it("blue target group: pool blue, attachments whose count depends on another resource's variable", () => {
    const m = model("learn-advanced-deployments-blue-target-group.tf");
    expect(m.diagnostics).toEqual([]);
    expect(summary(m)).toEqual({ pools: ["terraform:corpus:target_group:blue round-robin"], workloads: ["blue→blue×null"], routes: [] });
    expect(m.workloads[0]!.loc.line).toBe(35);
    expect(m.workloads[0]!.healthCheck).toMatchObject({ kind: "http", intervalMs: 10_000, rise: 3, fall: 3, loc: { line: 26, endLine: 31 } });
  });

  it("single target group listener forwards everything to blue", () => {
    expect(summary(model("learn-advanced-deployments-main-single-target-group.tf")).routes).toEqual(["terraform:corpus:listener:app: ref:blue*1"]);
  });

  it("NLB: a TCP target group hashes flows", () => {
    const m = model("nginx-demos-nlb-tcp.tf");
    expect(m.diagnostics).toEqual([]);
    expect(summary(m)).toEqual({
      pools: ["terraform:corpus:target_group:main flow-hash"],
      workloads: [],
      routes: ["terraform:corpus:listener:main: ref:main*1"],
    });
    expect(m.pools[0]!.settings).toMatchObject({ protocol: "TCP", port: "80" });
    expect(m.routes[0]!.listeners[0]!.flags).toEqual(["TCP", "network"]);
  });

  it("checkov target groups: aws_lb_* and aws_alb_* twins stay apart", () => {
    const m = model("checkov-fixture-lb-target-groups.tf");
    expect(m.diagnostics).toEqual([]);
    expect(m.pools).toHaveLength(6);
    expect(summary(m).routes).toEqual([
      "terraform:corpus:listener:public_load_balancer_https_listener: ref:public_fargate_target_group*1",
      "terraform:corpus:listener:public_load_balancer_https_listener#aws_alb_listener: ref:public_fargate_target_group*1",
    ]);
    expect(m.pools.find((p) => p.key === "terraform:corpus:target_group:public_fargate_target_group")!.settings.stickiness).toBe("lb_cookie (disabled)");
  });

  it("checkov listener protocols: forwards to variables are external; redirects and empty listeners answer themselves", () => {
    const m = model("checkov-fixture-listener-protocols.tf");
    expect(m.diagnostics).toEqual([]);
    const forwarding = m.routes.filter((r) => r.targets.length > 0);
    expect(forwarding).toHaveLength(11);
    expect(forwarding.every((r) => r.targets.length === 1 && r.targets[0]!.kind === "external")).toBe(true);
    // Listeners that never forward are routes with no target: a removed rule's traffic goes there.
    const answering = m.routes.filter((r) => r.targets.length === 0);
    expect(answering.map((r) => r.key.replace("terraform:corpus:listener:", "")).sort()).toEqual(expect.arrayContaining(["http_redirect", "wrong_redirect"]));
    expect(answering.every((r) => r.fallback === true && / answers with /.test(r.name))).toBe(true);
  });

  it("module example: the ALB declared through terraform-aws-modules/alb inputs is read (its weighted forward 60/40)", () => {
    const m = model("terraform-aws-alb-example-complete-alb.tf");
    expect(m.pools.map((p) => p.key)).toEqual([
      "terraform:corpus:module:alb:target_group:ex-instance",
      "terraform:corpus:module:alb:target_group:ex-lambda-with-trigger",
      "terraform:corpus:module:alb:target_group:ex-lambda-without-trigger",
    ]);
    const weighted = m.routes.find((r) => r.key === "terraform:corpus:module:alb:listener:ex-http-weighted-target")!;
    expect(weighted.targets.map((t) => [t.kind === "ref" ? t.name : t.kind, t.weight, t.loc.line])).toEqual([
      ["l1-", 60, 190],
      ["h1", 40, 194],
    ]);
  });

  it("module internals: unknown instances, dynamic actions shown as unknown with one warning per resource", () => {
    const m = model("terraform-aws-alb-module-main.tf");
    expect(m.diagnostics.map((d) => [d.severity, d.loc.line])).toEqual([
      ["warning", 214],
      ["warning", 439],
    ]);
    expect(summary(m)).toEqual({
      pools: ["terraform:corpus:target_group:this unknown"],
      workloads: ["this→this×null", "additional→this×null"],
      routes: ["terraform:corpus:listener:this: dynamic:dyn*null dynamic:dyn*null", "terraform:corpus:listener_rule:this: dynamic:dyn*null dynamic:dyn*null"],
    });
    expect(m.pools[0]!.settings.instances).toBe("unknown (for_each)");
  });

  it("wellcome: HTTPS listener to an ECS target group; legacy-syntax rules", () => {
    expect(summary(model("wellcome-grafana-alb-target-group-https.tf"))).toEqual({
      pools: ["terraform:corpus:target_group:ecs_service round-robin"],
      workloads: [],
      routes: ["terraform:corpus:listener:https: ref:ecs_service*1"],
    });
    const loris = model("wellcome-loris-alb-listener-rules-legacy-syntax.tf");
    expect(loris.diagnostics).toEqual([]);
    expect(summary(loris).routes).toEqual(["terraform:corpus:listener:https: ", "terraform:corpus:listener_rule:https: external:module.service.target_group_arn*1"]);
    const rule = loris.routes.find((r) => r.key.includes("listener_rule"))!;
    expect(rule.condition).toBe("path-pattern /image/*");
    expect(rule.listeners[0]!.flags).toEqual(["HTTPS", "tls", "application"]);
    expect(rule.scope).toBe("terraform:corpus:listener:https");
  });
});
