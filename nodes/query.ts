/**
 * `batch|query('SELECT …')` (Kapacitor batch.go QueryNode, query.go): on its schedule — `.every(d)` (`.align()`
 * puts the runs on multiples of d) or `.cron('…')` (model/cron.ts, local time), on the injected clock
 * (`RuntimeServices.clock`, default the system clock) — the statement runs against the `[[influxdb]]` cluster
 * (`.cluster(name)`, default the default one) over [t − offset − period, t − offset) where t is the run's
 * scheduled time, GROUP BY the node's `.groupBy(...)` (tags, `*`, `time(d)`; `.alignGroup()` aligns the time
 * buckets to the start), `.fill(...)`. Each result series becomes one batch: name and tags of the series (grouped by
 * all its tags, plus the name with `.groupByMeasurement()`), one batch point per row with the non-null columns as
 * fields; numbers arrive as float64 as in Kapacitor (InfluxDB's JSON does not tell int from float); the batch time
 * is its latest point's time when grouped by time, else the query's stop time. Stats: `batches_queried`,
 * `points_queried`; a failed query (InfluxDB's error, or an answer above the cluster's `max-batch-points`) is an
 * error of the node (logged, counted) and the next run goes on. A run still waiting for InfluxDB when the next is
 * due skips that one.
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { makeBatch, makeBatchPoint } from '../model/build.ts';
import { groupId, makeDimensions, type Batch, type BatchPoint, type Fields } from '../model/point.ts';
import type { InfluxDBClientPort, InfluxQueryResponse } from '../influxdb/ports.ts';
import { parseRFC3339 } from '../model/time.ts';
import { CronExpression } from '../model/cron.ts';
import { systemClock, type Clock, type ClockTimer } from '../runtime/clock.ts';
import { cronTicker, everyTicker, type QueryTicker } from './support/query-ticker.ts';
import type { PipelineNode } from '../tickscript/pipeline.ts';
import { settingsOf, STAR } from '../tickscript/catalog/index.ts';
import { SelectQuery, type Dimension } from '../influxdb/select-query.ts';
import { registerNode } from './registry.ts';
import { goQuote } from '../gocompat/format.ts';

/** a `.groupBy()` argument: a tag name, `*`, or `time(d)` (its duration) */
function dimension(v: string | typeof STAR | bigint): Dimension {
  if (v === STAR) return { kind: 'star' };
  if (typeof v === 'bigint') return { kind: 'time', every: v, offset: 0n };
  return { kind: 'tag', name: v };
}

/** What a `query()` node runs (its statement and schedule), read from its definition: the live node and recordings share it. */
export interface QuerySpec {
  readonly query: SelectQuery;
  /** `.every()` or `.cron()` */
  readonly ticker: QueryTicker;
  readonly period: bigint;
  readonly offset: bigint;
  readonly byName: boolean;
  /** `.cluster(name)`, '' = the default cluster */
  readonly cluster: string;
}

/** Kapacitor newQueryNode's checks; throws `<node>: <reason>`. */
export function querySpec(d: PipelineNode): QuerySpec {
  const text = d.args[0]?.type === 'string' ? d.args[0].value : '';
  const s = settingsOf('query', d);
  let query: SelectQuery;
  try {
    query = new SelectQuery(text);
    query.setDimensions(s.groupBy.flat().map(dimension));
  } catch (err) {
    throw new Error(`${d.name}: ${(err as Error).message}`);
  }
  if (s.alignGroup) query.setAlignGroup();
  if (s.fill !== undefined) query.setFill(s.fill);
  // Kapacitor newQueryNode's order of checks and texts; the catalog's defaults: every 0, cron ''
  const every = s.every;
  const cron = s.cron;
  if (every !== 0n && cron !== '') throw new Error(`${d.name}: must not set both 'every' and 'cron' properties`);
  let ticker: QueryTicker;
  if (every > 0n) ticker = everyTicker(every, s.align);
  else if (cron !== '') {
    try { ticker = cronTicker(CronExpression.parse(cron)); } catch (err) {
      throw new Error(`${d.name}: invalid cron ${JSON.stringify(cron)}: ${(err as Error).message}`);
    }
  } else if (every < 0n) throw new Error(`${d.name}: 'every' duration must must non-negative`);
  else throw new Error(`${d.name}: must define one of 'every' or 'cron'`);
  return {
    query, ticker, period: s.period, offset: s.offset, byName: s.groupByMeasurement, cluster: s.cluster,
  };
}

/**
 * Kapacitor ExecutingTask.checkDBRPs (at batch task start, `record batch`, `/replays/batch`): every FROM source of
 * every query must be one of the task's dbrps (an unqualified source is `"".""`, which no task lists), else
 * `batch query is not allowed to request data from "db"."rp"`.
 */
export function checkQueryDbrps(specs: readonly QuerySpec[], dbrps: readonly { db: string; rp: string }[]): void {
  const allowed = new Set(dbrps.map((d) => d.db + '\0' + d.rp));
  for (const spec of specs) {
    for (const src of spec.query.sources()) {
      if (!allowed.has(src.db + '\0' + src.rp)) throw new Error(`batch query is not allowed to request data from ${goQuote(src.db)}.${goQuote(src.rp)}`);
    }
  }
}

/**
 * The runs a `query()` node makes over [start, stop] (Kapacitor QueryNode.Queries, used by `record batch` and
 * `/replays/batch`): from `start`, the schedule's next time (every: + every, `.align()` rounded to a multiple of
 * it; cron: its next firing time) while ≤ stop; each run covers [t − offset − period, t − offset); runs ending
 * after `now` are left out.
 */
