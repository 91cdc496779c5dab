/**
 * One conversation with a UDF agent (Kapacitor's udf.Server): requests out, responses in, keepalive, abort.
 *
 * - Data written by the node is encoded into one reusable buffer and handed to the transport at `flush()` (once
 *   per input array). Until the agent answered Init successfully it is held back, because Kapacitor never sends
 *   data before Init succeeded and agents may rely on that.
 * - Keepalive: with a timeout > 0, a KeepaliveRequest goes out every timeout/2; if no response of any kind arrives
 *   for `timeout`, the agent is considered hung.
 * - Abort (hung, crashed, garbage bytes, an ErrorResponse, a failed Init): the first error is kept and reported
 *   once through `failed`, our side is closed and the agent is killed if it has not gone after a grace period
 *   (Kapacitor kills after 2 × timeout). Everything after an abort is ignored.
 * - Responses become points and batches here, as Kapacitor's server builds edge messages: stream points keep the
 *   agent's name/db/rp/dimensions (group ID recomputed); a batch is BeginBatch, its points, EndBatch, with the
 *   group from EndBatch's tags and BeginBatch's byName.
 */
import type { Batch, BatchPoint, Dimensions, Fields, Point } from '../model/point.ts';
import { groupId } from '../model/point.ts';
import { makeBatch, makeBatchPoint, makePoint } from '../model/build.ts';
import { appendBatch, appendRequest, appendStreamPoint, decodeResponse } from './codec.ts';
import { FrameReader } from './framing.ts';
import type { BeginBatch, InfoResponse, Option, Response, UdfPoint } from './messages.ts';
import type { Transport, TransportEvents } from './transport.ts';
import { ProtoWriter } from './wire.ts';

/** Data queued for an agent beyond this (bytes) is dropped: the agent is not keeping up. */
export const MAX_BACKLOG_BYTES = 32 * 1024 * 1024;

export interface ConnectionHandler {
  /** points (stream) or batches the agent produced, in order; called from the transport's event */
  output(msgs: readonly (Point | Batch)[]): void;
  /** the conversation ended with an error (called at most once; never after close()) */
  failed(err: Error): void;
  /** one stderr line of the agent */
  log(line: string): void;
}

export interface ConnectionOptions {
  readonly taskId: string;
  readonly nodeId: string;
  /** keepalive timeout in ns; 0 = no keepalive */
  readonly timeoutNs: bigint;
}

