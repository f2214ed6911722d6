/**
 * Entry points: Ingress paths (with ingress-nginx canaries), Gateway API HTTPRoute/GRPCRoute
 * rules and Istio VirtualService routes. Each branch of traffic is one Route; its targets point
 * at Service pools (resolved by the linker, possibly in another file) or DestinationRule subsets.
 */
import type { Listener, Loc, Resilience, Route, Target } from "../../model/types.js";
import { parseDuration } from "../duration.js";
import type { Build, CanaryPath, Obj } from "./context.js";
import { serviceKey, serviceOfHost, subsetKey } from "./services.js";
import type { PMap, PNode, PSeq } from "../yaml-lines.js";
import type { Reader } from "./reader.js";

/** The object each route key came from, to tell a conflict between objects from a repeated object. */
const owners = new WeakMap<Route, string>();

/** Adds a route; a key already taken in this file is replaced, as applying the file would. */
export function addRoute(b: Build, route: Route, owner: string, conflict: string): void {
  const i = b.routes.findIndex((x) => x.key === route.key);
  owners.set(route, owner);
  if (i < 0) {
    b.routes.push(route);
    return;
  }
  const old = b.routes[i]!;
  if (owners.get(old) !== owner) b.r.warn(`${conflict} (line ${old.loc.line}); the later one is modelled`, route.loc);
  b.routes[i] = route;
}

const ownerOf = (o: Obj) => `${o.kind}/${o.namespace}/${o.name}`;

const serviceRef = (namespace: string, name: string, loc: Loc, weight: number | null = 1): Target => ({
  kind: "ref",
  poolKey: serviceKey(namespace, name),
  name: `${namespace}/${name}`,
  unresolved: "external",
  weight,
  loc,
});

// ── Ingress ────────────────────────────────────────────────────────────────

const NGINX = "nginx.ingress.kubernetes.io/";

/**
 * Each path of each rule is a route keyed by namespace, host and path (not by Ingress name),
 * so an ingress-nginx canary Ingress for the same host and path can be merged into it.
 */
export function readIngress(o: Obj, b: Build): void {
  const { r } = b;
  const spec = r.map(o.node, "spec", "Ingress spec");
  if (!spec) {
    r.error(`Ingress ${o.namespace}/${o.name} has no spec`, o.kindLoc);
    return;
  }
  const annotations = r.strings(o.metadata, "annotations", "metadata.annotations");
  const canary = annotations?.values[`${NGINX}canary`] === "true";
  const tls = tlsHosts(r, spec);
  const paths: Omit<CanaryPath, "weight" | "total" | "header" | "headerDetail" | "cookie">[] = [];

  const rules = r.maps(r.seq(spec, "rules", "spec.rules"), "an Ingress rule");
  for (const rule of rules) {
    const host = r.string(rule, "host", "rule host");
    const hostName = host?.value ?? "*";
    const listeners: Listener[] = [{ address: hostName, flags: tls(hostName) ? ["tls"] : [], loc: host?.loc ?? r.loc(rule) }];
    const http = r.map(rule, "http", "rule http");
    const list = r.seq(http, "paths", "http.paths");
    if (http && !list) r.error("an Ingress rule's http needs paths", http);
    for (const p of r.maps(list, "an Ingress path")) {
      const path = r.string(p, "path", "path")?.value ?? "/";
      const backend = r.map(p, "backend", "path backend");
      if (!backend) {
        r.error(`Ingress path ${hostName}${path} has no backend`, p);
        continue;
      }
      const target = ingressTarget(r, backend, o.namespace);
      if (!target) continue;
      const routeKey = `kubernetes:ingress:${o.namespace}:${hostName}:${path}`;
      paths.push({ ingress: o.name, namespace: o.namespace, host: hostName, path, routeKey, target, listeners, loc: r.loc(p) });
    }
  }
  const fallback = r.map(spec, "defaultBackend", "spec.defaultBackend") ?? r.map(spec, "backend", "spec.backend");
  if (fallback) {
    const target = ingressTarget(r, fallback, o.namespace);
    const routeKey = `kubernetes:ingress:${o.namespace}:*:default`;
    const where = r.at(spec, "defaultBackend") ?? r.at(spec, "backend") ?? r.loc(fallback);
    if (target) paths.push({ ingress: o.name, namespace: o.namespace, host: "*", path: "default", routeKey, target, listeners: [], loc: where });
  }
  if (rules.length === 0 && !fallback) r.error(`Ingress ${o.namespace}/${o.name} has neither rules nor a default backend`, spec);

  if (!canary) {
    for (const p of paths) {
      const name = p.path === "default" ? `default backend (ingress ${o.name})` : `${p.host}${p.path} (ingress ${o.name})`;
      const route: Route = { key: p.routeKey, name, format: "kubernetes", listeners: p.listeners, targets: [p.target], loc: p.loc };
      addRoute(b, route, ownerOf(o), `${p.host}${p.path} is also routed by another Ingress; ingress-nginx serves it from the oldest`);
    }
    return;
  }
  const ann = (k: string) => annotations?.values[`${NGINX}${k}`];
  const weight = canaryNumber(r, annotations?.locs[`${NGINX}canary-weight`], ann("canary-weight"), "canary-weight", 0);
  const total = canaryNumber(r, annotations?.locs[`${NGINX}canary-weight-total`], ann("canary-weight-total"), "canary-weight-total", 1)?.value ?? 100;
  const header = ann("canary-by-header");
  const value = ann("canary-by-header-value");
  const pattern = ann("canary-by-header-pattern");
  const headerDetail = value !== undefined ? `=${value}` : pattern !== undefined ? ` ~ ${pattern}` : undefined;
  for (const p of paths) b.canaries.push({ ...p, weight, total, header, headerDetail, cookie: ann("canary-by-cookie") });
}

