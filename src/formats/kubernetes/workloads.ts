/**
 * Deployments, StatefulSets, ReplicaSets and Argo Rollouts become Workloads (one backend per
 * replica of every Service that selects their pod labels); HorizontalPodAutoscalers set the
 * replica count of the workload they scale.
 */
import type { HealthCheck, Loc, Workload } from "../../model/types.js";
import type { Build, Hpa, Obj } from "./context.js";
import type { PMap } from "../yaml-lines.js";
import type { Reader } from "./reader.js";

export function readWorkload(o: Obj, b: Build): void {
  const { r } = b;
  const spec = r.map(o.node, "spec", `${o.kind} spec`);
  if (!spec) {
    r.error(`${o.kind} ${o.namespace}/${o.name} has no spec`, o.kindLoc);
    return;
  }
  const notes: string[] = [];
  let replicas: number | null = 1;
  let where: Loc = o.kindLoc;
  const entry = r.entry(spec, "replicas");
  if (entry) {
    const n = r.int(spec, "replicas", "spec.replicas");
    replicas = n?.value ?? null;
    where = n?.loc ?? r.loc(entry);
  } else if (r.entry(spec, "workloadRef")) {
    // A Rollout may take its pod template (and scale) from a Deployment named by workloadRef.
    replicas = 1;
  } else notes.push("replicas not set: Kubernetes' default of 1");

  const template = r.map(spec, "template", "spec.template");
  let labels: Record<string, string> = {};
  let healthCheck: HealthCheck = { kind: "none", loc: o.loc };
  if (template) {
    const metadata = r.map(template, "metadata", "spec.template.metadata");
    labels = r.strings(metadata, "labels", "spec.template.metadata.labels")?.values ?? {};
    if (Object.keys(labels).length === 0) r.warn(`${o.kind} ${o.name}: the pod template has no labels, so no Service can select it`, template);
    healthCheck = readiness(r, template, o);
  } else if (o.kind === "Rollout" && r.entry(spec, "workloadRef")) {
    const ref = r.map(spec, "workloadRef", "spec.workloadRef");
    notes.push(`pod template from ${r.text(ref, "kind") ?? "Deployment"} ${r.text(ref, "name") ?? "?"} (workloadRef): labels unknown here`);
  } else {
    r.error(`${o.kind} ${o.namespace}/${o.name} has no spec.template`, o.kindLoc);
  }
  if (o.kind === "Rollout") notes.push(...rolloutNotes(r, spec));

  b.workloads.push({ kind: o.kind, name: o.name, namespace: o.namespace, labels, replicas, healthCheck, notes, loc: where });
}

/** The readiness probe of the first container: what takes a pod out of its Services' endpoints. */
function readiness(r: Reader, template: PMap, o: Obj): HealthCheck {
  const podSpec = r.map(template, "spec", "spec.template.spec");
  const containers = r.maps(r.seq(podSpec, "containers", "spec.template.spec.containers"), "a container");
  if (podSpec && containers.length === 0) r.error(`${o.kind} ${o.name}: the pod template has no containers`, podSpec);
  const first = containers[0];
  const probe = r.map(first, "readinessProbe", "readinessProbe");
  if (!first || !probe) return { kind: "none", loc: first ? r.loc(first) : r.loc(template) };
  const interval = r.int(probe, "periodSeconds", "readinessProbe.periodSeconds", 1)?.value ?? 10;
  const fall = r.int(probe, "failureThreshold", "readinessProbe.failureThreshold", 1)?.value ?? 3;
  const rise = r.int(probe, "successThreshold", "readinessProbe.successThreshold", 1)?.value ?? 1;
  const base = { intervalMs: interval * 1000, rise, fall, loc: r.at(first, "readinessProbe") ?? r.loc(probe) };
  const port = (m: PMap | undefined) => r.text(m, "port") ?? "?";
  const http = r.map(probe, "httpGet", "readinessProbe.httpGet");
  if (http) return { kind: "http", ...base, detail: `GET ${r.text(http, "path") ?? "/"} :${port(http)}` };
  const grpc = r.map(probe, "grpc", "readinessProbe.grpc");
  if (grpc) return { kind: "http", ...base, detail: `grpc :${port(grpc)}` };
  const tcp = r.map(probe, "tcpSocket", "readinessProbe.tcpSocket");
  if (tcp) return { kind: "tcp", ...base, detail: `tcp :${port(tcp)}` };
  const exec = r.map(probe, "exec", "readinessProbe.exec");
  if (exec) {
    const command = r.seq(exec, "command", "readinessProbe.exec.command")?.items ?? [];
    const words = command.map((n) => (n.kind === "scalar" ? String(n.value) : "…"));
    return { kind: "tcp", ...base, detail: `exec ${words.join(" ")}`.trim() };
  }
  r.error("readinessProbe needs one of httpGet, grpc, tcpSocket or exec", probe);
  return { kind: "none", loc: r.loc(probe) };
}

