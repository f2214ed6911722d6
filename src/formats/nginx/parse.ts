/** nginx config text into the normalized model. Never throws: problems become diagnostics. */
import { emptyModel, type Listener, loc, type Model, type Route, type Target } from "../../model/types.js";
import { parseAddress } from "../address.js";
import { error } from "./diag.js";
import { PASS_DIRECTIVES, ROUTE_CONTAINERS } from "./directives.js";
import { type Directive, parseTree } from "./tree.js";
import { routeResilience } from "./resilience.js";
import { type NginxContext, upstreamToPool } from "./upstream.js";
import { FRAGMENT, validateDirectives } from "./validate.js";
import { parseRelease } from "../release.js";

export interface NginxParseOptions {
  /**
   * The context the file's top level belongs to. A conf.d fragment is usually included inside
   * `http`; the engine passes `stream` when an including file says so.
   */
  context?: "main" | NginxContext;
  /** The policy's nginxVersion: the release whose directives apply. */
  version?: string;
}

const MAIN_ONLY = new Set(["http", "events", "stream", "worker_processes", "user", "pid", "load_module", "mail"]);

export function parseNginx(text: string, file: string, options: NginxParseOptions = {}): Model {
  const model = emptyModel(file, "nginx");
  const tree = parseTree(text);
  for (const e of tree.errors) model.diagnostics.push({ severity: "error", message: e.message, loc: loc(file, e.line, e.endLine) });
  const top = options.context ?? (tree.directives.some((d) => MAIN_ONLY.has(d.name)) ? "main" : "http");
  validateDirectives(tree.directives, options.context || top === "main" ? [top] : FRAGMENT, file, model.diagnostics, parseRelease(options.version));
  const walker = new Walker(model, file);
  if (top === "main") walker.main(tree.directives);
  else if (!options.context && isServerBody(tree.directives)) walker.context([asServer(tree.directives, text)], "http");
  else walker.context(tree.directives, top);
  return model;
}

/** A fragment of a server's body (listen, server_name, locations), included inside `server {}`. */
function isServerBody(directives: Directive[]): boolean {
  const names = new Set(directives.map((d) => d.name));
  return !names.has("server") && !names.has("upstream") && (names.has("location") || names.has("listen"));
}

/** The fragment as the server it is read into, so its locations are routes. */
function asServer(directives: Directive[], text: string): Directive {
  return { name: "server", args: [], line: 1, endLine: Math.max(1, text.split("\n").length - 1), block: directives };
}

class Walker {
  /** The directives of the enclosing `http {}`/`stream {}`: what servers and locations inherit. */
  private top: Directive[] = [];

  constructor(
    private readonly model: Model,
    private readonly file: string,
  ) {}

  main(directives: Directive[]): void {
    for (const d of directives) {
      if (d.name === "http" || d.name === "stream") this.context(d.block ?? [], d.name);
      else if (d.name === "include") this.include(d, "main");
    }
  }

  /** The inside of `http {}` or `stream {}`. */
  context(directives: Directive[], ctx: NginxContext): void {
    const seen = new Set<string>();
    this.top = directives;
    for (const d of directives) {
      if (d.name === "upstream") {
        const pool = upstreamToPool(d, ctx, this.file, this.model.diagnostics, this.model.includes);
        if (seen.has(pool.name)) this.model.diagnostics.push(error(`duplicate upstream "${pool.name}"`, d, this.file));
        seen.add(pool.name);
        this.model.pools.push(pool);
      } else if (d.name === "server" && d.block) {
        this.server(d, ctx);
      } else if (d.name === "include") {
        this.include(d, ctx);
      }
    }
  }

  private server(d: Directive, ctx: NginxContext): void {
    const block = d.block ?? [];
    const listeners = block.filter((c) => c.name === "listen").map((c) => this.listener(c));
    if (block.some((c) => c.name === "http2" && c.args[0] === "on")) for (const l of listeners) l.flags.push("http2");
    const names = block.find((c) => c.name === "server_name")?.args ?? [];
    const listen = listeners.map((l) => l.address).join(",");
    const label = names[0] ?? (listen || `server@${d.line}`);
    // server_name alone is not unique: the same name often has a :80 and a :443 server.
    const scope = { ctx, label, keyLabel: `${names.join(",")}@${listen}`, listeners, server: d, levels: [this.top, block] };
    for (const c of block) if (c.name === "include") this.include(c, `${ctx}-server`);
    if (ctx === "stream") {
      const pass = block.find((c) => c.name === "proxy_pass");
      if (pass) this.route(scope, `${ctx}:server:${scope.keyLabel}`, `server ${label}`, [pass], undefined, d, scope.levels);
      return;
    }
    this.locations(block, scope, "");
  }

