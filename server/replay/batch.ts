/**
 * Batch and query recordings and replays (Kapacitor's services/replay doRecordBatch, doRecordQuery,
 * doLiveBatchReplay, doLiveQueryReplay and replay.go replayBatchFromChan): running a batch task's queries over a
 * time range, a query's answer as ordered points or as batches, and feeding batches to a replayed batch task.
 */
import { setImmediate as tick } from 'node:timers/promises';
import { sleepUntil } from './sleep-until.ts';
import type { Batch, Point } from '../../model/point.ts';
import { makeDimensions } from '../../model/point.ts';
import { makePoint, withPoints } from '../../model/build.ts';
import type { InfluxDBClusters, InfluxQueryResponse } from '../../influxdb/ports.ts';
import type { TaskMaster } from '../../runtime/task-master.ts';
import type { Task } from '../../runtime/task.ts';
import type { Node } from '../../runtime/node.ts';
import type { Pipeline } from '../../tickscript/pipeline.ts';
import { checkQueryDbrps, querySpec, queryRuns, resultBatches, type QuerySpec } from '../../nodes/query.ts';

/** The query nodes of a batch task, in the order Kapacitor numbers its batch collectors (the batch node's children). */
export function queryNodeIds(pipeline: Pipeline): number[] {
  const src = pipeline.nodes.find((n) => n.parents.length === 0 && n.kind === 'batch');
  if (!src) return [];
  return [...src.children].sort((a, b) => a - b).filter((id) => pipeline.nodes[id]!.kind === 'query');
}

/**
 * The batches a batch task's queries produce over [start, stop] (Kapacitor startRecordBatch): the queries must
 * stay inside the task's dbrps (checkQueryDbrps); then per query node, in order, every run of its schedule, each
 * answer's batches with the live node's batch time rule. Yields `{ source, batch }`; a failing query (or a
 * missing cluster) throws.
 */
export async function* batchTaskBatches(
  pipeline: Pipeline, dbrps: readonly { db: string; rp: string }[], clusters: InfluxDBClusters | undefined,
  start: bigint, stop: bigint, now: bigint,
): AsyncGenerator<{ source: number; batch: Batch }> {
  const specs: QuerySpec[] = queryNodeIds(pipeline).map((id) => querySpec(pipeline.nodes[id]!));
  checkQueryDbrps(specs, dbrps);
  if (!clusters) throw new Error('InfluxDB not configured, cannot record batch query');
  for (let source = 0; source < specs.length; source++) {
    const spec = specs[source]!;
    const client = clusters.client(spec.cluster);
    for (const run of queryRuns(spec, start, stop, now)) {
      const resp = await client.query(spec.query.text(run.start, run.stop));
      const batches = resultBatches(resp, spec.byName, spec.query.groupedByTime, run.stop, (err) => { throw err; });
      for (const batch of batches) yield { source, batch };
    }
  }
}

/**
 * The database and retention policy of a query (Kapacitor execQuery): its single FROM source must be fully
 * qualified, `"db"."rp"."measurement"`.
 */
export function queryDbrp(q: string): { db: string; rp: string } {
  const ident = String.raw`(?:"(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*)`;
  const re = new RegExp(String.raw`\bFROM\s+(${ident})?\.(${ident})?\.(${ident}|/(?:[^/\\]|\\.)*/)(?=\s|;|$)(?!\s*,)`, 'i');
  const m = re.exec(q);
  const unquote = (s: string | undefined): string => (s === undefined ? '' : s.startsWith('"') ? s.slice(1, -1).replace(/\\(.)/g, '$1') : s);
  const db = unquote(m?.[1]);
  const rp = unquote(m?.[2]);
  if (db === '' || rp === '') throw new Error('could not determine database and retention policy. Is the query fully qualified?');
  return { db, rp };
}

/** Runs a query for `record query` / `/replays/query` (Kapacitor execQuery's checks and error texts). */
export async function execQuery(
  clusters: InfluxDBClusters | undefined, q: string, cluster: string, what: 'record' | 'replay',
): Promise<{ db: string; rp: string; resp: InfluxQueryResponse }> {
  const dbrp = queryDbrp(q);
  if (!clusters) throw new Error(`InfluxDB not configured, cannot ${what} query`);
  let client;
  try { client = clusters.client(cluster); } catch (err) { throw new Error(`failed to get InfluxDB client: ${(err as Error).message}`); }
  let resp: InfluxQueryResponse;
  try { resp = await client.query(q); } catch (err) { throw new Error(`InfluxDB query failed: ${(err as Error).message}`); }
  return { ...dbrp, resp };
}

/** A query's answer as batches (Kapacitor runQueryBatch: ResultToBufferedBatches, not grouped by name). */
export function queryAnswerBatches(resp: InfluxQueryResponse): Batch[] {
  // the batch time is the latest point's (ResultToBufferedBatches); a batch without points keeps 0
  return resultBatches(resp, false, true, 0n, (err) => { throw err; });
}

/**
 * A query's answer as points in time order (Kapacitor runQueryStream): per statement result, repeatedly every
 * series gives up its points up to the earliest time not yet written, series in answer order.
 */
