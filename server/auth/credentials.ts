/**
 * Where a request's credentials come from (Kapacitor's httpd parseCredentials), in this order:
 * `Authorization: Bearer <jwt>`; `Authorization: Basic …` (so `http://user:pass@host:9092` URLs work);
 * the `u` and `p` query parameters (InfluxDB 1.x clients). Anything else: no credentials.
 */
export type Credentials =
  | { method: 'user'; username: string; password: string }
  | { method: 'bearer'; token: string };

function queryValue(q: unknown, name: string): string {
  const v = (q as Record<string, unknown> | undefined)?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : '';
}

/** Go's Request.BasicAuth: case-insensitive `Basic ` prefix, standard base64, split at the first colon. */
function basicAuth(header: string): { username: string; password: string } | undefined {
  if (header.length < 6 || header.slice(0, 6).toLowerCase() !== 'basic ') return undefined;
  const b64 = header.slice(6);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) return undefined;
  const text = Buffer.from(b64, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

export function parseCredentials(authorization: string | undefined, query: unknown): Credentials | undefined {
  if (authorization !== undefined && authorization !== '') {
    const space = authorization.indexOf(' ');
    if (space >= 0 && authorization.slice(0, space) === 'Bearer') return { method: 'bearer', token: authorization.slice(space + 1) };
    const basic = basicAuth(authorization);
    if (basic) return { method: 'user', ...basic };
  }
  const u = queryValue(query, 'u');
  const p = queryValue(query, 'p');
  if (u !== '' && p !== '') return { method: 'user', username: u, password: p };
  return undefined;
}
