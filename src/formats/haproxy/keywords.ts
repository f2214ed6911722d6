/**
 * Keyword tables for HAProxy 2.6, the version `haproxy -c` checks against in our oracle
 * tests. Lists come from the 2.6 configuration manual and from `haproxy -dKall` on a 2.6
 * build; where a keyword's placement matters, the letters record what `haproxy -c` did
 * when the keyword was tried in each section type.
 */

import { nearestWord } from "../typo.js";

/** Table lookup that ignores Object.prototype, so a keyword like `constructor` stays unknown. */
export function lookup<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

export type ProxyKind = "defaults" | "frontend" | "backend" | "listen";
export type SectionKind = "global" | ProxyKind | "other";

export const SECTION_KEYWORDS: Record<string, SectionKind> = {
  global: "global",
  defaults: "defaults",
  frontend: "frontend",
  backend: "backend",
  listen: "listen",
  userlist: "other",
  peers: "other",
  mailers: "other",
  resolvers: "other",
  program: "other",
  "http-errors": "other",
  ring: "other",
  cache: "other",
  "fcgi-app": "other",
  "log-forward": "other",
  namespace_list: "other",
  // Newer than 2.6 (sections of the 3.2 manual), recognised so that their lines are not read as proxy lines.
  "crt-store": "other",
  acme: "other",
  "log-profile": "other",
  traces: "other",
};

/**
 * Other sections with `server` lines, which never balance traffic. A ring's are parsed like a
 * proxy's; a peers section's depend on which peer is the local one (the host name), so they
 * are not checked.
 */
export const SERVER_SECTIONS: Record<string, "checked" | "unchecked"> = { ring: "checked", peers: "unchecked" };

/**
 * Placement of proxy keywords: one letter for each of anonymous defaults, named defaults,
 * frontend and backend (a listen section accepts every keyword). X: accepted; w: accepted with
 * a warning that the keyword is ignored there; E: rejected.
 */
export const PROXY_KEYWORDS: Record<string, string> = {
  acl: "EXXX",
  backlog: "XXXw",
  balance: "XXwX",
  bind: "EEXw",
  "bind-process": "XXXX",
  capture: "EEXw",
  "clitcpka-cnt": "XXXw",
  "clitcpka-idle": "XXXw",
  "clitcpka-intvl": "XXXw",
  compression: "XXXX",
  cookie: "XXwX",
  declare: "EEXE",
  "default-server": "XXEX",
  default_backend: "XXXw",
  description: "EEXX",
  disabled: "XXXX",
  dispatch: "EEwX",
  "dynamic-cookie-key": "XXXX",
  "email-alert": "XXXX",
  enabled: "XXXX",
  "error-log-format": "XXXw",
  errorfile: "XXXX",
  errorfiles: "XXXX",
  errorloc: "XXXX",
  errorloc302: "XXXX",
  errorloc303: "XXXX",
  "external-check": "XXXX",
  filter: "EEXX",
  "force-persist": "EEwX",
  fullconn: "XXwX",
  "hash-balance-factor": "XXXX",
  "hash-type": "XXwX",
  "http-after-response": "EXXX",
  "http-check": "XXwX",
  "http-error": "XXXX",
  "http-request": "EXXX",
  "http-response": "EXXX",
  "http-reuse": "XXwX",
  "http-send-name-header": "XXwX",
  id: "EEXX",
  "ignore-persist": "EEwX",
  "load-server-state-from-file": "XXwX",
  log: "XXXX",
  "log-format": "XXXw",
  "log-format-sd": "XXXw",
  "log-tag": "XXXX",
  "max-keep-alive-queue": "XXwX",
  "max-session-srv-conns": "XXXX",
  maxconn: "XXXw",
  mode: "XXXX",
  monitor: "EEXw",
  "monitor-uri": "XXXw",
  option: "XXXX",
  persist: "XXXX",
  "rate-limit": "XXXw",
  redirect: "EEXX",
  retries: "XXwX",
  "retry-on": "XXEX",
  server: "EEEX",
  "server-state-file-name": "XXwX",
  "server-template": "EEEX",
  source: "XXwX",
  "srvtcpka-cnt": "XXwX",
  "srvtcpka-idle": "XXwX",
  "srvtcpka-intvl": "XXwX",
  stats: "XXXX",
  "stats admin": "EEXX",
  "stats http-request": "EEXX",
  stick: "EEwX",
  "stick-table": "EEXX",
  "tcp-check": "XXwX",
  "tcp-request": "EXXX",
  "tcp-request connection": "EXXE",
  "tcp-request session": "EXXE",
  "tcp-response": "EXEX",
  timeout: "XXXX",
  transparent: "XXXX",
  "unique-id-format": "XXXX",
  "unique-id-header": "XXXX",
  "use-fcgi-app": "EEEX",
  "use-server": "EEwX",
  use_backend: "EEXw",
};

