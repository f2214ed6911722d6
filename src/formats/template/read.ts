/**
 * Reads a template as the config it renders to, without rendering it: every variant (one per
 * branch of its conditions) is parsed, values that come from placeholders are unknown, and
 * nothing on a line holding template syntax is a parse error.
 */
import type { Backend, Diagnostic, Format, Loc, Model, Pool, Route } from "../../model/types.js";
import { enginesIn, type Engine } from "./scan.js";
import { PLACEHOLDER, readTemplateText, type TemplateReading, type Variant } from "./variants.js";

/** Formats whose own syntax has no `${NAME}`: there it can only be envsubst's. */
const ENVSUBST_FORMATS: ReadonlySet<Format> = new Set(["envoy", "kubernetes", "traefik"]);

/** The template engines of a file, or none. Terraform's `${}` and `%{}` are its own language. */
export function templateEngines(format: Format, path: string, text: string): Engine[] {
  if (format === "terraform") return [];
  return enginesIn(text, ENVSUBST_FORMATS.has(format) || (format === "nginx" && /\.template$/i.test(path)));
}

export function readTemplate(text: string, engines: readonly Engine[], parse: (text: string) => Model): Model {
  const reading = readTemplateText(text, engines);
  const models = reading.variants.map((v) => unknownValues(parse(v.text), reading, v.text.split("\n")));
  return merge(models, reading.variants, reading);
}

/** A weight written with a placeholder is unknown; so is every backend a loop produces. */
function unknownValues(m: Model, r: TemplateReading, lines: string[]): Model {
  const placeholderIn = (at: Loc, field: RegExp) => {
    for (let l = at.line; l <= at.endLine; l++) {
      const found = r.placeholders.get(l);
      if (found && field.test(lines[l - 1] ?? "")) return found[0];
    }
    return undefined;
  };
  for (const p of m.pools) {
    for (const b of p.backends) {
      const loop = r.loops.get(b.loc.line);
      const weight = placeholderIn(b.loc, WEIGHT_FIELD);
      if (loop !== undefined) unknownWeight(b, `the template loop {% ${loop} %}`);
      else if (weight !== undefined) unknownWeight(b, `the template value ${weight}`);
    }
    const looped = p.backends.find((b) => r.loops.has(b.loc.line));
    if (looped) p.sharesFrom ??= { what: `the template loop {% ${r.loops.get(looped.loc.line)} %}`, loc: looped.loc };
  }
  for (const route of m.routes) {
    route.targets = route.targets.map((t) => {
      // A target named by a placeholder is unknown, as a variable is: never a retarget to "tpl".
      const named = "name" in t ? t.name : t.kind === "address" ? t.id : "";
      const expr = PLACEHOLDER_WORD.test(named) ? placeholderIn(t.loc, PLACEHOLDER_WORD) : undefined;
      const weight = placeholderIn(t.loc, WEIGHT_FIELD) !== undefined ? null : t.weight;
      return expr !== undefined ? { kind: "dynamic", expression: expr, weight, loc: t.loc, placeholder: true } : { ...t, weight };
    });
  }
  for (const w of m.workloads) if (placeholderIn(w.loc, REPLICAS_FIELD) !== undefined) w.replicas = null;
  return m;
}

const PLACEHOLDER_WORD = new RegExp(`\\b${PLACEHOLDER}\\b`);
const WEIGHT_FIELD = new RegExp(`weight["']?\\s*[=:]?\\s*["']?${PLACEHOLDER}\\b`, "i");
const REPLICAS_FIELD = new RegExp(`(replicas|minReplicas)["']?\\s*:\\s*["']?${PLACEHOLDER}\\b`);

function unknownWeight(b: Backend, from: string): void {
  b.weight = null;
  b.weightFrom = from;
}

/**
 * One model from the variants: an element the same in all of them is one element; one that
 * differs is one element per branch, named after the branches it sits in.
 */
function merge(models: Model[], variants: Variant[], r: TemplateReading): Model {
  const first = models[0]!;
  return {
    ...first,
    pools: mergeElements(models.map((m) => m.pools), variants),
    routes: mergeElements(models.map((m) => m.routes), variants),
    workloads: distinct(models.flatMap((m) => m.workloads)),
    includes: distinct(models.flatMap((m) => m.includes)),
    diagnostics: distinct(models.flatMap((m) => m.diagnostics)).filter((d) => !onTemplateLine(d, r)),
  };
}

function onTemplateLine(d: Diagnostic, r: TemplateReading): boolean {
  for (let l = d.loc.line; l <= d.loc.endLine; l++) if (r.tagLines.has(l)) return true;
  return false;
}

function mergeElements<T extends Pool | Route>(perVariant: T[][], variants: Variant[]): T[] {
  const byKey = new Map<string, { element: T; variant: number }[]>();
  perVariant.forEach((elements, v) => {
    for (const e of elements) byKey.set(e.key, [...(byKey.get(e.key) ?? []), { element: e, variant: v }]);
  });
  const out: T[] = [];
  for (const [key, seen] of byKey) {
    const versions = new Map<string, { element: T; variant: number }>();
    for (const s of seen) if (!versions.has(JSON.stringify(s.element))) versions.set(JSON.stringify(s.element), s);
    if (versions.size === 1 && seen.length === perVariant.length) {
      out.push(seen[0]!.element);
      continue;
    }
    // Keyed by branch position, named by condition: rewording a condition keeps the identity.
    for (const { element, variant } of versions.values()) {
      const label = branchLabel(element.loc, variants[variant]!) || `variant ${variant + 1}`;
      out.push({ ...element, key: `${key} [branch ${variant + 1}]`, name: `${element.name} (${label})` });
    }
  }
  return out;
}

function branchLabel(at: Loc, v: Variant): string {
  return v.choices
    .filter((c) => c.fromLine <= at.endLine && at.line <= c.toLine)
    .map((c) => c.label)
    .join(" & ");
}

function distinct<T>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const k = JSON.stringify(i);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * A model parsed from rendered text, with every location moved back to the template line that
 * produced it. Objects shared between elements are moved once.
 */
export function mapModelLines<T extends object>(model: T, file: string, lines: readonly number[]): T {
  const seen = new WeakSet<object>();
  const visit = (x: unknown): void => {
    if (typeof x !== "object" || x === null || seen.has(x)) return;
    seen.add(x);
    const o = x as Record<string, unknown>;
    if (o.file === file && typeof o.line === "number" && typeof o.endLine === "number") {
      o.line = lines[o.line] ?? o.line;
      o.endLine = Math.max(o.line as number, lines[o.endLine] ?? o.endLine);
    }
    for (const v of Object.values(o)) visit(v);
  };
  visit(model);
  return model;
}
