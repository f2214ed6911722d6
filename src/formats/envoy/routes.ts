/**
 * Envoy listeners and RouteConfigurations into routes: every route of every virtual host is one
 * branch (its volume is unknown); its targets are the cluster, the weighted_clusters split (the
 * sum of weights is the denominator) or a dynamic cluster_header. tcp_proxy filters are routes too.
 */
import type { Listener, Resilience, Route, Target, Timeout } from "../../model/types.js";
import type { PEntry, PMap, PNode } from "../yaml-lines.js";
import { clusterKey } from "./cluster.js";
import { at, type Ctx, durationMs, entry, error, get, listOf, mapOf, mapsOf, scalar, str, typeUrl, uint, warn } from "./values.js";

export interface RouteSink {
  routes: Route[];
  keys: Set<string>;
}

export function addRoute(sink: RouteSink, route: Route): void {
  let key = route.key;
  for (let n = 2; sink.keys.has(key); n++) key = `${route.key}#${n}`;
  sink.keys.add(key);
  sink.routes.push({ ...route, key });
}

export function readListener(ctx: Ctx, node: PMap, index: number, sink: RouteSink): void {
  const name = str(ctx, node, "name") ?? `listener-${index + 1}`;
  const addressNode = get(ctx, node, "address");
  const address = addressNode ? addressText(ctx, addressNode) : "";
  const chains = mapsOf(ctx, node, "filter_chains", "filter chain");
  const dflt = mapOf(ctx, node, "default_filter_chain");
  if (dflt) chains.push(dflt);
  chains.forEach((chain, ci) => {
    const tls = isTls(ctx, get(ctx, chain, "transport_socket"));
    const listeners: Listener[] = address ? [{ address, flags: tls ? ["tls"] : [], loc: at(ctx, addressNode!) }] : [];
    const chainMatch = describeChainMatch(get(ctx, chain, "filter_chain_match"));
    for (const filter of mapsOf(ctx, chain, "filters", "filter")) {
      const filterName = str(ctx, filter, "name") ?? "";
      const config = get(ctx, filter, "typed_config") ?? get(ctx, filter, "config");
      const type = typeUrl(config);
      if (/http_connection_manager$/.test(filterName) || type.endsWith("HttpConnectionManager")) {
        const rc = config ? mapOf(ctx, config, "route_config") : undefined;
        if (rc) readRouteConfig(ctx, rc, { listeners, fallbackName: name }, sink);
        else if (!get(ctx, config, "rds") && !get(ctx, config, "scoped_routes")) {
          error(ctx, filter, `http_connection_manager of listener "${name}" needs a route_config, rds or scoped_routes`);
        }
      } else if (/tcp_proxy$/.test(filterName) || type.endsWith("TcpProxy")) {
        const targets = config ? clusterTargets(ctx, config, "tcp") : [];
        if (config && targets.length === 0) error(ctx, filter, `tcp_proxy of listener "${name}" needs a cluster or weighted_clusters`);
        const chainLabel = chains.length > 1 ? ` chain ${ci + 1}` : "";
        const route: Route = {
          key: `envoy:tcp:${name}:${ci}`,
          name: `${name}${chainLabel} tcp_proxy`,
          format: "envoy",
          listeners: [...listeners],
          targets,
          loc: at(ctx, filter),
        };
        if (chainMatch) route.condition = chainMatch;
        addRoute(sink, route);
      }
    }
  });
}

interface RouteContext {
  listeners: Listener[];
  fallbackName: string;
}

export function readRouteConfig(ctx: Ctx, rc: PMap, rctx: RouteContext, sink: RouteSink): void {
  const rcName = str(ctx, rc, "name") ?? rctx.fallbackName;
  for (const vh of mapsOf(ctx, rc, "virtual_hosts", "virtual host")) {
    const vhName = str(ctx, vh, "name");
    if (vhName === undefined) error(ctx, vh, "virtual host needs a name");
    const domains = listOf(ctx, vh, "domains").map((d) => String(scalar(d) ?? ""));
    if (domains.length === 0) error(ctx, vh, `virtual host "${vhName ?? "?"}" needs domains`);
    const hostCondition = domains.length > 0 && !domains.includes("*") ? `domains ${domains.join(",")}; ` : "";
    for (const r of mapsOf(ctx, vh, "routes", "route")) {
      const match = mapOf(ctx, r, "match");
      if (!match) error(ctx, r, "route needs a match");
      const matchText = match ? describeMatch(ctx, match) : "?";
      const route: Route = {
        key: `envoy:route:${rcName}:${vhName ?? ""}:${matchText}`,
        name: `${vhName ?? "?"} ${matchText}`,
        format: "envoy",
        condition: `${hostCondition}${matchText}`,
        listeners: [...rctx.listeners],
        targets: routeTargets(ctx, r),
        ...routeResilience(ctx, r, vh),
        loc: at(ctx, r),
      };
      addRoute(sink, route);
    }
  }
}

