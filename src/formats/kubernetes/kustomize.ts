/**
 * kustomize, read as `kustomize build` reads it: a directory with a kustomization file renders
 * its resources (files, and other kustomization directories), then its patches (strategic merge,
 * `$patch: delete`, JSON 6902), namespace, name prefix and suffix, labels and replica counts.
 * Each overlay that no other kustomization uses is its own rendered set: its objects live in a
 * namespace tagged with the overlay (`prod@deploy/overlays/prod`), so a base shared by two overlays
 * is two sets of pools, and a change to the base shows in both. Nodes keep their own file and
 * line, so a finding sits on the base or patch line that caused it.
 */
import { type Diagnostic, loc, type Model } from "../../model/types.js";
import { type PEntry, type PMap, type PNode, type PSeq, parseYamlDocuments } from "../yaml-lines.js";
import { parseKubernetesTrees } from "./parse.js";

export const KUSTOMIZATION = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;

export interface KustomizeResult {
  /** One model per overlay, under the overlay's kustomization file. */
  overlays: Model[];
  /** Every file a kustomization reads (resources, patches, kustomization files). */
  consumed: Set<string>;
  /**
   * Resources that live outside any kustomization directory (`../guestbook/svc.yaml`): complete
   * manifests that may also be applied as they are (an Argo CD directory app), so they are judged
   * on their own as well. Everything else consumed is judged only in its overlays.
   */
  standalone: Set<string>;
  /** Problems located in consumed files, to be reported on those files. */
  diagnostics: Map<string, Diagnostic[]>;
}

interface Source {
  path: string;
  text: string;
}

/** Render limits: nesting of kustomizations, and objects in one overlay. */
const MAX_DEPTH = 16;

/**
 * `trusted` decides whether an overlay may be rendered (the engine refuses one new in the change
 * that would swallow config judged as plain files before: re-keyed, its changes would look new).
 */
export interface RenderOptions {
  /** Whether an overlay may be rendered (see the engine's guard against re-keying plain config). */
  trusted?: (kustomization: string, hidden: ReadonlySet<string>) => boolean;
  /**
   * Files of the base version. A resource that is missing now but existed there was deleted by
   * the change: kustomize build fails (an error). One that never existed may be generated at
   * build time (a config-management plugin writes it): a warning.
   */
  existedBefore?: (path: string) => boolean;
}

export function renderKustomizations(files: readonly Source[], options: RenderOptions = {}): KustomizeResult {
  const trusted = options.trusted ?? (() => true);
  const byPath = new Map(files.map((f) => [f.path, f.text]));
  const dirs = new Map<string, string>();
  for (const f of files) if (KUSTOMIZATION.test(f.path)) dirs.set(dirOf(f.path), f.path);
  const result: KustomizeResult = { overlays: [], consumed: new Set(), standalone: new Set(), diagnostics: new Map() };
  if (dirs.size === 0) return result;
  const used = new Set<string>();
  const renders = new Map<string, Render>();
  for (const [dir, file] of [...dirs].sort()) {
    const r = new Render(file, byPath, dirs, result, options.existedBefore ?? (() => false));
    r.build(dir, 0, new Set());
    renders.set(dir, r);
    for (const d of r.usedDirs) used.add(d);
  }
  for (const [dir, r] of renders) {
    // A Component only means something inside the kustomizations that list it.
    if (used.has(dir) || /^kind\s*:\s*Component\s*$/m.test(byPath.get(dirs.get(dir)!) ?? "")) continue;
    // Only what the overlay takes out of plain sight counts: standalone resources stay judged as they are.
    if (!trusted(r.file, new Set([...r.consumed].filter((f) => !r.standalone.has(f))))) continue;
    for (const f of r.consumed) result.consumed.add(f);
    for (const f of r.standalone) result.standalone.add(f);
    result.overlays.push(r.model());
    // Problems count as the overlays that render them see them, not as a base alone would.
    for (const [file, found] of r.elsewhere) {
      const known = new Set((result.diagnostics.get(file) ?? []).map((d) => `${d.loc.line}:${d.message}`));
      result.diagnostics.set(file, [...(result.diagnostics.get(file) ?? []), ...found.filter((d) => !known.has(`${d.loc.line}:${d.message}`))]);
    }
  }
  return result;
}

