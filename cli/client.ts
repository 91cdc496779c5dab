/**
 * HTTP client for the kapacitord API, sending the same requests as Kapacitor's client/v1 (SPEC Appendix D):
 * `User-Agent: KapacitorClient`, JSON bodies, query parameters in Go's url.Values order (sorted by key).
 * node:http rather than fetch: fetch refuses "bad ports" (6000, 10080, …) that Go's client reaches, and
 * `-skipVerify` then applies to this client's requests only, not to the whole process.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export class CliError extends Error {
  override name = 'CliError';
  /** exit code (SPEC 6.1): 2 argument errors, 3 command failures, 4 bad URL */
  constructor(message: string, readonly code = 3) {
    super(message);
  }
}

export type Query = [string, string][];

/** Go's url.Values.Encode: keys sorted, values in insertion order, `+` for spaces. */
export function encodeQuery(q: Query): string {
  const sorted = [...q].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return sorted.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v).replace(/%20/g, '+')}`).join('&');
}

export interface Response {
  status: number;
  body: string;
}

/**
 * The URL with its password replaced by `xxxxx`, as Go's url.Redacted prints it in transport errors: credentials
 * given as `http://user:pass@host:9092` (sent as basic auth by node:http, as Go's client does) never reach output.
 */
export function redacted(url: string): string {
  const u = new URL(url);
  if (u.password === '') return url;
  u.password = 'xxxxx';
  return u.href;
}

export class Client {
  readonly base: URL;

  constructor(url: string, readonly skipVerify = false) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new CliError(`invalid URL ${JSON.stringify(url)}: it must look like http://host:port`, 4);
    }
    const scheme = u.protocol.replace(/:$/, '');
    if (scheme !== 'http' && scheme !== 'https') {
      throw new CliError(`Unsupported protocol scheme: ${scheme}, your address must start with http:// or https://`, 4);
    }
    this.base = u;
  }

  url(path: string, query?: Query): string {
    const u = new URL(this.base.href);
    u.pathname = u.pathname.replace(/\/$/, '') + path;
    u.search = query && query.length ? '?' + encodeQuery(query) : '';
    return u.href;
  }

  /** Sends a request; transport errors become CliError with Go-like text. */
  async request(method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<Response> {
    const headers: Record<string, string> = { 'User-Agent': 'KapacitorClient' };
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['Content-Type'] = 'application/json';
    }
    return this.transport(method, this.url(path, opts.query), headers, body);
  }

  /** Sends raw bytes (line protocol for `record stream -file`); transport errors as for request. */
  async requestRaw(method: string, path: string, query: Query, body: Buffer): Promise<Response> {
    return this.transport(method, this.url(path, query), { 'User-Agent': 'KapacitorClient', 'Content-Type': 'text/plain' }, body);
  }

  private async transport(method: string, url: string, headers: Record<string, string>, body: string | Buffer | undefined): Promise<Response> {
    try {
      return await this.send(method, url, headers, body);
    } catch (e) {
      throw this.transportError(method, url, e as NodeJS.ErrnoException);
    }
  }

  /** Go's client error text: `Get "http://…": dial tcp …: connect: connection refused`. */
  private transportError(method: string, url: string, err: NodeJS.ErrnoException): CliError {
    const verb = method[0] + method.slice(1).toLowerCase();
    const reason = err.code === 'ECONNREFUSED' ? `dial tcp ${this.base.host}: connect: connection refused`
      : err.code === 'ENOTFOUND' ? `dial tcp: lookup ${this.base.hostname}: no such host`
        : err.message;
    return new CliError(`${verb} ${JSON.stringify(redacted(url))}: ${reason}`);
  }

  private send(method: string, url: string, headers: Record<string, string>, body: string | Buffer | undefined): Promise<Response> {
    const https = this.base.protocol === 'https:';
    return new Promise((resolve, reject) => {
      const onResponse = (res: IncomingMessage): void => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      };
      const req = https
        ? httpsRequest(url, { method, headers, rejectUnauthorized: !this.skipVerify }, onResponse)
        : httpRequest(url, { method, headers }, onResponse);
      req.on('error', reject);
      req.end(body);
    });
  }

  /**
   * GET whose 200 body is handed to `onData` chunk by chunk as it arrives (`export-recording`: a recording can be
   * large). Another status is an error with the server's text; a body cut off mid-way is an error too.
   */
  async stream(path: string, onData: (chunk: string) => void): Promise<void> {
    const url = this.url(path);
    const headers = { 'User-Agent': 'KapacitorClient' };
    const https = this.base.protocol === 'https:';
    try {
      await new Promise<void>((resolve, reject) => {
        const onResponse = (res: IncomingMessage): void => {
          const status = res.statusCode ?? 0;
          const chunks: Buffer[] = [];
          res.setEncoding('utf8');
          res.on('data', (c: string) => (status === 200 ? onData(c) : chunks.push(Buffer.from(c))));
          res.on('aborted', () => reject(new Error('the server ended the response before the end')));
          res.on('error', reject);
          res.on('end', () => {
            if (!res.complete) reject(new Error('the server ended the response before the end'));
            else if (status !== 200) reject(new CliError(errorText({ status, body: Buffer.concat(chunks).toString('utf8') })));
            else resolve();
          });
        };
        const req = https
          ? httpsRequest(url, { method: 'GET', headers, rejectUnauthorized: !this.skipVerify }, onResponse)
          : httpRequest(url, { method: 'GET', headers }, onResponse);
        req.on('error', reject);
        req.end();
      });
    } catch (e) {
      throw e instanceof CliError ? e : this.transportError('GET', url, e as NodeJS.ErrnoException);
    }
  }

  /** Like request, but a non-2xx answer (other than `okStatuses`) becomes the server's error text. */
  async call(method: string, path: string, opts: { query?: Query; body?: unknown; okStatuses?: number[] } = {}): Promise<Response> {
    const res = await this.request(method, path, opts);
    const ok = opts.okStatuses ?? [200, 201, 204];
    if (!ok.includes(res.status)) throw new CliError(errorText(res));
    return res;
  }

  async json<T>(method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<T> {
    const res = await this.call(method, path, opts);
    try {
      return JSON.parse(res.body) as T;
    } catch {
      throw new CliError(`invalid response: code ${res.status}: body: ${res.body}`);
    }
  }
}

/** SPEC 6.1: the server's `error` string, else `invalid response: code N: body: <body>`. */
export function errorText(res: Response): string {
  try {
    const j = JSON.parse(res.body) as { error?: unknown };
    if (j && typeof j.error === 'string' && j.error !== '') return j.error;
  } catch { /* not JSON */ }
  return `invalid response: code ${res.status}: body: ${res.body}`;
}