  private locations(block: Directive[], scope: Scope, parentPath: string): void {
    for (const c of block) {
      if (c.name !== "location") continue;
      const path = `${parentPath}${c.args.join(" ")}`;
      const inner = c.block ?? [];
      const passes = inner.filter((x) => x.name in PASS_DIRECTIVES);
      const keyBase = `${scope.ctx}:server:${scope.keyLabel}:location:${path}`;
      const name = `${scope.label} location ${path}`;
      const levels = [...scope.levels, inner];
      if (passes.length > 0) this.route(scope, keyBase, name, passes, undefined, c, levels);
      for (const x of inner) {
        if (!ROUTE_CONTAINERS.has(x.name) || x.name === "location") continue;
        const conditional = (x.block ?? []).filter((y) => y.name in PASS_DIRECTIVES);
        const condition = `${x.name} ${x.args.join(" ")}`.trim();
        if (conditional.length > 0) this.route(scope, `${keyBase}:${condition}`, `${name} ${condition}`, conditional, condition, x, [...levels, x.block ?? []]);
      }
      this.locations(inner, { ...scope, levels }, `${path} > `);
    }
  }

  private route(scope: Scope, key: string, name: string, passes: Directive[], condition: string | undefined, at: Directive, levels: Directive[][]): void {
    const targets = passes.map((p) => this.passTarget(p, scope.ctx)).filter((t): t is Target => t !== undefined);
    const where = loc(this.file, at.line, at.endLine);
    const route: Route = {
      key: `nginx:${key}`,
      name,
      format: "nginx",
      listeners: scope.listeners,
      targets: targets.slice(0, 1),
      // A location removed from a server falls to that server's `location /`.
      scope: `nginx:${scope.ctx}:server:${scope.keyLabel}`,
      ...(key.endsWith(":location:/") ? { fallback: true } : {}),
      ...routeResilience(levels, passes[0]!, scope.ctx === "stream", this.file, where),
      loc: where,
    };
    if (condition !== undefined) route.condition = condition;
    this.model.routes.push(route);
  }

  /** What a `*_pass` directive hands requests to: an upstream by name, an address, or a variable. */
  private passTarget(d: Directive, ctx: NginxContext): Target | undefined {
    const at = loc(this.file, d.line, d.endLine);
    const arg = d.args[0];
    // A wrong argument count is reported by validate.ts.
    if (!arg || d.args.length !== 1) return undefined;
    if (arg.includes("$")) return { kind: "dynamic", expression: arg, weight: 1, loc: at };
    const schemes = ctx === "stream" ? [""] : (PASS_DIRECTIVES[d.name] ?? [""]);
    const scheme = schemes.find((s) => s !== "" && arg.toLowerCase().startsWith(s)) ?? (schemes.includes("") ? "" : undefined);
    if (scheme === undefined) {
      this.model.diagnostics.push(error(`invalid URL prefix in "${arg}"`, d, this.file));
      return undefined;
    }
    const rest = arg.slice(scheme.length);
    const hostPort = rest.startsWith("unix:") ? rest : rest.split("/")[0]!;
    const address = parseAddress(hostPort, scheme === "https://" ? 443 : scheme === "" && ctx === "stream" ? undefined : 80);
    if (!address) {
      this.model.diagnostics.push(error(`invalid host in "${arg}"`, d, this.file));
      return undefined;
    }
    // With an explicit port nginx never looks up an upstream block: it is a plain address.
    if (hostPort.startsWith("unix:") || hostPort.includes(":")) return { kind: "address", id: address.id, weight: 1, loc: at };
    return { kind: "ref", poolKey: `nginx:${ctx}:${address.host}`, name: address.host, unresolved: "address", weight: 1, loc: at };
  }

  private listener(d: Directive): Listener {
    const [address = "", ...rest] = d.args;
    return { address, flags: rest.map((f) => f.split("=")[0]!), loc: loc(this.file, d.line, d.endLine) };
  }

  private include(d: Directive, context: string): void {
    const pattern = d.args[0];
    if (pattern) this.model.includes.push({ pattern, context, loc: loc(this.file, d.line, d.endLine) });
  }
}

interface Scope {
  ctx: NginxContext;
  label: string;
  keyLabel: string;
  listeners: Listener[];
  server: Directive;
  /** The enclosing blocks' directives, outermost first: what a route inherits. */
  levels: Directive[][];
}
