// union (pipeline/union.go, union.go): parents' messages merged in time order through per-parent low marks;
// nothing leaves before every parent has reported; ties and ready runs go parent by parent in parent-list order;
// rename. Expected orders are worked out by hand from union.go's emitReady (explained beside each case).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capture, runCap } from './capture.ts';

/** name@seconds of every captured point */
const seen = (h: ReturnType<typeof runCap>) =>
  capture(h).raw.map((m) => `${m.name}@${Number(('tmax' in m ? m.tmax : m.time) / 1_000_000n) / 1000}`);

const TWO = `
var cpu = stream|from().measurement('cpu')
var mem = stream|from().measurement('mem')
`;

test('union: time order through low marks; a quiet parent holds the others at its last time', (t) => {
  const h = runCap(t, TWO + `cpu|union(mem)`, 'union3');
  h.write(['cpu v=1 0', 'cpu v=1 1000', 'cpu v=1 2000'], 'ms');
  assert.deepEqual(seen(h), [], 'mem has not reported: nothing is emitted');
  // mem@0: mark 0 → cpu@0, mem@0; then mem's mark stays 0 while its queue is empty
  // mem@1.5: mark min(1, 1.5) = 1 → cpu@1; next mark min(2, 1.5) → mem@1.5; next min(2, 1.5 kept) → nothing
  h.write(['mem v=2 0', 'mem v=2 1500'], 'ms');
  assert.deepEqual(seen(h), ['cpu@0', 'mem@0', 'cpu@1', 'mem@1.5']);
  // mem@3: mark min(2, 3) → cpu@2; cpu's queue is empty (mark 2) so mem@3 waits for cpu
  h.write(['mem v=2 3000'], 'ms');
  assert.deepEqual(seen(h), ['cpu@0', 'mem@0', 'cpu@1', 'mem@1.5', 'cpu@2']);
  h.write(['cpu v=1 4000'], 'ms');
  assert.deepEqual(seen(h).slice(5), ['mem@3']);
});

test('union: equal times leave in parent-list order (receiver first), not in creation order', (t) => {
  // mem was created after cpu, but `mem|union(cpu)` makes mem parent 0
  const h = runCap(t, TWO + `mem|union(cpu)`, 'union3');
  // one write: the cpu points (parent 1) are queued first, then mem@0 releases mark 0 → mem@0 then cpu@0
  h.write(['cpu v=1 0', 'mem v=1 0', 'cpu v=1 1', 'mem v=1 1'], 's');
  assert.deepEqual(seen(h), ['mem@0', 'cpu@0', 'mem@1', 'cpu@1']);
});

test('union: rename sets the measurement and regroups by-measurement groups; 3 parents', (t) => {
  const h = runCap(t, `
var a = stream|from().measurement('a').groupBy('host').groupByMeasurement()
var b = stream|from().measurement('b').groupBy('host').groupByMeasurement()
var c = stream|from().measurement('c').groupBy('host').groupByMeasurement()
a|union(b, c).rename('abc')`, 'union4');
  // c@1 (the last parent to report) releases mark 1, then c@2 releases mark 2: parent order at each time
  h.write(['a,host=x v=1 1', 'b,host=x v=2 1', 'c,host=x v=3 1', 'a,host=x v=4 2', 'b,host=x v=5 2', 'c,host=x v=6 2'], 's');
  const pts = capture(h).raw;
  assert.deepEqual(pts.map((p) => [p.name, p.group, 'fields' in p ? p.fields['v'] : undefined]),
    [1, 2, 3, 4, 5, 6].map((v) => ['abc', 'abc\nhost=x', v]));
});

test('union of batches: ordered by window end (tmax)', (t) => {
  const h = runCap(t, `
var a = stream|from().measurement('a')|window().period(2s).every(2s)
var b = stream|from().measurement('b')|window().period(3s).every(3s)
a|union(b)`, 'union5');
  // a's windows end at 2s, 4s, 6s; b's at 3s, 6s (group start 0s, SPEC 3.10). Marks: 2<3 → a@2; 4>3 → b@3;
  // 4<6 → a@4; 6=6 → a@6 then b@6 (parent order)
  h.write(['a v=1 0', 'b v=1 0', 'a v=1 2', 'b v=1 3', 'a v=1 4', 'b v=1 6', 'a v=1 6'], 's');
  assert.deepEqual(seen(h), ['a@2', 'b@3', 'a@4', 'a@6', 'b@6']);
});
