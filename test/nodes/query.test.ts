// batch|query() (Kapacitor batch.go / query.go) with an in-memory InfluxDB client and a manual clock (no sleeps):
// task-start errors, the [t − offset − period, t − offset) bounds, `.every()` runs every d from the start,
// `.align()` runs on multiples of every, `.cron()` runs at the expression's times, series → batches (name, tags,
// group incl. `.groupByMeasurement()`, numbers as float64, nulls skipped, batch time rule), skipped overlaps.
// The real-influxd comparison is test/influxdb/batch.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PipelineBuilder, dur } from '../helpers/runtime/pipeline-builder.ts';
import { startTask } from '../helpers/runtime/replay.ts';
import type { InfluxDBClusters, InfluxQueryResponse } from '../../influxdb/ports.ts';
import { parseRFC3339 } from '../../model/time.ts';
import type { Batch } from '../../model/point.ts';
import { capture } from './capture.ts';
import { until } from '../helpers/until.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { queryRuns, querySpec } from '../../nodes/query.ts';

const MS = 1_000_000n;
const S = 1_000_000_000n;

function clusters(queries: string[], answer: (q: string) => Promise<InfluxQueryResponse>): InfluxDBClusters {
  return { client: () => ({ async write() {}, query: (q: string) => { queries.push(q); return answer(q); } }) };
}

/** the harness runs the task with dbrps db.rp (test/helpers/runtime/replay.ts startTask) */
function pipeline(props: [string, ...unknown[]][], q = 'SELECT mean(v) FROM "db"."rp"."m"') {
  const b = new PipelineBuilder();
  const n = b.batch().chain('query', q);
  for (const [m, ...a] of props) n.prop(m, ...a);
  n.chain('testCapture');
  return b.build();
}

