/**
 * Traefik's Kubernetes CRDs (traefik.io/v1alpha1, traefik.containo.us/v1alpha1): IngressRoute,
 * IngressRouteTCP and IngressRouteUDP routes, and TraefikService splits and mirrors. Kubernetes
 * Services are targets `kubernetes:service:<namespace>/<name>`: the Kubernetes parser declares
 * them (possibly in another file); unresolved they are external, of known share but unknown spread.
 */
import type { Listener, Loc, Route, Target } from "../../model/types.js";
import { describeNode, type PMap, type PNode } from "../yaml-lines.js";
import { type Child, expand, type ServiceNode } from "./graph.js";
import { at, type Ctx, entry, error, get, int, listOf, mapOf, str, strings, warn } from "./values.js";
import type { Output } from "./dynamic.js";

export const TRAEFIK_API = /^traefik\.(io|containo\.us)\//;

const ROUTE_KINDS = ["IngressRoute", "IngressRouteTCP", "IngressRouteUDP"];
/** Traefik kinds that do not route traffic to backends (middlewares, TLS, transports). */
const OTHER_KINDS = ["Middleware", "MiddlewareTCP", "TLSOption", "TLSStore", "ServersTransport", "ServersTransportTCP"];

export const k8sServiceKey = (namespace: string, name: string) => `kubernetes:service:${namespace}/${name}`;

interface Doc {
  kind: string;
  name: string;
  namespace: string;
  spec: PMap | undefined;
  node: PMap;
}

export function isTraefikCrd(ctx: Ctx, root: PNode): boolean {
  const api = get(ctx, root, "apiVersion");
  return api?.kind === "scalar" && typeof api.value === "string" && TRAEFIK_API.test(api.value);
}

export function readCrds(ctx: Ctx, roots: PMap[], out: Output): void {
  const docs: Doc[] = [];
  for (const node of roots) {
    const kind = str(ctx, node, "kind");
    const meta = mapOf(ctx, node, "metadata");
    const name = str(ctx, meta, "name");
    if (!kind) {
      error(ctx, node, "Traefik resource needs a kind");
      continue;
    }
    if (OTHER_KINDS.includes(kind)) continue;
    if (kind !== "TraefikService" && !ROUTE_KINDS.includes(kind)) {
      warn(ctx, entry(ctx, node, "kind")!, `unknown Traefik kind "${kind}"`);
      continue;
    }
    if (!name) {
      error(ctx, meta ?? node, `${kind} needs metadata.name`);
      continue;
    }
    docs.push({ kind, name, namespace: str(ctx, meta, "namespace") ?? "default", spec: mapOf(ctx, node, "spec"), node });
  }
  const services = new Map<string, Doc>();
  for (const d of docs) {
    if (d.kind !== "TraefikService") continue;
    const id = `${d.namespace}/${d.name}`;
    if (services.has(id)) error(ctx, d.node, `TraefikService ${id} is defined more than once`);
    else services.set(id, d);
  }
  const nodes = new Map<string, ServiceNode>();
  const lookup = (id: string): ServiceNode => {
    let n = nodes.get(id);
    if (!n) nodes.set(id, (n = serviceNode(ctx, id, services)));
    return n;
  };
  const problem = (message: string, loc: Loc) => {
    if (!ctx.diagnostics.some((d) => d.message === message)) ctx.diagnostics.push({ severity: "error", message, loc });
  };
  const reached = new Set<string>();
  for (const d of docs) {
    if (!ROUTE_KINDS.includes(d.kind)) continue;
    if (!d.spec) {
      error(ctx, d.node, `${d.kind} ${d.namespace}/${d.name} needs a spec`);
      continue;
    }
    const eps = strings(ctx, d.spec, "entryPoints");
    const tls = get(ctx, d.spec, "tls") !== undefined;
    const listeners: Listener[] = (eps.values.length > 0 ? eps.values : ["*"]).map((address) => ({
      address,
      flags: tls ? ["tls"] : [],
      loc: at(ctx, eps.entry ?? d.node),
    }));
    const routes = listOf(ctx, d.spec, "routes", `${d.kind} routes`);
    if (routes.length === 0) error(ctx, entry(ctx, d.spec, "routes") ?? d.spec, `${d.kind} ${d.namespace}/${d.name} needs routes`);
    const seen = new Set<string>();
    routes.forEach((r, i) => {
      if (r.kind !== "map") {
        error(ctx, r, `each route must be a mapping, found ${describeNode(r)}`);
        return;
      }
      const match = str(ctx, r, "match");
      if (match === undefined && d.kind !== "IngressRouteUDP") error(ctx, r, `${d.kind} route needs a match`);
      const refs = listOf(ctx, r, "services", "route services");
      const children = refs.flatMap((s) => child(ctx, s, d.namespace, d.kind === "IngressRoute"));
      if (refs.length === 0) error(ctx, r, `${d.kind} route needs services`);
      const targets: Target[] = [];
      const notes: string[] = [];
      for (const c of children) {
        const single = children.length === 1;
        const w = single ? 1 : c.weight === undefined ? 1 : c.weight === null ? null : Math.max(0, c.weight);
        const x = expand(lookup, c, w, single, problem);
        targets.push(...x.targets);
        for (const n of x.notes) if (!notes.includes(n)) notes.push(n);
        for (const v of x.visited) reached.add(v);
      }
      const label = match ?? `route ${i + 1}`;
      let key = `traefik:${d.kind.toLowerCase()}:${d.namespace}/${d.name}:${label}`;
      if (seen.has(key)) key = `${key}#${i + 1}`;
      seen.add(key);
      const route: Route = {
        key,
        name: `${d.namespace}/${d.name} ${label}${notes.length > 0 ? ` [${notes.join("; ")}]` : ""}`,
        format: "traefik",
        listeners,
        targets,
        loc: at(ctx, r),
      };
      if (match !== undefined) route.condition = match;
      out.routes.push(route);
    });
  }
  // A TraefikService no route in this file reaches is reviewed as its own split.
  for (const [id, d] of services) {
    if (reached.has(`ts:${id}`)) continue;
    const x = expand(lookup, { id: `ts:${id}`, weight: 1, loc: at(ctx, d.node) }, 1, true, problem);
    for (const v of x.visited) reached.add(v);
    out.routes.push({
      key: `traefik:traefikservice:${id}`,
      name: `TraefikService ${id}${x.notes.length > 0 ? ` [${x.notes.join("; ")}]` : ""}`,
      format: "traefik",
      listeners: [],
      targets: x.targets,
      loc: at(ctx, d.node),
    });
  }
}