const dirOf = (path: string) => (path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "");

function join(dir: string, rel: string): string {
  const parts = (dir ? `${dir}/${rel}` : rel).split("/");
  const out: string[] = [];
  for (const p of parts) {
    if (p === "" || p === ".") continue;
    if (p === "..") out.pop();
    else out.push(p);
  }
  return out.join("/");
}

class Render {
  readonly usedDirs = new Set<string>();
  /** Every file this render read. */
  readonly consumed = new Set<string>();
  /** Resources of this render outside any kustomization directory. */
  readonly standalone = new Set<string>();
  /** Some resource could not be read (remote, generated, absent): a patch may target it. */
  incomplete = false;
  private readonly problems: Diagnostic[] = [];
  /** Problems located in other files than the overlay's kustomization. */
  readonly elsewhere = new Map<string, Diagnostic[]>();
  private objects: PMap[] = [];

  constructor(
    readonly file: string,
    private readonly byPath: Map<string, string>,
    private readonly dirs: Map<string, string>,
    private readonly result: KustomizeResult,
    private readonly existedBefore: (path: string) => boolean,
  ) {}

  build(dir: string, depth: number, seen: Set<string>): PMap[] {
    const kfile = this.dirs.get(dir)!;
    this.consumed.add(kfile);
    if (depth > MAX_DEPTH || seen.has(dir)) {
      this.say(`kustomization ${dir} includes itself or nests too deep: not rendered further`, kfile, 1);
      return [];
    }
    const k = this.parse(kfile)[0];
    if (k?.kind !== "map") return [];
    const objects: PMap[] = [];
    const next = new Set([...seen, dir]);
    for (const item of strings(k, "resources").concat(strings(k, "bases"))) {
      if (/^[a-z]+:\/\/|^git@|^github\.com\//.test(item.value)) {
        this.say(`remote resource ${item.value} is not read: its objects are unknown here`, kfile, item.line, "warning");
        this.incomplete = true;
        continue;
      }
      const path = join(dir, item.value);
      if (this.dirs.has(path)) {
        this.usedDirs.add(path);
        objects.push(...this.build(path, depth + 1, next));
      } else if (this.byPath.has(path)) {
        objects.push(...this.parse(path).filter((n): n is PMap => n.kind === "map"));
        if (!this.dirs.has(dirOf(path))) this.standalone.add(path);
      } else {
        if (this.existedBefore(path)) this.say(`resource ${item.value} was deleted by this change but is still listed: kustomize build fails`, kfile, item.line);
        else this.say(`resource ${item.value} is not among the files read (generated at build time?): its objects are unknown here`, kfile, item.line, "warning");
        this.incomplete = true;
      }
    }
    let out = objects;
    for (const item of strings(k, "components")) {
      const path = join(dir, item.value);
      if (!this.dirs.has(path)) {
        this.say(`component ${item.value} is not among the files read`, kfile, item.line, "warning");
        this.incomplete = true;
        continue;
      }
      this.usedDirs.add(path);
      out = this.component(path, out, depth + 1, next);
    }
    for (const p of patches(k, dir, kfile, this)) out = p.apply(out, this);
    out = transform(k, out, kfile);
    if (depth === 0) this.objects = out;
    return out;
  }

  /** A Component adds its resources to the including kustomization's, then patches and transforms them all. */
  private component(dir: string, objects: PMap[], depth: number, seen: Set<string>): PMap[] {
    const kfile = this.dirs.get(dir)!;
    this.consumed.add(kfile);
    const k = this.parse(kfile)[0];
    if (k?.kind !== "map" || depth > MAX_DEPTH || seen.has(dir)) return objects;
    let out = [...objects];
    for (const item of strings(k, "resources")) {
      const path = join(dir, item.value);
      if (this.byPath.has(path)) out.push(...this.parse(path).filter((n): n is PMap => n.kind === "map"));
    }
    for (const p of patches(k, dir, kfile, this)) out = p.apply(out, this);
    return transform(k, out, kfile);
  }