/** How many arguments a proxy keyword takes: [min, max]; absent max means no limit. */
export const PROXY_ARITY: Record<string, readonly [number, number?]> = {
  acl: [2],
  backlog: [1, 1],
  bind: [1],
  capture: [1],
  compression: [1],
  cookie: [1],
  declare: [1],
  default_backend: [1, 1],
  description: [1],
  disabled: [0, 0],
  dispatch: [1, 1],
  enabled: [0, 0],
  errorfiles: [1],
  "error-log-format": [1, 1],
  filter: [1],
  fullconn: [1, 1],
  "http-after-response": [1],
  "http-request": [1],
  "http-response": [1],
  "http-reuse": [1, 1],
  id: [1, 1],
  log: [1],
  "log-format": [1, 1],
  "log-format-sd": [1, 1],
  "log-tag": [1],
  maxconn: [1, 1],
  mode: [1, 1],
  "monitor-uri": [1, 1],
  option: [1],
  retries: [1, 1],
  "server-state-file-name": [0, 1],
  source: [1],
  stats: [1],
  "stick-table": [1],
  "tcp-request": [1],
  "tcp-response": [1],
  timeout: [2, 2],
  transparent: [0, 0],
  "unique-id-format": [1, 1],
  "unique-id-header": [1],
  use_backend: [1],
};

export const STATS_KEYWORDS = new Set(
  "admin auth enable hide-version http-request realm refresh scope show-desc show-legends show-modules show-node uri".split(" "),
);

/** Keywords HAProxy 2.6 still recognises only to reject them, with its advice. */
export const REMOVED_PROXY_KEYWORDS: Record<string, string> = {
  appsession: "removed in HAProxy 1.6; use 'stick-table' persistence",
  block: "removed in HAProxy 2.1; use 'http-request deny'",
  cliexp: "removed in HAProxy 2.1; use 'http-request replace-path' or 'replace-header'",
  clitimeout: "removed in HAProxy 2.1; use 'timeout client'",
  contimeout: "removed in HAProxy 2.1; use 'timeout connect'",
  grace: "removed from proxies in HAProxy 2.5",
  "monitor-net": "no longer supported; use 'http-request return status 200 if { src ... }'",
  redisp: "removed in HAProxy 2.1; use 'option redispatch'",
  redispatch: "removed in HAProxy 2.1; use 'option redispatch'",
  srvexp: "removed in HAProxy 2.1; use 'http-response replace-header'",
  srvtimeout: "removed in HAProxy 2.1; use 'timeout server'",
  usesrc: "only allowed after 'source' on the same line",
  ...Object.fromEntries(
    ["reqadd", "reqallow", "reqdel", "reqdeny", "reqiallow", "reqidel", "reqideny", "reqipass", "reqirep"]
      .concat(["reqitarpit", "reqpass", "reqrep", "reqtarpit"])
      .map((k) => [k, "removed in HAProxy 2.1; use 'http-request' rules"]),
  ),
  ...Object.fromEntries(
    ["rspadd", "rspdel", "rspdeny", "rspidel", "rspideny", "rspirep", "rsprep"].map((k) => [
      k,
      "removed in HAProxy 2.1; use 'http-response' rules",
    ]),
  ),
};

/** Which side of a proxy a setting concerns; HAProxy warns and ignores it on the other side. */
export type Side = "frontend" | "backend" | "both";

export interface OptionSpec {
  side: Side;
  /** `no option X` / `default option X` are accepted. */
  negatable: boolean;
  /** At most this many arguments; absent when HAProxy validates them itself in detail. */
  maxArgs?: number;
}

