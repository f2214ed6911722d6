/**
 * Reads a file of Kubernetes manifests (YAML documents, JSON, `kind: List`) into the model:
 * Services and DestinationRule subsets are pools, workloads carry replica counts, Ingress,
 * Gateway API and VirtualService rules are routes. Never throws: every problem is a
 * diagnostic with a line.
 */
import { type Diagnostic, emptyModel, type Loc, loc, type Model } from "../../model/types.js";
import { parseTraefik } from "../traefik/parse.js";
import type { Build, Obj } from "./context.js";
import { groupOf, interpreted } from "./kinds.js";
import { mergeCanaries, readGatewayRoute, readIngress, readVirtualService } from "./routes.js";
import { readDestinationRule, readService } from "./services.js";
import { applyHpas, readHpa, readWorkload } from "./workloads.js";
import { jsonSyntaxError, type PNode, parseYamlDocuments } from "../yaml-lines.js";
import { Reader } from "./reader.js";

/** Beyond this the file is not parsed (the engine applies its own, smaller cap first). */
export const MAX_BYTES = 11_000_000;

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function parseKubernetes(text: string, file: string): Model {
  const model = emptyModel(file, "kubernetes");
  if (text.length > MAX_BYTES) {
    model.diagnostics.push({ severity: "error", message: `file is over ${MAX_BYTES} characters: not evaluated`, loc: loc(file, 1) });
    return model;
  }
  const b = build(file, [], "this file", (b) => read(text, b));
  const mixed = withTraefikResources(text, file, b, b.r.diagnostics);
  const diagnostics = [...mixed].sort((x, y) => x.loc.line - y.loc.line);
  return { ...model, pools: b.pools, routes: b.routes, workloads: b.workloads, diagnostics };
}

/** Reads objects into a fresh build; a bug of ours becomes a diagnostic, never a silent pass. */
function build(file: string, diagnostics: Diagnostic[], what: string, readInto: (b: Build) => void): Build {
  const r = new Reader(file);
  r.diagnostics.push(...diagnostics);
  const b: Build = { r, pools: [], routes: [], workloads: [], hpas: [], canaries: [] };
  try {
    readInto(b);
  } catch (e) {
    r.error(`internal error while reading ${what}: ${e instanceof Error ? e.message : String(e)}`, loc(file, 1));
  }
  r.finish();
  return b;
}