  /** The documents of a file (or an inline patch), every node tagged with its file. */
  parse(path: string, text = this.byPath.get(path) ?? "", lineOffset = 0): PNode[] {
    this.consumed.add(path);
    const parsed = parseYamlDocuments(text, path);
    for (const d of parsed.diagnostics) this.say(d.message, path, d.loc.line + lineOffset, d.severity);
    return parsed.documents.flatMap((d) => (d.root && !d.hasErrors ? [tag(d.root, path, lineOffset)] : []));
  }

  say(message: string, file: string, line: number, severity: Diagnostic["severity"] = "error"): void {
    const d: Diagnostic = { severity, message, loc: loc(file, line) };
    if (file === this.file) this.problems.push(d);
    else this.elsewhere.set(file, [...(this.elsewhere.get(file) ?? []), d]);
  }

  model(): Model {
    const overlay = dirOf(this.file) || ".";
    const roots = this.objects.map((o) => inNamespace(o, overlay));
    return parseKubernetesTrees(roots, this.file, this.problems);
  }
}

/** Tags every node with its file (and shifts lines, for a patch written inline in a kustomization). */
function tag<T extends PNode>(n: T, file: string, offset: number): T {
  const out = { ...n, file, line: n.line + offset, endLine: n.endLine + offset } as T;
  if (out.kind === "map") (out as PMap).entries = (out as PMap).entries.map((e) => ({ ...e, file, line: e.line + offset, endLine: e.endLine + offset, value: tag(e.value, file, offset) }));
  if (out.kind === "seq") (out as PSeq).items = (out as PSeq).items.map((i) => tag(i, file, offset));
  return out;
}

// ── small tree helpers ──────────────────────────────────────────────────────

const get = (m: PNode | undefined, key: string): PNode | undefined => (m?.kind === "map" ? m.entries.find((e) => e.key === key)?.value : undefined);
const text = (n: PNode | undefined): string | undefined => (n?.kind === "scalar" && n.value !== null ? String(n.value) : undefined);

function strings(m: PMap, key: string): { value: string; line: number }[] {
  const v = get(m, key);
  if (v?.kind !== "seq") return [];
  return v.items.flatMap((i) => (text(i) !== undefined ? [{ value: text(i)!, line: i.line }] : []));
}

function scalar(value: string, at: PNode | PEntry): PNode {
  return { kind: "scalar", value, line: at.line, endLine: at.endLine, ...(at.file ? { file: at.file } : {}) };
}

/**
 * A copy of `m` with `key` set to `value` (added at the end when absent). With `at`, the entry
 * takes `at`'s place: a patched field is where the patch wrote it.
 */
function setKey(m: PMap, key: string, value: PNode, at?: PNode | PEntry): PMap {
  const place = (p: PNode | PEntry) => ({ line: p.line, endLine: p.endLine, ...(p.file ? { file: p.file } : {}) });
  const has = m.entries.some((e) => e.key === key);
  const entries = has
    ? m.entries.map((e) => (e.key === key ? { ...e, value, ...(at ? place(at) : {}) } : e))
    : [...m.entries, { key, value, ...place(at ?? m) }];
  return { ...m, entries };
}

function objectId(o: PMap): { kind?: string; name?: string; namespace?: string } {
  const md = get(o, "metadata");
  return { kind: text(get(o, "kind")), name: text(get(md, "name")), namespace: text(get(md, "namespace")) };
}

// ── patches ─────────────────────────────────────────────────────────────────

interface Patch {
  apply(objects: PMap[], r: Render): PMap[];
}

interface Target {
  kind?: string;
  name?: string;
  namespace?: string;
}

