/**
 * What `nginx -t` checks of every directive before its module reads it: the name is known, it is
 * allowed in its context, it has a number of arguments it takes, and it is a block or ends in `;`
 * as its definition says. The table is generated from nginx 1.26's module sources
 * (directives-1.26.generated.ts).
 */
import type { Diagnostic } from "../../model/types.js";
import { atMost, type Release } from "../release.js";
import { nearestWord } from "../typo.js";
import { error, warning } from "./diag.js";
import { PLUS_DIRECTIVES } from "./directives.js";
import {
  type DirectiveSpec,
  NGINX_BLOCK_OPENS,
  NGINX_DIRECTIVE_ABSENT_IN,
  NGINX_DIRECTIVES,
  NGINX_OPAQUE_BLOCKS,
  NGINX_SOURCE_VERSION,
  type NginxContext as Context,
  nginxDirective,
} from "./directives-1.26.generated.js";
import type { Directive } from "./tree.js";

const KNOWN = Object.keys(NGINX_DIRECTIVES);
/** OpenResty's Lua directives: a distribution of nginx in its own right, accepted as they are. */
const OPENRESTY = /^lua_|_by_lua(_block|_file)?$|^balancer_keepalive$/;
const OPAQUE = new Set(NGINX_OPAQUE_BLOCKS);

/**
 * A fragment's top level may be included into `http`, a `server` or a `location`: a directive
 * allowed in any of them is fine there. Blocks below it have a known context.
 */
export const FRAGMENT: readonly Context[] = ["http", "server", "location"];

export function validateDirectives(directives: Directive[], contexts: readonly Context[], file: string, diags: Diagnostic[], target?: Release): void {
  for (const d of directives) {
    const specs = nginxDirective(d.name);
    if (!specs) {
      if (!OPENRESTY.test(d.name)) diags.push(unknown(d, file));
      // An unknown block's body is another module's language (Lua, a WAF's rules): not read.
      continue;
    }
    const absent = Object.hasOwn(NGINX_DIRECTIVE_ABSENT_IN, d.name) ? NGINX_DIRECTIVE_ABSENT_IN[d.name]! : undefined;
    if (target && absent && atMost(target, absent)) {
      diags.push(error(`"${d.name}" is not in nginx ${absent}: the release the policy names (nginxVersion ${target.major}.${target.minor}) rejects it`, d, file));
      continue;
    }
    const here = specs.filter((s) => s.contexts.some((c) => contexts.includes(c)));
    if (here.length === 0) {
      diags.push(
        PLUS_DIRECTIVES.has(d.name)
          ? warning(`"${d.name}" is not allowed here in nginx ${NGINX_SOURCE_VERSION}; only NGINX Plus (or a newer nginx) accepts it`, d, file)
          : error(`"${d.name}" directive is not allowed here`, d, file),
      );
      continue;
    }
    const shape = shapeProblem(d, here);
    if (shape) {
      diags.push(error(shape, d, file));
      continue;
    }
    if (d.block && !OPAQUE.has(d.name)) {
      const opens = contexts.flatMap((c) => NGINX_BLOCK_OPENS[d.name]?.[c] ?? []);
      if (opens.length > 0) validateDirectives(d.block, [...new Set(opens)], file, diags, target);
    }
  }
}

/** nginx rejects any unknown name; one that is no near-typo may be a third-party module's, so it is a warning. */
function unknown(d: Directive, file: string): Diagnostic {
  if (PLUS_DIRECTIVES.has(d.name)) return warning(`"${d.name}" needs NGINX Plus or a newer nginx`, d, file);
  // No module has a name like `10.0.0.1:80;` (a server line without `server`).
  if (!/^[a-z_][a-z0-9_]*$/i.test(d.name)) return error(`unknown directive "${d.name}"`, d, file);
  const near = d.name.length >= 5 ? nearestWord(d.name, KNOWN) : undefined;
  if (near) return error(`unknown directive "${d.name}"; did you mean "${near}"?`, d, file);
  return warning(`unknown directive "${d.name}": not in nginx ${NGINX_SOURCE_VERSION} or its standard modules (a third-party module's?), so lb-review cannot evaluate it`, d, file);
}

function shapeProblem(d: Directive, specs: readonly DirectiveSpec[]): string | undefined {
  const block = specs.filter((s) => s.block === !!d.block);
  if (block.length === 0) return d.block ? `directive "${d.name}" is not terminated by ";"` : `directive "${d.name}" has no opening "{"`;
  const n = d.args.length;
  if (!block.some(({ args: [min, max] }) => n >= min && (max === null || n <= max))) return `invalid number of arguments in "${d.name}" directive`;
  const flag = block.every((s) => s.flag);
  if (flag && d.args[0] !== "on" && d.args[0] !== "off") return `invalid value "${d.args[0]}" in "${d.name}" directive, it must be "on" or "off"`;
  return undefined;
}
