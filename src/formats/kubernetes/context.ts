/** What the per-kind readers share: the object being read and the model being built. */
import type { Loc, Pool, Route, Target, Workload } from "../../model/types.js";
import type { PMap } from "../yaml-lines.js";
import type { Num, Reader } from "./reader.js";

/** One Kubernetes object (a document, or an item of a `List`). */
export interface Obj {
  apiVersion: string;
  kind: string;
  name: string;
  /** metadata.namespace, "default" when absent (kubectl's `-n` cannot be seen here). */
  namespace: string;
  node: PMap;
  metadata: PMap | undefined;
  /** The whole object. */
  loc: Loc;
  /** The `kind:` line. */
  kindLoc: Loc;
}

/** An HPA, applied to the workload it scales once every object of the file is read. */
export interface Hpa {
  name: string;
  namespace: string;
  targetKind: string;
  targetName: string;
  minReplicas: Num | undefined;
  maxReplicas: number | undefined;
  loc: Loc;
}

/** An ingress-nginx canary path, merged into its main Ingress's route after all Ingresses are read. */
export interface CanaryPath {
  ingress: string;
  namespace: string;
  host: string;
  path: string;
  routeKey: string;
  target: Target;
  /** canary-weight, with the line of the annotation. */
  weight: Num | undefined;
  total: number;
  header: string | undefined;
  headerDetail: string | undefined;
  cookie: string | undefined;
  listeners: Route["listeners"];
  loc: Loc;
}

export interface Build {
  r: Reader;
  pools: Pool[];
  routes: Route[];
  workloads: Workload[];
  hpas: Hpa[];
  canaries: CanaryPath[];
}
