import { type Analysis, analyze } from "../../src/engine/analyze.js";
import type { Format } from "../../src/model/types.js";
import { loadPolicy } from "../../src/policy/load.js";

export const FILE_FOR: Record<Format, string> = {
  nginx: "lb/site.conf",
  haproxy: "lb/haproxy.cfg",
  kubernetes: "k8s/app.yaml",
  terraform: "infra/lb.tf",
  envoy: "envoy/envoy.yaml",
  traefik: "traefik/dynamic.yaml",
};

/** Runs the real engine on one file's two versions (null = absent), beside unchanged `extra` files. */
export function review(
  format: Format,
  before: string | null,
  after: string | null,
  policy: string | null = null,
  extra: { path: string; text: string }[] = [],
  path = FILE_FOR[format],
): Analysis {
  const side = (text: string | null) => [...(text === null ? [] : [{ path, text }]), ...extra];
  const loaded = loadPolicy(policy);
  if (loaded.diagnostics.length > 0) throw new Error(`bad test policy: ${JSON.stringify(loaded.diagnostics)}`);
  return analyze(side(before), side(after), loaded);
}

export const rulesFired = (a: Analysis) => [...new Set(a.findings.map((f) => f.rule))].sort();
