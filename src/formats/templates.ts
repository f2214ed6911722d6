/**
 * Templates: files rendered into config at deploy time (Jinja2, Go templates, ERB…, and Helm
 * chart templates). They are not config themselves, so they are never judged as broken config;
 * the report says they were not evaluated. Decided by path only, so an edit cannot turn a config
 * file into an unjudged template: renaming one is a deletion.
 */
export const TEMPLATE_NAME = /\.(j2|jinja|jinja2|tmpl|tpl|gotmpl|erb|template)$/i;

/** Why `path` is a template (a sentence), or null. `charts`: the directories holding a Chart.yaml. */
export function templateReason(path: string, charts: ReadonlySet<string>): string | null {
  if (TEMPLATE_NAME.test(path)) return `${path} is a template (${path.slice(path.lastIndexOf("."))}): not evaluated`;
  const at = path.startsWith("templates/") ? 0 : path.indexOf("/templates/") + 1;
  if (at < 0 || (at === 0 && !path.startsWith("templates/"))) return null;
  const chart = at === 0 ? "" : path.slice(0, at - 1);
  return charts.has(chart) ? `Helm chart ${chart || "."} has templates that are rendered at deploy time: not evaluated` : null;
}

/** The directories of a set of paths that hold a Helm chart (a Chart.yaml). */
export function chartDirs(paths: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const p of paths) if (p === "Chart.yaml" || p.endsWith("/Chart.yaml")) out.add(p === "Chart.yaml" ? "" : p.slice(0, -"/Chart.yaml".length));
  return out;
}
