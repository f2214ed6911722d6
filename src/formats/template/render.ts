/**
 * Rendering a template with the values the policy gives (`templates:` entries): Jinja2 through
 * nunjucks, envsubst by substitution. Every template line carries a marker through the render,
 * so each rendered line maps back to the template line that produced it (a loop's lines to the
 * loop's body), and findings sit on the template.
 */
import nunjucks from "nunjucks";

export interface Rendered {
  text: string;
  /** Index: rendered line (1-based); value: template line. */
  lines: number[];
}

export type RenderResult = { ok: Rendered } | { error: string; line: number };

const MARK = "\u0001";
// Built from MARK: a control character no config contains, written once.
const MARKER = new RegExp(`${MARK}(\\d+)${MARK}`, "g");

export function renderJinja(template: string, variables: Record<string, unknown>): RenderResult {
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
  try {
    return { ok: unmark(env.renderString(mark(template), variables)) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const line = Number(/\[Line (\d+)/.exec(message)?.[1] ?? 1);
    return { error: message.replace(/\s+/g, " ").replace(/\(unknown path\)\s*/, "").trim(), line };
  }
}

/** envsubst: `${NAME}` and `$NAME` with a given value are replaced; others stay for the template reader. */
export function renderEnvsubst(template: string, variables: Record<string, unknown>): Rendered {
  const known = (name: string) => Object.hasOwn(variables, name);
  const text = template.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare!;
    return known(name) ? String(variables[name]).replace(/\n/g, " ") : whole;
  });
  return { text, lines: [0, ...text.split("\n").map((_, i) => i + 1)] };
}

/** A marker at the end of every line that is not inside a tag, so it passes through as text. */
function mark(template: string): string {
  const lines = template.split("\n");
  let open = 0;
  return lines
    .map((line, i) => {
      open += (line.match(/\{[{%#]/g) ?? []).length - (line.match(/[}%#]\}/g) ?? []).length;
      return open > 0 ? line : `${line}${MARK}${i + 1}${MARK}`;
    })
    .join("\n");
}

function unmark(rendered: string): Rendered {
  const lines: number[] = [0];
  let last = 1;
  const text = rendered
    .split("\n")
    .map((line, i) => {
      const first = MARKER.exec(line);
      MARKER.lastIndex = 0;
      if (first) last = Number(first[1]);
      lines[i + 1] = last;
      return line.replace(MARKER, "");
    })
    .join("\n");
  return { text, lines };
}