function canaryNumber(r: Reader, loc: Loc | undefined, text: string | undefined, what: string, min: number) {
  if (text === undefined || !loc) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) {
    r.error(`${NGINX}${what} must be a whole number${min > 0 ? ` of at least ${min}` : ""}, not ${JSON.stringify(text)}`, loc);
    return undefined;
  }
  return { value: Number(text), loc };
}

/** A predicate: whether a host is covered by one of the Ingress's TLS entries. */
function tlsHosts(r: Reader, spec: PMap): (host: string) => boolean {
  const hosts: string[] = [];
  for (const t of r.maps(r.seq(spec, "tls", "spec.tls"), "a tls entry")) {
    for (const h of r.seq(t, "hosts", "tls hosts")?.items ?? []) {
      const s = r.asString(h, "a tls host");
      if (s) hosts.push(s.value);
    }
  }
  return (host) => hosts.some((h) => h === host || (h.startsWith("*.") && host.endsWith(h.slice(1)) && !host.slice(0, -h.length + 1).includes(".")));
}

/** networking.k8s.io/v1 `service: {name, port}` or `resource`, extensions/v1beta1 `serviceName`/`servicePort`. */
function ingressTarget(r: Reader, backend: PMap, namespace: string): Target | undefined {
  const loc = r.loc(backend);
  const service = r.map(backend, "service", "backend.service");
  if (service) {
    const name = r.string(service, "name", "backend.service.name");
    if (!name) {
      r.error("backend.service needs a name", service);
      return undefined;
    }
    return serviceRef(namespace, name.value, loc);
  }
  const legacy = r.string(backend, "serviceName", "backend.serviceName");
  if (legacy) return serviceRef(namespace, legacy.value, loc);
  const resource = r.map(backend, "resource", "backend.resource");
  if (resource) return { kind: "external", name: `${r.text(resource, "kind") ?? "resource"} ${namespace}/${r.text(resource, "name") ?? "?"}`, weight: 1, loc };
  r.error("an Ingress backend needs service (or serviceName) or resource", backend);
  return undefined;
}

/**
 * ingress-nginx canaries. A weighted canary (canary-weight N of canary-weight-total, default
 * 100; a canary without weight, header or cookie has weight 0) is merged into the main
 * Ingress's route for the same host and path in this file: main total−N, canary N. Header and
 * cookie canaries take precedence over the weight, for the requests that carry them: a separate
 * conditional route. A weighted canary whose main Ingress is not in this file (another file of
 * the PR, or the cluster) is its own route, with the unseen main Ingress as an external target:
 * we cannot merge across files here.
 */
