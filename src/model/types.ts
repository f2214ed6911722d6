/**
 * The normalized load-balancer model. Every format parser produces this shape, and
 * everything downstream (diff, rules, reports) reads only this shape.
 */

export type Format = "nginx" | "haproxy" | "kubernetes" | "terraform" | "envoy" | "traefik";
export const FORMATS: readonly Format[] = ["nginx", "haproxy", "kubernetes", "terraform", "envoy", "traefik"];

/** Where an element came from. Lines are 1-based and inclusive. */
export interface Loc {
  file: string;
  line: number;
  endLine: number;
}

export type Severity = "info" | "low" | "medium" | "high" | "critical";
export const SEVERITIES: readonly Severity[] = ["info", "low", "medium", "high", "critical"];

/** A problem found while reading a file: always tied to a file and line, never thrown. */
export interface Diagnostic {
  severity: "error" | "warning";
  message: string;
  loc: Loc;
}

/**
 * active: takes traffic in the steady state; backup: only when every primary is out;
 * down: never (nginx `down`, HAProxy `disabled`); drain: finishing existing sessions only.
 */
export type BackendState = "active" | "backup" | "down" | "drain";

/**
 * A backend's own health checking. `kind` none means the balancer never marks it out.
 * Larger interval and fall mean slower detection; nginx's passive checks use maxFails.
 */
export interface HealthCheck {
  kind: "http" | "tcp" | "passive" | "none";
  intervalMs?: number;
  rise?: number;
  fall?: number;
  maxFails?: number;
  failTimeoutMs?: number;
  /** e.g. the HTTP request line of `option httpchk`. */
  detail?: string;
  loc: Loc;
}

export interface Backend {
  /** host:port where the config gives an address; otherwise the name. Unique within its pool. */
  id: string;
  /** The config's own name for the server (HAProxy server name), if any. */
  name?: string;
  host?: string;
  port?: number;
  /** null when the weight cannot be known statically. */
  weight: number | null;
  state: BackendState;
  healthCheck: HealthCheck;
  limits: Record<string, string>;
  /** Facts a reviewer should know, such as "hostname may resolve to several addresses". */
  notes: string[];
  /** Why the weight is unknown when it is null for a reason outside the file (e.g. "the environment variable ${W}"). */
  weightFrom?: string;
  /** Kubernetes/Terraform: the workload this backend is one replica of (reports count replicas). */
  replicaOf?: string;
  loc: Loc;
}

export interface Algorithm {
  /** Normalized name, e.g. round-robin, least-conn, hash, ip-hash, random, source, first. */
  name: string;
  /** Arguments as written, e.g. the hash key. */
  args: string[];
  loc?: Loc;
}

/** A time the balancer waits (connect, read, server…), where the config sets it or its default. */
export interface Timeout {
  ms: number;
  loc: Loc;
}

/**
 * How a failed request is tried again. `attempts`: further tries (null when unbounded or not
 * static); `on`: the failures that trigger one; `redispatch`: whether a retry may go to
 * another server (HAProxy `option redispatch`).
 */
export interface Retries {
  attempts: number | null;
  on: string[];
  redispatch?: boolean;
  loc: Loc;
}

/** Timeouts and retries, on the pool or route they apply to. */
export interface Resilience {
  timeouts?: Record<string, Timeout>;
  retries?: Retries;
}

export interface Pool extends Resilience {
  /** Stable identity across versions: format, context and name. */
  key: string;
  name: string;
  format: Format;
  algorithm: Algorithm;
  /** HAProxy `option allbackups`: every backup shares the load instead of only the first. */
  allBackups: boolean;
  /** Whether the balancer itself hands traffic to backups when all primaries are down. */
  backupsSupported: boolean;
  backends: Backend[];
  settings: Record<string, string>;
  /**
   * Kubernetes: the pool is the pods its selector matches. The linker fills `backends` from the
   * workloads of every file in the version (one backend per replica).
   */
  selector?: {
    namespace: string;
    labels: Record<string, string>;
    /**
     * Istio subsets: the pool is this Service's endpoints filtered by `labels`; the linker adds
     * the Service's own selector, or leaves the backends unknown when the Service is not read.
     */
    within?: { serviceKey: string; name: string };
  };
  /** Why the backends' shares cannot be known from the config (e.g. a Lua balancer picks the server). */
  sharesFrom?: {
    what: string;
    loc: Loc;
    /** The deciding input is a file this review cannot see (an include not among the files read). */
    unseen?: boolean;
  };
  /** Attributes whose change replaces the pool (Terraform forces a new target group), with their lines. */
  replacedOnChange?: Record<string, { value: string; loc: Loc }>;
  loc: Loc;
}