function patches(k: PMap, dir: string, kfile: string, r: Render): Patch[] {
  const out: Patch[] = [];
  const load = (item: PNode): { docs: PNode[]; file: string; line: number } | undefined => {
    const path = text(get(item, "path")) ?? (item.kind === "scalar" ? text(item) : undefined);
    const inline = text(get(item, "patch"));
    if (inline !== undefined) {
      const at = get(item, "patch")!;
      // A block scalar's text starts on the line after its indicator.
      return { docs: r.parse(kfile, inline, at.line), file: kfile, line: at.line };
    }
    if (path === undefined) return undefined;
    // An inline strategic-merge patch written as a string in patchesStrategicMerge.
    if (path.includes("\n")) return { docs: r.parse(kfile, path, item.line), file: kfile, line: item.line };
    const file = join(dir, path);
    return { docs: r.parse(file), file, line: 1 };
  };
  const targetOf = (item: PNode): Target | undefined => {
    const t = get(item, "target");
    return t ? { kind: text(get(t, "kind")), name: text(get(t, "name")), namespace: text(get(t, "namespace")) } : undefined;
  };
  for (const item of seqItems(get(k, "patchesStrategicMerge"))) {
    const p = load(item);
    if (p) out.push(...p.docs.map((d) => strategic(d)));
  }
  for (const item of [...seqItems(get(k, "patches")), ...seqItems(get(k, "patchesJson6902"))]) {
    const p = load(item);
    if (!p) continue;
    const target = targetOf(item);
    for (const d of p.docs) out.push(d.kind === "seq" ? json6902(d, target, p.file) : strategic(d, target));
  }
  return out;
}

const seqItems = (n: PNode | undefined): PNode[] => (n?.kind === "seq" ? n.items : []);

function matches(o: PMap, t: Target): boolean {
  const id = objectId(o);
  const re = (pattern: string | undefined, value: string | undefined) => pattern === undefined || new RegExp(`^(${pattern})$`).test(value ?? "");
  return re(t.kind, id.kind) && re(t.name, id.name) && (t.namespace === undefined || t.namespace === (id.namespace ?? "default"));
}

/** A strategic-merge patch: by the patch's own kind and name, or by `target` when given. */
function strategic(patch: PNode, target?: Target): Patch {
  return {
    apply(objects, r) {
      if (patch.kind !== "map") return objects;
      const id = objectId(patch);
      const t = target ?? { kind: id.kind, name: id.name, ...(id.namespace ? { namespace: id.namespace } : {}) };
      const hit = objects.filter((o) => matches(o, t));
      if (hit.length === 0) {
        // kustomize build fails on it, unless the target is among the resources not read here.
        const why = r.incomplete ? ": it may be in a resource not read here" : "";
        r.say(`patch for ${t.kind ?? "?"} ${t.name ?? "?"} matches no resource${why}`, patch.file ?? "", patch.line, r.incomplete ? "warning" : "error");
        return objects;
      }
      if (text(get(patch, "$patch")) === "delete") return objects.filter((o) => !hit.includes(o));
      return objects.map((o) => (hit.includes(o) ? (merge(o, patch) as PMap) : o));
    },
  };
}

/** Lists merged by these keys instead of replaced (the strategic-merge keys that matter here). */
const MERGE_KEYS: Record<string, string> = { containers: "name", initContainers: "name", ports: "port", env: "name", volumes: "name", subsets: "name", rules: "host" };

function merge(base: PNode, patch: PNode, key = ""): PNode | undefined {
  if (patch.kind === "map" && text(get(patch, "$patch")) === "delete") return undefined;
  if (base.kind === "map" && patch.kind === "map") {
    let out: PMap = base;
    for (const e of patch.entries) {
      if (e.key === "$patch") continue;
      const old = get(out, e.key);
      if (e.value.kind === "scalar" && e.value.value === null) {
        out = { ...out, entries: out.entries.filter((x) => x.key !== e.key) };
        continue;
      }
      const merged = old ? merge(old, e.value, e.key) : e.value;
      out = merged ? setKey(out, e.key, merged, e) : { ...out, entries: out.entries.filter((x) => x.key !== e.key) };
    }
    return out;
  }
  const by = MERGE_KEYS[key];
  if (base.kind === "seq" && patch.kind === "seq" && by) {
    const items = [...base.items];
    for (const p of patch.items) {
      const k = text(get(p, by)) ?? (by === "port" ? text(get(p, "containerPort")) : undefined);
      const i = items.findIndex((x) => k !== undefined && (text(get(x, by)) ?? (by === "port" ? text(get(x, "containerPort")) : undefined)) === k);
      if (i < 0) items.push(p);
      else {
        const m = merge(items[i]!, p);
        if (m) items[i] = m;
        else items.splice(i, 1);
      }
    }
    return { ...base, items };
  }
  return patch;
}