export function queryAnswerPoints(resp: InfluxQueryResponse, db: string, rp: string): Point[] {
  const out: Point[] = [];
  const noDims = makeDimensions([], false);
  for (const res of resp.results ?? []) {
    if (res.error) throw new Error(res.error);
    const batches = resultBatches({ results: [res] }, false, true, 0n, (err) => { throw err; });
    const pos = batches.map(() => 0);
    for (;;) {
      let current: bigint | undefined;
      for (let b = 0; b < batches.length; b++) {
        const p = batches[b]!.points[pos[b]!];
        if (p && (current === undefined || p.time < current)) current = p.time;
      }
      if (current === undefined) break;
      for (let b = 0; b < batches.length; b++) {
        const batch = batches[b]!;
        while (pos[b]! < batch.points.length && batch.points[pos[b]!]!.time <= current) {
          const bp = batch.points[pos[b]!++]!;
          out.push(makePoint(batch.name, db, rp, bp.tags, bp.fields, bp.time, noDims, ''));
        }
      }
    }
  }
  return out;
}

/**
 * Feeds batches to a running batch task's query nodes (Kapacitor ReplayBatchFromIO/FromChan with the task's batch
 * collectors): per source, the first point's time is moved to the replay's start (`startNs`) and every later one
 * by the same amount unless `recordingTime`; the batch time becomes the last point's time when that is later; the
 * real clock waits until as much wall time has passed since the start as data time separates the batch's last
 * point from its source's first. Batches without points are skipped when read from a recording (`skipEmpty`).
 */
export class BatchFeeder {
  private readonly queryNodes: Node[];
  private readonly firstTimes = new Map<number, bigint>();
  private readonly wallStart = performance.now();
  private lastTmax = new Map<number, bigint>();

  constructor(
    private readonly taskMaster: TaskMaster, taskId: string, pipeline: Pipeline,
    private readonly opts: { clock: 'fast' | 'real'; recordingTime: boolean; startNs: bigint; signal: AbortSignal; skipEmpty: boolean },
  ) {
    const task = taskMaster.getTask(taskId) as Task | undefined;
    if (!task) throw new Error(`task ${taskId} is not running`);
    this.queryNodes = queryNodeIds(pipeline).map((id) => task.nodes[id]!);
  }

  get sources(): number {
    return this.queryNodes.length;
  }

  async feed(source: number, b: Batch): Promise<void> {
    const { signal } = this.opts;
    signal.throwIfAborted();
    const node = this.queryNodes[source];
    if (!node) throw new Error(`unexpected number of batch collectors. exp ${source + 1} got ${this.queryNodes.length}`);
    let batch = b;
    const n = b.points.length;
    if (n === 0) {
      if (this.opts.skipEmpty) return;
      const tmax = b.tmax === 0n ? (this.lastTmax.get(source) ?? 0n) : b.tmax;
      batch = { ...b, tmax };
    } else {
      let first = this.firstTimes.get(source);
      if (first === undefined) { first = b.points[0]!.time; this.firstTimes.set(source, first); }
      const diff = this.opts.startNs - first;
      let lastTime: bigint;
      if (!this.opts.recordingTime) {
        batch = withPoints(b, b.points.map((p) => ({ time: p.time + diff, fields: p.fields, tags: p.tags })));
        lastTime = batch.points[n - 1]!.time;
      } else {
        lastTime = b.points[n - 1]!.time + diff;
      }
      if (this.opts.clock === 'real') {
        await sleepUntil(this.wallStart + Number(lastTime - this.opts.startNs) / 1e6, signal);
      }
      const lpt = batch.points[n - 1]!.time;
      if (batch.tmax < lpt) batch = { ...batch, tmax: lpt };
    }
    this.lastTmax.set(source, batch.tmax);
    const edge = node.ins[0]!;
    edge.processed++;
    node.receive([batch], 1, 1, edge);
    await tick(); // the server keeps answering between batches
  }
}

/** Feeds points to a replayed stream task (Kapacitor ReplayStreamFromChan): time shift and real-clock pacing as recordings. */
export async function replayPoints(
  taskMaster: TaskMaster, points: Point[], opts: { clock: 'fast' | 'real'; recordingTime: boolean; startNs: bigint; signal: AbortSignal },
): Promise<void> {
  if (points.length === 0) return;
  const first = points[0]!.time;
  const diff = opts.startNs - first;
  const wallStart = performance.now();
  const CHUNK = 4096;
  let i = 0;
  while (i < points.length) {
    opts.signal.throwIfAborted();
    const t = points[i]!.time;
    let j = i + 1;
    // fast: chunks of points; real: the run of points sharing a time
    while (j < points.length && (opts.clock === 'fast' ? j - i < CHUNK : points[j]!.time === t)) j++;
    if (opts.clock === 'real') {
      await sleepUntil(wallStart + Number(t - first) / 1e6, opts.signal);
    }
    const run = points.slice(i, j).map((p) => (opts.recordingTime ? p : { ...p, time: p.time + diff }));
    // a query answer is one db/rp
    taskMaster.writePoints(run[0]!.db, run[0]!.rp, run);
    i = j;
    await tick();
  }
}
