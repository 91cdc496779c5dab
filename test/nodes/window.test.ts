// window() (SPEC 3.10): time windows (every/period/align/fillPeriod, every = 0), count windows, group
// state, validation. Expected batches are derived by hand from the rules in SPEC 3.10; batch rows use the
// httpOut batch format of SPEC 3.12 (tags = group tags, columns = time + fields + non-group tags, sorted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PipelineBuilder, dur } from '../helpers/runtime/pipeline-builder.ts';
import { startTask } from '../helpers/runtime/replay.ts';
import { capture, T0, ts } from './capture.ts';

const S = 1_000_000_000n;
const line = (v: number, s: number, host = 'a'): string => `cpu,host=${host} value=${v} ${T0 + s}`;

function windowTask(props: [string, ...unknown[]][], groupBy = false) {
  const b = new PipelineBuilder();
  const from = b.stream().chain('from').prop('measurement', 'cpu');
  if (groupBy) from.prop('groupBy', 'host');
  const w = from.chain('window');
  for (const [m, ...args] of props) w.prop(m, ...args);
  w.chain('testCapture').chain('httpOut', 'out');
  return startTask(b.build());
}

/** One ungrouped batch as the capture node renders it: points [value, second]. */
function batch(tmax: number, pts: [number, number][], host = 'a'): string {
  const rows = pts.map(([v, s]) => `["${ts(s)}","${host}",${v}]`).join(',');
  return `tmax=${ts(tmax)} {"name":"cpu","columns":["time","host","value"],"values":[${rows}]}`;
}

test('every = period: left-aligned windows [next−period, next), the triggering point opens the next window', (t) => {
  const h = windowTask([['period', dur(10n * S)], ['every', dur(10n * S)]]);
  t.after(() => h.stop());
  // group created at 0s → next = 10s
  h.write([line(1, 0), line(2, 3), line(3, 9)], 's');
  assert.deepEqual(capture(h).seen, []);
  h.write([line(4, 10), line(5, 12)], 's');
  // 10 ≥ next: emit [0,10) with tmax 10; next = 10 + 10 = 20; the 10s point is buffered after the emit
  assert.deepEqual(capture(h).seen, [batch(10, [[1, 0], [2, 3], [3, 9]])]);
  h.write([line(6, 25)], 's');
  // 25 ≥ 20: keep t ≥ 20 − 10 = 10 → [10, 12] with tmax 20; next = 25 + 10 = 35 (point time, not window end)
  assert.equal(capture(h).seen[1], batch(20, [[4, 10], [5, 12]]));
  h.write([line(7, 34)], 's');
  assert.equal(capture(h).seen.length, 2);
  h.write([line(8, 50)], 's');
  assert.equal(capture(h).seen[2], batch(35, [[6, 25], [7, 34]]));
  // the httpOut after window shows the latest batch (SPEC 3.12 batch row)
  assert.equal(h.httpOut('out'),
    `{"series":[{"name":"cpu","columns":["time","host","value"],"values":[["${ts(25)}","a",6],["${ts(34)}","a",7]]}]}`);
  const st = h.task.stats()['node-stats']['window2']!;
  assert.equal(st['emitted'], 3); // batch edges count batches (SPEC 7.2)
  assert.equal(st['working_cardinality'], 1);
});

test('period > every: overlapping windows keep points with t ≥ next − period', (t) => {
  const h = windowTask([['period', dur(10n * S)], ['every', dur(5n * S)]]);
  t.after(() => h.stop());
  // next = 0 + 5
  h.write([line(1, 0), line(2, 4), line(3, 5), line(4, 9), line(5, 11)], 's');
  // at 5: emit [−5,5) = {0,4} tmax 5, next = 10; at 11: emit [0,10) = {0,4,5,9} tmax 10, next = 16
  assert.deepEqual(capture(h).seen, [
    batch(5, [[1, 0], [2, 4]]),
    batch(10, [[1, 0], [2, 4], [3, 5], [4, 9]]),
  ]);
  h.write([line(6, 16)], 's');
  // at 16: emit [6,16) = {9, 11}, tmax 16
  assert.equal(capture(h).seen[2], batch(16, [[4, 9], [5, 11]]));
});

test('align: emit times are truncated to multiples of every', (t) => {
  const h = windowTask([['period', dur(10n * S)], ['every', dur(10n * S)], ['align']]);
  t.after(() => h.stop());
  // first point at 3s: next = truncate(13s, 10s) = 10s; T0 is a minute boundary
  h.write([line(1, 3), line(2, 7), line(3, 12), line(4, 19), line(5, 20)], 's');
  // at 12: emit [0,10) = {3,7} tmax 10, next = truncate(22) = 20; at 20: emit [10,20) = {12,19} tmax 20
  assert.deepEqual(capture(h).seen, [batch(10, [[1, 3], [2, 7]]), batch(20, [[3, 12], [4, 19]])]);
});

test('gap longer than the period emits an empty batch', (t) => {
  const h = windowTask([['period', dur(10n * S)], ['every', dur(10n * S)]]);
  t.after(() => h.stop());
  h.write([line(1, 0), line(2, 10), line(3, 45)], 's');
  // at 10: {0} tmax 10, next 20; at 45: keep t ≥ 10 → {10} tmax 20, next 55
  h.write([line(4, 60)], 's');
  // at 60: keep t ≥ 45 → {45} tmax 55
  assert.deepEqual(capture(h).seen, [batch(10, [[1, 0]]), batch(20, [[2, 10]]), batch(55, [[3, 45]])]);
  const h2 = windowTask([['period', dur(5n * S)], ['every', dur(10n * S)]]);
  t.after(() => h2.stop());
  h2.write([line(1, 0), line(2, 10), line(3, 30)], 's');
  // at 10: keep t ≥ 5 → empty window [5,10), tmax 10 (name kept, no columns)
  assert.equal(capture(h2).seen[0], `tmax=${ts(10)} {"name":"cpu"}`);
  // at 30: next was 20: keep t ≥ 15 → {} again (10 is older)
  assert.equal(capture(h2).seen[1], `tmax=${ts(20)} {"name":"cpu"}`);
});

