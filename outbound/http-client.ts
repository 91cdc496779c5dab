/**
 * Outbound HTTP for handlers (httpPost, alert `.post()`), through the SSRF guard: every hostname is resolved by a
 * lookup that refuses when any address it resolves to is listed; an IP literal is checked before connecting; and
 * redirects are followed here (at most 10, Go's http.Client rule), each hop checked again, so an allowed host
 * cannot bounce a request to 169.254.169.254. Redirect rules follow Go's client: 301/302/303 turn a POST into a
 * GET without body, 307/308 repeat the POST; Authorization and Cookie are dropped when the host changes.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { BlockedAddressError, type OutboundGuard } from './guard.ts';

export const MAX_REDIRECTS = 10;

export interface OutboundRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly guard: OutboundGuard;
  readonly signal?: AbortSignal;
}

export interface OutboundResponse {
  readonly status: number;
  readonly text: string;
  /** the URL that answered (after redirects) */
  readonly url: string;
}

/** A dns.lookup that fails when the name resolves to a guarded address (any of them: no fallback games). */
export function guardedLookup(guard: OutboundGuard): LookupFunction {
  return ((hostname: string, options: LookupOneOptions | LookupAllOptions, callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      for (const a of addresses) {
        const refusal = guard.refusal(a.address);
        if (refusal) return callback(new BlockedAddressError(`${refusal} (${hostname} resolves to it)`), '', 0);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new Error(`lookup ${hostname}: no addresses`), '', 0);
      return callback(null, first.address, first.family);
    });
  }) as LookupFunction;
}

function once(u: URL, method: string, headers: Record<string, string>, body: string | undefined, lookup: LookupFunction, signal: AbortSignal | undefined): Promise<{ res: IncomingMessage; text: string }> {
  return new Promise((resolve, reject) => {
    const opts: RequestOptions = { method, headers, lookup, signal };
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(u, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ res, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends the request; rejects with the transport error (a BlockedAddressError when the guard refused). */
export async function outboundRequest(r: OutboundRequest): Promise<OutboundResponse> {
  const lookup = guardedLookup(r.guard);
  let url = new URL(r.url);
  let method = r.method;
  let body = r.body;
  let headers: Record<string, string> = { ...r.headers };
  const verb = (m: string): string => m[0]! + m.slice(1).toLowerCase();
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`${verb(method)} ${JSON.stringify(url.href)}: unsupported protocol scheme "${url.protocol.replace(/:$/, '')}"`);
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0) {
      const refusal = r.guard.refusal(host);
      if (refusal) throw new BlockedAddressError(`${verb(method)} ${JSON.stringify(url.href)}: ${refusal}`);
    }
    let res: IncomingMessage;
    let text: string;
    try {
      ({ res, text } = await once(url, method, headers, body, lookup, r.signal));
    } catch (err) {
      if (err instanceof BlockedAddressError) throw new BlockedAddressError(`${verb(method)} ${JSON.stringify(url.href)}: ${err.message}`);
      throw err;
    }
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (![301, 302, 303, 307, 308].includes(status) || location === undefined) return { status, text, url: url.href };
    if (hop + 1 > MAX_REDIRECTS) throw new Error(`${verb(method)} ${JSON.stringify(url.href)}: stopped after ${MAX_REDIRECTS} redirects`);
    const next = new URL(location, url);
    if (next.host !== url.host) {
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !['authorization', 'cookie', 'www-authenticate'].includes(k.toLowerCase())));
    }
    if (status === 301 || status === 302 || status === 303) {
      if (method !== 'GET' && method !== 'HEAD') method = 'GET';
      body = undefined;
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !['content-type', 'content-length'].includes(k.toLowerCase())));
    }
    url = next;
  }
}
