/**
 * An InfluxDB 1.x HTTP client (Kapacitor's influxdb/client.go): `/ping`, `/query`, `/write`, with basic or token
 * authentication, TLS options, an optional timeout, gzip write bodies, and the configured URLs used round-robin
 * (one URL per request, as Kapacitor does).
 *
 * Every error names the method and URL (`POST http://influx:8086/write: …`) and says whether trying again can help
 * (`retryable`: transport errors, timeouts, 5xx, 429) — a wrong password or a missing database cannot.
 *
 * Queries are asked for in InfluxDB's chunked mode (`chunked=true`, one JSON object per line, a series split
 * over several chunks marked `partial`) and read chunk by chunk, so an answer with more rows than `maxPoints`
 * (`[[influxdb]] max-batch-points`) is abandoned as soon as the limit is passed instead of being held whole.
 */
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { InfluxDBClientPort, InfluxQueryResponse, InfluxWriteTarget } from './ports.ts';
import type { InfluxdbSectionConfig } from '../config/index.ts';

/** A non-chunked answer (or one chunk) larger than this is an error, not an out-of-memory crash. */
export const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
/** rows per chunk InfluxDB sends back (InfluxDB's own default is 10,000) */
const CHUNK_ROWS = 10_000;

export class InfluxDBError extends Error {
  constructor(message: string, readonly status: number, readonly retryable: boolean) {
    super(message);
    this.name = 'InfluxDBError';
  }
}

export interface InfluxClientOptions {
  readonly urls: readonly string[];
  readonly username?: string;
  readonly password?: string;
  readonly token?: string;
  /** 0 = no timeout */
  readonly timeoutMs?: number;
  readonly gzip?: boolean;
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly insecureSkipVerify?: boolean;
  readonly userAgent?: string;
  /** most rows (points) one query answer may hold, over all its series; 0/undefined = no limit */
  readonly maxPoints?: number;
  /** the config key named in the limit's error (default `max-batch-points`) */
  readonly maxPointsName?: string;
}

/** Consumes a successful answer's body as it arrives; throwing aborts the request with that error. */
interface BodySink { write(chunk: Buffer): void; end(): void }

interface RawResponse { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

export class InfluxDBClient implements InfluxDBClientPort {
  private index = 0;
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  private readonly httpsAgent: https.Agent;
  private readonly auth: string | undefined;

  constructor(private readonly opts: InfluxClientOptions) {
    if (opts.urls.length === 0) throw new Error('InfluxDB client needs at least one URL');
    this.httpsAgent = new https.Agent({
      keepAlive: true, maxSockets: 8, ca: opts.ca, cert: opts.cert, key: opts.key, rejectUnauthorized: !opts.insecureSkipVerify,
    });
    if (opts.token) this.auth = 'Token ' + opts.token;
    else if (opts.username) this.auth = 'Basic ' + Buffer.from(`${opts.username}:${opts.password ?? ''}`, 'utf8').toString('base64');
  }

  static fromConfig(c: InfluxdbSectionConfig, userAgent: string): InfluxDBClient {
    return new InfluxDBClient({
      urls: c.urls, username: c.username, password: c.password, token: c.token,
      timeoutMs: Number(c.timeout / 1_000_000n), gzip: c.compression === 'gzip',
      ca: c.sslCa ? readFileSync(c.sslCa) : undefined, cert: c.sslCert ? readFileSync(c.sslCert) : undefined,
      key: c.sslKey ? readFileSync(c.sslKey) : undefined, insecureSkipVerify: c.insecureSkipVerify, userAgent,
      maxPoints: c.maxBatchPoints, maxPointsName: `max-batch-points of [[influxdb]] ${JSON.stringify(c.name)}`,
    });
  }

  get urls(): readonly string[] { return this.opts.urls; }

  /** GET /ping; resolves with the server's version (X-Influxdb-Version). */
  async ping(): Promise<string> {
    const r = await this.request('GET', '/ping', new URLSearchParams(), undefined, {}, [204, 200]);
    const v = r.headers['x-influxdb-version'];
    return typeof v === 'string' ? v : '';
  }

