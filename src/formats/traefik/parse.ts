/**
 * Traefik configuration into the model: dynamic configuration (file provider) in YAML or TOML,
 * and Traefik's Kubernetes CRDs in YAML. Documents of other Kubernetes API groups are left to the
 * Kubernetes parser.
 */
import { emptyModel, type Model } from "../../model/types.js";
import { describeNode, type PMap, type PNode, parseYamlDocuments } from "../yaml-lines.js";
import { isTraefikCrd, readCrds } from "./crd.js";
import { isDynamic, type Output, readDynamic } from "./dynamic.js";
import { parseTomlTree } from "./toml.js";
import { anyCaseKeys, exactKeys } from "../fields.js";
import { type Ctx, error, get, warn } from "./values.js";

export function parseTraefik(text: string, file: string): Model {
  const model = emptyModel(file, "traefik");
  // `[http.services.x.loadBalancer.servers]` written as an empty TOML table is an empty list to Traefik.
  const ctx: Ctx = { file, diagnostics: model.diagnostics, match: anyCaseKeys, listFromMap: (m) => (m.entries.length === 0 ? [] : undefined) };
  try {
    const roots: { root: PNode; line: number; endLine: number }[] = [];
    if (/\.toml$/i.test(file)) {
      const parsed = parseTomlTree(text, file);
      model.diagnostics.push(...parsed.diagnostics);
      if (parsed.root) roots.push({ root: parsed.root, line: parsed.root.line, endLine: parsed.root.endLine });
    } else {
      const parsed = parseYamlDocuments(text, file);
      model.diagnostics.push(...parsed.diagnostics);
      for (const d of parsed.documents) if (d.root) roots.push({ root: d.root, line: d.line, endLine: d.endLine });
    }
    const out: Output = { pools: model.pools, routes: model.routes };
    const crds: PMap[] = [];
    let understood = false;
    for (const { root } of roots) {
      if (root.kind !== "map") {
        if (!(root.kind === "scalar" && root.value === null)) error(ctx, root, `expected Traefik configuration (a mapping), found ${describeNode(root)}`);
        continue;
      }
      if (isTraefikCrd(ctx, root)) {
        crds.push(root);
        understood = true;
      } else if (isDynamic(ctx, root)) {
        readDynamic(ctx, root, out);
        understood = true;
      } else if (get({ ...ctx, match: exactKeys }, root, "apiVersion") !== undefined) {
        // Another Kubernetes API group: the Kubernetes parser's business.
        understood = true;
      }
    }
    if (crds.length > 0) readCrds({ ...ctx, match: exactKeys }, crds, out);
    if (!understood && roots.length > 0 && !model.diagnostics.some((d) => d.severity === "error")) {
      warn(ctx, roots[0]!, "no Traefik routers, services or resources found (expected http, tcp or udp, or a traefik.io resource)");
    }
  } catch (e) {
    // Defensive: a bug here must surface as a finding, never as a crash or a silent pass.
    error(ctx, { line: 1, endLine: 1 }, `could not read the Traefik config: ${e instanceof Error ? e.message : String(e)}`);
  }
  return model;
}
