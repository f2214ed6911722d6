/**
 * Services and Istio DestinationRule subsets become pools whose backends the linker fills from
 * the workloads their selector matches (in any file of the version).
 */
import type { Algorithm, Loc, Pool } from "../../model/types.js";
import type { Build, Obj } from "./context.js";
import type { PMap } from "../yaml-lines.js";
import type { Reader } from "./reader.js";

export const serviceKey = (namespace: string, name: string) => `kubernetes:service:${namespace}/${name}`;
export const subsetKey = (namespace: string, host: string, subset: string) => `kubernetes:subset:${namespace}/${host}/${subset}`;

const SERVICE_TYPES = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];

/**
 * kube-proxy picks among the ready endpoints with equal probability (iptables mode), so every
 * pod of the selected workloads gets 1/N; `sessionAffinity: ClientIP` pins clients, which keeps
 * the expectation proportional.
 */
export function readService(o: Obj, b: Build): void {
  const { r } = b;
  const spec = r.map(o.node, "spec", "Service spec");
  if (!spec) {
    r.error(`Service ${o.namespace}/${o.name} has no spec`, o.kindLoc);
    return;
  }
  const settings: Record<string, string> = {};
  const type = r.string(spec, "type", "spec.type");
  if (type && !SERVICE_TYPES.includes(type.value)) r.error(`spec.type must be one of ${SERVICE_TYPES.join(", ")}, not ${type.value}`, type.loc);
  settings.type = type?.value ?? "ClusterIP";
  const ports = r.maps(r.seq(spec, "ports", "spec.ports"), "a Service port").map((p) => portText(r, p));
  if (ports.length > 0) settings.ports = ports.join(", ");
  for (const key of ["externalName", "externalTrafficPolicy", "internalTrafficPolicy", "publishNotReadyAddresses", "clusterIP"]) {
    const v = r.text(spec, key);
    if (v !== undefined && !(key === "clusterIP" && v !== "None")) settings[key] = v;
  }

  const affinity = r.string(spec, "sessionAffinity", "spec.sessionAffinity");
  if (affinity && affinity.value !== "ClientIP" && affinity.value !== "None") r.error(`spec.sessionAffinity must be ClientIP or None, not ${affinity.value}`, affinity.loc);
  const headless = settings.clusterIP === "None";
  // A headless Service has no virtual IP: clients pick a pod address from DNS themselves.
  const algorithm: Algorithm = { name: headless ? "dns" : "kube-proxy", args: affinity?.value === "ClientIP" ? ["ClientIP"] : [] };
  if (affinity) algorithm.loc = affinity.loc;

  const pool: Pool = {
    key: serviceKey(o.namespace, o.name),
    name: `${o.namespace}/${o.name}`,
    format: "kubernetes",
    algorithm,
    allBackups: false,
    backupsSupported: false,
    backends: [],
    settings,
    loc: o.loc,
  };
  // ExternalName Services ignore their selector; Services without one use manually managed
  // Endpoints, which are not read: their backends stay unknown (an empty pool, which rules skip).
  const selector = settings.type === "ExternalName" ? undefined : r.strings(spec, "selector", "spec.selector");
  if (selector && Object.keys(selector.values).length > 0) pool.selector = { namespace: o.namespace, labels: selector.values };
  b.pools.push(pool);
}

function portText(r: Reader, p: PMap): string {
  const port = r.int(p, "port", "port", 1, 65535);
  if (!r.entry(p, "port")) r.error("a Service port needs `port`", p);
  const target = r.intOrString(p, "targetPort", "targetPort");
  const protocol = r.string(p, "protocol", "protocol")?.value ?? "TCP";
  const from = port?.value ?? "?";
  return `${from}→${target?.value ?? from}/${protocol}`;
}

/** host → (namespace, Service name) when it names an in-cluster Service; null for other hosts. */
export function serviceOfHost(host: string, namespace: string): { namespace: string; name: string } | null {
  if (!host.includes(".")) return { namespace, name: host };
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?\.?$/.exec(host);
  return m ? { namespace: m[3]!, name: m[1]! } : null;
}

const SIMPLE: Record<string, string> = {
  ROUND_ROBIN: "round-robin",
  LEAST_REQUEST: "least-request",
  LEAST_CONN: "least-request",
  RANDOM: "random",
  PASSTHROUGH: "passthrough",
};

