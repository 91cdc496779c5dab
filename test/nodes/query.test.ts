// batch|query() (Kapacitor batch.go / query.go) with an in-memory InfluxDB client: task-start errors, the
// [now − offset − period, now − offset) bounds, `.align()` runs on multiples of every, series → batches (name,
// tags, group incl. `.groupByMeasurement()`, numbers as float64, nulls skipped, batch time rule), skipped overlaps.
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

const MS = 1_000_000n;
const S = 1_000_000_000n;

function clusters(queries: string[], answer: (q: string) => Promise<InfluxQueryResponse>): InfluxDBClusters {
  return { client: () => ({ async write() {}, query: (q: string) => { queries.push(q); return answer(q); } }) };
}

function pipeline(props: [string, ...unknown[]][], q = 'SELECT mean(v) FROM m') {
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


test('task start errors: no InfluxDB, no every, cron, bad query', () => {
  assert.throws(() => startTask(pipeline([['every', dur(S)]])), /InfluxDB not configured, cannot query InfluxDB for batch query/);
  const svc = { influxdb: clusters([], async () => ({})) };
  assert.throws(() => startTask(pipeline([]), { services: svc }), /must define one of 'every' or 'cron'/);
  assert.throws(() => startTask(pipeline([['cron', '* * * * *']]), { services: svc }), /cron schedules are not supported yet/);
  assert.throws(() => startTask(pipeline([['every', dur(S)]], 'SHOW DATABASES'), { services: svc }), /query is not a select statement/);
});

test('bounds: stop = run time − offset, start = stop − period; with align the runs fall on multiples of every', async (t) => {
  const queries: string[] = [];
  const h = startTask(pipeline([['every', dur(100n * MS)], ['align'], ['period', dur(10n * S)], ['offset', dur(S)]]),
    { services: { influxdb: clusters(queries, async () => ({ results: [{}] })) } });
  t.after(() => h.stop());
  await until('3 runs', () => queries.length >= 3);
  for (const q of queries.slice(0, 3)) {
    const [start, stop] = bounds(q);
    assert.equal(stop - start, 10n * S, q);
    assert.equal((stop + S) % (100n * MS), 0n, `run time ${stop + S} is a multiple of 100ms: ${q}`);
  }
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
  const h = startTask(pipeline([['every', dur(50n * MS)], ['period', dur(S)], ['groupBy', 'host'], ['groupByMeasurement']]),
    { services: { influxdb: clusters(queries, answer) } });
  t.after(() => h.stop());
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
  const h = startTask(pipeline([['every', dur(20n * MS)], ['period', dur(S)], ['groupBy', { type: 'timeDimension', value: 60n * S }]]),
    { services: { influxdb: clusters(queries, answer) } });
  t.after(() => h.stop());
  await new Promise((r) => setTimeout(r, 200)); // ~10 due runs while the first waits
  assert.equal(queries.length, 1, 'overlapping runs skipped');
  release();
  await until('batch delivered', () => capture(h).raw.length >= 1);
  h.stop();
  assert.equal((capture(h).raw[0] as Batch).tmax, parseRFC3339('2016-11-08T18:22:00Z'));
  assert.match(queries[0]!, /GROUP BY time\(1m, 0s\)$/);
});