/** A JSON 6902 patch (add, replace, remove; copy and move are rare in load-balancer config). */
function json6902(ops: PSeq, target: Target | undefined, file: string): Patch {
  return {
    apply(objects, r) {
      if (!target) {
        r.say("a JSON 6902 patch needs a target", file, ops.line);
        return objects;
      }
      return objects.map((o) => {
        if (!matches(o, target)) return o;
        let out: PNode = o;
        for (const op of ops.items) {
          const kind = text(get(op, "op"));
          const path = text(get(op, "path"));
          const value = get(op, "value");
          if (!kind || path === undefined) continue;
          const segments = path.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
          const next = atPointer(out, segments, kind, value);
          if (next === undefined) r.say(`patch operation ${kind} ${path} does not apply`, file, op.line);
          else out = next;
        }
        return out as PMap;
      });
    },
  };
}

function atPointer(node: PNode, path: string[], op: string, value: PNode | undefined): PNode | undefined {
  const [head, ...rest] = path;
  if (head === undefined) return op === "remove" ? undefined : value;
  if (node.kind === "map") {
    const child = get(node, head);
    if (rest.length === 0) {
      if (op === "remove") return { ...node, entries: node.entries.filter((e) => e.key !== head) };
      if (op === "replace" && !child) return undefined;
      return value ? setKey(node, head, value, value) : undefined;
    }
    if (!child) return undefined;
    const inner = atPointer(child, rest, op, value);
    return inner === undefined ? undefined : setKey(node, head, inner);
  }
  if (node.kind === "seq") {
    const i = head === "-" ? node.items.length : Number(head);
    if (!Number.isInteger(i) || i < 0 || i > node.items.length) return undefined;
    const items = [...node.items];
    if (rest.length === 0) {
      if (op === "remove") items.splice(i, 1);
      else if (op === "add" && value) items.splice(i, 0, value);
      else if (op === "replace" && value && i < items.length) items[i] = value;
      else return undefined;
      return { ...node, items };
    }
    const inner = items[i] && atPointer(items[i]!, rest, op, value);
    if (!inner) return undefined;
    items[i] = inner;
    return { ...node, items };
  }
  return undefined;
}

// ── transformers ────────────────────────────────────────────────────────────

/** What refers to a Service or workload by name, so a prefix or suffix follows it. */
const REFERENCES: Record<string, string[][]> = {
  Ingress: [["spec", "rules", "*", "http", "paths", "*", "backend", "service", "name"], ["spec", "rules", "*", "http", "paths", "*", "backend", "serviceName"], ["spec", "defaultBackend", "service", "name"]],
  HTTPRoute: [["spec", "rules", "*", "backendRefs", "*", "name"]],
  GRPCRoute: [["spec", "rules", "*", "backendRefs", "*", "name"]],
  VirtualService: [["spec", "http", "*", "route", "*", "destination", "host"], ["spec", "tcp", "*", "route", "*", "destination", "host"]],
  DestinationRule: [["spec", "host"]],
  HorizontalPodAutoscaler: [["spec", "scaleTargetRef", "name"]],
};

function transform(k: PMap, objects: PMap[], kfile: string): PMap[] {
  const prefix = text(get(k, "namePrefix")) ?? "";
  const suffix = text(get(k, "nameSuffix")) ?? "";
  const namespace = get(k, "namespace");
  // Replica counts name resources as the resources spell them, before any prefix.
  const counted = replicas(k, objects);
  const names = new Set(counted.map((o) => objectId(o).name).filter((n): n is string => n !== undefined));
  const rename = (n: PNode): PNode => (prefix || suffix) && text(n) !== undefined && names.has(text(n)!) ? scalar(`${prefix}${text(n)}${suffix}`, n) : n;
  let out = counted.map((o) => {
    let x = o;
    const md = get(x, "metadata");
    if (md?.kind === "map") {
      let m = md;
      const name = get(m, "name");
      if (name) m = setKey(m, "name", rename(name));
      if (namespace && text(namespace) !== undefined) m = setKey(m, "namespace", namespace, namespace);
      x = setKey(x, "metadata", m);
    }
    for (const path of REFERENCES[objectId(o).kind ?? ""] ?? []) x = rewrite(x, path, rename) as PMap;
    return x;
  });
  out = labels(k, out, kfile);
  return out;
}