test('fillPeriod: the first window waits for a full period', (t) => {
  const h = windowTask([['period', dur(10n * S)], ['every', dur(5n * S)], ['fillPeriod']]);
  t.after(() => h.stop());
  // next = 0 + period = 10
  h.write([line(1, 0), line(2, 4), line(3, 8), line(4, 11)], 's');
  assert.deepEqual(capture(h).seen, [batch(10, [[1, 0], [2, 4], [3, 8]])]);
  // aligned fillPeriod: first at 3s → t0+period = 13 → truncate(13, 5) = 10, not after 13 → 15; the window
  // [5, 15) then drops the 3s point ("we will drop the first few points", window.go)
  const h2 = windowTask([['period', dur(10n * S)], ['every', dur(5n * S)], ['fillPeriod'], ['align']]);
  t.after(() => h2.stop());
  h2.write([line(1, 3), line(2, 14), line(3, 15)], 's');
  assert.deepEqual(capture(h2).seen, [batch(15, [[2, 14]])]);
});

test('every = 0: one batch per point over (time − period, time]', (t) => {
  const h = windowTask([['period', dur(10n * S)]]);
  t.after(() => h.stop());
  h.write([line(1, 0), line(2, 5), line(3, 10), line(4, 12)], 's');
  assert.deepEqual(capture(h).seen, [
    batch(0, [[1, 0]]),
    batch(5, [[1, 0], [2, 5]]),
    batch(10, [[2, 5], [3, 10]]), // 0 is not > 10 − 10
    batch(12, [[2, 5], [3, 10], [4, 12]]),
  ]);
});

test('windows are per group; the batch carries group tags and the group first point name', (t) => {
  const h = windowTask([['period', dur(10n * S)], ['every', dur(10n * S)]], true);
  t.after(() => h.stop());
  h.write([line(1, 0, 'a'), line(2, 5, 'b'), line(3, 10, 'a'), line(4, 14, 'b'), line(5, 15, 'b')], 's');
  // a: next 10 → emits {0} at its 10s point; b created at 5 → next 15 → emits {5, 14} at 15
  const rowA = `tmax=${ts(10)} {"name":"cpu","tags":{"host":"a"},"columns":["time","value"],"values":[["${ts(0)}",1]]}`;
  const rowB = `tmax=${ts(15)} {"name":"cpu","tags":{"host":"b"},"columns":["time","value"],"values":[["${ts(5)}",2],["${ts(14)}",4]]}`;
  assert.deepEqual(capture(h).seen, [rowA, rowB]);
  assert.equal(h.task.stats()['node-stats']['window2']!['working_cardinality'], 2);
});

test('count windows: periodCount / everyCount, fillPeriod, tmax = last point time', (t) => {
  const h = windowTask([['periodCount', 3n], ['everyCount', 2n]]);
  t.after(() => h.stop());
  h.write([1, 2, 3, 4, 5, 6].map((v) => line(v, v)), 's');
  // emits at counts 2, 4, 6 with the last ≤ 3 points
  assert.deepEqual(capture(h).seen, [
    batch(2, [[1, 1], [2, 2]]),
    batch(4, [[2, 2], [3, 3], [4, 4]]),
    batch(6, [[4, 4], [5, 5], [6, 6]]),
  ]);
  const h2 = windowTask([['periodCount', 3n], ['everyCount', 1n], ['fillPeriod']]);
  t.after(() => h2.stop());
  h2.write([1, 2, 3, 4].map((v) => line(v, v)), 's');
  // first emit at count 3 (periodCount), then every point
  assert.deepEqual(capture(h2).seen, [batch(3, [[1, 1], [2, 2], [3, 3]]), batch(4, [[2, 2], [3, 3], [4, 4]])]);
});

test('validation errors name the node and the problem (SPEC 3.10)', () => {
  const cases: [[string, ...unknown[]][], RegExp][] = [
    [[['every', dur(S)]], /window2: window node must have either a non zero period or non zero period count/],
    [[['period', dur(S)], ['periodCount', 3n], ['everyCount', 1n]], /can only use one window type/],
    [[['periodCount', 3n]], /everyCount must be greater than zero/],
    [[['periodCount', 3n], ['everyCount', 1n], ['align']], /align not supported with count windows/],
    [[['period', 5n]], /\.period\(\) expects a duration, got int/],
  ];
  for (const [props, re] of cases) assert.throws(() => windowTask(props), re);
});

test('align with every(1w) aligns to Mondays (Go zero time), not to the Unix epoch (a Thursday) — SPEC 9.14', (t) => {
  const W = 7n * 24n * 3600n * S;
  const h = windowTask([['period', dur(W)], ['every', dur(W)], ['align']]);
  t.after(() => h.stop());
  const wed = Date.UTC(2016, 10, 9, 12) / 1000; // Wednesday 2016-11-09 12:00
  const nextWeek = Date.UTC(2016, 10, 15) / 1000; // Tuesday 2016-11-15
  h.write([`cpu,host=a value=1 ${wed}`, `cpu,host=a value=2 ${nextWeek}`], 's');
  // next = truncate(Wed + 1w, 1w) = Monday 2016-11-14 (epoch truncation would give Thursday 2016-11-10)
  assert.match(capture(h).seen[0]!, /^tmax=2016-11-14T00:00:00Z /);
});
