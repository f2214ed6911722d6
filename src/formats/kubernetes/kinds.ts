/**
 * The Kubernetes kinds lb-review interprets, by API group, and the cheap content check that
 * claims a file for this parser. Kinds of other groups with the same name (a Knative `Service`,
 * Traefik's CRDs under traefik.io / traefik.containo.us) are not ours.
 */

export const KIND_GROUPS: Readonly<Record<string, readonly string[]>> = {
  Service: [""],
  Ingress: ["networking.k8s.io", "extensions"],
  HTTPRoute: ["gateway.networking.k8s.io"],
  GRPCRoute: ["gateway.networking.k8s.io"],
  VirtualService: ["networking.istio.io"],
  DestinationRule: ["networking.istio.io"],
  Deployment: ["apps", "extensions"],
  StatefulSet: ["apps"],
  ReplicaSet: ["apps", "extensions"],
  Rollout: ["argoproj.io"],
  HorizontalPodAutoscaler: ["autoscaling"],
};

/** "networking.k8s.io/v1" → "networking.k8s.io"; the core group ("v1") is "". */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

export function interpreted(apiVersion: string, kind: string): boolean {
  return Object.hasOwn(KIND_GROUPS, kind) && KIND_GROUPS[kind]!.includes(groupOf(apiVersion));
}

const KIND_LINE = /^(\s*)(?:-\s+)?kind\s*:\s*(["']?)([A-Za-z][\w.]*)\2\s*(?:#.*)?$/;
const API_LINE = /^(\s*)(?:-\s+)?apiVersion\s*:\s*(["']?)([\w./-]+)\2\s*(?:#.*)?$/;
const JSON_KIND = /"kind"\s*:\s*"([A-Za-z][\w.]*)"/g;
const JSON_API = /"apiVersion"\s*:\s*"([\w./-]+)"/g;

/**
 * Whether the text holds a Kubernetes object we interpret: a YAML document with a top-level
 * `apiVersion` and `kind` (or a `List` whose items are such objects), or the same as JSON.
 */
export function detectKubernetes(text: string): boolean {
  const head = text.trimStart();
  if (head.startsWith("{") || head.startsWith("[")) {
    const kinds = [...text.matchAll(JSON_KIND)].map((m) => m[1]!);
    const apis = [...text.matchAll(JSON_API)].map((m) => m[1]!);
    return kinds.some((k) => apis.some((a) => interpreted(a, k)));
  }
  for (const doc of text.split(/^---[ \t]*(?:#.*)?\r?$/m)) {
    let apiVersion: string | undefined;
    let kind: string | undefined;
    const nested: { api: string[]; kinds: string[] } = { api: [], kinds: [] };
    for (const line of doc.split(/\r?\n/)) {
      const k = KIND_LINE.exec(line);
      const a = API_LINE.exec(line);
      if (k && k[1] === "" && !line.startsWith("-")) kind = k[3];
      else if (k) nested.kinds.push(k[3]!);
      if (a && a[1] === "" && !line.startsWith("-")) apiVersion = a[3];
      else if (a) nested.api.push(a[3]!);
    }
    if (apiVersion === undefined || kind === undefined) continue;
    if (interpreted(apiVersion, kind)) return true;
    if (kind.endsWith("List") && nested.kinds.some((k) => nested.api.some((a) => interpreted(a, k)))) return true;
  }
  return false;
}