/**
 * A service reference {name, namespace, kind, port, weight}. Kind defaults to Service, except in
 * TraefikService specs where a name with @provider is always a TraefikService.
 */
function child(ctx: Ctx, s: PNode, namespace: string, allowTraefikService: boolean): Child[] {
  if (s.kind !== "map") {
    error(ctx, s, `each service must be a mapping, found ${describeNode(s)}`);
    return [];
  }
  const name = str(ctx, s, "name");
  if (!name) {
    error(ctx, s, "service needs a name");
    return [];
  }
  const kind = str(ctx, s, "kind") ?? "Service";
  if (kind !== "Service" && kind !== "TraefikService") {
    error(ctx, entry(ctx, s, "kind")!, `service kind must be Service or TraefikService, found "${kind}"`);
    return [];
  }
  if (kind === "TraefikService" && !allowTraefikService) {
    error(ctx, entry(ctx, s, "kind")!, "only IngressRoute and TraefikService can refer to a TraefikService");
    return [];
  }
  const ns = str(ctx, s, "namespace") ?? namespace;
  const w = int(ctx, s, "weight");
  if (w && w.value < 0) warn(ctx, w.entry, `weight ${w.value} is not positive: "${name}" gets no traffic`);
  const span = w ? { line: w.entry.line, endLine: Math.max(w.entry.line, s.endLine) } : s;
  const id = kind === "TraefikService" ? (name.includes("@") ? `ext:${name}` : `ts:${ns}/${name}`) : `svc:${ns}/${name}`;
  return [{ id, weight: w === undefined ? undefined : w === null ? null : w.value, loc: at(ctx, span) }];
}

function serviceNode(ctx: Ctx, id: string, services: Map<string, { name: string; namespace: string; spec: PMap | undefined; node: PMap }>): ServiceNode {
  const colon = id.indexOf(":");
  const space = id.slice(0, colon);
  const ref = id.slice(colon + 1);
  if (space === "svc") {
    const [ns, name] = [ref.slice(0, ref.indexOf("/")), ref.slice(ref.indexOf("/") + 1)];
    return { kind: "leaf", target: (weight, loc) => ({ kind: "ref", poolKey: k8sServiceKey(ns, name), name: ref, unresolved: "external", weight, loc }) };
  }
  const d = space === "ts" ? services.get(ref) : undefined;
  if (!d) {
    // api@internal, another provider's service, or a TraefikService in another file.
    const name = space === "ts" ? `TraefikService ${ref}` : ref;
    return { kind: "leaf", target: (weight, loc): Target => ({ kind: "external", name, weight, loc }) };
  }
  const loc = at(ctx, d.node);
  const weighted = mapOf(ctx, d.spec, "weighted");
  const hrw = mapOf(ctx, d.spec, "highestRandomWeight");
  const mirroring = mapOf(ctx, d.spec, "mirroring");
  const split = weighted ?? hrw;
  if (split) {
    const children = listOf(ctx, split, "services").flatMap((s) => child(ctx, s, d.namespace, true));
    if (children.length === 0) error(ctx, split, `TraefikService ${ref} needs services`);
    return { kind: "split", name: ref, hashing: !weighted, children, loc };
  }
  const failover = mapOf(ctx, d.spec, "failover");
  if (failover) {
    // The fallback takes traffic only when the main service is down: a backup, 0 in steady state.
    const main = get(ctx, failover, "service");
    const fallback = get(ctx, failover, "fallback");
    const children = [...(main ? child(ctx, main, d.namespace, true) : []), ...(fallback ? child(ctx, fallback, d.namespace, true).map((c) => ({ ...c, weight: 0 })) : [])];
    if (!main) error(ctx, failover, `TraefikService ${ref} failover needs a service`);
    return { kind: "split", name: ref, hashing: false, children, loc };
  }
  if (mirroring) {
    const main = child(ctx, mirroring, d.namespace, true)[0] ?? null;
    const mirrors = listOf(ctx, mirroring, "mirrors").flatMap((m) => {
      const n = str(ctx, m, "name");
      const p = int(ctx, m, "percent");
      if (p && (p.value < 0 || p.value > 100)) error(ctx, p.entry, `mirror percent must be between 0 and 100, found ${p.value}`);
      return n ? [p ? `${n} ${p.value}%` : n] : [];
    });
    return { kind: "mirror", name: ref, main, mirrors, loc };
  }
  error(ctx, d.spec ?? d.node, `TraefikService ${ref} needs weighted, highestRandomWeight, mirroring or failover`);
  return { kind: "leaf", target: (weight, l): Target => ({ kind: "external", name: `TraefikService ${ref}`, weight, loc: l }) };
}