const bounds = (q: string): [bigint, bigint] => {
  const m = /time >= '([^']+)' AND time < '([^']+)'/.exec(q)!;
  return [parseRFC3339(m[1]!)!, parseRFC3339(m[2]!)!];
};


/** 2024-01-01T00:00:03.250Z: not on a whole second, so alignment shows */
const T0 = BigInt(Date.parse('2024-01-01T00:00:03.250Z')) * MS;
const iso = (t: bigint): string => new Date(Number(t / MS)).toISOString();
const stops = (queries: string[]): string[] => queries.map((q) => iso(bounds(q)[1]));

test('task start errors: no InfluxDB, no every or cron, both, negative every, bad cron, bad query (Kapacitor newQueryNode texts)', () => {
  assert.throws(() => startTask(pipeline([['every', dur(S)]])), /InfluxDB not configured, cannot query InfluxDB for batch query/);
  const svc = { influxdb: clusters([], async () => ({})) };
  assert.throws(() => startTask(pipeline([]), { services: svc }), /must define one of 'every' or 'cron'/);
  assert.throws(() => startTask(pipeline([['every', dur(S)], ['cron', '* * * * *']]), { services: svc }), /query1: must not set both 'every' and 'cron' properties/);
  assert.throws(() => startTask(pipeline([['every', dur(-S)]]), { services: svc }), /'every' duration must must non-negative/);
  assert.throws(() => startTask(pipeline([['cron', '61 * * * *']]), { services: svc }),
    /query1: invalid cron "61 \* \* \* \*": syntax error in minute field: '61' \(61 is outside 0-59\)/);
  assert.throws(() => startTask(pipeline([['cron', '* * *']]), { services: svc }), /query1: invalid cron "\* \* \*": missing field\(s\)/);
  assert.throws(() => startTask(pipeline([['every', dur(S)]], 'SHOW DATABASES'), { services: svc }), /query is not a select statement/);
  // Kapacitor StartBatching's checkDBRPs: the task runs with dbrps db.rp
  assert.throws(() => startTask(pipeline([['every', dur(S)]], 'SELECT v FROM "other"."rp"."m"'), { services: svc }),
    /batch query is not allowed to request data from "other"\."rp"/);
  assert.throws(() => startTask(pipeline([['every', dur(S)]], 'SELECT v FROM m'), { services: svc }),
    /batch query is not allowed to request data from ""\.""/);
});

test('every: runs every d from the start; stop = run time − offset, start = stop − period', async (t) => {
  const queries: string[] = [];
  const clock = new ManualClock(T0);
  const h = startTask(pipeline([['every', dur(10n * S)], ['period', dur(5n * S)], ['offset', dur(S)]]),
    { services: { clock, influxdb: clusters(queries, async () => ({ results: [{}] })) } });
  t.after(() => h.stop());
  await clock.advance(9_999);
  assert.equal(queries.length, 0, 'nothing before the first period of every has passed');
  await clock.advance(20_001);
  // runs at T0 + 10 s, 20 s, 30 s = 00:00:13.25, :23.25, :33.25; stop 1 s before each
  assert.deepEqual(stops(queries), ['2024-01-01T00:00:12.250Z', '2024-01-01T00:00:22.250Z', '2024-01-01T00:00:32.250Z']);
  for (const q of queries) { const [start, stop] = bounds(q); assert.equal(stop - start, 5n * S, q); }
});

test('every + align: runs on multiples of every', async (t) => {
  const queries: string[] = [];
  const clock = new ManualClock(T0);
  const h = startTask(pipeline([['every', dur(10n * S)], ['align'], ['period', dur(10n * S)], ['offset', dur(S)]]),
    { services: { clock, influxdb: clusters(queries, async () => ({ results: [{}] })) } });
  t.after(() => h.stop());
  assert.deepEqual(clock.delays, [6_750], 'first run at 00:00:10, 6.75 s after 00:00:03.25');
  await clock.advance(30_000);
  // runs at 00:00:10, :20, :30 → stops at :09, :19, :29
  assert.deepEqual(stops(queries), ['2024-01-01T00:00:09.000Z', '2024-01-01T00:00:19.000Z', '2024-01-01T00:00:29.000Z']);
});

test('cron: runs at the expression\'s times (7 fields with seconds; 5 fields per minute), offset and period applied', async (t) => {
  const queries: string[] = [];
  const clock = new ManualClock(T0);
  const h = startTask(pipeline([['cron', '*/5 * * * * * *'], ['period', dur(5n * S)], ['offset', dur(2n * S)]]),
    { services: { clock, influxdb: clusters(queries, async () => ({ results: [{}] })) } });
  t.after(() => h.stop());
  await clock.advance(15_000); // to 00:00:18.25
  // every 5th second after 00:00:03.25: :05, :10, :15 → stops 2 s earlier
  assert.deepEqual(stops(queries), ['2024-01-01T00:00:03.000Z', '2024-01-01T00:00:08.000Z', '2024-01-01T00:00:13.000Z']);
  const [start, stop] = bounds(queries[0]!);
  assert.equal(stop - start, 5n * S);

  const q2: string[] = [];
  const c2 = new ManualClock(T0);
  const h2 = startTask(pipeline([['cron', '*/2 * * * *'], ['period', dur(60n * S)]]),
    { services: { clock: c2, influxdb: clusters(q2, async () => ({ results: [{}] })) } });
  t.after(() => h2.stop());
  await c2.advance(5n * 60_000n);
  // minutes 2 and 4 of the hour (second 0), up to 00:05:03.25
  assert.deepEqual(stops(q2), ['2024-01-01T00:02:00.000Z', '2024-01-01T00:04:00.000Z']);
});

test('queryRuns (record batch / replay batch): every, align and cron over a past range', () => {
  const spec = (props: [string, ...unknown[]][]) => querySpec(pipeline(props).nodes.find((n) => n.kind === 'query')!);
  const start = BigInt(Date.parse('2024-01-01T00:00:03Z')) * MS;
  const stop = start + 20n * S;
  const now = stop + 60n * S;
  const show = (runs: { start: bigint; stop: bigint }[]) => runs.map((r) => `${iso(r.start)} ${iso(r.stop)}`);
  // every 7 s from :03 → :10, :17 (≤ :23)
  assert.deepEqual(show(queryRuns(spec([['every', dur(7n * S)], ['period', dur(S)]]), start, stop, now)),
    ['2024-01-01T00:00:09.000Z 2024-01-01T00:00:10.000Z', '2024-01-01T00:00:16.000Z 2024-01-01T00:00:17.000Z']);
  // cron every 10th second: :10, :20
  assert.deepEqual(show(queryRuns(spec([['cron', '*/10 * * * * * *'], ['period', dur(10n * S)]]), start, stop, now)),
    ['2024-01-01T00:00:00.000Z 2024-01-01T00:00:10.000Z', '2024-01-01T00:00:10.000Z 2024-01-01T00:00:20.000Z']);
  // runs ending after now are left out
  assert.deepEqual(queryRuns(spec([['cron', '*/10 * * * * * *']]), start, stop, start + 15n * S).length, 1);
});

test('series become batches: tags/group, floats, nulls skipped, batch time = stop unless grouped by time', async (t) => {
  const queries: string[] = [];
  let answered = 0;
  const answer = async (): Promise<InfluxQueryResponse> => {
    answered++;
    return { results: [{ series: [
      { name: 'm', tags: { host: 'a' }, columns: ['time', 'v', 'w'], values: [['2016-11-08T18:21:00Z', 3, null], ['2016-11-08T18:21:01.5Z', 4.5, 'x']] },
      { name: 'm', tags: { host: 'b' }, columns: ['time', 'v'], values: [['2016-11-08T18:21:00Z', null]] },
    ] }] };
  };
  const clock = new ManualClock(T0);
  const h = startTask(pipeline([['every', dur(50n * MS)], ['period', dur(S)], ['groupBy', 'host'], ['groupByMeasurement']]),
    { services: { clock, influxdb: clusters(queries, answer) } });
  t.after(() => h.stop());
  await clock.advance(50);
  await until('one answered run delivered', () => capture(h).raw.length >= 2);
  h.stop();
  const [a, b] = capture(h).raw as Batch[];
  const [, stop] = bounds(queries[0]!);
  assert.equal(a!.group, 'm\nhost=a');
  assert.deepEqual(a!.tags, { host: 'a' });
  assert.equal(a!.tmax, stop, 'not grouped by time: the query stop time');
  assert.deepEqual(a!.points.map((p) => [p.time, p.fields]), [
    [parseRFC3339('2016-11-08T18:21:00Z'), { v: 3 }],
    [parseRFC3339('2016-11-08T18:21:01.5Z'), { v: 4.5, w: 'x' }],
  ]);
  assert.equal(typeof a!.points[0]!.fields.v, 'number', 'numbers are float64 as in Kapacitor');
  assert.deepEqual(b!.points, [], 'a row with only nulls is no point');
  assert.ok(answered >= 1);
});

test('grouped by time: the batch time is its latest point; a run still waiting skips the next ones', async (t) => {
  const queries: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const answer = async (): Promise<InfluxQueryResponse> => {
    await gate;
    return { results: [{ series: [{ name: 'm', columns: ['time', 'mean'], values: [['2016-11-08T18:21:00Z', 1], ['2016-11-08T18:22:00Z', 2]] }] }] };
  };
  const clock = new ManualClock(T0);
  const h = startTask(pipeline([['every', dur(20n * MS)], ['period', dur(S)], ['groupBy', { type: 'timeDimension', value: 60n * S }]]),
    { services: { clock, influxdb: clusters(queries, answer) } });
  t.after(() => h.stop());
  await clock.advance(200); // 10 due runs while the first waits
  assert.equal(queries.length, 1, 'overlapping runs skipped');
  assert.equal(h.logs.filter((l) => l.msg === 'previous batch query still running; skipping this run').length, 9);
  release();
  await until('batch delivered', () => capture(h).raw.length >= 1);
  h.stop();
  assert.equal((capture(h).raw[0] as Batch).tmax, parseRFC3339('2016-11-08T18:22:00Z'));
  assert.match(queries[0]!, /GROUP BY time\(1m, 0s\)$/);
});
