/**
 * AWS Signature Version 4 (the algorithm of AWS's "Signature Version 4 signing process"), for the EC2 Auto Scaling
 * query API. Each step is a function of its own so that a test can check the intermediate texts, not only the
 * final hex:
 *
 *   1. canonical request: method, URI path, sorted query, lower-cased sorted headers, signed header names, and the
 *      hex SHA-256 of the body, one per line;
 *   2. string to sign: `AWS4-HMAC-SHA256`, the request time, the scope `<date>/<region>/<service>/aws4_request`, and
 *      the hex SHA-256 of the canonical request;
 *   3. signing key: HMAC-SHA256 chained over date, region, service and `aws4_request`, keyed first by `AWS4<secret>`;
 *   4. signature: hex HMAC-SHA256 of the string to sign under the signing key.
 */
import { createHash, createHmac } from 'node:crypto';

export const ALGORITHM = 'AWS4-HMAC-SHA256';

export interface Credentials {
  readonly accessKey: string;
  readonly secretKey: string;
}

export interface SignInput {
  readonly method: string;
  readonly url: URL;
  /** headers to sign (host is added from the URL); names in any case */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly region: string;
  readonly service: string;
  /** the request time (sent as `x-amz-date`) */
  readonly time: Date;
}

const sha256Hex = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** `20150830T123600Z` */
export function amzDate(t: Date): string {
  return t.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is %XX (upper case). */
export function uriEncode(s: string, keepSlash = false): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c) || (keepSlash && c === '/')) out += c;
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** The headers that are signed: the caller's plus host and x-amz-date, names lower case, values trimmed. */
function signedHeaderMap(input: SignInput): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(input.headers)) m.set(k.toLowerCase(), v.trim().replace(/\s+/g, ' '));
  m.set('host', input.url.host);
  m.set('x-amz-date', amzDate(input.time));
  return new Map([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Step 1. */
export function canonicalRequest(input: SignInput): { text: string; signedHeaders: string } {
  const headers = signedHeaderMap(input);
  const path = input.url.pathname === '' ? '/' : uriEncode(decodeURIComponent(input.url.pathname), true);
  const query = [...input.url.searchParams]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  let canonicalHeaders = '';
  for (const [k, v] of headers) canonicalHeaders += `${k}:${v}\n`;
  const signedHeaders = [...headers.keys()].join(';');
  return { text: [input.method, path, query, canonicalHeaders, signedHeaders, sha256Hex(input.body)].join('\n'), signedHeaders };
}

export function scope(time: Date, region: string, service: string): string {
  return `${amzDate(time).slice(0, 8)}/${region}/${service}/aws4_request`;
}

/** Step 2. */
export function stringToSign(input: SignInput, canonical: string): string {
  return [ALGORITHM, amzDate(input.time), scope(input.time, input.region, input.service), sha256Hex(canonical)].join('\n');
}

/** Step 3. */
export function signingKey(secretKey: string, time: Date, region: string, service: string): Buffer {
  const kDate = hmac('AWS4' + secretKey, amzDate(time).slice(0, 8));
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, 'aws4_request');
}

/** Steps 1–4: the headers to send (the caller's, `x-amz-date` and `authorization`). */
export function sign(input: SignInput, creds: Credentials): Record<string, string> {
  const { text, signedHeaders } = canonicalRequest(input);
  const sts = stringToSign(input, text);
  const signature = hmac(signingKey(creds.secretKey, input.time, input.region, input.service), sts).toString('hex');
  return {
    ...input.headers,
    'x-amz-date': amzDate(input.time),
    authorization: `${ALGORITHM} Credential=${creds.accessKey}/${scope(input.time, input.region, input.service)}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

/** The parts of an `Authorization` header (for a server that verifies a signature), or undefined. */
export function parseAuthorization(h: string): { accessKey: string; scope: string; signedHeaders: string[]; signature: string } | undefined {
  const m = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/([^,\s]+), ?SignedHeaders=([^,\s]+), ?Signature=([0-9a-f]{64})$/.exec(h);
  if (!m) return undefined;
  return { accessKey: m[1]!, scope: m[2]!, signedHeaders: m[3]!.split(';'), signature: m[4]! };
}
