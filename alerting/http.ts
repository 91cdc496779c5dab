/**
 * The HTTP request of HTTP-based alert handlers: one POST (or other method) with a timeout, failing on a
 * transport error or a non-2xx answer. The response body is read up to RESPONSE_LIMIT bytes (for the error
 * message) and the connection is dropped after that, so a receiver answering a huge body cannot exhaust memory.
 *
 * node:http with keep-alive agents rather than fetch: a handler sends one request at a time, and fetch's
 * per-request machinery (streams, abort signals) cost several times the request itself (bench/alerts.ts).
 */
import http from 'node:http';
import https from 'node:https';
import type { ClientTlsOptions } from '../config/client-tls.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;
const RESPONSE_LIMIT = 4096;
const AGENTS = {
  http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

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
  /** the handler section's CA, client certificate and verification setting (https only; no shared keep-alive agent) */
  readonly tls?: ClientTlsOptions;
}

/** Sends the request; resolves with the (truncated) response text on 2xx, throws HttpHandlerError otherwise. */
export function send(req: HttpRequest): Promise<string> {
  const timeoutMs = req.timeoutMs && req.timeoutMs > 0 ? req.timeoutMs : DEFAULT_TIMEOUT_MS;
  const method = req.method ?? 'POST';
  const what = `${method} ${req.url}`;
  return new Promise((resolve, reject) => {
    let u: URL;
    try {
      u = new URL(req.url);
    } catch {
      reject(new HttpHandlerError(`${what}: invalid URL`));
      return;
    }
    const secure = u.protocol === 'https:';
    if (!secure && u.protocol !== 'http:') {
      reject(new HttpHandlerError(`${what}: unsupported protocol ${u.protocol}`));
      return;
    }
    const body = Buffer.from(req.body, 'utf8');
    let settled = false;
    const fail = (msg: string, status?: number, text?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new HttpHandlerError(`${what}: ${msg}`, status, text));
    };
    const r = (secure ? https : http).request(u, {
      method, headers: { ...req.headers, 'Content-Length': String(body.length) },
      ...(secure && req.tls ? { ...req.tls, agent: false } : { agent: secure ? AGENTS.https : AGENTS.http }),
    });
    const timer = setTimeout(() => {
      fail(`timed out after ${timeoutMs}ms`);
      r.destroy();
    }, timeoutMs);
    r.on('error', (err) => fail(err.message));
    r.on('response', (res) => {
      const chunks: Buffer[] = [];
      let n = 0;
      const done = (): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const text = Buffer.concat(chunks).subarray(0, RESPONSE_LIMIT).toString('utf8');
        const status = res.statusCode ?? 0;
        if (req.okStatuses ? !req.okStatuses.includes(status) : status < 200 || status > 299) {
          reject(new HttpHandlerError(`${what}: status code ${status}${text ? `: ${text}` : ''}`, status, text));
        } else resolve(text);
      };
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        n += c.length;
        // enough for the error message: the rest is not read (the connection is dropped, not reused)
        if (n >= RESPONSE_LIMIT) { done(); res.destroy(); }
      });
      res.on('end', done);
      // a body that breaks off is not the handler's failure: the status decides
      res.on('error', done);
      res.on('close', done);
    });
    r.end(body);
  });
}
