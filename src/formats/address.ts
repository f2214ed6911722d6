/** Parsing of `host:port` addresses shared by the formats. */

export interface Address {
  host: string;
  port?: number;
  /** The backend id: host:port, [v6]:port, or unix:/path. */
  id: string;
  isIp: boolean;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export function isIpAddress(host: string): boolean {
  return IPV4.test(host) || host.includes(":");
}

/** Splits `host[:port]`, `[v6][:port]` or `unix:/path`. Null when the port is not a number. */
export function parseAddress(text: string, defaultPort?: number): Address | null {
  if (text.startsWith("unix:")) return { host: text, id: text, isIp: false };
  let host: string;
  let portText: string | undefined;
  const bracket = text.match(/^\[([^\]]+)\](?::(.*))?$/);
  if (bracket) {
    host = bracket[1]!;
    portText = bracket[2];
  } else {
    const colon = text.lastIndexOf(":");
    // More than one colon without brackets is a bare IPv6 address.
    if (colon >= 0 && text.indexOf(":") === colon) {
      host = text.slice(0, colon);
      portText = text.slice(colon + 1);
    } else {
      host = text;
    }
  }
  if (!host) return null;
  if (portText !== undefined && !/^\d{1,5}$/.test(portText)) return null;
  const port = portText !== undefined ? Number(portText) : defaultPort;
  const shown = host.includes(":") ? `[${host}]` : host;
  return { host, port, id: port !== undefined ? `${shown}:${port}` : shown, isIp: isIpAddress(host) };
}