export function mergeCanaries(b: Build): void {
  const merged = new Set<Route>();
  for (const c of b.canaries) {
    const label = c.path === "default" ? "default backend" : `${c.host}${c.path}`;
    const by = [c.header !== undefined ? `header ${c.header}` : undefined, c.cookie !== undefined ? `cookie ${c.cookie}` : undefined].filter((x) => x !== undefined);
    if (by.length > 0) {
      const condition = by.join(" or ");
      const detail = c.header !== undefined && c.headerDetail ? `header ${c.header}${c.headerDetail}` : condition;
      const route: Route = {
        key: `${c.routeKey}#${condition}`,
        name: `${label} (ingress ${c.ingress}, canary by ${detail})`,
        format: "kubernetes",
        condition,
        listeners: c.listeners,
        targets: [{ ...c.target, weight: 1 }],
        loc: c.loc,
      };
      addRoute(b, route, `Ingress/${c.namespace}/${c.ingress}`, `another canary Ingress routes ${label} by ${condition}`);
      if (!c.weight) continue;
    }
    const weight = Math.min(c.weight?.value ?? 0, c.total);
    const canaryTarget: Target = { ...c.target, weight, loc: c.weight?.loc ?? c.target.loc };
    const main = b.routes.find((x) => x.key === c.routeKey);
    if (main) {
      if (merged.has(main)) b.r.warn(`more than one weighted canary for ${label}: ingress-nginx uses one; the later is modelled`, c.loc);
      merged.add(main);
      main.targets = [{ ...main.targets[0]!, weight: c.total - weight }, canaryTarget];
      continue;
    }
    const own: Route = {
      key: c.routeKey,
      name: `${label} (canary ingress ${c.ingress})`,
      format: "kubernetes",
      listeners: c.listeners,
      targets: [{ kind: "external", name: `main Ingress for ${label} (not in this file)`, weight: c.total - weight, loc: c.loc }, canaryTarget],
      loc: c.loc,
    };
    addRoute(b, own, `Ingress/${c.namespace}/${c.ingress}`, `more than one weighted canary for ${label}`);
  }
}

// ── Gateway API ────────────────────────────────────────────────────────────

/**
 * Each rule of an HTTPRoute or GRPCRoute is a route. Rules are positional in the API, so the
 * index is their identity. backendRefs weights default to 1; weight 0 sends nothing.
 */
export function readGatewayRoute(o: Obj, b: Build): void {
  const { r } = b;
  const spec = r.map(o.node, "spec", `${o.kind} spec`);
  if (!spec) {
    r.error(`${o.kind} ${o.namespace}/${o.name} has no spec`, o.kindLoc);
    return;
  }
  const grpc = o.kind === "GRPCRoute";
  const listeners: Listener[] = r.maps(r.seq(spec, "parentRefs", "spec.parentRefs"), "a parentRef").map((p) => {
    const section = r.string(p, "sectionName", "parentRef sectionName");
    return { address: r.string(p, "name", "parentRef name")?.value ?? "?", flags: section ? [section.value] : [], loc: r.loc(p) };
  });
  r.maps(r.seq(spec, "rules", "spec.rules"), `a ${o.kind} rule`).forEach((rule, i) => {
    const matches = r.maps(r.seq(rule, "matches", "rule matches"), "a match").map((m) => gatewayMatch(r, m, grpc));
    const targets = r.maps(r.seq(rule, "backendRefs", "rule backendRefs"), "a backendRef").flatMap((ref): Target[] => {
      const name = r.string(ref, "name", "backendRef name");
      if (!name) {
        r.error("a backendRef needs a name", ref);
        return [];
      }
      const weight = r.entry(ref, "weight") ? (r.int(ref, "weight", "backendRef weight", 0, 1_000_000)?.value ?? null) : 1;
      const namespace = r.string(ref, "namespace", "backendRef namespace")?.value ?? o.namespace;
      const kind = r.string(ref, "kind", "backendRef kind")?.value ?? "Service";
      const group = r.string(ref, "group", "backendRef group")?.value ?? "";
      const loc = r.loc(ref);
      if (kind === "Service" && group === "") return [serviceRef(namespace, name.value, loc, weight)];
      return [{ kind: "external", name: `${kind} ${namespace}/${name.value}`, weight, loc }];
    });
    const route: Route = {
      key: `kubernetes:${o.kind.toLowerCase()}:${o.namespace}/${o.name}:${i}`,
      name: `${o.namespace}/${o.name} rule ${i + 1}`,
      format: "kubernetes",
      listeners,
      targets,
      loc: r.loc(rule),
    };
    if (matches.length > 0) route.condition = matches.join(" or ");
    addRoute(b, route, ownerOf(o), `${o.kind} rule conflict`);
  });
}