export function queryRuns(spec: QuerySpec, start: bigint, stop: bigint, now: bigint): { start: bigint; stop: bigint }[] {
  const runs: { start: bigint; stop: bigint }[] = [];
  let current: bigint | undefined = start;
  for (;;) {
    current = spec.ticker.next(current);
    if (current === undefined || current > stop) break;
    const qstop = current - spec.offset;
    if (qstop > now) break;
    runs.push({ start: qstop - spec.period, stop: qstop });
  }
  return runs;
}

/**
 * Kapacitor edge.ResultToBufferedBatches + the batch time rule of QueryNode.doQuery: one batch per series (grouped
 * by all its tags, plus the name with `byName`), one point per row with a non-null value; the batch time is the
 * latest point's when grouped by time, else `stop`. A statement error is handed to `onError` and skipped.
 */
export function resultBatches(
  resp: InfluxQueryResponse, byName: boolean, groupedByTime: boolean, stop: bigint, onError: (err: Error) => void,
): Batch[] {
  const out: Batch[] = [];
  for (const res of resp.results ?? []) {
    if (res.error) { onError(new Error(res.error)); continue; }
    for (const s of res.series ?? []) {
      const name = s.name ?? '';
      const tags = { ...(s.tags ?? {}) };
      const dims = makeDimensions(Object.keys(tags), byName);
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
      if (tmax === undefined || !groupedByTime) tmax = stop;
      out.push(makeBatch(name, '', '', tags, dims, groupId(name, tags, dims), tmax, points));
    }
  }
  return out;
}

/**
 * RuntimeServices of a replay's TaskMaster carry `batchReplay: true`: its query nodes then neither schedule nor
 * need InfluxDB; the replay hands them the recorded batches (Kapacitor's batch collectors) and they pass them on.
 */
export interface BatchReplayServices {
  readonly batchReplay?: boolean;
}

export class QueryNode extends Node {
  private readonly query: SelectQuery;
  private readonly client: InfluxDBClientPort | undefined;
  private readonly ticker: QueryTicker;
  private readonly clock: Clock;
  private readonly period: bigint;
  private readonly offset: bigint;
  private readonly byName: boolean;
  private readonly batchesQueried = this.counter('batches_queried');
  private readonly pointsQueried = this.counter('points_queried');
  private runTimer: ClockTimer | undefined;
  private inFlight = false;
  private stopped = false;
  /** the statement of the latest run (tests, logs) */
  lastQuery = '';

  constructor(ctx: NodeContext) {
    super(ctx);
    const d = ctx.def;
    const spec = querySpec(d);
    this.query = spec.query;
    this.ticker = spec.ticker;
    this.clock = ctx.services.clock ?? systemClock;
    this.period = spec.period;
    this.offset = spec.offset;
    this.byName = spec.byName;
    if ((ctx.services as BatchReplayServices).batchReplay) {
      this.client = undefined; // a replay feeds this node (onBatch)
      return;
    }
    // Kapacitor StartBatching: the queries may only read the task's dbrps (not checked for replays, as there)
    checkQueryDbrps([spec], ctx.task.dbrps);
    const clusters = ctx.services.influxdb;
    if (!clusters) throw new Error(`${d.name}: InfluxDB not configured, cannot query InfluxDB for batch query (add an enabled [[influxdb]] section)`);
    try { this.client = clusters.client(spec.cluster); } catch (err) {
      throw new Error(`${d.name}: failed to get InfluxDB client: ${(err as Error).message}`);
    }
    this.scheduleAt(this.ticker.first(this.clock.now()));
  }

  /** A replayed batch (Kapacitor's batch collector → QueryNode.runBatch): passed on to the children as it is. */
  protected override onBatch(b: Batch): void {
    this.emitBatch(b);
  }

  override stop(): void {
    this.stopped = true;
    this.runTimer?.cancel();
    this.runTimer = undefined;
  }

  /** Runs at `at` (clock time, ns), then schedules the ticker's next run; undefined: the schedule has ended. */
  private scheduleAt(at: bigint | undefined): void {
    if (this.stopped) return;
    if (at === undefined) {
      this.log.warn('the cron schedule has no further run time (years up to 2099); no more queries');
      return;
    }
    const wait = at - this.clock.now();
    // whole ms, rounded up: the timer never fires before the run's time
    const delay = wait > 0n ? Number((wait + 999_999n) / 1_000_000n) : 0;
    this.runTimer = this.clock.setTimer(() => {
      this.runTimer = undefined;
      if (this.stopped) return;
      this.run(at);
      this.scheduleAt(this.ticker.after(at, this.clock.now()));
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
    this.client!.query(text).then(
      (resp) => { this.inFlight = false; if (!this.stopped) this.runExternal(() => this.emitResults(resp, stop)); },
      (err: unknown) => { this.inFlight = false; if (!this.stopped) this.runExternal(() => this.reportError('error executing query', '', err)); },
    );
  }

  private emitResults(resp: InfluxQueryResponse, stop: bigint): void {
    const batches = resultBatches(resp, this.byName, this.query.groupedByTime, stop,
      (err) => this.reportError('failed to understand query result', '', err));
    for (const b of batches) {
      this.batchesQueried.inc();
      this.pointsQueried.add(b.points.length);
      this.emitBatch(b);
    }
  }
}

registerNode('query', (ctx) => new QueryNode(ctx));
