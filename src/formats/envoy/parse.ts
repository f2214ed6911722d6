/**
 * Envoy v3 configuration (YAML or JSON, snake_case or proto-JSON camelCase) into the model.
 * Accepted shapes: a bootstrap (static_resources.clusters / listeners), a discovery response
 * (`resources: [...]`), a list of resources, or a single resource: Cluster, ClusterLoadAssignment
 * (EDS), RouteConfiguration (RDS) or Listener. Resources are told apart by `@type` or their fields.
 */
import { emptyModel, type Model, type Pool } from "../../model/types.js";
import { describeNode, jsonSyntaxError, type PMap, type PNode, parseYamlDocuments } from "../yaml-lines.js";
import { buildCluster, type ClusterInfo, clusterKey, readAssignment } from "./cluster.js";
import { readListener, readRouteConfig, type RouteSink } from "./routes.js";
import { at, type Ctx, entry, error, get, has, mapsOf, protoKeys, str, typeUrl, warn } from "./values.js";

type Kind = "cluster" | "assignment" | "routes" | "listener";

interface Resources {
  clusters: PMap[];
  assignments: PMap[];
  routeConfigs: PMap[];
  listeners: PMap[];
}

const CLUSTER_FIELDS = [
  "load_assignment",
  "lb_policy",
  "connect_timeout",
  "type",
  "cluster_type",
  "eds_cluster_config",
  "health_checks",
  "hosts",
  "load_balancing_policy",
  "outlier_detection",
  "dns_lookup_family",
  "circuit_breakers",
  "common_lb_config",
];

export function parseEnvoy(text: string, file: string): Model {
  const model = emptyModel(file, "envoy");
  // Envoy's YAML loader takes a single mapping for a repeated field as a list of one.
  const ctx: Ctx = { file, diagnostics: model.diagnostics, match: protoKeys, listFromMap: (m) => [m] };
  try {
    if (/\.json$/i.test(file)) {
      const bad = jsonSyntaxError(text);
      if (bad) {
        error(ctx, { line: bad.line, endLine: bad.line }, bad.message);
        return model;
      }
    }
    const parsed = parseYamlDocuments(text, file);
    model.diagnostics.push(...parsed.diagnostics);
    const found: Resources = { clusters: [], assignments: [], routeConfigs: [], listeners: [] };
    for (const doc of parsed.documents) if (doc.root) collect(ctx, doc.root, found, true);
    build(ctx, found, model);
    const nothing = model.pools.length === 0 && model.routes.length === 0;
    if (nothing && model.diagnostics.length === 0 && !parsed.documents.some((d) => d.root && isBootstrap(ctx, d.root))) {
      const first = parsed.documents[0];
      warn(ctx, first ?? { line: 1, endLine: 1 }, "no Envoy clusters, endpoints, routes or listeners found");
    }
  } catch (e) {
    // Defensive: a bug here must surface as a finding, never as a crash or a silent pass.
    error(ctx, { line: 1, endLine: 1 }, `could not read the Envoy config: ${e instanceof Error ? e.message : String(e)}`);
  }
  return model;
}

function isBootstrap(ctx: Ctx, n: PNode): boolean {
  return n.kind === "map" && ["static_resources", "dynamic_resources", "admin", "node", "layered_runtime"].some((k) => entry(ctx, n, k));
}

function collect(ctx: Ctx, root: PNode, found: Resources, top: boolean): void {
  if (root.kind === "seq") {
    for (const item of root.items) {
      if (item.kind !== "map") {
        error(ctx, item, `expected an Envoy resource (a mapping), found ${describeNode(item)}`);
        continue;
      }
      classify(ctx, item, found);
    }
    return;
  }
  if (root.kind !== "map") {
    if (root.value !== null) error(ctx, root, `expected an Envoy bootstrap, resource or list of resources, found ${describeNode(root)}`);
    return;
  }
  if (entry(ctx, root, "static_resources")) {
    const sr = get(ctx, root, "static_resources")!;
    if (sr.kind !== "map") {
      if (!(sr.kind === "scalar" && sr.value === null)) error(ctx, entry(ctx, root, "static_resources")!, `static_resources must be a mapping, found ${describeNode(sr)}`);
      return;
    }
    found.clusters.push(...mapsOf(ctx, sr, "clusters", "cluster"));
    found.listeners.push(...mapsOf(ctx, sr, "listeners", "listener"));
    return;
  }
  if (top && entry(ctx, root, "resources")) {
    const res = get(ctx, root, "resources")!;
    if (res.kind !== "seq") error(ctx, entry(ctx, root, "resources")!, `resources must be a list, found ${describeNode(res)}`);
    else collect(ctx, res, found, false);
    return;
  }
  if (isBootstrap(ctx, root)) return;
  classify(ctx, root, found);
}