/**
 * Each DestinationRule subset is a pool of the pods carrying its labels. This is an
 * approximation: Istio's subset is the Service's endpoints filtered by those labels, but the
 * Service's own selector is not intersected here (the Service may live in another file).
 * A subset-level trafficPolicy overrides the rule's, field by field. Outlier detection is shown
 * as settings: it ejects failing pods, it does not replace their readiness.
 */
export function readDestinationRule(o: Obj, b: Build): void {
  const { r } = b;
  const spec = r.map(o.node, "spec", "DestinationRule spec");
  const host = r.string(spec, "host", "spec.host");
  if (!spec || !host) {
    r.error(`DestinationRule ${o.namespace}/${o.name} has no spec.host`, spec ?? o.kindLoc);
    return;
  }
  const inCluster = serviceOfHost(host.value, o.namespace);
  const svc = inCluster ?? { namespace: o.namespace, name: host.value };
  const top = r.map(spec, "trafficPolicy", "spec.trafficPolicy");
  for (const subset of r.maps(r.seq(spec, "subsets", "spec.subsets"), "a subset")) {
    const name = r.string(subset, "name", "subset name");
    if (!name) {
      r.error("a subset needs a name", subset);
      continue;
    }
    const own = r.map(subset, "trafficPolicy", "subset trafficPolicy");
    const lbOwner = r.entry(own, "loadBalancer") ? own : top;
    const lbNode = r.map(lbOwner, "loadBalancer", "trafficPolicy.loadBalancer");
    const outlier = r.map(own, "outlierDetection", "trafficPolicy.outlierDetection") ?? r.map(top, "outlierDetection", "trafficPolicy.outlierDetection");
    const settings: Record<string, string> = { host: host.value };
    for (const key of ["consecutive5xxErrors", "consecutiveGatewayErrors", "consecutiveErrors", "interval", "baseEjectionTime", "maxEjectionPercent"]) {
      const v = r.text(outlier, key);
      if (v !== undefined) settings[`outlierDetection.${key}`] = v;
    }
    const labels = r.strings(subset, "labels", "subset labels");
    const pool: Pool = {
      key: subsetKey(svc.namespace, svc.name, name.value),
      name: `${svc.namespace}/${svc.name}/${name.value}`,
      format: "kubernetes",
      algorithm: loadBalancer(r, lbNode, r.at(lbOwner, "loadBalancer")),
      allBackups: false,
      backupsSupported: false,
      backends: [],
      settings,
      loc: r.loc(subset),
    };
    // A subset is the host Service's endpoints that also carry its labels (none: all of them).
    pool.selector = {
      namespace: svc.namespace,
      labels: labels?.values ?? {},
      within: { serviceKey: inCluster ? serviceKey(svc.namespace, svc.name) : `kubernetes:external:${host.value}`, name: `${svc.namespace}/${svc.name}` },
    };
    b.pools.push(pool);
  }
}

/** Istio's default (no loadBalancer, or UNSPECIFIED) is LEAST_REQUEST. Hash and least-request count as weight-proportional. */
function loadBalancer(r: Reader, lb: PMap | undefined, where: Loc | undefined): Algorithm {
  if (!lb) return { name: "least-request", args: [] };
  const loc = where ?? r.loc(lb);
  const simple = r.string(lb, "simple", "loadBalancer.simple");
  if (simple) {
    if (simple.value === "UNSPECIFIED") return { name: "least-request", args: [], loc };
    const name = SIMPLE[simple.value];
    if (!name) r.error(`loadBalancer.simple must be one of ${Object.keys(SIMPLE).join(", ")}, not ${simple.value}`, simple.loc);
    return { name: name ?? simple.value.toLowerCase(), args: [], loc };
  }
  const hash = r.map(lb, "consistentHash", "loadBalancer.consistentHash");
  if (hash) {
    const cookie = r.entry(hash, "httpCookie");
    const args = [
      ...(r.text(hash, "httpHeaderName") !== undefined ? [`header ${r.text(hash, "httpHeaderName")}`] : []),
      ...(cookie && cookie.value.kind === "map" ? [`cookie ${r.text(cookie.value, "name") ?? "?"}`] : []),
      ...(r.entry(hash, "useSourceIp")?.value.kind === "scalar" ? ["source-ip"] : []),
      ...(r.text(hash, "httpQueryParameterName") !== undefined ? [`query ${r.text(hash, "httpQueryParameterName")}`] : []),
    ];
    return { name: "hash", args, loc };
  }
  return { name: "least-request", args: [], loc };
}