/**
 * Argo Rollouts: canary steps describe a progression, not a state. At rest (after promotion)
 * the new version takes 100%, so no split is modelled; the steps are shown as a note.
 */
function rolloutNotes(r: Reader, spec: PMap): string[] {
  const strategy = r.map(spec, "strategy", "spec.strategy");
  const notes: string[] = [];
  const canary = r.map(strategy, "canary", "spec.strategy.canary");
  if (canary) {
    const steps = r.maps(r.seq(canary, "steps", "spec.strategy.canary.steps"), "a canary step").map((step) => {
      const e = step.entries[0];
      if (!e) return "?";
      const name = e.key;
      if (name === "setWeight") return `setWeight ${e.value.kind === "scalar" ? String(e.value.value) : "?"}`;
      if (name === "pause") {
        const duration = e.value.kind === "map" ? r.text(e.value, "duration") : undefined;
        return duration ? `pause ${duration}` : "pause";
      }
      return name;
    });
    if (steps.length > 0) notes.push(`canary steps: ${steps.join(", ")} (100% after promotion)`);
    const routing = r.map(canary, "trafficRouting", "spec.strategy.canary.trafficRouting");
    const istio = r.map(routing, "istio", "trafficRouting.istio");
    const vs = r.map(istio, "virtualService", "trafficRouting.istio.virtualService");
    if (vs) notes.push(`Argo Rollouts sets the weights of VirtualService ${r.text(vs, "name") ?? "?"} during a rollout`);
    const nginx = r.map(routing, "nginx", "trafficRouting.nginx");
    if (nginx) notes.push(`Argo Rollouts creates a canary Ingress for ${r.text(nginx, "stableIngress") ?? "?"} during a rollout`);
  }
  const blueGreen = r.map(strategy, "blueGreen", "spec.strategy.blueGreen");
  if (blueGreen) notes.push(`blue-green: active Service ${r.text(blueGreen, "activeService") ?? "?"}, preview ${r.text(blueGreen, "previewService") ?? "none"}`);
  return notes;
}

export function readHpa(o: Obj, b: Build): void {
  const { r } = b;
  const spec = r.map(o.node, "spec", "HorizontalPodAutoscaler spec");
  const ref = r.map(spec, "scaleTargetRef", "spec.scaleTargetRef");
  if (!spec || !ref) {
    r.error(`HorizontalPodAutoscaler ${o.name} has no spec.scaleTargetRef`, spec ?? o.kindLoc);
    return;
  }
  const kind = r.string(ref, "kind", "scaleTargetRef.kind");
  const name = r.string(ref, "name", "scaleTargetRef.name");
  if (!kind || !name) {
    r.error("scaleTargetRef needs a kind and a name", ref);
    return;
  }
  const maxReplicas = r.int(spec, "maxReplicas", "spec.maxReplicas", 1);
  if (!r.entry(spec, "maxReplicas")) r.error(`HorizontalPodAutoscaler ${o.name} has no spec.maxReplicas`, spec);
  const hpa: Hpa = {
    name: o.name,
    namespace: o.namespace,
    targetKind: kind.value,
    targetName: name.value,
    minReplicas: r.int(spec, "minReplicas", "spec.minReplicas"),
    maxReplicas: maxReplicas?.value,
    loc: r.loc(ref),
  };
  b.hpas.push(hpa);
}

/**
 * An HPA manages the replica count of its target: its minReplicas is the floor we model. Only
 * HPAs in the same file are seen here; an HPA in another file of the PR cannot be (the model
 * links workloads to Services across files, but not HPAs to workloads), so its workload keeps
 * spec.replicas.
 */
export function applyHpas(b: Build): void {
  const seen = new Set<Workload>();
  for (const hpa of b.hpas) {
    const w = b.workloads.find((x) => x.kind === hpa.targetKind && x.name === hpa.targetName && x.namespace === hpa.namespace);
    if (!w) continue;
    if (seen.has(w)) {
      b.r.warn(`${w.kind} ${w.name} is scaled by more than one HorizontalPodAutoscaler; Kubernetes refuses to act on either`, hpa.loc);
      continue;
    }
    seen.add(w);
    const max = hpa.maxReplicas ?? "?";
    if (hpa.minReplicas) {
      w.replicas = hpa.minReplicas.value;
      w.loc = hpa.minReplicas.loc;
      w.notes = [...w.notes.filter((n) => !n.startsWith("replicas not set")), `HPA minReplicas (max ${max})`];
    } else {
      // Kubernetes defaults minReplicas to 1, but the count under an HPA is its decision: unknown.
      w.replicas = null;
      w.loc = hpa.loc;
      w.notes = [...w.notes.filter((n) => !n.startsWith("replicas not set")), `HPA ${hpa.name} without minReplicas: replica count unknown (max ${max})`];
    }
  }
}