function rewrite(n: PNode, path: string[], f: (n: PNode) => PNode): PNode {
  const [head, ...rest] = path;
  if (head === undefined) return f(n);
  if (head === "*") return n.kind === "seq" ? { ...n, items: n.items.map((i) => rewrite(i, rest, f)) } : n;
  const child = get(n, head);
  return child && n.kind === "map" ? setKey(n, head, rewrite(child, rest, f)) : n;
}

/** `replicas: [{name, count}]`: the count's line is the kustomization's. */
function replicas(k: PMap, objects: PMap[]): PMap[] {
  let out = objects;
  for (const item of seqItems(get(k, "replicas"))) {
    const name = text(get(item, "name"));
    const count = get(item, "count");
    if (!name || !count) continue;
    out = out.map((o) => {
      const id = objectId(o);
      if (!["Deployment", "StatefulSet", "ReplicaSet", "Rollout"].includes(id.kind ?? "") || id.name !== name) return o;
      const spec = get(o, "spec");
      return spec?.kind === "map" ? setKey(o, "spec", setKey(spec, "replicas", count, count)) : o;
    });
  }
  return out;
}

/** `commonLabels` and `labels` (with includeSelectors) reach selectors too, so Services keep their pods. */
function labels(k: PMap, objects: PMap[], kfile: string): PMap[] {
  const sets: { pairs: PMap; selectors: boolean }[] = [];
  const common = get(k, "commonLabels");
  if (common?.kind === "map") sets.push({ pairs: common, selectors: true });
  for (const item of seqItems(get(k, "labels"))) {
    const pairs = get(item, "pairs");
    if (pairs?.kind === "map") sets.push({ pairs, selectors: text(get(item, "includeSelectors")) === "true" });
  }
  if (sets.length === 0) return objects;
  const add = (n: PNode | undefined, pairs: PMap, at: PNode): PMap => {
    let m: PMap = n?.kind === "map" ? n : { kind: "map", entries: [], line: at.line, endLine: at.endLine, file: kfile };
    for (const e of pairs.entries) m = setKey(m, e.key, e.value, e);
    return m;
  };
  return objects.map((o) => {
    let x = o;
    for (const { pairs, selectors } of sets) {
      const md = get(x, "metadata");
      if (md?.kind === "map") x = setKey(x, "metadata", setKey(md, "labels", add(get(md, "labels"), pairs, md)));
      if (!selectors) continue;
      const spec = get(x, "spec");
      if (spec?.kind !== "map") continue;
      const kind = objectId(x).kind;
      if (kind === "Service") x = setKey(x, "spec", setKey(spec, "selector", add(get(spec, "selector"), pairs, spec)));
      else if (["Deployment", "StatefulSet", "ReplicaSet", "Rollout"].includes(kind ?? "")) {
        let s = spec;
        const sel = get(s, "selector");
        if (sel?.kind === "map") s = setKey(s, "selector", setKey(sel, "matchLabels", add(get(sel, "matchLabels"), pairs, sel)));
        const tpl = get(s, "template");
        const tmd = get(tpl, "metadata");
        if (tpl?.kind === "map" && tmd?.kind === "map") s = setKey(s, "template", setKey(tpl, "metadata", setKey(tmd, "labels", add(get(tmd, "labels"), pairs, tmd))));
        x = setKey(x, "spec", s);
      }
    }
    return x;
  });
}

/** Every object of an overlay lives in a namespace tagged with the overlay: one rendered set each. */
function inNamespace(o: PMap, overlay: string): PMap {
  const md = get(o, "metadata");
  if (md?.kind !== "map") return o;
  const ns = get(md, "namespace");
  const value = `${text(ns) ?? "default"}@${overlay}`;
  return setKey(o, "metadata", setKey(md, "namespace", scalar(value, ns ?? md), ns ?? md));
}
