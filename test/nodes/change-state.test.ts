// changeDetect (change_detect.go) and stateDuration / stateCount (state_tracking.go). Expected values follow the
// Go rules written beside each case: interface equality per named field; duration since the run's first point in
// `unit` as float (-1.0 out of state); consecutive count as int64 (-1 out of state); batches restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Batch, Point } from '../../model/point.ts';
import { capture, runCap } from './capture.ts';

const sec = (ns: bigint) => Number(ns / 1_000_000n) / 1000;

test('changeDetect: passes the first point and every point whose named fields differ (type-sensitive)', (t) => {
  const h = runCap(t, `stream|from().measurement('m').groupBy('host')|changeDetect('v')`, 'changeDetect2');
  h.write(['m,host=a v=1 1', 'm,host=a v=1 2', 'm,host=b v=1 3', 'm,host=a v=2 4', 'm,host=a v=2i 5', 'm,host=a v=2i 6',
    'm,host=a w=3 7', 'm,host=a v="x" 8'], 's');
  // a: 1 (first), 1 same, 2 changed, 2i differs from float 2, 2i same, missing v → error, "x" changed; b: first
  assert.deepEqual((capture(h).raw as Point[]).map((p) => [p.tags['host'], sec(p.time)]), [['a', 1], ['b', 3], ['a', 4], ['a', 5], ['a', 8]]);
  assert.equal(h.task.stats()['node-stats']['changeDetect2']!['errors'], 1);
  assert.equal((h.logs[0]!['err'] as { message: string }).message, 'expected field v not found');
  assert.equal(h.task.stats()['node-stats']['changeDetect2']!['working_cardinality'], 2);
});

test('changeDetect(a, b): any named field changing passes the point; batches restart the comparison', (t) => {
  const h = runCap(t, `stream|from().measurement('m')|changeDetect('a', 'b')`, 'changeDetect2');
  h.write(['m a=1,b=1 1', 'm a=1,b=1,c=5 2', 'm a=1,b=2 3', 'm a=2,b=2 4'], 's');
  assert.deepEqual((capture(h).raw as Point[]).map((p) => sec(p.time)), [1, 3, 4]);
  const b = runCap(t, `stream|from().measurement('m')|window().period(2s).every(2s).align()|changeDetect('v')`, 'changeDetect3');
  b.write(['m v=1 0', 'm v=1 1', 'm v=1 2', 'm v=2 3', 'm v=0 4'], 's');
  // windows [0,2): 1@0 (first); [2,4): 1@2 is first again in its batch, 2@3 changed
  assert.deepEqual((capture(b).raw as Batch[]).map((x) => x.points.map((p) => sec(p.time))), [[0], [2, 3]]);
});

const RUN = ['m,host=a v=5 0', 'm,host=a v=20 30', 'm,host=b v=50 60', 'm,host=a v=30 90', 'm,host=a v=40 120', 'm,host=a v=1 150', 'm,host=a v=11 180'];

test('stateDuration: time since the run started, in unit, float; -1 out of state; per group', (t) => {
  const h = runCap(t, `stream|from().measurement('m').groupBy('host')|stateDuration(lambda: "v" > 10).unit(1m)`, 'state_duration2');
  h.write(RUN, 's');
  assert.deepEqual((capture(h).raw as Point[]).map((p) => [p.tags['host'], p.fields['state_duration']]),
    [['a', -1], ['a', 0], ['b', 0], ['a', 1], ['a', 1.5], ['a', -1], ['a', 0]]);
  const d = runCap(t, `stream|from().measurement('m')|stateDuration(lambda: "v" > 10).as('dur')`, 'state_duration2');
  d.write(['m v=20 0', 'm v=20 1500'], 'ms');
  // default unit 1s
  assert.deepEqual((capture(d).raw as Point[]).map((p) => p.fields), [{ v: 20, dur: 0 }, { v: 20, dur: 1.5 }]);
});

test('stateCount: consecutive points in state as int64, -1 out of state; as; batches restart', (t) => {
  const h = runCap(t, `stream|from().measurement('m').groupBy('host')|stateCount(lambda: "v" > 10).as('n')`, 'state_count2');
  h.write(RUN, 's');
  assert.deepEqual((capture(h).raw as Point[]).map((p) => p.fields['n']), [-1n, 1n, 1n, 2n, 3n, -1n, 1n]);
  const b = runCap(t, `stream|from().measurement('m')|window().period(2s).every(2s).align()|stateCount(lambda: "v" > 10)`, 'state_count3');
  b.write(['m v=20 0', 'm v=20 1', 'm v=20 2', 'm v=20 3', 'm v=0 4'], 's');
  assert.deepEqual((capture(b).raw as Batch[]).map((x) => x.points.map((p) => p.fields['state_count'])), [[1n, 2n], [1n, 2n]]);
});

test('state nodes: an evaluation error drops the point, counted; quiet suppresses the log only', (t) => {
  for (const quiet of [false, true]) {
    const h = runCap(t, `stream|from().measurement('m')|stateCount(lambda: "v" > 10)${quiet ? '.quiet()' : ''}`, 'state_count2');
    h.write(['m v="s" 0', 'm v=20 1'], 's');
    assert.deepEqual((capture(h).raw as Point[]).map((p) => p.fields['state_count']), [1n]);
    assert.equal(h.task.stats()['node-stats']['state_count2']!['errors'], 1);
    assert.equal(h.logs.length, quiet ? 0 : 1);
    if (!quiet) assert.equal(h.logs[0]!['msg'], 'error while evaluating expression');
  }
});
