/**
 * The HTTP request of HTTP-based alert handlers: one POST (or other method) with a timeout, failing on a
 * transport error or a non-2xx answer. The response body is read up to RESPONSE_LIMIT bytes (for the error
 * message) and the rest discarded, so a receiver answering a huge body cannot exhaust memory.
 */
import { request as httpsRequest } from 'node:https';
import type { ClientTlsOptions } from '../config/client-tls.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;
const RESPONSE_LIMIT = 4096;

export class HttpHandlerError extends Error {
  override name = 'HttpHandlerError';
  constructor(message: string, readonly status?: number, readonly body?: string) { super(message); }
}

export interface HttpRequest {
  readonly url: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly method?: string;
  readonly timeoutMs?: number;
  /** statuses that count as success (default: any 2xx) */
  readonly okStatuses?: readonly number[];
  /** client TLS of the handler's section (ssl-ca, ssl-cert, ssl-key, insecure-skip-verify) for https URLs */
  readonly tls?: ClientTlsOptions;
}

/** Sends the request; resolves with the (truncated) response text on 2xx, throws HttpHandlerError otherwise. */
export async function send(req: HttpRequest): Promise<string> {
  const timeoutMs = req.timeoutMs && req.timeoutMs > 0 ? req.timeoutMs : DEFAULT_TIMEOUT_MS;
  if (req.tls && req.url.startsWith('https:')) return sendTls(req, req.tls, timeoutMs);
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new Error(`timed out after ${timeoutMs}ms`)), timeoutMs);
  try {
    let res: Response;
    try {
      res = await fetch(req.url, { method: req.method ?? 'POST', body: req.body, headers: req.headers as Record<string, string>, signal: ac.signal });
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message;
      throw new HttpHandlerError(`${req.method ?? 'POST'} ${req.url}: ${(ac.signal.aborted ? (ac.signal.reason as Error).message : cause ?? (err as Error).message)}`);
    }
    const text = await readLimited(res);
    if (req.okStatuses ? !req.okStatuses.includes(res.status) : res.status < 200 || res.status > 299) {
      throw new HttpHandlerError(`${req.method ?? 'POST'} ${req.url}: status code ${res.status}${text ? `: ${text}` : ''}`, res.status, text);
    }
    return text;
  } finally {
    clearTimeout(timer);
  }
}

async function readLimited(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  try {
    while (n < RESPONSE_LIMIT) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      n += value.length;
    }
  } catch {
    // a body that breaks off is not the handler's failure: the status decides
  } finally {
    void reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_LIMIT).toString('utf8');
}

/** The same request over node:https with the section's CA, client certificate and verification setting. */
function sendTls(req: HttpRequest, tls: ClientTlsOptions, timeoutMs: number): Promise<string> {
  const method = req.method ?? 'POST';
  return new Promise((resolve, reject) => {
    const r = httpsRequest(req.url, { method, headers: { ...req.headers, 'Content-Length': String(Buffer.byteLength(req.body)) }, ...tls }, (res) => {
      const chunks: Buffer[] = [];
      let n = 0;
      res.on('data', (c: Buffer) => { if (n < RESPONSE_LIMIT) { chunks.push(c); n += c.length; } });
      res.on('error', () => {});
      res.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).subarray(0, RESPONSE_LIMIT).toString('utf8');
        const status = res.statusCode ?? 0;
        if (req.okStatuses ? !req.okStatuses.includes(status) : status < 200 || status > 299) {
          reject(new HttpHandlerError(`${method} ${req.url}: status code ${status}${text ? `: ${text}` : ''}`, status, text));
        } else resolve(text);
      });
    });
    const timer = setTimeout(() => r.destroy(new Error(`timed out after ${timeoutMs}ms`)), timeoutMs);
    r.on('error', (err) => { clearTimeout(timer); reject(new HttpHandlerError(`${method} ${req.url}: ${err.message}`)); });
    r.end(req.body);
  });
}
