/** Directive tables for the nginx contexts we interpret. */

/** Directives open-source nginx accepts inside `upstream` (http and stream). */
export const UPSTREAM_DIRECTIVES = new Set([
  "server",
  "zone",
  "hash",
  "ip_hash",
  "least_conn",
  "random",
  "keepalive",
  "keepalive_requests",
  "keepalive_time",
  "keepalive_timeout",
]);

/**
 * Accepted by NGINX Plus (some also by nginx 1.27.3+), rejected by older open-source nginx.
 * We accept them with a warning: our users may run either.
 */
export const PLUS_DIRECTIVES = new Set([
  "state",
  "least_time",
  "queue",
  "sticky",
  "sticky_cookie_insert",
  "resolver",
  "resolver_timeout",
  "health_check",
  "status_zone",
  "api",
  "match",
  "zone_sync",
  "zone_sync_server",
  "keyval",
  "keyval_zone",
  "mqtt",
  "ntlm",
]);

/** Server parameters that take a value after "=". */
export const SERVER_VALUE_PARAMS = new Set(["weight", "max_fails", "fail_timeout", "max_conns", "slow_start", "service", "route"]);
export const SERVER_FLAG_PARAMS = new Set(["backup", "down", "resolve", "drain"]);
/** Parameters only NGINX Plus (or 1.27.3+ for resolve/service) understands. */
export const PLUS_SERVER_PARAMS = new Set(["slow_start", "resolve", "service", "route", "drain"]);

/** Directives that hand a request to an upstream, with the schemes each accepts. */
export const PASS_DIRECTIVES: Record<string, string[]> = {
  proxy_pass: ["http://", "https://"],
  grpc_pass: ["grpc://", "grpcs://", ""],
  fastcgi_pass: [""],
  uwsgi_pass: ["uwsgi://", "suwsgi://", ""],
  scgi_pass: [""],
  memcached_pass: [""],
};

/** Blocks whose children we descend into when looking for upstreams and routes. */
export const ROUTE_CONTAINERS = new Set(["location", "if", "limit_except"]);