const TRAEFIK_API = /^apiVersion\s*:\s*["']?traefik\.(io|containo\.us)\//m;

/**
 * A file that mixes Kubernetes objects and Traefik resources (a Service and its IngressRoute) is
 * read by both parsers: the Traefik parser reads its resources and leaves the rest, as here.
 */
function withTraefikResources(text: string, file: string, b: Build, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  if (!TRAEFIK_API.test(text)) return [...diagnostics];
  const t = parseTraefik(text, file);
  b.pools.push(...t.pools);
  b.routes.push(...t.routes);
  const seen = new Set(diagnostics.map((d) => `${d.loc.line}:${d.message}`));
  return [...diagnostics, ...t.diagnostics.filter((d) => !seen.has(`${d.loc.line}:${d.message}`))];
}

/**
 * Objects already read into trees elsewhere (a kustomize overlay, rendered from several files):
 * each node carries its own file, so every element points at the line that set it.
 */
export function parseKubernetesTrees(roots: PNode[], file: string, diagnostics: Diagnostic[] = []): Model {
  const b = build(file, diagnostics, "this overlay", (b) => readRoots(roots, b));
  return { ...emptyModel(file, "kubernetes"), pools: b.pools, routes: b.routes, workloads: b.workloads, diagnostics: b.r.diagnostics };
}

function read(text: string, b: Build): void {
  const { r } = b;
  if (/^\s*[{[]/.test(text) && !jsonOk(text, r)) return;
  const parsed = parseYamlDocuments(text, r.file);
  for (const d of parsed.diagnostics) (d.severity === "error" ? r.error : r.warn).call(r, d.message, d.loc);
  const roots: PNode[] = [];
  for (const doc of parsed.documents) {
    if (doc.hasErrors) {
      // yaml recovers from errors, but a half-read document would be modelled wrongly.
      if (doc.root) r.error("this document has YAML errors and was not read", firstLineOf(r, doc.root));
      continue;
    }
    if (!doc.root || (doc.root.kind === "scalar" && doc.root.value === null)) continue;
    roots.push(doc.root);
  }
  readRoots(roots, b);
}

function readRoots(roots: PNode[], b: Build): void {
  const { r } = b;
  const objects: Obj[] = [];
  const documents = roots.length;
  for (const root of roots) collect(r, root, objects, 0);

  const seen = new Map<string, Obj>();
  for (const o of objects) {
    const id = `${groupOf(o.apiVersion)}/${o.kind}/${o.namespace}/${o.name}`;
    const first = seen.get(id);
    if (first) r.warn(`${o.kind} ${o.namespace}/${o.name} is also declared at line ${first.kindLoc.line}: applied together, the later document replaces the earlier`, o.kindLoc);
    else seen.set(id, o);
  }

  // Workloads and HPAs first, then pools, then routes (canaries last: they merge into main Ingresses).
  const order = ["Deployment", "StatefulSet", "ReplicaSet", "Rollout", "HorizontalPodAutoscaler", "Service", "DestinationRule", "Ingress", "HTTPRoute", "GRPCRoute", "VirtualService"];
  const sorted = [...objects].sort((x, y) => order.indexOf(x.kind) - order.indexOf(y.kind));
  for (const o of sorted) {
    try {
      readObject(o, b);
    } catch (e) {
      // A bug of ours costs this object, reported, not the whole file.
      r.error(`internal error while reading ${o.kind} ${o.namespace}/${o.name}: ${e instanceof Error ? e.message : String(e)}`, o.kindLoc);
    }
  }
  b.workloads = lastWins(b.workloads, (w) => `${w.kind}/${w.namespace}/${w.name}`);
  b.pools = lastWins(b.pools, (p) => p.key);
  applyHpas(b);
  mergeCanaries(b);
  // Keep document order for a reader, whatever order the kinds were read in.
  b.pools.sort(byLine);
  b.workloads.sort(byLine);
  b.routes.sort(byLine);
  if (documents > 0 && objects.length === 0 && r.diagnostics.length === 0) {
    r.warn("no Kubernetes object lb-review interprets (Service, Ingress, HTTPRoute, GRPCRoute, VirtualService, DestinationRule, workloads, HPA) in this file", loc(r.file, 1));
  }
}

/** Finds the objects of a document: the document itself, or the items of a List. */
function collect(r: Reader, node: PNode, out: Obj[], depth: number): void {
  if (node.kind !== "map") {
    r.error("a Kubernetes manifest must be a mapping with apiVersion and kind", node);
    return;
  }
  const apiVersion = r.string(node, "apiVersion", "apiVersion");
  const kind = r.string(node, "kind", "kind");
  if (!apiVersion || !kind) {
    r.error(`a Kubernetes object needs ${!apiVersion ? "apiVersion" : "kind"}`, firstLineOf(r, node));
    return;
  }
  if (kind.value.endsWith("List") && depth === 0 && !interpreted(apiVersion.value, kind.value)) {
    for (const item of r.seq(node, "items", "items")?.items ?? []) collect(r, item, out, depth + 1);
    return;
  }
  if (!interpreted(apiVersion.value, kind.value)) return;
  const metadata = r.map(node, "metadata", "metadata");
  const name = r.string(metadata, "name", "metadata.name");
  if (!name) {
    r.error(`${kind.value} has no metadata.name`, r.at(node, "metadata") ?? kind.loc);
    return;
  }
  if (!NAME.test(name.value)) r.warn(`metadata.name ${JSON.stringify(name.value)} is not a valid Kubernetes name`, name.loc);
  const namespace = r.string(metadata, "namespace", "metadata.namespace")?.value ?? "default";
  out.push({ apiVersion: apiVersion.value, kind: kind.value, name: name.value, namespace, node, metadata, loc: r.loc(node), kindLoc: kind.loc });
}

function readObject(o: Obj, b: Build): void {
  switch (o.kind) {
    case "Service":
      return readService(o, b);
    case "DestinationRule":
      return readDestinationRule(o, b);
    case "Ingress":
      return readIngress(o, b);
    case "HTTPRoute":
    case "GRPCRoute":
      return readGatewayRoute(o, b);
    case "VirtualService":
      return readVirtualService(o, b);
    case "HorizontalPodAutoscaler":
      return readHpa(o, b);
    default:
      return readWorkload(o, b);
  }
}

/**
 * kubectl decodes a document that starts with `{` as JSON, strictly; yaml would accept a
 * trailing comma or a comment. A manifest kubectl rejects is not read.
 */
function jsonOk(text: string, r: Reader): boolean {
  const bad = jsonSyntaxError(text);
  if (bad) r.error(bad.message, loc(r.file, bad.line));
  return !bad;
}

/** A key declared twice in one file: the later document wins, as with kubectl apply. */
function lastWins<T>(items: T[], key: (x: T) => string): T[] {
  const last = new Map<string, T>();
  for (const x of items) last.set(key(x), x);
  return items.filter((x) => last.get(key(x)) === x);
}

function byLine(a: { loc: Loc }, b: { loc: Loc }): number {
  return a.loc.line - b.loc.line;
}

function firstLineOf(r: Reader, node: PNode): Loc {
  const l = r.loc(node);
  return { ...l, endLine: l.line };
}
