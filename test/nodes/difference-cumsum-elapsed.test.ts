// difference, cumulativeSum, elapsed (SPEC 3.7): per group, one output per input point (difference and elapsed
// from the second), named after the group's first point, group tags only, one field, current point time;
// batches become batches of transformed points.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PipelineBuilder, dur } from '../helpers/runtime/pipeline-builder.ts';
import { startTask } from '../helpers/runtime/replay.ts';
import { capture, T0, ts } from './capture.ts';

const S = 1_000_000_000n;

function task(kind: string, args: unknown[], as?: string, window?: bigint) {
  const b = new PipelineBuilder();
  let n = b.stream().chain('from').prop('measurement', 'cpu').prop('groupBy', 'host');
  if (window) n = n.chain('window').prop('period', dur(window)).prop('every', dur(window));
  const x = n.chain(kind, ...args);
  if (as) x.prop('as', as);
  x.chain('testCapture');
  return startTask(b.build());
}

const row = (field: string, s: number, v: string, host = 'a'): string =>
  `{"name":"cpu","tags":{"host":"${host}"},"columns":["time","${field}"],"values":[["${ts(s)}",${v}]]}`;

test('difference: current − previous from the second point; same-time points ignored; type kept', (t) => {
  const h = task('difference', ['value']);
  t.after(() => h.stop());
  h.write([
    `cpu,host=a,dc=x value=10i ${T0}`,
    `cpu,host=b value=1.5 ${T0}`,
    `cpu,host=a,dc=x value=15i ${T0 + 1}`, // a: 5 (int)
    `cpu,host=a,dc=x value=99i ${T0 + 1}`, // same time as previous: ignored
    `cpu,host=b value=1.25 ${T0 + 2}`, // b: −0.25 (float)
    `cpu,host=a,dc=x value=12i ${T0 + 3}`, // a: 12 − 15 = −3
  ], 's');
  assert.deepEqual(capture(h).seen, [
    row('difference', 1, '5'),
    row('difference', 2, '-0.25', 'b'),
    row('difference', 3, '-3'),
  ]);
  const raw = capture(h).raw[0] as { fields: Record<string, unknown> };
  assert.equal(raw.fields['difference'], 5n, 'int input gives an int difference');
});

test('difference: wrong types and missing fields are counted errors', (t) => {
  const h = task('difference', ['value'], 'd');
  t.after(() => h.stop());
  h.write([`cpu,host=a value=1i ${T0}`, `cpu,host=a value=2.5 ${T0 + 1}`, `cpu,host=a other=1 ${T0 + 2}`,
    `cpu,host=b value="s" ${T0}`, `cpu,host=a value=4i ${T0 + 3}`], 's');
  assert.deepEqual(capture(h).seen, [row('d', 3, '3')]);
  assert.equal(h.task.stats()['node-stats']['difference2']!['errors'], 3);
});

test('difference and cumulativeSum refuse string and bool series; the texts are influxql.go\'s, per node kind', (t) => {
  // Kapacitor: "cannot apply <method> to <type> field" (a failed reduce context); elapsed takes any type
  const errs = (kind: string): string[] => {
    const h = task(kind, ['value']);
    t.after(() => h.stop());
    h.write([`cpu,host=a value="s" ${T0}`, `cpu,host=b value=true ${T0}`, `cpu,host=c value=1i ${T0}`, `cpu,host=c value=2.5 ${T0 + 1}`], 's');
    return h.logs.map((l) => `${String(l['msg'])}: ${(l['err'] as Error).message}`);
  };
  assert.deepEqual(errs('difference'), [
    'failed to realize reduce context from fields: cannot apply difference to string field',
    'failed to realize reduce context from fields: cannot apply difference to boolean field',
    'failed to aggregate point: field value has wrong type: got float64 exp int64',
  ]);
  assert.deepEqual(errs('cumulativeSum'), [
    'failed to realize reduce context from fields: cannot apply cumulativeSum to string field',
    'failed to realize reduce context from fields: cannot apply cumulativeSum to boolean field',
    'failed to aggregate point: field value has wrong type: got float64 exp int64',
  ]);
});

test('cumulativeSum: running sum for every point, per group', (t) => {
  const h = task('cumulativeSum', ['value']);
  t.after(() => h.stop());
  h.write([`cpu,host=a value=1i ${T0}`, `cpu,host=b value=0.5 ${T0}`, `cpu,host=a value=2i ${T0 + 1}`, `cpu,host=a value=3i ${T0 + 2}`], 's');
  assert.deepEqual(capture(h).seen, [
    row('cumulativeSum', 0, '1'), row('cumulativeSum', 0, '0.5', 'b'), row('cumulativeSum', 1, '3'), row('cumulativeSum', 2, '6'),
  ]);
});

test('elapsed: int (Δt / unit) from the second point, any field type', (t) => {
  const h = task('elapsed', ['value', dur(S / 1000n)], 'ms');
  t.after(() => h.stop());
  const ns = (sec: number, ms = 0n): bigint => BigInt(T0 + sec) * S + ms * 1_000_000n;
  h.write([`cpu,host=a value="up" ${ns(0)}`, `cpu,host=a value="up" ${ns(1, 500n)}`, `cpu,host=a value="down" ${ns(4)}`]);
  assert.deepEqual(capture(h).seen, [
    `{"name":"cpu","tags":{"host":"a"},"columns":["time","ms"],"values":[["${ts(1).replace('Z', '.5Z')}",1500]]}`,
    row('ms', 4, '2500'),
  ]);
  assert.equal((capture(h).raw[1] as { fields: Record<string, unknown> }).fields['ms'], 2500n);
  assert.throws(() => task('elapsed', ['value', dur(0n)]), /elapsed2: elapsed unit must be a positive duration/);
});

test('batch input: each batch is its own series and becomes a batch of results', (t) => {
  const h = task('difference', ['value'], undefined, 10n * S);
  t.after(() => h.stop());
  h.write([`cpu,host=a value=1 ${T0}`, `cpu,host=a value=4 ${T0 + 2}`, `cpu,host=a value=10 ${T0 + 5}`,
    `cpu,host=a value=20 ${T0 + 10}`, `cpu,host=a value=21 ${T0 + 20}`], 's');
  assert.deepEqual(capture(h).seen, [
    `tmax=${ts(10)} {"name":"cpu","tags":{"host":"a"},"columns":["time","difference"],"values":[["${ts(2)}",3],["${ts(5)}",6]]}`,
    `tmax=${ts(20)} {"name":"cpu","tags":{"host":"a"}}`, // one point: no difference; an empty batch row has no columns
  ]);
});

test('a group exists from its first message even when that message is an error (working_cardinality)', (t) => {
  const h = task('cumulativeSum', ['value']);
  t.after(() => h.stop());
  h.write([`cpu,host=a other=1 ${T0}`, `cpu,host=b value="s" ${T0}`], 's');
  const st = h.task.stats()['node-stats']['cumulativeSum2']!;
  assert.equal(st['errors'], 2);
  assert.equal(st['working_cardinality'], 2);
  h.write([`cpu,host=a value=2i ${T0 + 1}`], 's');
  assert.deepEqual(capture(h).seen, [row('cumulativeSum', 1, '2')]);
});