  /**
   * POST /query (POST: InfluxDB 1.x refuses CREATE/DROP through GET), chunked; throws the first statement error
   * and, past `maxPoints` rows, an error naming the limit.
   */
  async query(command: string, db?: string): Promise<InfluxQueryResponse> {
    const params = new URLSearchParams({ q: command, chunked: 'true', chunk_size: String(CHUNK_ROWS) });
    if (db !== undefined && db !== '') params.set('db', db);
    const chunks = new ChunkedAnswer(this.opts.maxPoints ?? 0, this.opts.maxPointsName ?? 'max-batch-points');
    const r = await this.request('POST', '/query', new URLSearchParams(), Buffer.from(params.toString()),
      { 'Content-Type': 'application/x-www-form-urlencoded' }, [200], chunks);
    const parsed = chunks.answer();
    const stmtErr = parsed.error ?? parsed.results?.find((x) => x.error)?.error;
    if (stmtErr) throw new InfluxDBError(`${r.url}: ${JSON.stringify(command)}: ${stmtErr}`, r.status, false);
    return parsed;
  }

  /** POST /write?db=&rp=&precision=&consistency= (Kapacitor sends all four, empty ones included). */
  async write(target: InfluxWriteTarget, body: string): Promise<void> {
    const params = new URLSearchParams({
      db: target.db, rp: target.rp, precision: target.precision === '' ? 'ns' : target.precision, consistency: target.consistency,
    });
    const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
    let payload = Buffer.from(body, 'utf8');
    if (this.opts.gzip) {
      payload = gzipSync(payload);
      headers['Content-Encoding'] = 'gzip';
    }
    await this.request('POST', '/write', params, payload, headers, [204, 200]);
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private nextUrl(): string {
    const urls = this.opts.urls;
    this.index = (this.index + 1) % urls.length;
    return urls[this.index]!;
  }

  private request(
    method: string, path: string, params: URLSearchParams, body: Buffer | undefined,
    headers: Record<string, string>, ok: readonly number[], sink?: BodySink,
  ): Promise<RawResponse & { url: string }> {
    const base = this.nextUrl();
    const u = new URL(path, base.endsWith('/') ? base : base + '/');
    // keep a base path (`http://proxy/influx/`) in front of the endpoint
    u.pathname = new URL(base).pathname.replace(/\/$/, '') + path;
    const qs = params.toString();
    if (qs !== '') u.search = qs;
    const where = `${method} ${base.replace(/\/$/, '')}${path}`;
    const h: Record<string, string> = { 'User-Agent': this.opts.userAgent ?? 'tickstream', ...headers };
    if (this.auth) h.Authorization = this.auth;
    if (body) h['Content-Length'] = String(body.length);
    const isHttps = u.protocol === 'https:';
    return new Promise((resolve, reject) => {
      const req = (isHttps ? https : http).request(u, { method, headers: h, agent: isHttps ? this.httpsAgent : this.httpAgent }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const status0 = res.statusCode ?? 0;
        // a successful answer streams into the sink (unless gzipped, which InfluxDB does only when asked)
        const streaming = sink !== undefined && ok.includes(status0) && res.headers['content-encoding'] !== 'gzip';
        let failed: InfluxDBError | undefined;
        const fail = (e: InfluxDBError): void => { failed = e; req.destroy(e); };
        res.on('data', (c: Buffer) => {
          if (failed) return;
          if (streaming) {
            try { sink.write(c); } catch (err) { fail(new InfluxDBError(`${where}: ${(err as Error).message}`, status0, false)); }
            return;
          }
          size += c.length;
          if (size > MAX_RESPONSE_BYTES) {
            fail(new InfluxDBError(`${where}: response larger than ${MAX_RESPONSE_BYTES} bytes`, status0, false));
            return;
          }
          chunks.push(c);
        });
        res.on('error', (err) => reject(failed ?? wrapTransport(where, err)));
        res.on('end', () => {
          let data = Buffer.concat(chunks);
          const status = res.statusCode ?? 0;
          if (res.headers['content-encoding'] === 'gzip') {
            try { data = gunzipSync(data); } catch (err) { reject(new InfluxDBError(`${where}: bad gzip response: ${(err as Error).message}`, status, true)); return; }
          }
          if (streaming) {
            try { sink.end(); } catch (err) { reject(new InfluxDBError(`${where}: ${(err as Error).message}`, status, false)); return; }
            resolve({ status, headers: res.headers, body: Buffer.alloc(0), url: where });
            return;
          }
          if (sink !== undefined && ok.includes(status)) {
            try { sink.write(data); sink.end(); } catch (err) { reject(new InfluxDBError(`${where}: ${(err as Error).message}`, status, false)); return; }
            resolve({ status, headers: res.headers, body: Buffer.alloc(0), url: where });
            return;
          }
          if (ok.includes(status)) { resolve({ status, headers: res.headers, body: data, url: where }); return; }
          reject(statusError(where, status, data));
        });
      });
      req.on('error', (err) => reject(err instanceof InfluxDBError ? err : wrapTransport(where, err)));
      if (this.opts.timeoutMs && this.opts.timeoutMs > 0) {
        req.setTimeout(this.opts.timeoutMs, () => req.destroy(new InfluxDBError(`${where}: timeout after ${this.opts.timeoutMs} ms`, 0, true)));
      }
      req.end(body);
    });
  }
}

type MutableSeries = { name?: string; tags?: Record<string, string>; columns: string[]; values?: unknown[][]; partial?: boolean };
type MutableResult = { statement_id?: number; series?: MutableSeries[]; error?: string; partial?: boolean };

/**
 * A chunked /query answer put back together: one JSON object per line, results by statement_id, a series marked
 * `partial` continued by the next chunk's first series. Rows are counted as they arrive; past `maxPoints` the
 * answer is refused (the caller aborts the request, so the rest is never read).
 */
class ChunkedAnswer implements BodySink {
  /** bytes of the line not yet complete (a chunk line is ~1 MB for 10,000 rows: searched once, joined once) */
  private pieces: Buffer[] = [];
  private pendingBytes = 0;
  private readonly results: MutableResult[] = [];
  private error: string | undefined;
  private rows = 0;