/**
 * A route action's `timeout` (Envoy's default is 15s) and `retry_policy`, which the route may
 * inherit from its virtual host. Without a policy Envoy does not retry.
 */
function routeResilience(ctx: Ctx, r: PMap, vh: PMap): Resilience {
  const action = mapOf(ctx, r, "route");
  if (!action) return {};
  const timeout = entry(ctx, action, "timeout");
  const ms = timeout ? durationMs(ctx, action, "timeout") : 15_000;
  const timeouts: Record<string, Timeout> = ms === null || ms === undefined ? {} : { timeout: { ms, loc: timeout ? at(ctx, timeout) : at(ctx, r) } };
  const policyEntry = entry(ctx, action, "retry_policy") ?? entry(ctx, vh, "retry_policy");
  const policy = policyEntry?.value.kind === "map" ? policyEntry.value : undefined;
  if (!policy) return { timeouts, retries: { attempts: 0, on: [], loc: at(ctx, r) } };
  const n = uint(ctx, policy, "num_retries");
  const on = String(scalar(get(ctx, policy, "retry_on")) ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
  return { timeouts, retries: { attempts: n ? n.value : 1, on, loc: at(ctx, policyEntry!) } };
}

function routeTargets(ctx: Ctx, r: PMap): Target[] {
  const action = mapOf(ctx, r, "route");
  if (action) {
    const targets = clusterTargets(ctx, action, "http");
    if (targets.length === 0) {
      error(ctx, entry(ctx, r, "route")!, "route action needs a cluster, cluster_header, weighted_clusters or cluster_specifier_plugin");
    }
    return targets;
  }
  if (["redirect", "direct_response", "filter_action", "non_forwarding_action"].some((k) => entry(ctx, r, k))) return [];
  error(ctx, r, "route needs an action: route, redirect or direct_response");
  return [];
}

/** Targets of a RouteAction or a TcpProxy: cluster, weighted_clusters or a dynamic name. */
function clusterTargets(ctx: Ctx, action: PNode, kind: "http" | "tcp"): Target[] {
  const cluster = entry(ctx, action, "cluster");
  if (cluster) {
    const name = str(ctx, action, "cluster");
    if (!name) {
      error(ctx, cluster, "cluster needs a name");
      return [];
    }
    return [ref(ctx, name, 1, cluster)];
  }
  const header = entry(ctx, action, "cluster_header");
  if (header) return [{ kind: "dynamic", expression: `header ${str(ctx, action, "cluster_header") ?? ""}`, weight: 1, loc: at(ctx, header) }];
  const plugin = entry(ctx, action, "cluster_specifier_plugin") ?? entry(ctx, action, "inline_cluster_specifier_plugin");
  if (plugin) return [{ kind: "dynamic", expression: `cluster_specifier_plugin`, weight: 1, loc: at(ctx, plugin) }];
  const weighted = mapOf(ctx, action, "weighted_clusters");
  if (!weighted) return [];
  const targets: Target[] = [];
  for (const c of mapsOf(ctx, weighted, "clusters", "weighted cluster")) {
    const w = uint(ctx, c, "weight");
    let weight: number | null = w ? w.value : null;
    if (w === undefined) {
      if (kind === "tcp") error(ctx, c, "weighted cluster needs a weight");
      else warn(ctx, c, "weighted cluster without a weight: it counts as 0");
      weight = kind === "tcp" ? null : 0;
    } else if (w && w.value === 0 && kind === "tcp") {
      error(ctx, w.entry, "tcp_proxy weighted cluster weight must be at least 1");
      weight = null;
    }
    // The target points at its weight: the line that decides its share.
    const span = { line: w ? w.entry.line : c.line, endLine: c.endLine };
    const name = str(ctx, c, "name");
    const dynamic = entry(ctx, c, "cluster_header");
    if (name) targets.push(ref(ctx, name, weight, span));
    else if (dynamic) targets.push({ kind: "dynamic", expression: `header ${str(ctx, c, "cluster_header") ?? ""}`, weight, loc: at(ctx, span) });
    else error(ctx, c, "weighted cluster needs a name");
  }
  if (targets.length === 0) {
    error(ctx, entry(ctx, action, "weighted_clusters")!, "weighted_clusters needs clusters");
    return [{ kind: "dynamic", expression: "weighted_clusters (empty)", weight: null, loc: at(ctx, weighted) }];
  }
  const known = targets.map((t) => t.weight);
  if (known.every((w) => w !== null) && known.reduce<number>((s, w) => s + (w ?? 0), 0) === 0) {
    error(ctx, entry(ctx, action, "weighted_clusters")!, "the weights of weighted_clusters add up to 0");
  }
  return targets;
}

function ref(ctx: Ctx, name: string, weight: number | null, span: PEntry | { line: number; endLine: number }): Target {
  return { kind: "ref", poolKey: clusterKey(name), name, unresolved: "missing", weight, loc: at(ctx, span) };
}

/** "prefix /x", "path /x", "regex ^/a", plus header and query conditions. */
export function describeMatch(ctx: Ctx, match: PMap): string {
  const parts: string[] = [];
  const text = (k: string) => str(ctx, match, k);
  const prefix = text("prefix");
  const path = text("path");
  const regex = str(ctx, get(ctx, match, "safe_regex"), "regex") ?? text("regex");
  const sep = text("path_separated_prefix");
  if (prefix !== undefined) parts.push(`prefix ${prefix}`);
  else if (path !== undefined) parts.push(`path ${path}`);
  else if (regex !== undefined) parts.push(`regex ${regex}`);
  else if (sep !== undefined) parts.push(`path-prefix ${sep}`);
  else if (entry(ctx, match, "connect_matcher")) parts.push("connect");
  else if (entry(ctx, match, "path_match_policy")) {
    const tpl = str(ctx, get(ctx, get(ctx, match, "path_match_policy"), "typed_config"), "path_template");
    parts.push(`path-template ${tpl ?? "?"}`);
  } else error(ctx, match, "route match needs prefix, path, safe_regex, path_separated_prefix, connect_matcher or path_match_policy");
  for (const h of mapsOf(ctx, match, "headers", "header matcher")) parts.push(`header ${describeHeader(ctx, h)}`);
  for (const q of mapsOf(ctx, match, "query_parameters", "query parameter matcher")) parts.push(`query ${describeHeader(ctx, q)}`);
  if (entry(ctx, match, "grpc")) parts.push("grpc");
  return parts.join(" ");
}

function describeHeader(ctx: Ctx, h: PMap): string {
  const name = str(ctx, h, "name") ?? "?";
  const not = scalar(get(ctx, h, "invert_match")) === true ? "!" : "";
  const sm = get(ctx, h, "string_match");
  const value =
    (str(ctx, h, "exact_match") !== undefined && `=${str(ctx, h, "exact_match")}`) ||
    (str(ctx, sm, "exact") !== undefined && `=${str(ctx, sm, "exact")}`) ||
    (str(ctx, h, "prefix_match") !== undefined && ` prefix ${str(ctx, h, "prefix_match")}`) ||
    (str(ctx, sm, "prefix") !== undefined && ` prefix ${str(ctx, sm, "prefix")}`) ||
    (str(ctx, h, "suffix_match") !== undefined && ` suffix ${str(ctx, h, "suffix_match")}`) ||
    (str(ctx, sm, "suffix") !== undefined && ` suffix ${str(ctx, sm, "suffix")}`) ||
    (str(ctx, sm, "contains") !== undefined && ` contains ${str(ctx, sm, "contains")}`) ||
    (get(ctx, h, "safe_regex_match") && ` regex ${str(ctx, get(ctx, h, "safe_regex_match"), "regex") ?? ""}`) ||
    (get(ctx, sm, "safe_regex") && ` regex ${str(ctx, get(ctx, sm, "safe_regex"), "regex") ?? ""}`) ||
    (get(ctx, h, "present_match") && " present") ||
    "";
  return `${not}${name}${value}`;
}

function describeChainMatch(m: PNode | undefined): string | undefined {
  if (m?.kind !== "map") return undefined;
  const parts = m.entries.map((e) => {
    const v = e.value;
    const shown = v.kind === "seq" ? v.items.map((i) => String(scalar(i) ?? "…")).join(",") : v.kind === "scalar" ? String(v.value) : "…";
    return `${e.key} ${shown}`;
  });
  return parts.length > 0 ? parts.join("; ") : undefined;
}

function addressText(ctx: Ctx, address: PNode): string {
  const sock = get(ctx, address, "socket_address");
  if (sock) {
    const host = str(ctx, sock, "address") ?? "";
    const port = uint(ctx, sock, "port_value");
    const shown = host.includes(":") ? `[${host}]` : host;
    return port ? `${shown}:${port.value}` : shown;
  }
  const pipe = str(ctx, get(ctx, address, "pipe"), "path");
  if (pipe) return `unix:${pipe}`;
  return "";
}

function isTls(ctx: Ctx, ts: PNode | undefined): boolean {
  if (!ts) return false;
  const name = String(scalar(get(ctx, ts, "name")) ?? "");
  return /tls/i.test(name) || /TlsContext/.test(typeUrl(get(ctx, ts, "typed_config")));
}
