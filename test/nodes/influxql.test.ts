// Aggregation nodes on stream and batch edges (SPEC 3.6, SPEC 9 items 1 and 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PipelineBuilder, type NodeRef } from '../helpers/runtime/pipeline-builder.ts';
import { startTask, type Harness } from '../helpers/runtime/replay.ts';
import { captured } from '../helpers/runtime/capture.ts';
import '../helpers/runtime/batcher.ts';
import type { Point } from '../../model/point.ts';

/** stream|from().groupBy(...)[|testBatcher()]|<method>(args)<props>|testCapture()|httpOut('out') */
function run(t: { after(fn: () => void): void }, method: string, args: unknown[], props: [string, ...unknown[]][],
  opts: { batch?: boolean; groupBy?: string[] } = {}): { h: Harness; cap: () => Point[] } {
  const b = new PipelineBuilder();
  let n: NodeRef = b.stream().chain('from').prop('measurement', 'm');
  if (opts.groupBy) n.prop('groupBy', ...opts.groupBy);
  if (opts.batch) n = n.chain('testBatcher');
  n = n.chain(method, ...args);
  for (const [m, ...a] of props) n.prop(m, ...a);
  const capNode = n.chain('testCapture');
  capNode.chain('httpOut', 'out');
  const h = startTask(b.build());
  t.after(() => h.stop());
  return { h, cap: () => captured(h.task, capNode.name) as Point[] };
}

test('stream sum: per timestamp, one step late, group tags only, last step never emitted (3.6, 9.1)', (t) => {
  const { h, cap } = run(t, 'sum', ['v'], [], { groupBy: ['rs'] });
  h.write(['m,host=a,rs=x v=1 10', 'm,host=b,rs=x v=2 10'], 's');
  assert.equal(h.httpOut('out'), '{"series":null}');
  h.write(['m,host=a,rs=x v=4 20'], 's');
  assert.equal(h.httpOut('out'), '{"series":[{"name":"m","tags":{"rs":"x"},"columns":["time","sum"],"values":[["1970-01-01T00:00:10Z",3]]}]}');
  h.write(['m,host=b,rs=x v=8 20', 'm,host=b,rs=y v=1 20'], 's');
  assert.equal(cap().length, 1, 'context 20 still open; group y has only its open context');
  // an earlier time also closes the context (3.6 step 3)
  h.write(['m,host=a,rs=x v=100 15'], 's');
  assert.deepEqual(cap().map((p) => [p.time, p.fields['sum']]), [[10_000_000_000n, 3], [20_000_000_000n, 12]]);
});

test('sum keeps int64, mean gives float, count gives int (3.6)', (t) => {
  const s = run(t, 'sum', ['v'], [['as', 'total']]);
  s.h.write(['m v=1i 1', 'm v=2i 1', 'm v=5i 2'], 's');
  assert.deepEqual(s.cap()[0]!.fields, { total: 3n });
  const m = run(t, 'mean', ['v'], []);
  m.h.write(['m v=1i 1', 'm v=2i 1', 'm v=5i 2'], 's');
  assert.deepEqual(m.cap()[0]!.fields, { mean: 1.5 });
  const c = run(t, 'count', ['v'], []);
  c.h.write(['m v="a" 1', 'm v="b" 1', 'm v="c" 2'], 's');
  assert.deepEqual(c.cap()[0]!.fields, { count: 2n });
});

test('selectors keep the selected point tags and all its fields, field renamed; tie rules (3.6, 9.2)', (t) => {
  const mx = run(t, 'max', ['v'], []);
  mx.h.write(['m,host=a v=3,other=1i 1', 'm,host=b v=7,other=2i 1', 'm,host=c v=7,other=3i 1', 'm v=0 2'], 's');
  // tie on 7 at equal times: first arrival (earlier time rule cannot separate them; the first stays)
  assert.equal(mx.h.httpOut('out'),
    '{"series":[{"name":"m","tags":{"host":"b"},"columns":["time","max","other"],"values":[["1970-01-01T00:00:01Z",7,2]]}]}');
  const mn = run(t, 'min', ['v'], [['as', 'v']]);
  mn.h.write(['m v=3,x=1 1', 'm v=-2,x=2 1', 'm v=0 2'], 's');
  assert.deepEqual(mn.cap()[0]!.fields, { v: -2, x: 2 }, 'as equal to the field: no rename');
  const first = run(t, 'first', ['v'], [], { batch: true });
  first.h.write(['m v=5 3', 'm v=1 1', 'm v=9 1', 'm flush=true 10'], 's');
  // earliest time wins, tie → larger value; time = tmax without usePointTimes
  assert.deepEqual([first.cap()[0]!.fields, first.cap()[0]!.time], [{ first: 9 }, 10_000_000_000n]);
  const last = run(t, 'last', ['v'], [['usePointTimes']], { batch: true });
  last.h.write(['m v="x" 1', 'm v="z" 3', 'm v="y" 3', 'm flush=true 10'], 's');
  assert.deepEqual([last.cap()[0]!.fields, last.cap()[0]!.time], [{ last: 'z' }, 3_000_000_000n]);
});