function gatewayMatch(r: Reader, m: PMap, grpc: boolean): string {
  const parts: string[] = [];
  const path = r.map(m, "path", "match path");
  if (path) {
    const type = r.text(path, "type") ?? "PathPrefix";
    const op = type === "Exact" ? "= " : type === "RegularExpression" ? "~ " : "";
    parts.push(`path ${op}${r.text(path, "value") ?? "/"}`);
  }
  const method = r.entry(m, "method");
  if (method && grpc && method.value.kind === "map") parts.push(`grpc ${r.text(method.value, "service") ?? "*"}/${r.text(method.value, "method") ?? "*"}`);
  else if (method && method.value.kind === "scalar") parts.push(`method ${String(method.value.value)}`);
  for (const [field, word] of [["headers", "header"], ["queryParams", "query"]] as const) {
    for (const h of r.maps(r.seq(m, field, `match ${field}`), `a ${word} match`)) {
      const op = r.text(h, "type") === "RegularExpression" ? "~" : "=";
      parts.push(`${word} ${r.text(h, "name") ?? "?"}${op}${r.text(h, "value") ?? ""}`);
    }
  }
  return parts.length > 0 ? parts.join(" and ") : "any request";
}

// ── Istio ──────────────────────────────────────────────────────────────────

/**
 * Each http (and tcp, tls) entry of a VirtualService is a route. Destinations are Services,
 * by short name (the VirtualService's namespace) or `<svc>.<ns>.svc.cluster.local`, or their
 * DestinationRule subsets. A single destination takes all traffic whatever its weight; with
 * several, a missing weight is 0.
 */
export function readVirtualService(o: Obj, b: Build): void {
  const { r } = b;
  const spec = r.map(o.node, "spec", "VirtualService spec");
  if (!spec) {
    r.error(`VirtualService ${o.namespace}/${o.name} has no spec`, o.kindLoc);
    return;
  }
  const strings = (key: string) =>
    (r.seq(spec, key, `spec.${key}`)?.items ?? []).flatMap((i) => {
      const s = r.asString(i, `a ${key} entry`);
      return s ? [s] : [];
    });
  const gateways = strings("gateways").map((g) => g.value);
  const listeners: Listener[] = strings("hosts").map((h) => ({ address: h.value, flags: gateways.length > 0 ? gateways : ["mesh"], loc: h.loc }));
  for (const section of ["http", "tcp", "tls"] as const) {
    r.maps(r.seq(spec, section, `spec.${section}`), `a ${section} route`).forEach((item, i) => {
      const own = r.string(item, "name", `${section} route name`)?.value;
      const id = own ?? String(i);
      const matches = r.maps(r.seq(item, "match", `${section} match`), "a match").map((m) => istioMatch(r, m));
      const dests = r.maps(r.seq(item, "route", `${section} route destinations`), "a destination");
      const targets = dests.flatMap((d) => destination(r, d, o.namespace, dests.length));
      const delegate = r.map(item, "delegate", "delegate");
      if (delegate) targets.push({ kind: "external", name: `delegate VirtualService ${r.text(delegate, "namespace") ?? o.namespace}/${r.text(delegate, "name") ?? "?"}`, weight: 100, loc: r.loc(delegate) });
      const route: Route = {
        key: `kubernetes:virtualservice:${o.namespace}/${o.name}:${section === "http" ? "" : `${section}:`}${id}`,
        name: `${o.namespace}/${o.name} ${section} ${own ?? i + 1}`,
        format: "kubernetes",
        listeners,
        targets,
        ...(section === "http" ? istioResilience(r, item) : {}),
        loc: r.loc(item),
      };
      if (matches.length > 0) route.condition = matches.join(" or ");
      addRoute(b, route, ownerOf(o), `route ${id} is declared twice`);
    });
  }
}