  constructor(private readonly maxPoints: number, private readonly limitName: string) {}

  write(chunk: Buffer): void {
    let from = 0;
    let nl: number;
    // only the new bytes are searched for the line end
    while ((nl = chunk.indexOf(10, from)) >= 0) {
      this.pieces.push(chunk.subarray(from, nl));
      this.flush();
      from = nl + 1;
    }
    if (from < chunk.length) {
      this.pieces.push(chunk.subarray(from));
      this.pendingBytes += chunk.length - from;
      if (this.pendingBytes > MAX_RESPONSE_BYTES) throw new Error(`answer chunk larger than ${MAX_RESPONSE_BYTES} bytes`);
    }
  }

  end(): void {
    this.flush();
  }

  private flush(): void {
    const text = Buffer.concat(this.pieces).toString('utf8');
    this.pieces = [];
    this.pendingBytes = 0;
    this.line(text);
  }

  answer(): InfluxQueryResponse {
    for (const r of this.results) {
      delete r.partial;
      for (const s of r.series ?? []) delete s.partial;
    }
    return this.error !== undefined ? { results: this.results, error: this.error } : { results: this.results };
  }

  private line(text: string): void {
    if (text.trim() === '') return;
    let obj: { results?: MutableResult[]; error?: string };
    try { obj = JSON.parse(text) as typeof obj; } catch (err) { throw new Error(`failed to decode JSON: ${(err as Error).message}`); }
    if (obj.error !== undefined) this.error ??= obj.error;
    for (const r of obj.results ?? []) {
      let into = this.results.find((x) => x.statement_id === r.statement_id);
      if (!into) { into = { statement_id: r.statement_id }; this.results.push(into); }
      if (r.error !== undefined) into.error ??= r.error;
      for (const s of r.series ?? []) {
        const n = s.values?.length ?? 0;
        this.rows += n;
        if (this.maxPoints > 0 && this.rows > this.maxPoints) {
          throw new Error(`query answer has more than ${this.maxPoints} points (${this.limitName}); query a shorter period or fewer series, or raise the limit`);
        }
        const series = (into.series ??= []);
        const last = series[series.length - 1];
        if (last?.partial && last.name === s.name && JSON.stringify(last.tags ?? {}) === JSON.stringify(s.tags ?? {})) {
          const values = (last.values ??= []);
          for (const row of s.values ?? []) values.push(row);
          last.partial = s.partial;
        } else {
          series.push(s);
        }
      }
      into.partial = r.partial;
    }
  }
}

function wrapTransport(where: string, err: Error): InfluxDBError {
  const code = (err as NodeJS.ErrnoException).code;
  const text = code && !err.message.includes(code) ? `${code} ${err.message}` : err.message;
  return new InfluxDBError(`${where}: ${text}`, 0, true);
}

/** Non-success answer: InfluxDB's `{"error": "..."}` text when there is one (as Kapacitor reports it). */
function statusError(where: string, status: number, body: Buffer): InfluxDBError {
  let msg = '';
  try { msg = (JSON.parse(body.toString('utf8')) as { error?: string }).error ?? ''; } catch { msg = body.toString('utf8').trim().slice(0, 500); }
  const auth = status === 401 || status === 403 ? 'authorization failed: ' : '';
  const text = msg !== '' ? msg : `invalid response: code ${status}`;
  return new InfluxDBError(`${where}: ${auth}${text} (HTTP ${status})`, status, status >= 500 || status === 429);
}
