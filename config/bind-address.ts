/**
 * Go-style listen addresses: `:9092` (all interfaces), `127.0.0.1:0`, `localhost:9092`, `[::1]:9092`.
 * `host` is undefined for "all interfaces"; the server then listens on `::` (dual stack) or `0.0.0.0`.
 */

export interface BindAddress {
  host: string | undefined;
  port: number;
}

export function parseBindAddress(text: string): BindAddress | { error: string } {
  let host: string;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') return { error: 'missing port in address' };
    host = text.slice(1, close);
    portText = text.slice(close + 2);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) return { error: 'missing port in address' };
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (host.includes(':')) return { error: 'too many colons in address' };
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) return { error: `invalid port ${JSON.stringify(portText)}` };
  return { host: host === '' ? undefined : host, port: Number(portText) };
}
