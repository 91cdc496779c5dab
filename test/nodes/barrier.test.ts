// barrier() (SPEC 3.16, Kapacitor barrier.go): idle and period barriers on the injected clock (a manual clock, so
// every barrier is asserted at its exact virtual wall time), barrier-triggered window emits (SPEC 3.10),
// delete(TRUE) dropping group state downstream, older data dropped, timers cancelled with the task.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PipelineBuilder, dur } from '../helpers/runtime/pipeline-builder.ts';
import { startTask, type Harness } from '../helpers/runtime/replay.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { formatRFC3339Nano } from '../../model/time.ts';
import { capture, T0, ts } from './capture.ts';

const S = 1_000_000_000n;
const MS = 1_000_000n;
/** the virtual wall clock starts 1000 s after the data's T0: idle barriers follow data time, period ones wall time */
const W0 = (BigInt(T0) + 1000n) * S;

function task(clock: ManualClock, barrier: [string, ...unknown[]][], window = false): Harness {
  const b = new PipelineBuilder();
  let n = b.stream().chain('from').prop('measurement', 'cpu').prop('groupBy', 'host').chain('barrier');
  for (const [m, ...a] of barrier) n.prop(m, ...a);
  const c = n.chain('testCapture'); // testCapture3
  c.chain('httpOut', 'out'); // http_out4: latest point per group
  if (window) c.chain('window').prop('period', dur(10n * S)).prop('every', dur(10n * S)).chain('testCapture'); // window5
  return startTask(b.build(), { services: { clock } });
}

const control = (h: Harness): string[] => capture(h).seen.filter((s) => !s.startsWith('{'));
const emits = (h: Harness): string[] => capture(h, 1).seen.filter((s) => s.startsWith('tmax'));
const barrierAt = (g: string, data: string): string => `barrier group=host=${g} time=${data}`;

test('idle: a quiet group gets a barrier at last point time + idle, then one per further idle period', async (t) => {
  const clock = new ManualClock(W0);
  const h = task(clock, [['idle', dur(60n * MS)]], true);
  t.after(() => h.stop());
  h.write([`cpu,host=a value=1 ${T0}`, `cpu,host=a value=2 ${T0 + 3}`, `cpu,host=b value=3 ${T0 + 1}`], 's');
  await clock.advance(59);
  assert.deepEqual(control(h), [], 'nothing before 60 ms of quiet');
  await clock.advance(1);
  // each barrier advances the group's time by idle: 3.06s, 3.12s, … and 1.06s, 1.12s, …
  assert.deepEqual(control(h), [barrierAt('a', ts(3).replace('Z', '.06Z')), barrierAt('b', ts(1).replace('Z', '.06Z'))]);
  await clock.advance(60); // W0 + 120 ms
  assert.deepEqual(control(h).slice(2), [barrierAt('a', ts(3).replace('Z', '.12Z')), barrierAt('b', ts(1).replace('Z', '.12Z'))]);
  // window (created at 0s / 1s, next = 10s / 11s): barriers before next emit nothing yet
  assert.deepEqual(emits(h), []);
  await clock.advance(30); // W0 + 150 ms: data older than the last barrier is dropped, newer data passes
  h.write([`cpu,host=a value=9 ${T0 + 2}`, `cpu,host=a value=4 ${T0 + 12}`], 's');
  const pts = capture(h).seen.filter((s) => s.startsWith('{'));
  assert.equal(pts.length, 4);
  assert.match(pts[3]!, new RegExp(ts(12)));
  // the 12s point makes window a emit [0,10) by data
  assert.equal(emits(h).length, 1);
  // the point reset a's idle time: b (quiet since its 120 ms barrier) comes at 180 ms, a only at 150 + 60 = 210 ms
  await clock.advance(59); // W0 + 209 ms
  assert.deepEqual(control(h).slice(4), [barrierAt('b', ts(1).replace('Z', '.18Z'))]);
  await clock.advance(1);
  assert.deepEqual(control(h).slice(5), [barrierAt('a', ts(12).replace('Z', '.06Z'))]);
  assert.deepEqual(clock.delays.slice(0, 2), [60, 60], 'one idle timer per group, armed at its first point');
});