/**
 * An Istio HTTP route's `timeout` (none by default) and `retries`. Without a `retries` block
 * Istio retries twice on connect-failure, refused-stream, unavailable, cancelled and
 * retriable-status-codes; `attempts: 0` turns retries off.
 */
const ISTIO_RETRY_ON = ["connect-failure", "refused-stream", "unavailable", "cancelled", "retriable-status-codes"];

function istioResilience(r: Reader, item: PMap): Resilience {
  const out: Resilience = {};
  const timeout = r.string(item, "timeout", "http route timeout");
  const ms = timeout ? parseDuration(timeout.value, "s") : null;
  if (timeout && ms !== null) out.timeouts = { timeout: { ms, loc: timeout.loc } };
  const retries = r.map(item, "retries", "http route retries");
  if (!retries) {
    out.retries = { attempts: 2, on: ISTIO_RETRY_ON, loc: r.loc(item) };
    return out;
  }
  const attempts = r.int(retries, "attempts", "retries.attempts");
  const on = r.text(retries, "retryOn");
  out.retries = {
    attempts: attempts?.value ?? 2,
    on: on !== undefined ? on.split(",").map((x) => x.trim()).filter(Boolean) : ISTIO_RETRY_ON,
    loc: attempts?.loc ?? r.loc(retries),
  };
  return out;
}

function destination(r: Reader, d: PMap, namespace: string, count: number): Target[] {
  const dest = r.map(d, "destination", "route destination");
  const host = r.string(dest, "host", "destination host");
  if (!dest || !host) {
    r.error("a route destination needs destination.host", d);
    return [];
  }
  let weight: number | null = 100;
  if (count > 1) {
    if (r.entry(d, "weight")) weight = r.int(d, "weight", "destination weight", 0, 100)?.value ?? null;
    else {
      weight = 0;
      r.warn(`destination ${host.value} has no weight: with several destinations it receives nothing`, d);
    }
  }
  const loc = r.loc(d);
  const subset = r.string(dest, "subset", "destination subset")?.value;
  const svc = serviceOfHost(host.value, namespace);
  if (subset !== undefined) {
    const ns = svc?.namespace ?? namespace;
    const name = svc?.name ?? host.value;
    return [{ kind: "ref", poolKey: subsetKey(ns, name, subset), name: `${ns}/${name}/${subset}`, unresolved: "external", weight, loc }];
  }
  if (svc) return [serviceRef(svc.namespace, svc.name, loc, weight)];
  return [{ kind: "external", name: `host ${host.value}`, weight, loc }];
}

function istioMatch(r: Reader, m: PMap): string {
  const parts: string[] = [];
  const stringMatch = (node: PNode): string => {
    if (node.kind !== "map") return node.kind === "scalar" ? String(node.value) : "?";
    for (const [key, op] of [["exact", "= "], ["prefix", ""], ["regex", "~ "]] as const) {
      const v = r.text(node, key);
      if (v !== undefined) return `${op}${v}`;
    }
    return "?";
  };
  for (const e of m.entries) {
    const key = e.key;
    if (key === "name") continue;
    if (key === "headers" || key === "queryParams" || key === "withoutHeaders") {
      const word = key === "headers" ? "header" : key === "queryParams" ? "query" : "!header";
      if (e.value.kind === "map") for (const h of e.value.entries) parts.push(`${word} ${h.key} ${stringMatch(h.value)}`);
      continue;
    }
    if (e.value.kind === "map" && ["uri", "scheme", "method", "authority"].includes(key)) parts.push(`${key} ${stringMatch(e.value)}`);
    else if (e.value.kind === "map") parts.push(`${key} ${e.value.entries.map((x) => `${x.key}=${x.value.kind === "scalar" ? String(x.value.value) : "?"}`).join(",")}`);
    else if (e.value.kind === "seq") parts.push(`${key} ${listText(e.value)}`);
    else if (e.value.kind === "scalar") parts.push(`${key} ${String(e.value.value)}`);
  }
  return parts.length > 0 ? parts.join(" and ") : "any request";
}

function listText(s: PSeq): string {
  return s.items
    .map((n) => (n.kind === "scalar" ? String(n.value) : "?"))
    .join(",");
}