const flag = (side: Side, negatable = true): OptionSpec => ({ side, negatable, maxArgs: 0 });
const withArgs = (side: Side, maxArgs?: number): OptionSpec => ({ side, negatable: false, maxArgs });

export const OPTIONS: Record<string, OptionSpec> = {
  abortonclose: flag("backend"),
  "accept-invalid-http-request": flag("frontend"),
  "accept-invalid-http-response": flag("backend"),
  allbackups: flag("backend"),
  checkcache: flag("backend"),
  clitcpka: flag("frontend"),
  contstats: flag("frontend"),
  "disable-h2-upgrade": flag("frontend"),
  "dontlog-normal": flag("frontend"),
  dontlognull: flag("frontend"),
  "external-check": withArgs("backend"),
  forwardfor: withArgs("both"),
  "h1-case-adjust-bogus-client": flag("frontend"),
  "h1-case-adjust-bogus-server": flag("backend"),
  "http-buffer-request": flag("both"),
  "http-ignore-probes": flag("frontend"),
  "http-keep-alive": flag("both"),
  "http-no-delay": flag("both"),
  "http-pretend-keepalive": flag("backend"),
  "http-restrict-req-hdr-names": withArgs("both"),
  "http-server-close": flag("both"),
  "http-use-proxy-header": flag("frontend"),
  httpchk: withArgs("backend", 3),
  httpclose: flag("both"),
  httplog: withArgs("frontend"),
  httpslog: withArgs("frontend"),
  "idle-close-on-response": flag("frontend"),
  "independent-streams": flag("both"),
  "ldap-check": flag("backend", false),
  "log-health-checks": flag("backend"),
  "log-separate-errors": flag("frontend"),
  logasap: flag("frontend"),
  "mysql-check": withArgs("backend"),
  nolinger: flag("both"),
  originalto: withArgs("both"),
  persist: flag("backend"),
  "pgsql-check": withArgs("backend"),
  "prefer-last-server": flag("backend"),
  redispatch: { side: "backend", negatable: true },
  "redis-check": flag("backend", false),
  smtpchk: withArgs("backend", 2),
  "socket-stats": flag("frontend"),
  "splice-auto": flag("both"),
  "splice-request": flag("both"),
  "splice-response": flag("both"),
  "spop-check": flag("backend", false),
  srvtcpka: flag("backend"),
  "ssl-hello-chk": flag("backend", false),
  "tcp-check": flag("backend", false),
  "tcp-smart-accept": flag("frontend"),
  "tcp-smart-connect": flag("backend"),
  tcpka: flag("both", false),
  tcplog: flag("frontend", false),
  transparent: flag("backend"),
};

/** Options that choose how servers are health-checked; the last one in a proxy wins. */
export const CHECK_OPTIONS = new Set([
  "httpchk",
  "ssl-hello-chk",
  "smtpchk",
  "mysql-check",
  "pgsql-check",
  "redis-check",
  "ldap-check",
  "spop-check",
  "tcp-check",
  "external-check",
]);

export const TIMEOUTS: Record<string, Side> = {
  check: "backend",
  client: "frontend",
  "client-fin": "frontend",
  connect: "backend",
  "http-keep-alive": "both",
  "http-request": "both",
  queue: "backend",
  server: "backend",
  "server-fin": "backend",
  tarpit: "both",
  tunnel: "backend",
};

/** `balance` algorithms and the normalized names the model uses. */
export const BALANCE_ALGORITHMS: Record<string, string> = {
  roundrobin: "round-robin",
  "static-rr": "static-rr",
  leastconn: "least-conn",
  first: "first",
  source: "source",
  uri: "uri",
  url_param: "url-param",
  hdr: "hdr",
  random: "random",
  "rdp-cookie": "rdp-cookie",
  hash: "hash",
};