/**
 * A set of identical replicas that pools select by label (Kubernetes Deployment, StatefulSet,
 * Argo Rollout). The linker turns each replica into a backend of every pool that selects it.
 */
export interface Workload {
  kind: string;
  name: string;
  namespace: string;
  /** Pod template labels: what selectors match. */
  labels: Record<string, string>;
  /** null when it cannot be known statically (e.g. an HPA without minReplicas). */
  replicas: number | null;
  healthCheck: HealthCheck;
  notes: string[];
  /** The line that sets the replica count (replicas, HPA minReplicas), else the workload. */
  loc: Loc;
}

/**
 * One weighted destination of a route. Parsers emit `ref` for a name that may denote a pool
 * (possibly in another file); the linker turns each ref into `pool`, `address` or `missing`.
 */
export type Target =
  | { kind: "ref"; poolKey: string; name: string; unresolved: "address" | "missing" | "external"; weight: number | null; loc: Loc }
  /** `poolIds`: the identities it resolved to, one unless the name is ambiguous (see link.ts). */
  | { kind: "pool"; poolKey: string; poolIds: string[]; name: string; weight: number | null; loc: Loc }
  | { kind: "address"; id: string; weight: number | null; loc: Loc }
  /** `placeholder`: a template fills it in; which placeholder names it does not matter. */
  | { kind: "dynamic"; expression: string; weight: number | null; loc: Loc; placeholder?: true }
  | { kind: "missing"; name: string; weight: number | null; loc: Loc }
  /**
   * Declared outside the files read (e.g. a Service from another repository): share unknown.
   * `poolKey` is the pool it would have been, when the reference named one.
   */
  | { kind: "external"; name: string; poolKey?: string; weight: number | null; loc: Loc };

/** How a target is named in reports: its pool or host name, address, or expression. */
export function targetName(t: Target): string {
  switch (t.kind) {
    case "address":
      return t.id;
    case "dynamic":
      return t.expression;
    default:
      return t.name;
  }
}

/**
 * What makes two targets the same destination across versions. A dynamic expression is its
 * tokens (reformatting never retargets), or, when it names resources (`aws_lb_target_group.x`),
 * the set of resources it names, so `join("", x.*.arn)` and `one(x[*].arn)` are one target.
 */
export function targetIdentity(t: Target): string {
  if (t.kind !== "dynamic") return `${t.kind === "ref" ? "pool" : t.kind}:${targetName(t)}`;
  if (t.placeholder) return "dynamic:template-value";
  const resources = [...new Set(t.expression.match(RESOURCE_ADDRESS) ?? [])].sort();
  return `dynamic:${resources.length > 0 ? resources.join("+") : tokens(t.expression)}`;
}

const RESOURCE_ADDRESS = /\b(?:aws_[a-z0-9_]+|module|data\.aws_[a-z0-9_]+)\.[A-Za-z_][A-Za-z0-9_-]*/g;

/** Source text with insignificant white space removed: only what separates two words stays. */
export function tokens(text: string): string {
  let out = "";
  for (const m of text.matchAll(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\s+|[^\s"']+|["']/g)) {
    const piece = m[0];
    if (!/^\s+$/.test(piece)) out += piece;
    else if (/\w$/.test(out) && /^\w/.test(text.slice(m.index + piece.length))) out += " ";
  }
  return out;
}

export interface Listener {
  address: string;
  flags: string[];
  loc: Loc;
}

/**
 * An entry point with one branch of traffic: a nginx location, a HAProxy use_backend rule
 * or default_backend. Conditional branches are separate routes: their volumes are unknown.
 */
export interface Route extends Resilience {
  key: string;
  name: string;
  format: Format;
  condition?: string;
  /**
   * The entry point the route belongs to (HAProxy frontend, ALB listener, nginx server), and
   * whether it is that entry point's fallback: where a removed route's traffic goes.
   */
  scope?: string;
  fallback?: boolean;
  listeners: Listener[];
  targets: Target[];
  loc: Loc;
}

export interface Include {
  pattern: string;
  /** The parse context the included text belongs to (nginx: http, stream, server...). */
  context: string;
  loc: Loc;
}

export interface Model {
  file: string;
  format: Format;
  pools: Pool[];
  routes: Route[];
  workloads: Workload[];
  includes: Include[];
  diagnostics: Diagnostic[];
}

export function loc(file: string, line: number, endLine = line): Loc {
  return { file, line, endLine };
}

export function emptyModel(file: string, format: Format): Model {
  return { file, format, pools: [], routes: [], workloads: [], includes: [], diagnostics: [] };
}
