/** Value syntaxes of HAProxy's configuration: delays, lenient integers and addresses. */

/**
 * A word that still holds an environment reference (`"${NAME}"` without a default, or an unquoted
 * `${NAME}` that a test harness such as vtest substitutes): its value is only known when HAProxy
 * starts, so it is neither checked nor used as a number.
 */
export function fromEnvironment(text: string): boolean {
  return /\$\{?[A-Za-z_.]/.test(text);
}

/** HAProxy's timers are signed 32-bit milliseconds. */
const MAX_TIME_MS = 2147483647;

const TIME_UNITS_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A delay such as `2000`, `2s` or `1m` (no unit means milliseconds), as HAProxy's parse_time_err(). */
export function parseTime(text: string): { ms: number } | { error: string } {
  const m = /^(\d*)(.*)$/.exec(text)!;
  const unit = m[2]!;
  const factor = TIME_UNITS_MS[unit || "ms"];
  if (m[1] === "" || factor === undefined) {
    const bad = m[1] === "" ? text[0] : unit.replace(/^(us|ms|[smhd])/, "")[0];
    return { error: bad === undefined ? "expects a delay" : `unexpected character '${bad}'` };
  }
  const ms = Number(m[1]) * factor;
  if (ms > MAX_TIME_MS) return { error: `timer overflow in '${text}' (maximum is ${MAX_TIME_MS} ms)` };
  return { ms };
}

/** C's atol(), which HAProxy uses for several integers: leading digits count, anything else is 0. */
export function atol(text: string): number {
  const m = /^\s*[+-]?\d+/.exec(text);
  return m ? Number(m[0]) : 0;
}

export type AddressKind = "ip" | "dns" | "unix" | "env" | "any" | "other";

export interface Address {
  /** The backend id: "host:port", "host", "[v6]:port" or "unix:/path". */
  id: string;
  host: string;
  port?: number;
  /** The port as written, e.g. `8080` or an offset `+1000`; absent when there is no port. */
  portText?: string;
  kind: AddressKind;
  error?: string;
}

/** Families that only select the socket type; the address that follows is an ordinary one. */
export const INET_FAMILIES = new Set(["ipv4", "ipv6", "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6"]);

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** A server address `[family@]host[:port]`, `[v6]:port` or a unix socket path. */
export function parseAddress(text: string): Address {
  const family = /^([a-z0-9]+)@(.*)$/.exec(text);
  if (family && !INET_FAMILIES.has(family[1]!)) {
    if (family[1] === "unix") return { id: `unix:${family[2]}`, host: family[2]!, kind: "unix" };
    return { id: text, host: family[2]!, kind: "other" };
  }
  const rest = family ? family[2]! : text;
  if (rest.startsWith("/")) return { id: `unix:${rest}`, host: rest, kind: "unix" };
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(rest);
  // Without brackets the last colon starts the port, even for IPv6 (as HAProxy reads it).
  const colon = rest.lastIndexOf(":");
  const [host, portText] = bracketed
    ? [bracketed[1]!, bracketed[2]]
    : colon >= 0
      ? [rest.slice(0, colon), rest.slice(colon + 1)]
      : [rest, undefined];
  return { ...withPort(host, portText || undefined), kind: hostKind(host) };
}

function withPort(host: string, portText: string | undefined): Omit<Address, "kind"> {
  const shown = host.includes(":") ? `[${host}]` : host;
  const id = portText === undefined ? shown : `${shown}:${portText}`;
  if (portText === undefined) return { id, host };
  if (/^\d+-\d+$/.test(portText)) return { id, host, portText, error: `port range not permitted here in '${portText}'` };
  if (!/^\d+$/.test(portText)) return { id, host, portText };
  const port = Number(portText);
  if (port > 65535) return { id, host, portText, error: `invalid port '${portText}'` };
  return { id, host, port, portText };
}

function hostKind(host: string): AddressKind {
  if (host.includes("$")) return "env";
  if (host === "" || host === "*") return "any";
  if (IPV4.test(host) || host.includes(":")) return "ip";
  return "dns";
}

/** HAProxy's invalid_char(): proxy and server names may only use letters, digits and `._:-`. */
export function invalidChar(name: string): string | undefined {
  return /[^A-Za-z0-9._:-]/.exec(name)?.[0];
}