test('idle barrier beyond the window end emits the window (barrier-triggered emit)', async (t) => {
  const clock = new ManualClock(W0);
  const h = task(clock, [['idle', dur(20n * MS)]], true);
  t.after(() => h.stop());
  // points at 9.99s: window next = 10s; the barrier comes at 9.99s + 20ms = 10.01s ≥ next → emit [0, 10)
  h.write([`cpu,host=a value=1 ${BigInt(T0) * S}`, `cpu,host=a value=2 ${BigInt(T0) * S + 9_990n * MS}`]);
  await clock.advance(19);
  assert.deepEqual(emits(h), []);
  await clock.advance(1);
  assert.deepEqual(emits(h), [
    `tmax=${ts(10)} {"name":"cpu","tags":{"host":"a"},"columns":["time","value"],"values":[["${ts(0)}",1],["${ts(9).replace('Z', '.99Z')}",2]]}`,
  ]);
});

test('delete(TRUE): barrier then DeleteGroup; downstream group state and httpOut slots disappear', async (t) => {
  const clock = new ManualClock(W0);
  const h = task(clock, [['idle', dur(30n * MS)], ['delete', true]], true);
  t.after(() => h.stop());
  h.write([`cpu,host=a value=1 ${T0}`, `cpu,host=b value=2 ${T0}`], 's');
  assert.equal(h.task.stats()['node-stats']['window5']!['working_cardinality'], 2);
  assert.notEqual(h.httpOut('out'), '{"series":null}');
  await clock.advance(30);
  // per group: the barrier first, then the delete; no timer is left behind
  const t30 = ts(0).replace('Z', '.03Z');
  assert.deepEqual(control(h), [barrierAt('a', t30), 'delete group=host=a', barrierAt('b', t30), 'delete group=host=b']);
  assert.equal(clock.waiting, 1, 'only the task\'s throughput sampler');
  const st = h.task.stats()['node-stats'];
  assert.equal(st['window5']!['working_cardinality'], 0);
  assert.equal(st['barrier2']!['working_cardinality'], 0);
  assert.equal(h.httpOut('out'), '{"series":null}');
  // a deleted group starts afresh: older data is accepted again, with a new idle timer
  h.write([`cpu,host=a value=3 ${T0}`], 's');
  assert.equal(capture(h).seen.filter((s) => s.startsWith('{')).length, 3);
  assert.equal(clock.waiting, 2, 'the new idle timer and the task\'s throughput sampler');
});

test('period: every period after its first message each group gets a barrier stamped with the wall time', async (t) => {
  const clock = new ManualClock(W0);
  const h = task(clock, [['period', dur(40n * MS)]]);
  t.after(() => h.stop());
  h.write([`cpu,host=a value=1 ${T0}`], 's');
  await clock.advance(10);
  h.write([`cpu,host=b value=2 ${T0}`], 's'); // b's ticker starts 10 ms after a's (one ticker per group)
  await clock.advance(80); // W0 + 90 ms
  const wall = (ms: bigint): string => formatRFC3339Nano(W0 + ms * MS);
  assert.deepEqual(control(h), [barrierAt('a', wall(40n)), barrierAt('b', wall(50n)), barrierAt('a', wall(80n)), barrierAt('b', wall(90n))]);
  // data older than the group's last barrier (stamped with the wall time) is dropped; newer data passes
  h.write([`cpu,host=a value=1 ${T0 + 1}`, `cpu,host=a value=5 ${W0 + 81n * MS}`]);
  assert.equal(capture(h).seen.filter((s) => s.startsWith('{')).length, 3);
  assert.deepEqual(clock.periods, [1000, 40, 40]); // the task's 1 s throughput sampler, then one period per group
});

test('timers are cancelled with the task; validation messages', async () => {
  const clock = new ManualClock(W0);
  const h = task(clock, [['period', dur(20n * MS)]]);
  const h2 = task(clock, [['idle', dur(20n * MS)]]);
  h.write([`cpu,host=a value=1 ${T0}`], 's');
  h2.write([`cpu,host=a value=1 ${T0}`], 's');
  assert.equal(clock.waiting, 4, 'a period and an idle timer, and each task\'s throughput sampler');
  h.stop();
  h2.stop();
  assert.equal(clock.waiting, 0);
  await clock.advance(100);
  assert.deepEqual(control(h), []);
  assert.deepEqual(control(h2), []);
  assert.throws(() => task(clock, [['idle', dur(S)], ['period', dur(S)]]), /barrier2: barrier node cannot have both idle and period/);
  assert.throws(() => task(clock, []), /barrier node must have either a non zero idle or a non zero period/);
  assert.throws(() => task(clock, [['idle', dur(-S)]]), /idle must be greater than zero/);
});
