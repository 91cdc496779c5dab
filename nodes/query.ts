/**
 * `batch|query('SELECT …')` (Kapacitor batch.go QueryNode, query.go): every `.every(d)` (wall clock; `.align()`
 * puts the runs on multiples of d) the statement runs against the `[[influxdb]]` cluster (`.cluster(name)`, default
 * the default one) over [now − offset − period, now − offset), GROUP BY the node's `.groupBy(...)` (tags, `*`,
 * `time(d)`; `.alignGroup()` aligns the time buckets to the start), `.fill(...)`. Each result series becomes one
 * batch: name and tags of the series (grouped by all its tags, plus the name with `.groupByMeasurement()`), one
 * batch point per row with the non-null columns as fields; numbers arrive as float64 as in Kapacitor (InfluxDB's
 * JSON does not tell int from float); the batch time is its latest point's time when grouped by time, else the
 * query's stop time. Stats: `batches_queried`, `points_queried`; a failed query is an error of the node (logged,
 * counted) and the next run goes on. A run still waiting for InfluxDB when the next is due skips that one.
 *
 * Not supported (clear error at task start): `.cron(...)` schedules.
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { makeBatch, makeBatchPoint } from '../runtime/build.ts';
import { groupId, makeDimensions, type BatchPoint, type Fields } from '../model/point.ts';
import type { InfluxDBClientPort, InfluxQueryResponse } from '../influxdb/ports.ts';
import { nowNs, parseRFC3339 } from '../model/time.ts';
import { allCalls, hasCall, prop, type TickValue } from '../tickscript/pipeline.ts';
import { SelectQuery, type Dimension } from '../influxdb/select-query.ts';
import { registerNode } from './registry.ts';

function dimension(v: TickValue, node: string): Dimension {
  switch (v.type) {
    case 'string': return { kind: 'tag', name: v.value };
    case 'star': return { kind: 'star' };
    case 'timeDimension': return { kind: 'time', every: v.value, offset: 0n };
    case 'duration': return { kind: 'time', every: v.value, offset: 0n };
    default: throw new Error(`${node}: invalid dimension type:${v.type}, must be string or time.Duration`);
  }
}

export class QueryNode extends Node {
  private readonly query: SelectQuery;
  private readonly client: InfluxDBClientPort;
  private readonly every: bigint;
  private readonly period: bigint;
  private readonly offset: bigint;
  private readonly align: boolean;
  private readonly byName: boolean;
  private readonly batchesQueried = this.counter('batches_queried');
  private readonly pointsQueried = this.counter('points_queried');
  private runTimer: NodeJS.Timeout | undefined;
  private inFlight = false;
  private stopped = false;
  /** the statement of the latest run (tests, logs) */
  lastQuery = '';

  constructor(ctx: NodeContext) {
    super(ctx);
    const d = ctx.def;
    const text = d.args[0]?.type === 'string' ? d.args[0].value : '';
    try {
      this.query = new SelectQuery(text);
      this.query.setDimensions(allCalls(d, 'groupBy').flat().map((v) => dimension(v, d.name)));
    } catch (err) {
      throw new Error(`${d.name}: ${(err as Error).message}`);
    }
    if (hasCall(d, 'alignGroup')) this.query.setAlignGroup();
    const fill = prop<string | number | bigint | undefined>(d, 'fill', undefined);
    if (fill !== undefined) this.query.setFill(fill);
    this.every = prop(d, 'every', 0n);
    this.period = prop(d, 'period', 0n);
    this.offset = prop(d, 'offset', 0n);
    this.align = hasCall(d, 'align');
    this.byName = hasCall(d, 'groupByMeasurement');
    if (prop(d, 'cron', '') !== '') throw new Error(`${d.name}: cron schedules are not supported yet by tickstream (use .every())`);
    if (this.every < 0n) throw new Error(`${d.name}: 'every' duration must must non-negative`);
    if (this.every === 0n) throw new Error(`${d.name}: must define one of 'every' or 'cron'`);
    const clusters = ctx.services.influxdb;
    if (!clusters) throw new Error(`${d.name}: InfluxDB not configured, cannot query InfluxDB for batch query (add an enabled [[influxdb]] section)`);
    try { this.client = clusters.client(prop(d, 'cluster', '')); } catch (err) {
      throw new Error(`${d.name}: failed to get InfluxDB client: ${(err as Error).message}`);
    }
    this.scheduleNext();
  }

  override stop(): void {
    this.stopped = true;
    if (this.runTimer) clearTimeout(this.runTimer);
    this.runTimer = undefined;
  }

  /** Go's time.Ticker cadence; with align the runs fall on multiples of `every` (Kapacitor timeTicker). */
  private scheduleNext(): void {
    if (this.stopped) return;
    const everyMs = Number(this.every / 1_000_000n) || 1;
    let delay = everyMs;
    let at: bigint | undefined;
    if (this.align) {
      const now = nowNs();
      at = (now / this.every + 1n) * this.every;
      delay = Math.max(0, Number((at - now) / 1_000_000n));
    }
    this.runTimer = setTimeout(() => {
      this.runTimer = undefined;
      this.run(at ?? nowNs());
      this.scheduleNext();
    }, delay);
  }

  private run(now: bigint): void {
    if (this.inFlight) {
      this.log.warn({ query: this.lastQuery }, 'previous batch query still running; skipping this run');
      return;
    }
    const stop = now - this.offset;
    const start = stop - this.period;
    const text = this.query.text(start, stop);
    this.lastQuery = text;
    this.log.debug({ query: text }, 'starting batch query');
    this.inFlight = true;
    this.client.query(text).then(
      (resp) => { this.inFlight = false; if (!this.stopped) this.runExternal(() => this.emitResults(resp, stop)); },
      (err: unknown) => { this.inFlight = false; if (!this.stopped) this.runExternal(() => this.reportError('error executing query', '', err)); },
    );
  }

  /** Kapacitor edge.ResultToBufferedBatches + the batch time rule of QueryNode.doQuery. */
  private emitResults(resp: InfluxQueryResponse, stop: bigint): void {
    const byTime = this.query.groupedByTime;
    for (const res of resp.results ?? []) {
      if (res.error) { this.reportError('failed to understand query result', '', new Error(res.error)); continue; }
      for (const s of res.series ?? []) {
        const name = s.name ?? '';
        const tags = { ...(s.tags ?? {}) };
        const dims = makeDimensions(Object.keys(tags), this.byName);
        const points: BatchPoint[] = [];
        let tmax: bigint | undefined;
        const timeCol = s.columns.indexOf('time');
        for (const row of s.values ?? []) {
          const fields: Fields = {};
          let n = 0;
          let t = 0n;
          if (timeCol >= 0) {
            const parsed = typeof row[timeCol] === 'string' ? parseRFC3339(row[timeCol]) : undefined;
            if (parsed === undefined) throw new Error(`unexpected time value: ${JSON.stringify(row[timeCol])}`);
            t = parsed;
          }
          for (let i = 0; i < s.columns.length; i++) {
            if (i === timeCol) continue;
            const v = row[i];
            if (v === null || v === undefined) continue;
            if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') { fields[s.columns[i]!] = v; n++; }
          }
          if (n === 0) continue;
          if (tmax === undefined || t > tmax) tmax = t;
          points.push(makeBatchPoint(t, fields, tags));
        }
        if (tmax === undefined || !byTime) tmax = stop;
        this.batchesQueried.inc();
        this.pointsQueried.add(points.length);
        this.emitBatch(makeBatch(name, '', '', tags, dims, groupId(name, tags, dims), tmax, points));
      }
    }
  }
}

registerNode('query', (ctx) => new QueryNode(ctx));