test('batch edge: one point per batch at tmax; empty batch gives count 0 and sum 0.0 only (3.6)', (t) => {
  const c = run(t, 'count', ['v'], [], { batch: true });
  c.h.write(['m v=1 1', 'm v=2 2', 'm flush=true 5', 'm flush=true 6'], 's');
  assert.deepEqual(c.cap().map((p) => [p.time, p.fields['count']]), [[5_000_000_000n, 2n], [6_000_000_000n, 0n]]);
  const s = run(t, 'sum', ['v'], [], { batch: true });
  s.h.write(['m flush=true 6'], 's');
  assert.deepEqual(s.cap()[0]!.fields, { sum: 0 });
  assert.equal(typeof s.cap()[0]!.fields['sum'], 'number');
  const m = run(t, 'mean', ['v'], [], { batch: true });
  m.h.write(['m flush=true 6'], 's');
  assert.equal(m.cap().length, 0);
  assert.equal(m.h.httpOut('out'), '{"series":null}');
});

test('spread, stddev, median, mode, percentile (3.6 reducer formulas)', (t) => {
  const vals = ['m v=4i 1', 'm v=1i 2', 'm v=4i 3', 'm v=9i 4', 'm v=2i 5', 'm flush=true 10'];
  const res = (method: string, args: unknown[] = []) => { const r = run(t, method, ['v', ...args], [], { batch: true }); r.h.write(vals, 's'); return r.cap()[0]!.fields; };
  assert.deepEqual(res('spread'), { spread: 8n });
  // sample stddev of 4,1,4,9,2: mean 4, squares 0+9+0+25+4 = 38, /4 = 9.5
  assert.deepEqual(res('stddev'), { stddev: Math.sqrt(9.5) });
  assert.deepEqual(res('median'), { median: 4 });
  assert.deepEqual(res('mode'), { mode: 4n });
  // percentile 50 of 5 values: index floor(5*0.5+0.5)-1 = 2 of sorted [1,2,4,4,9] → 4 (a selector: time = tmax)
  assert.deepEqual(res('percentile', [50]), { percentile: 4n });
  const even = run(t, 'median', ['v'], [], { batch: true });
  even.h.write(['m v=1 1', 'm v=2 2', 'm v=10 3', 'm v=4 4', 'm flush=true 10'], 's');
  assert.deepEqual(even.cap()[0]!.fields, { median: 3 });
  const one = run(t, 'stddev', ['v'], [], { batch: true });
  one.h.write(['m v=1 1', 'm flush=true 10'], 's');
  assert.equal(one.cap().length, 0, 'stddev of one value is nil: nothing emitted');
});

test('type rules and error texts (3.6)', (t) => {
  const s = run(t, 'sum', ['v'], []);
  s.h.write(['m v="a" 1', 'm v=1 2', 'm v=2i 2', 'm x=1 2', 'm v=3 3'], 's');
  assert.deepEqual(s.cap().map((p) => p.fields['sum']), [1]);
  const errs = s.h.logs.map((l) => (l['err'] as { message: string }).message);
  assert.deepEqual(errs, [
    'cannot apply sum to string field',
    'field v has wrong type: got int64 exp float64',
    'field v missing from point cannot aggregate',
  ]);
  assert.equal(s.h.task.stats()['node-stats']['sum2']!['errors'], 3);
  const m = run(t, 'max', ['v'], []);
  m.h.write(['m x=1 1'], 's');
  assert.equal((m.h.logs[0]!['err'] as { message: string }).message, 'field "v" missing from point');
});