export const GLOBAL_KEYWORDS = new Set(
  [
    "busy-polling ca-base chroot close-spread-time cluster-secret cpu-map crt-base daemon default-path",
    "description expose-experimental-directives external-check fd-hard-limit gid grace group",
    "h1-accept-payload-with-any-method h1-case-adjust h1-case-adjust-file h2-workaround-bogus-websocket-clients",
    "hard-stop-after httpclient.resolvers.id httpclient.resolvers.prefer httpclient.ssl.ca-file",
    "httpclient.ssl.verify insecure-fork-wanted insecure-setuid-wanted issuers-chain-path localpeer log",
    "log-send-hostname log-tag lua-load lua-load-per-thread lua-prepend-path master-worker max-spread-checks",
    "maxcompcpuusage maxcomprate maxconn maxconnrate maxpipes maxsessrate maxsslconn maxsslrate maxzlibmem",
    "mworker-max-reloads nbthread no-memory-trimming node noepoll noevports nogetaddrinfo nokqueue nopoll",
    "noreuseport nosplice numa-cpu-mapping pidfile pp2-never-send-local presetenv profiling.tasks quiet",
    "resetenv server-state-base server-state-file set-dumpable set-var set-var-fmt setenv spread-checks",
    "ssl-default-bind-ciphers ssl-default-bind-ciphersuites ssl-default-bind-curves ssl-default-bind-options",
    "ssl-default-server-ciphers ssl-default-server-ciphersuites ssl-default-server-options ssl-dh-param-file",
    "ssl-load-extra-del-ext ssl-load-extra-files ssl-mode-async ssl-propquery ssl-provider ssl-provider-path",
    "ssl-server-verify ssl-skip-self-issued-ca stats strict-limits thread-group thread-groups",
    "tune.buffers.limit tune.buffers.reserve tune.bufsize tune.comp.maxlevel tune.fail-alloc",
    "tune.fd.edge-triggered tune.h2.header-table-size tune.h2.initial-window-size",
    "tune.h2.max-concurrent-streams tune.h2.max-frame-size tune.http.cookielen tune.http.logurilen",
    "tune.http.maxhdr tune.idle-pool.shared tune.idletimer tune.listener.multi-queue tune.lua.forced-yield",
    "tune.lua.maxmem tune.lua.service-timeout tune.lua.session-timeout tune.lua.task-timeout tune.maxaccept",
    "tune.maxpollevents tune.maxrewrite tune.pattern.cache-size tune.peers.max-updates-at-once tune.pipesize",
    "tune.pool-high-fd-ratio tune.pool-low-fd-ratio tune.rcvbuf.client tune.rcvbuf.server tune.recv_enough",
    "tune.runqueue-depth tune.sched.low-latency tune.sndbuf.client tune.sndbuf.server tune.ssl.cachesize",
    "tune.ssl.capture-buffer-size tune.ssl.capture-cipherlist-size tune.ssl.default-dh-param",
    "tune.ssl.force-private-cache tune.ssl.hard-maxrecord tune.ssl.keylog tune.ssl.lifetime tune.ssl.maxrecord",
    "tune.ssl.ssl-ctx-cache-size tune.vars.check-max-size tune.vars.global-max-size tune.vars.proc-max-size",
    "tune.vars.reqres-max-size tune.vars.sess-max-size tune.vars.txn-max-size uid ulimit-n unix-bind unsetenv",
    "user zero-warning",
  ]
    .join(" ")
    .split(" "),
);

/** Global keywords that exist only when HAProxy is built with an optional library. */
export const BUILD_DEPENDENT_GLOBAL = /^(51degrees-|deviceatlas-|wurfl-|tune\.quic\.|tune\.zlib\.|ssl-engine$)/;

export const REMOVED_GLOBAL_KEYWORDS: Record<string, string> = {
  nbproc: "removed in HAProxy 2.5; threads are used automatically",
  "tune.chksize": "removed; tune.bufsize is used instead",
};

/** Global keywords that accept a `no` prefix (besides `log`). */
export const NEGATABLE_GLOBAL = new Set([
  "busy-polling",
  "set-dumpable",
  "strict-limits",
  "insecure-fork-wanted",
  "numa-cpu-mapping",
]);