/** Go's time.Time String() in UTC: `2006-01-02 15:04:05.999999999 +0000 UTC` (trailing zeros of the fraction cut). */
function goTimeString(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2006-01-02T15:04:05.123Z
  let frac = iso.slice(20, 23).replace(/0+$/, '');
  frac = frac === '' ? '' : '.' + frac;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac} +0000 UTC`;
}

export class UdfConnection {
  private readonly writer = new ProtoWriter(64 * 1024);
  private readonly frames = new FrameReader();
  private transport: Transport | undefined;
  private handler: ConnectionHandler | undefined;
  private readonly timeoutMs: number;
  private lastResponse = Date.now();
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private initialized = false;
  /** data encoded before Init succeeded */
  private held: Buffer[] = [];
  private heldBytes = 0;
  private error: Error | undefined;
  private closing = false;
  private infoWaiter: { resolve(i: InfoResponse): void; reject(e: Error): void } | undefined;
  private initWaiter: ((ok: boolean, err: string) => void) | undefined;
  // batch being received
  private begin: BeginBatch | undefined;
  private batchPoints: BatchPoint[] = [];
  // dimensions of the last stream point received (agents echo the same ones; reuse the object)
  private lastDimsKey: readonly string[] | undefined;
  private lastDimsByName = false;
  private lastDims: Dimensions | undefined;
  private readonly out: (Point | Batch)[] = [];

  constructor(private readonly opts: ConnectionOptions) {
    this.timeoutMs = Number(opts.timeoutNs / 1_000_000n);
  }

  /** Transport callbacks; create the transport with these, then `start(transport, handler)`. */
  readonly events: TransportEvents = {
    data: (chunk) => this.onData(chunk),
    ended: (reason) => this.onEnded(reason),
    log: (line) => this.handler?.log(line),
  };

  start(transport: Transport, handler: ConnectionHandler): void {
    this.transport = transport;
    this.handler = handler;
    this.lastResponse = Date.now();
    if (this.timeoutMs > 0) {
      this.keepaliveTimer = setInterval(() => this.sendKeepalive(), Math.max(1, Math.floor(this.timeoutMs / 2)));
      this.keepaliveTimer.unref();
      this.armWatchdog(this.timeoutMs);
    }
  }

  get closed(): Promise<void> { return this.transport?.closed ?? Promise.resolve(); }

  /** Info request (the service asks once per function at startup). */
  info(): Promise<InfoResponse> {
    return new Promise((resolve, reject) => {
      if (this.error) { reject(this.error); return; }
      this.infoWaiter = { resolve, reject };
      this.request({ kind: 'info' });
    });
  }

  /** Init with the task's options; data written meanwhile is sent once the agent accepted them. */
  init(options: readonly Option[]): void {
    this.initWaiter = (ok, err) => {
      if (!ok) { this.abort(new Error(`failed to initialize processes ${err}`)); return; }
      this.initialized = true;
      for (const b of this.held) this.transport!.write(b);
      this.held = [];
      this.heldBytes = 0;
    };
    this.request({ kind: 'init', init: { options, taskID: this.opts.taskId, nodeID: this.opts.nodeId } });
  }

  /** Queue a stream point; false when dropped (the agent failed or is too far behind). */
  writePoint(p: Point): boolean {
    if (!this.accepting()) return false;
    appendStreamPoint(this.writer, p);
    return true;
  }

  /** Queue a batch; false when dropped. */
  writeBatch(b: Batch): boolean {
    if (!this.accepting()) return false;
    appendBatch(this.writer, b);
    return true;
  }

  /** Hand what was queued since the last flush to the agent (one write). */
  flush(): void {
    const w = this.writer;
    if (w.pos === 0) return;
    const bytes = Buffer.from(w.buf.subarray(0, w.pos)); // copied: the writer's buffer is reused
    w.reset();
    if (this.error || this.closing) return;
    if (this.initialized) this.transport!.write(bytes);
    else { this.held.push(bytes); this.heldBytes += bytes.length; }
  }

  /** Graceful end (task stopped): close our side; kill the agent if it is still there after the grace period. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.stopTimers();
    this.shutdown();
  }

  /** Abort with an error (reported once). */
  abort(err: Error): void {
    if (this.error || this.closing) return;
    this.error = err;
    this.stopTimers();
    this.infoWaiter?.reject(err);
    this.infoWaiter = undefined;
    this.shutdown();
    this.handler?.failed(err);
  }

  private accepting(): boolean {
    if (this.error || this.closing) return false;
    const queued = this.heldBytes + this.writer.pos + (this.transport?.backlog() ?? 0);
    return queued < MAX_BACKLOG_BYTES;
  }

  private shutdown(): void {
    const t = this.transport;
    if (!t) return;
    t.end();
    const grace = this.timeoutMs > 0 ? Math.min(Math.max(2 * this.timeoutMs, 100), 10_000) : 1000;
    this.killTimer = setTimeout(() => t.kill(), grace);
    this.killTimer.unref();
    void t.closed.then(() => { if (this.killTimer) clearTimeout(this.killTimer); });
  }

  private stopTimers(): void {
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    if (this.watchdog) clearTimeout(this.watchdog);
    this.keepaliveTimer = undefined;
    this.watchdog = undefined;
  }

  private request(r: Parameters<typeof appendRequest>[1]): void {
    if (!this.transport || this.error || this.closing) return;
    // requests go out at once, ahead of data held back for Init; data already queued goes first (order per pipe)
    if (this.writer.pos > 0) this.flush();
    const w = this.writer;
    appendRequest(w, r);
    const bytes = Buffer.from(w.buf.subarray(0, w.pos));
    w.reset();
    this.transport.write(bytes);
  }

  private sendKeepalive(): void {
    this.request({ kind: 'keepalive', time: BigInt(Date.now()) * 1_000_000n });
  }

  /** The watchdog fires `timeout` after the last response; it re-arms itself instead of being reset per response. */
  private armWatchdog(ms: number): void {
    this.watchdog = setTimeout(() => {
      const idle = Date.now() - this.lastResponse;
      if (idle >= this.timeoutMs) {
        this.abort(new Error(`keepalive timedout, last keepalive received was: ${goTimeString(this.lastResponse)}`));
        return;
      }
      this.armWatchdog(this.timeoutMs - idle);
    }, ms);
    this.watchdog.unref();
  }

  private onEnded(reason: string | undefined): void {
    if (this.closing || this.error) return;
    if (this.frames.pending > 0) {
      this.abort(new Error(`read error: unexpected EOF, ${this.frames.pending} bytes of an unfinished message`));
      return;
    }
    this.abort(new Error(reason));
  }

  private onData(chunk: Buffer): void {
    if (this.error || this.closing) return;
    let msgs: Uint8Array[];
    try {
      msgs = this.frames.push(chunk);
    } catch (err) {
      this.abort(new Error(`read error: ${(err as Error).message}`));
      return;
    }
    if (msgs.length === 0) return;
    this.lastResponse = Date.now();
    for (const m of msgs) {
      let r: Response;
      try {
        r = decodeResponse(m);
        this.handle(r);
      } catch (err) {
        this.abort(new Error(`read error: ${(err as Error).message}`));
        break;
      }
      if (this.error) break;
    }
    if (this.out.length > 0 && !this.error) {
      const out = this.out.splice(0);
      this.handler?.output(out);
    }
  }

  private handle(r: Response): void {
    switch (r.kind) {
      case 'keepalive': return;
      case 'info': {
        const w = this.infoWaiter;
        this.infoWaiter = undefined;
        if (w) w.resolve(r.info); else this.handler?.log('received message without requesting it: InfoResponse');
        return;
      }
      case 'init': {
        const w = this.initWaiter;
        this.initWaiter = undefined;
        if (w) w(r.success, r.error); else this.handler?.log('received message without requesting it: InitResponse');
        return;
      }
      case 'snapshot':
      case 'restore':
        this.handler?.log(`received message without requesting it: ${r.kind === 'snapshot' ? 'SnapshotResponse' : 'RestoreResponse'}`);
        return;
      case 'error':
        this.abort(new Error(r.error));
        return;
      case 'begin':
        this.begin = r.begin;
        this.batchPoints = [];
        return;
      case 'point':
        if (this.begin) this.batchPoints.push(makeBatchPoint(r.point.time, fieldsOf(r.point), r.point.tags));
        else this.out.push(this.streamPoint(r.point));
        return;
      case 'end': {
        const begin = this.begin;
        if (!begin) throw new Error('EndBatch without BeginBatch');
        const e = r.end;
        const dims: Dimensions = { tagNames: Object.keys(e.tags).sort(), byName: begin.byName };
        this.out.push(makeBatch(e.name, '', '', e.tags, dims, groupId(e.name, e.tags, dims), e.tmax, this.batchPoints));
        this.begin = undefined;
        this.batchPoints = [];
        return;
      }
    }
  }

  private streamPoint(p: UdfPoint): Point {
    let dims = this.lastDims;
    if (dims === undefined || p.byName !== this.lastDimsByName || !sameNames(p.dimensions, this.lastDimsKey!)) {
      dims = Object.freeze({ tagNames: Object.freeze([...p.dimensions]) as readonly string[], byName: p.byName });
      this.lastDims = dims;
      this.lastDimsKey = dims.tagNames;
      this.lastDimsByName = p.byName;
    }
    return makePoint(p.name, p.database, p.retentionPolicy, p.tags, fieldsOf(p), p.time, dims, groupId(p.name, p.tags, dims));
  }
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Kapacitor's typeMapsToFields: strings, then ints, floats, bools (a later type wins a duplicate name). */
function fieldsOf(p: UdfPoint): Fields {
  const f: Fields = {};
  for (const k in p.fieldsString) setField(f, k, p.fieldsString[k]!);
  for (const k in p.fieldsInt) setField(f, k, p.fieldsInt[k]!);
  for (const k in p.fieldsDouble) setField(f, k, p.fieldsDouble[k]!);
  for (const k in p.fieldsBool) setField(f, k, p.fieldsBool[k]!);
  return f;
}

/** `__proto__` as a field name stays data (plain assignment would set the object's prototype) */
function setField(f: Fields, k: string, v: Fields[string]): void {
  if (k === '__proto__') Object.defineProperty(f, k, { value: v, enumerable: true, writable: true, configurable: true });
  else f[k] = v;
}
