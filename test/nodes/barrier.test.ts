// barrier() (SPEC 3.16): idle and period barriers on wall-clock timers, barrier-triggered window emits
// (SPEC 3.10), delete(TRUE) dropping group state downstream, older data dropped, timers stopped with the task.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { PipelineBuilder, dur } from '../helpers/runtime/pipeline-builder.ts';
import { startTask, type Harness } from '../helpers/runtime/replay.ts';
import { capture, T0, ts } from './capture.ts';

const S = 1_000_000_000n;
const MS = 1_000_000n;

function task(barrier: [string, ...unknown[]][], window = false): Harness {
  const b = new PipelineBuilder();
  let n = b.stream().chain('from').prop('measurement', 'cpu').prop('groupBy', 'host').chain('barrier');
  for (const [m, ...a] of barrier) n.prop(m, ...a);
  const c = n.chain('testCapture'); // testCapture3
  c.chain('httpOut', 'out'); // http_out4: latest point per group
  if (window) c.chain('window').prop('period', dur(10n * S)).prop('every', dur(10n * S)).chain('testCapture'); // window5
  return startTask(b.build());
}

/** Wait until `cond` holds (polling), at most `ms`. */
async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

test('idle: a quiet group gets a barrier at last point time + idle, then one per further idle period', async (t) => {
  const h = task([['idle', dur(60n * MS)]], true);
  t.after(() => h.stop());
  h.write([`cpu,host=a value=1 ${T0}`, `cpu,host=a value=2 ${T0 + 3}`, `cpu,host=b value=3 ${T0 + 1}`], 's');
  const barriers = (g: string): string[] => capture(h).seen.filter((s) => s.startsWith(`barrier group=${g} `)).map((s) => s.split('time=')[1]!);
  await until(() => barriers('host=a').length >= 2 && barriers('host=b').length >= 2);
  // each barrier advances the group's time by idle: 3.06s, 3.12s, … and 1.06s, 1.12s, …
  assert.deepEqual(barriers('host=a').slice(0, 2), [ts(3).replace('Z', '.06Z'), ts(3).replace('Z', '.12Z')]);
  assert.deepEqual(barriers('host=b').slice(0, 2), [ts(1).replace('Z', '.06Z'), ts(1).replace('Z', '.12Z')]);
  // window (created at 0s / 1s, next = 10s / 11s): barriers before next emit nothing yet
  assert.equal(capture(h, 1).seen.filter((s) => s.startsWith('tmax')).length, 0);
  // data older than the last barrier is dropped; newer data passes
  h.write([`cpu,host=a value=9 ${T0 + 2}`, `cpu,host=a value=4 ${T0 + 12}`], 's');
  const pts = capture(h).seen.filter((s) => s.startsWith('{'));
  assert.equal(pts.length, 4);
  assert.match(pts[3]!, new RegExp(ts(12)));
  // the 12s point makes window a emit [0,10) by data
  assert.equal(capture(h, 1).seen.filter((s) => s.startsWith('tmax')).length, 1);
});

test('idle barrier beyond the window end emits the window (barrier-triggered emit)', async (t) => {
  const h2 = task([['idle', dur(20n * MS)]], true);
  t.after(() => h2.stop());
  // points at 9.99s: window next = 10s; the barrier comes at 9.99s + 20ms = 10.01s ≥ next → emit [0, 10)
  h2.write([`cpu,host=a value=1 ${BigInt(T0) * S}`, `cpu,host=a value=2 ${BigInt(T0) * S + 9_990n * MS}`]);
  await until(() => capture(h2, 1).seen.some((s) => s.startsWith('tmax')));
  assert.deepEqual(capture(h2, 1).seen.filter((s) => s.startsWith('tmax')), [
    `tmax=${ts(10)} {"name":"cpu","tags":{"host":"a"},"columns":["time","value"],"values":[["${ts(0)}",1],["${ts(9).replace('Z', '.99Z')}",2]]}`,
  ]);
});

test('delete(TRUE): barrier then DeleteGroup; downstream group state and httpOut slots disappear', async (t) => {
  const h = task([['idle', dur(30n * MS)], ['delete', true]], true);
  t.after(() => h.stop());
  h.write([`cpu,host=a value=1 ${T0}`, `cpu,host=b value=2 ${T0}`], 's');
  assert.equal(h.task.stats()['node-stats']['window5']!['working_cardinality'], 2);
  assert.notEqual(h.httpOut('out'), '{"series":null}');
  await until(() => capture(h).seen.filter((s) => s.startsWith('delete')).length === 2);
  const ctl = capture(h).seen.filter((s) => !s.startsWith('{'));
  // per group: the barrier first, then the delete
  for (const g of ['host=a', 'host=b']) {
    const mine = ctl.filter((s) => s.includes(`group=${g}`));
    assert.equal(mine.length, 2);
    assert.ok(mine[0]!.startsWith('barrier') && mine[1]!.startsWith('delete'));
  }
  const st = h.task.stats()['node-stats'];
  assert.equal(st['window5']!['working_cardinality'], 0);
  assert.equal(st['barrier2']!['working_cardinality'], 0);
  assert.equal(h.httpOut('out'), '{"series":null}');
  // a deleted group starts afresh: older data is accepted again
  h.write([`cpu,host=a value=3 ${T0}`], 's');
  assert.equal(capture(h).seen.filter((s) => s.startsWith('{')).length, 3);
});

test('period: every period each group gets a barrier stamped with the current wall-clock time', async (t) => {
  const h = task([['period', dur(40n * MS)]]);
  t.after(() => h.stop());
  h.write([`cpu,host=a value=1 ${T0}`, `cpu,host=b value=2 ${T0}`], 's');
  const before = BigInt(Date.now()) * MS;
  await until(() => capture(h).seen.filter((s) => s.startsWith('barrier')).length >= 4);
  const after = BigInt(Date.now()) * MS;
  const times = capture(h).seen.filter((s) => s.startsWith('barrier')).map((s) => Date.parse(s.split('time=')[1]!));
  for (const tm of times) assert.ok(BigInt(tm) * MS >= before - 50n * MS && BigInt(tm) * MS <= after, `barrier time ${tm}`);
  // data older than the last barrier (stamped now) is dropped
  h.write([`cpu,host=a value=1 ${T0 + 1}`], 's');
  assert.equal(capture(h).seen.filter((s) => s.startsWith('{')).length, 2);
});

test('timers stop with the task; validation messages', async () => {
  const h = task([['period', dur(20n * MS)]]);
  h.write([`cpu,host=a value=1 ${T0}`], 's');
  h.stop();
  const n = capture(h).seen.length;
  await sleep(80);
  assert.equal(capture(h).seen.length, n);
  assert.throws(() => task([['idle', dur(S)], ['period', dur(S)]]), /barrier2: barrier node cannot have both idle and period/);
  assert.throws(() => task([]), /barrier node must have either a non zero idle or a non zero period/);
  assert.throws(() => task([['idle', dur(-S)]]), /idle must be greater than zero/);
});