/** `bind` keywords (1: takes one argument). */
export const BIND_KEYWORDS: Record<string, 0 | 1> = Object.fromEntries([
  ...[
    "accept-proxy defer-accept tfo transparent v4v6 v6only allow-0rtt force-sslv3 force-tlsv10 force-tlsv11",
    "force-tlsv12 force-tlsv13 generate-certificates no-ca-names no-sslv3 no-tls-tickets no-tlsv10 no-tlsv11",
    "no-tlsv12 no-tlsv13 prefer-client-ciphers strict-sni ssl",
  ]
    .join(" ")
    .split(" ")
    .map((k) => [k, 0]),
  ...[
    "accept-netscaler-cip backlog expose-fd gid group id interface level maxconn mode mss name namespace nice",
    "process proto severity-output shards tcp-ut thread uid user alpn ca-file ca-ignore-err ca-sign-file",
    "ca-sign-pass ca-verify-file ciphers ciphersuites crl-file crt crt-ignore-err crt-list curves ecdhe npn",
    "ssl-max-ver ssl-min-ver tls-ticket-keys verify",
  ]
    .join(" ")
    .split(" ")
    .map((k) => [k, 1]),
]);

/** Server keywords that are plain flags; the other server keywords take one argument. */
export const SERVER_FLAGS = new Set(
  [
    "agent-check allow-0rtt backup check check-send-proxy check-ssl check-via-socks4 disabled enabled",
    "force-sslv3 force-tlsv10 force-tlsv11 force-tlsv12 force-tlsv13 no-agent-check no-backup no-check",
    "no-check-send-proxy no-check-ssl no-send-proxy no-send-proxy-v2 no-send-proxy-v2-ssl",
    "no-send-proxy-v2-ssl-cn no-ssl no-ssl-reuse no-sslv3 no-tfo no-tls-tickets no-tlsv10 no-tlsv11",
    "no-tlsv12 no-tlsv13 non-stick send-proxy send-proxy-v2 send-proxy-v2-ssl send-proxy-v2-ssl-cn ssl",
    "ssl-reuse stick tfo tls-tickets",
  ]
    .join(" ")
    .split(" "),
);

export const SERVER_ARG_KEYWORDS = new Set(
  [
    "addr agent-addr agent-inter agent-port agent-send alpn ca-file check-alpn check-proto check-sni ciphers",
    "ciphersuites cookie crl-file crt downinter error-limit fall fastinter id init-addr inter log-proto",
    "max-reuse maxconn maxqueue minconn namespace npn observe on-error on-marked-down on-marked-up",
    "pool-low-conn pool-max-conn pool-purge-delay port proto proxy-v2-options redir resolve-net resolve-opts",
    "resolve-prefer resolvers rise slowstart sni socks4 source ssl-max-ver ssl-min-ver tcp-ut track verify",
    "verifyhost weight ws",
  ]
    .join(" ")
    .split(" "),
);

/** Server keywords whose argument HAProxy reads with atol(): a missing one silently means 0. */
export const LENIENT_SERVER_ARGS = new Set(["weight", "maxconn", "maxqueue", "minconn", "init-addr", "resolve-opts"]);

/** Server keywords whose argument must be one of a few words. */
export const SERVER_ENUMS: Record<string, readonly string[]> = {
  observe: ["none", "layer4", "layer7"],
  "on-error": ["fastinter", "fail-check", "sudden-death", "mark-down"],
  "on-marked-down": ["shutdown-sessions"],
  "on-marked-up": ["shutdown-backup-sessions"],
  "resolve-prefer": ["ipv4", "ipv6"],
  "log-proto": ["legacy", "octet-count"],
  ws: ["auto", "h1", "h2"],
  verify: ["none", "required"],
};

/**
 * An unknown keyword close to a known one is a typo HAProxy rejects ("did you mean"); anything
 * else may be a keyword newer than the 2.6 and 3.2 tables, so it is a warning, not a parse failure.
 */
export function unknownKeyword(kw: string, known: Iterable<string>, what: string): { severity: "error" | "warning"; message: string } {
  const best = nearestWord(kw, known);
  if (!/^[a-z][a-z0-9.-]+$/.test(kw)) return { severity: "error", message: `unknown ${what} '${kw}'` };
  if (best !== undefined && kw.length >= 4) return { severity: "error", message: `unknown ${what} '${kw}'; did you mean '${best}'?` };
  return { severity: "warning", message: `'${kw}' is not a ${what} of HAProxy 3.2 or earlier: a newer HAProxy may accept it, but lb-review cannot evaluate it` };
}