function kindOf(ctx: Ctx, n: PMap): Kind | null {
  const type = typeUrl(n);
  if (type.endsWith(".ClusterLoadAssignment")) return "assignment";
  if (type.endsWith(".Cluster")) return "cluster";
  if (type.endsWith(".RouteConfiguration")) return "routes";
  if (type.endsWith(".Listener")) return "listener";
  if (has(ctx, n, "virtual_hosts")) return "routes";
  if (has(ctx, n, "cluster_name") || (has(ctx, n, "endpoints") && !has(ctx, n, "name"))) return "assignment";
  if (has(ctx, n, "filter_chains") || has(ctx, n, "default_filter_chain") || has(ctx, n, "listener_filters")) return "listener";
  if (has(ctx, n, "name") && CLUSTER_FIELDS.some((f) => entry(ctx, n, f))) return "cluster";
  if (has(ctx, n, "address") && has(ctx, n, "name")) return "listener";
  return null;
}

function classify(ctx: Ctx, n: PMap, found: Resources): void {
  switch (kindOf(ctx, n)) {
    case "cluster":
      found.clusters.push(n);
      return;
    case "assignment":
      found.assignments.push(n);
      return;
    case "routes":
      found.routeConfigs.push(n);
      return;
    case "listener":
      found.listeners.push(n);
      return;
    default:
      warn(ctx, n, "not an Envoy resource this tool reads (expected a Cluster, ClusterLoadAssignment, RouteConfiguration or Listener)");
  }
}

function build(ctx: Ctx, found: Resources, model: Model): void {
  const clusters = new Map<string, ClusterInfo>();
  for (const node of found.clusters) {
    const name = str(ctx, node, "name");
    if (!name) {
      error(ctx, node, "cluster needs a name");
      continue;
    }
    if (clusters.has(name)) {
      error(ctx, node, `cluster "${name}" is defined more than once`);
      continue;
    }
    clusters.set(name, buildCluster(ctx, node, name));
  }
  const pools = new Map<string, Pool>([...clusters.values()].map((c) => [c.pool.key, c.pool]));
  const assigned = new Set<string>();
  for (const la of found.assignments) {
    const name = str(ctx, la, "cluster_name");
    if (!name) {
      error(ctx, la, "ClusterLoadAssignment needs a cluster_name");
      continue;
    }
    if (assigned.has(name)) {
      error(ctx, la, `endpoints for cluster "${name}" are given more than once`);
      continue;
    }
    assigned.add(name);
    const cluster = clusters.get(name);
    if (cluster) {
      // EDS: the cluster in this file, its endpoints from the assignment.
      if (cluster.hasEndpoints) {
        warn(ctx, la, `cluster "${name}" already lists its endpoints; this ClusterLoadAssignment is ignored`);
        continue;
      }
      cluster.pool.backends = readAssignment(ctx, la, cluster, "eds");
      delete cluster.pool.settings.endpoints;
      continue;
    }
    // Endpoints alone: the cluster's lb config lives elsewhere. Locality weights are taken to
    // count when given, since a control plane sets them only for locality-weighted clusters.
    const pool: Pool = {
      key: clusterKey(name),
      name,
      format: "envoy",
      algorithm: { name: "round-robin", args: [] },
      allBackups: true,
      backupsSupported: true,
      backends: [],
      settings: { endpoints: "ClusterLoadAssignment (cluster config not in this file)" },
      loc: at(ctx, la),
    };
    const info: ClusterInfo = { pool, node: la, localityWeighted: false, discovery: "EDS", health: { kind: "none", loc: at(ctx, la) }, hasEndpoints: true };
    pool.backends = readAssignment(ctx, la, info, "eds", true);
    if (hasLocalityWeights(ctx, la)) pool.settings["locality weighting"] = "assumed (given in the assignment)";
    pools.set(pool.key, pool);
  }
  model.pools.push(...pools.values());
  const sink: RouteSink = { routes: model.routes, keys: new Set() };
  found.listeners.forEach((l, i) => readListener(ctx, l, i, sink));
  for (const rc of found.routeConfigs) readRouteConfig(ctx, rc, { listeners: [], fallbackName: "" }, sink);
}

function hasLocalityWeights(ctx: Ctx, la: PMap): boolean {
  const eps = get(ctx, la, "endpoints");
  return eps?.kind === "seq" && eps.items.some((e) => entry(ctx, e, "load_balancing_weight") !== undefined);
}
