/**
 * `httpPost([url])` (SPEC 3.13, `http_post.go`): for each point / batch, POST `{"series":[<row as in httpOut>]}`
 * plus a newline with `Content-Type: application/json` and the `.header(k, v)`s; non-2xx answers and transport
 * errors are counted as errors (`.captureResponse()` puts the response body in the error text). Data passes through.
 *
 * Deliberate difference: Kapacitor POSTs synchronously inside the node. Here the POST goes through a bounded
 * per-node queue (nodes/post-queue.ts) so a slow receiver never stalls ingest: without `.codeField()` the message
 * is passed on at once; with it, the message is passed on when its response arrives (in order). A full queue drops
 * the POST (counter `posts_dropped`); with `.codeField()` the message then passes at once with code 0.
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { makeBatchPoint, setField, withFields, withPoints } from '../model/build.ts';
import type { Batch, Point } from '../model/point.ts';
import { plain } from '../tickscript/pipeline.ts';
import { settingsOf } from '../tickscript/catalog/index.ts';
import { batchRow, pointRow } from './http-out.ts';
import { PostQueue, type PostResult, type PostTarget } from './post-queue.ts';
import { registerNode } from './registry.ts';

export class HttpPostNode extends Node {
  private readonly codeField: string;
  private readonly queue: PostQueue<Point | Batch>;
  private readonly dropped = this.counter('posts_dropped');
  private stopped = false;

  constructor(ctx: NodeContext) {
    super(ctx);
    const d = ctx.def;
    const urls = d.args.map(plain);
    const s = settingsOf('httpPost', d);
    const endpoint = s.endpoint; // the catalog validates: at most one .endpoint()
    if (urls.length > 1) throw new Error(`${d.name}: httpPost expects 0 or 1 arguments, got ${urls.length}`);
    if (urls.length === 0 && endpoint === undefined) throw new Error(`${d.name}: must provide url or endpoint`);
    if (urls.length > 0 && endpoint !== undefined) throw new Error(`${d.name}: only one endpoint and url may be specified`);
    let url: string;
    let headers: Record<string, string> = {};
    if (urls.length === 1) {
      if (typeof urls[0] !== 'string' || urls[0] === '') throw new Error(`${d.name}: httpPost URL must be a non-empty string`);
      url = urls[0];
    } else {
      const name = endpoint ?? '';
      const ep = ctx.services.httpPost?.get(name);
      if (!ep) throw new Error(`${d.name}: no [[httppost]] endpoint named "${name}" is configured`);
      url = ep.url;
      headers = { ...ep.headers };
    }
    try { new URL(url); } catch { throw new Error(`${d.name}: invalid httpPost URL "${url}"`); }
    for (const [k, v] of s.header) {
      if (k.toLowerCase() === 'authenticate') throw new Error(`${d.name}: cannot set 'authenticate' header`);
      headers[k] = v;
    }
    this.codeField = s.codeField; // the catalog's default: ''
    const to = s.timeout; // the catalog's default: 0 (no timeout)
    if (to < 0n) throw new Error(`${d.name}: .timeout() expects a non-negative duration`);
    const timeoutMs = Number(to / 1_000_000n) || (to > 0n ? 1 : 0);
    if (s.skipSSLVerification) this.log.warn('httpPost: .skipSSLVerification() is ignored; TLS certificates are verified');
    const target: PostTarget = { url, headers, timeoutMs, captureResponse: s.captureResponse, guard: ctx.services.outboundGuard };
    this.queue = new PostQueue(target, (r, m) => this.finished(r, m));
  }

  /** For tests and shutdown: resolves when every queued POST finished. */
  whenIdle(): Promise<void> {
    return this.queue.whenIdle();
  }

  protected override onPoint(p: Point): void {
    this.send('{"series":[' + pointRow(p) + ']}\n', p);
  }

  protected override onBatch(b: Batch): void {
    this.send('{"series":[' + batchRow(b) + ']}\n', b);
  }

  override stop(): void {
    this.stopped = true;
    this.queue.stop();
  }

  private send(body: string, m: Point | Batch): void {
    const queued = this.queue.enqueue(body, m);
    if (!queued) {
      this.dropped.inc();
      // log the 1st, 2nd, 4th, 8th, … drop: a stuck receiver must not flood the log
      const n = this.dropped.value;
      if ((n & (n - 1)) === 0) this.log.warn({ dropped: n }, 'httpPost queue full: POST dropped');
    }
    if (this.codeField === '') this.pass(m, -1);
    else if (!queued) this.pass(m, 0);
  }

  /** Emit `m`, with the status code field when `code` ≥ 0. */
  private pass(m: Point | Batch, code: number): void {
    if (this.batchInput) {
      const b = m as Batch;
      if (code < 0) { this.emitBatch(b); return; }
      const c = BigInt(code);
      this.emitBatch(withPoints(b, b.points.map((bp) => makeBatchPoint(bp.time, setField(bp.fields, this.codeField, c), bp.tags))));
    } else {
      const p = m as Point;
      this.emitPoint(code < 0 ? p : withFields(p, setField(p.fields, this.codeField, BigInt(code))));
    }
  }

  private finished(r: PostResult, m: Point | Batch): void {
    if (this.stopped) return;
    if (r.error !== undefined) {
      this.reportError('error POSTing to endpoint', m.group, r.error);
    } else if (r.code < 200 || r.code > 299) {
      const err = new Error(r.body !== undefined ? r.body : 'unknown error');
      (err as Error & { code?: string }).code = String(r.code);
      this.reportError('POST returned non 2xx status code', m.group, err);
    }
    if (this.codeField !== '') this.runExternal(() => this.pass(m, r.code));
  }
}

registerNode('httpPost', (ctx) => new HttpPostNode(ctx));
