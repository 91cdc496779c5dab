// distinct / top / bottom (pipeline/influxql.go, influxql.go EmitBatch, influxdb query Distinct/Top/BottomReducer)
// and `.as()` / `.usePointTimes()` on every InfluxQL node. Expected batches are derived by hand from those rules:
// top keeps the n largest values (equal values: the earlier point), emitted largest first; bottom the mirror;
// distinct keeps the first point of each value, ordered by time then value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startScript, startTask } from '../helpers/runtime/replay.ts';
import { CATALOG } from '../../tickscript/index.ts';
import type { Batch, Point } from '../../model/point.ts';
import { capture, runCap } from './capture.ts';

const sec = (ns: bigint) => Number(ns / 1_000_000n) / 1000;
const batches = (h: ReturnType<typeof runCap>) =>
  (capture(h).raw as Batch[]).map((b) => ({ tmax: sec(b.tmax), points: b.points.map((p) => [sec(p.time), p.fields, p.tags]) }));

const DATA = ['cpu,host=a value=5 1', 'cpu,host=b value=9 2', 'cpu,host=c value=7 3', 'cpu,host=d value=9 4', 'cpu,host=e value=1 10'];
const win = (fn: string) => `stream|from().measurement('cpu')|window().period(10s).every(10s).align()|${fn}`;

test('top(n, field): the n largest, equal values → earlier point first; fields {as: value}; the selected point\'s tags', (t) => {
  const h = runCap(t, win("top(2, 'value')"), 'top3');
  h.write(DATA, 's');
  assert.deepEqual(batches(h), [{ tmax: 10, points: [[10, { top: 9 }, { host: 'b' }], [10, { top: 9 }, { host: 'd' }]] }]);
  const pt = runCap(t, win("top(3, 'value', 'host').as('best').usePointTimes()"), 'top3');
  pt.write(DATA, 's');
  // usePointTimes: each point keeps its time; the batch time stays the window end (the latest of all)
  assert.deepEqual(batches(pt), [{ tmax: 10, points: [[2, { best: 9 }, { host: 'b' }], [4, { best: 9 }, { host: 'd' }], [3, { best: 7 }, { host: 'c' }]] }]);
});

test('bottom(n, field): the n smallest, smallest first; int values stay int64', (t) => {
  const h = runCap(t, win("bottom(2, 'value')"), 'bottom3');
  h.write(['cpu,host=a value=5i 1', 'cpu,host=b value=9i 2', 'cpu,host=c value=7i 3', 'cpu,host=e value=1i 10'], 's');
  assert.deepEqual(batches(h), [{ tmax: 10, points: [[10, { bottom: 5n }, { host: 'a' }], [10, { bottom: 7n }, { host: 'c' }]] }]);
});

test('distinct(field): first point of each value, by time; group tags only; usePointTimes keeps first-seen times', (t) => {
  const h = runCap(t, win("distinct('value')"), 'distinct3');
  h.write(DATA, 's');
  assert.deepEqual(batches(h), [{ tmax: 10, points: [[10, { distinct: 5 }, {}], [10, { distinct: 9 }, {}], [10, { distinct: 7 }, {}]] }]);
  const pt = runCap(t, win("distinct('value').usePointTimes()"), 'distinct3');
  pt.write(DATA, 's');
  assert.deepEqual(batches(pt)[0]!.points.map((p) => p[0]), [1, 2, 3]);
  const s = runCap(t, win("distinct('s')"), 'distinct3');
  s.write(['cpu s="x" 1', 'cpu s="a" 1', 'cpu s="x" 2', 'cpu s="b" 10'], 's');
  // equal times: ordered by value
  assert.deepEqual(batches(s)[0]!.points.map((p) => p[1]), [{ distinct: 'a' }, { distinct: 'x' }]);
});

test('on a stream edge: one batch per timestamp of a group, emitted when the next timestamp arrives', (t) => {
  const h = runCap(t, `stream|from().measurement('cpu').groupBy('dc')|top(1, 'value')`, 'top2');
  h.write(['cpu,dc=x,host=a value=1 1', 'cpu,dc=x,host=b value=3 1', 'cpu,dc=y,host=c value=2 1', 'cpu,dc=x,host=a value=0 2'], 's');
  const b = capture(h).raw as Batch[];
  assert.deepEqual(b.map((x) => [x.group, sec(x.tmax), x.tags, x.points.map((p) => [p.fields, p.tags])]),
    [['dc=x', 1, { dc: 'x' }, [[{ top: 3 }, { dc: 'x', host: 'b' }]]]]);
});

test('errors: wrong field type, missing field; an empty batch emits nothing', (t) => {
  const h = runCap(t, win("top(2, 'value')"), 'top3');
  h.write(['cpu value="s" 1', 'cpu value=1 10', 'cpu value=1 25'], 's');
  // window 1: string value cannot realize top; window 2 works
  assert.equal(h.task.stats()['node-stats']['top3']!['errors'], 1);
  assert.equal((h.logs[0]!['err'] as { message: string }).message, 'invalid influxql func top with field value: cannot apply top to string field');
  assert.deepEqual(batches(h).map((b) => b.tmax), [20]);
  const m = runCap(t, win("distinct('value')"), 'distinct3');
  m.write(['cpu value=1 1', 'cpu value=2i 2', 'cpu other=1 3', 'cpu value=1 10'], 's');
  assert.equal(m.task.stats()['node-stats']['distinct3']!['errors'], 2);
  assert.deepEqual(batches(m)[0]!.points.map((p) => p[1]), [{ distinct: 1 }]);
});

test('.as() and .usePointTimes() are accepted by every InfluxQL node; usePointTimes only moves selector times', (t) => {
  for (const [kind, spec] of CATALOG) {
    if (spec.goType !== '*pipeline.InfluxQLNode') continue;
    assert.ok(spec.props['as'] && spec.props['usePointTimes'], `${kind} accepts as and usePointTimes`);
  }
  const sum = startScript(win("sum('value').as('total').usePointTimes()|httpOut('out')"));
  t.after(() => sum.stop());
  sum.write(DATA, 's');
  // an aggregate has no point time: the window end stays (influxdb reducers emit ZeroTime); 5+9+7+9 = 30
  assert.equal(sum.httpOut('out'), '{"series":[{"name":"cpu","columns":["time","total"],"values":[["1970-01-01T00:00:10Z",30]]}]}');
  const max = runCap(t, win("max('value').usePointTimes()"), 'max3');
  max.write(DATA, 's');
  const p = capture(max).raw[0] as Point;
  assert.deepEqual([sec(p.time), p.fields['max']], [2, 9]);
});
