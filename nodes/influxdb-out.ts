/**
 * `influxDBOut()` (SPEC 3.14; Kapacitor influxdb_out.go, pipeline/influxdb_out.go): writes every point (or batch
 * point) to an `[[influxdb]]` cluster. `.database`/`.retentionPolicy` default to the point's own (for batches to
 * '' as in Kapacitor), `.measurement` to the point's name, `.tag(k, v)` adds/overrides tags. Points are buffered
 * per database/retention policy and written when `.buffer(n)` points are waiting or every `.flushInterval(d)`
 * (default 1000 points / 10s) and when the task stops. `.create()` issues `CREATE DATABASE "db" [WITH NAME "rp"]`
 * before the first write. Stats: `points_written`, `write_errors` (Kapacitor's), `points_dropped` (tickstream:
 * points given up on; see nodes/influxdb-write-queue.ts for the retries).
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { systemClock, type ClockTimer } from '../runtime/clock.ts';
import type { Batch, Point, Tags } from '../model/point.ts';
import type { InfluxWriteTarget } from '../influxdb/ports.ts';
import { settingsOf } from '../tickscript/catalog/index.ts';
import { encodeLine, precisionDivisor } from '../lineprotocol/writer.ts';
import { quoteIdent } from '../influxdb/influxql.ts';
import { InfluxWriteQueue, type QueuedOp } from './influxdb-write-queue.ts';
import { registerNode } from './registry.ts';

const CONSISTENCIES = ['', 'any', 'one', 'quorum', 'all'];

interface Pending { readonly target: InfluxWriteTarget; lines: string[] }

export class InfluxDBOutNode extends Node {
  private readonly database: string;
  private readonly retentionPolicy: string;
  private readonly measurement: string;
  private readonly precision: string;
  private readonly consistency: string;
  private readonly divisor: bigint;
  private readonly bufferSize: number;
  private readonly staticTags: Tags | undefined;
  /** db\0rp → lines waiting */
  private readonly pending = new Map<string, Pending>();
  private readonly queue: InfluxWriteQueue;
  private readonly clusters: NonNullable<NodeContext['services']['influxdb']>;
  private readonly flushTimer: ClockTimer;
  private readonly pointsWritten = this.counter('points_written');
  private readonly writeErrors = this.counter('write_errors');
  private readonly pointsDropped = this.counter('points_dropped');

  constructor(ctx: NodeContext) {
    super(ctx);
    const d = ctx.def;
    const clusters = ctx.services.influxdb;
    if (!clusters) throw new Error(`${d.name}: no InfluxDB cluster configured cannot use the InfluxDBOutNode (add an enabled [[influxdb]] section)`);
    this.clusters = clusters;
    const s = settingsOf('influxDBOut', d);
    const cluster = s.cluster ?? '';
    let client;
    try { client = clusters.client(cluster); } catch (err) {
      throw new Error(`${d.name}: failed to get InfluxDB client: ${(err as Error).message}`);
    }
    this.database = s.database ?? '';
    this.retentionPolicy = s.retentionPolicy ?? '';
    this.measurement = s.measurement ?? '';
    this.precision = s.precision ?? '';
    const divisor = precisionDivisor(this.precision);
    if (divisor === undefined) throw new Error(`${d.name}: invalid precision ${this.precision}`);
    this.divisor = divisor;
    this.consistency = s.writeConsistency ?? '';
    if (!CONSISTENCIES.includes(this.consistency)) {
      throw new Error(`${d.name}: invalid writeConsistency ${JSON.stringify(this.consistency)} (use any, one, quorum or all)`);
    }
    const buffer = s.buffer; // the catalog's default: 1000
    if (buffer < 1n) throw new Error(`${d.name}: buffer must be >= 1, got ${buffer}`);
    this.bufferSize = Number(buffer);
    const flush = s.flushInterval; // the catalog's default: 10s
    if (flush <= 0n) throw new Error(`${d.name}: flushInterval must be > 0`);
    const tags: Record<string, string> = {};
    for (const [k, v] of s.tag) tags[k] = v;
    this.staticTags = Object.keys(tags).length > 0 ? tags : undefined;

    this.queue = new InfluxWriteQueue(client, {
      written: (n) => this.pointsWritten.add(n),
      failed: (op, err, retryIn) => this.failed(op, err, retryIn),
      dropped: (n, reason) => {
        this.pointsDropped.add(n);
        this.log.warn({ points: n, dropped: this.pointsDropped.value, reason }, 'points not written to InfluxDB');
      },
    });
    if (s.create) {
      if (this.database === '') this.reportError('failed to create database', '', new Error('.create() needs .database()'));
      else {
        const command = 'CREATE DATABASE ' + quoteIdent(this.database) + (this.retentionPolicy !== '' ? ' WITH NAME ' + quoteIdent(this.retentionPolicy) : '');
        this.queue.enqueue({ kind: 'query', command, points: 0 });
      }
    }
    const ms = Number(flush / 1_000_000n) || 1;
    this.flushTimer = (ctx.services.clock ?? systemClock).setInterval(() => this.flushAll(), ms);
  }

  protected override onPoint(p: Point): void {
    this.add(this.database !== '' ? this.database : p.db, this.retentionPolicy !== '' ? this.retentionPolicy : p.rp,
      this.measurement !== '' ? this.measurement : p.name, p.tags, p);
  }

  protected override onBatch(b: Batch): void {
    const name = this.measurement !== '' ? this.measurement : b.name;
    for (const bp of b.points) {
      try {
        this.add(this.database, this.retentionPolicy, name, bp.tags, bp);
      } catch (err) {
        this.reportError('failed to encode point for InfluxDB', b.group, err);
      }
    }
  }

  override stop(): void {
    this.flushTimer.cancel();
    this.flushAll();
    this.queue.stop();
    // at shutdown the server waits for these last writes before it closes the InfluxDB clients
    this.clusters.trackPending?.(this.queue.whenIdle());
  }

  /** For tests and shutdown: resolves when everything queued was written or given up on. */
  whenIdle(): Promise<void> {
    return this.queue.whenIdle();
  }

  private add(db: string, rp: string, name: string, tags: Tags, p: { readonly fields: Point['fields']; readonly time: bigint }): void {
    const line = encodeLine(name, this.staticTags ? { ...tags, ...this.staticTags } : tags, p.fields, p.time, this.divisor);
    const key = db + '\0' + rp;
    let pend = this.pending.get(key);
    if (pend === undefined) {
      pend = { target: { db, rp, precision: this.precision, consistency: this.consistency }, lines: [] };
      this.pending.set(key, pend);
    }
    pend.lines.push(line);
    if (pend.lines.length >= this.bufferSize) this.flushOne(key, pend);
  }

  private flushAll(): void {
    for (const [key, pend] of this.pending) this.flushOne(key, pend);
  }

  private flushOne(key: string, pend: Pending): void {
    this.pending.delete(key);
    if (pend.lines.length === 0) return;
    this.queue.enqueue({ kind: 'write', target: pend.target, body: pend.lines.join(''), points: pend.lines.length });
  }

  private failed(op: QueuedOp, err: unknown, retryInMs: number | undefined): void {
    const retry = retryInMs === undefined ? '' : ` (retrying in ${retryInMs} ms)`;
    if (op.kind === 'write') {
      this.writeErrors.inc();
      this.reportError(`failed to write points to InfluxDB${retry}`, '', err);
    } else {
      this.reportError(`failed to create database${retry}`, '', err);
    }
  }
}

registerNode('influxDBOut', (ctx) => new InfluxDBOutNode(ctx));
