// combine (pipeline/combine.go, combine.go) and flatten (pipeline/flatten.go, flatten.go). Expected points are
// derived by hand from the Go algorithms (k-subsets in lexicographic order, first matching point per expression;
// flatten's tag-value prefixes), traced beside each case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startScript, startTask } from '../helpers/runtime/replay.ts';
import { evaluateScript } from '../../tickscript/index.ts';
import type { Batch, Point } from '../../model/point.ts';
import { capture, runCap } from './capture.ts';
import { choose } from '../../nodes/combine.ts';

const sec = (ns: bigint) => Number(ns / 1_000_000n) / 1000;
const pts = (h: ReturnType<typeof runCap>) => (capture(h).raw as Point[]).map((p) => ({ t: sec(p.time), tags: p.tags, fields: p.fields }));

const LAT = ['request_latency,dc=A,service=auth value=7 0', 'request_latency,dc=A,service=cart value=8 200',
  'request_latency,dc=A,service=log value=6 400', 'request_latency,dc=A,service=auth value=1 2000'];

test('combine: every pair of the same rounded time, fields and non-group tags prefixed, group tags kept', (t) => {
  const h = runCap(t, `stream|from().measurement('request_latency').groupBy('dc')
    |combine(lambda: TRUE, lambda: TRUE).as('first', 'second').tolerance(1s)`, 'combine2');
  h.write(LAT, 'ms');
  // 0, 0.2, 0.4 round to 0s; the 2s point closes that time: 3 choose 2 = {0,1},{0,2},{1,2}
  assert.deepEqual(pts(h), [
    { t: 0, tags: { dc: 'A', 'first.service': 'auth', 'second.service': 'cart' }, fields: { 'first.value': 7, 'second.value': 8 } },
    { t: 0, tags: { dc: 'A', 'first.service': 'auth', 'second.service': 'log' }, fields: { 'first.value': 7, 'second.value': 6 } },
    { t: 0, tags: { dc: 'A', 'first.service': 'cart', 'second.service': 'log' }, fields: { 'first.value': 8, 'second.value': 6 } },
  ]);
  assert.equal(h.task.stats()['node-stats']['combine2']!['working_cardinality'], 1);
});

test('combine: expressions pick the first matching point of the subset in order; subsets without a match are skipped', (t) => {
  const h = runCap(t, `stream|from().measurement('request_latency').groupBy('dc')
    |combine(lambda: "service" == 'log', lambda: TRUE).as('log', 'other').delimiter('_').tolerance(1s)`, 'combine2');
  h.write(LAT, 'ms');
  // {auth,cart}: no log point → skipped; {auth,log}: log takes log, other takes auth; {cart,log}: log, cart
  assert.deepEqual(pts(h).map((p) => p.fields), [{ log_value: 6, other_value: 7 }, { log_value: 6, other_value: 8 }]);
});

test('combine: more combinations than max is a counted error and nothing is emitted; batches are combined into a stream', (t) => {
  const h = runCap(t, `stream|from().measurement('request_latency').groupBy('dc')
    |combine(lambda: TRUE, lambda: TRUE).as('a', 'b').tolerance(1s).max(2)`, 'combine2');
  h.write(LAT, 'ms');
  assert.deepEqual(pts(h), []);
  assert.equal(h.task.stats()['node-stats']['combine2']!['errors'], 1);
  assert.equal((h.logs[0]!['msg']), 'refusing to perform combination as total combinations 3 exceeds max combinations 2');
  assert.equal(choose(3, 2), 3n);
  assert.equal(choose(1, 2), -1n);
  const b = runCap(t, `stream|from().measurement('m')|window().period(2s).every(2s)|combine(lambda: TRUE, lambda: TRUE).as('a', 'b')`, 'combine3');
  b.write(['m,k=x v=1 0', 'm,k=y v=2 0', 'm,k=z v=3 1', 'm v=0 2'], 's');
  // the window [0,2) holds x@0, y@0, z@1: time 0 pairs {x,y}; time 1 has one point (1 choose 2: nothing)
  assert.deepEqual(pts(b), [{ t: 0, tags: { 'a.k': 'x', 'b.k': 'y' }, fields: { 'a.v': 1, 'b.v': 2 } }]);
});

test('combine: define-time validation with Kapacitor 1.8 texts (pipeline/combine.go validate); provides a stream', () => {
  const base = "stream|from()|combine(lambda: TRUE, lambda: TRUE)";
  const err = (s: string) => { try { evaluateScript(s); return ''; } catch (e) { return (e as Error).message; } };
  assert.match(err(base), /a call to combine\.as\(\) is required to specify the output stream prefixes\.$/);
  assert.match(err(base + ".as('a')"), /number of prefixes specified by combine\.as\(\) must match the number of combine expressions$/);
  assert.match(err(base + ".as('a', '')"), /must provide a prefix name for the combine node, see \.as\(\) property method$/);
  assert.match(err(base + ".as('a.x', 'b')"), /cannot use name a\.x as field prefix, it contains the delimiter character \.$/);
  assert.match(err(base + ".as('a', 'a')"), /cannot use the same prefix name see \.as\(\) property method$/);
  const p = evaluateScript("stream|from()|window().period(1s)|combine(lambda: TRUE).as('a')");
  assert.equal(p.nodes[3]!.provides, 'stream');
});

const FL = ['request_latency,dc=A,service=auth,host=s1 value=700 0', 'request_latency,dc=A,service=auth,host=s2 value=702 300',
  'request_latency,dc=A,service=cart,host=s1 value=800 600', 'request_latency,dc=B,service=auth,host=s1 value=750 0',
  'request_latency,dc=A,service=auth,host=s1 value=1 3000', 'request_latency,dc=B,service=auth,host=s1 value=1 3000'];

test('flatten: one point per group and rounded time, fields named by the on() tag values; emitted when the next time arrives', (t) => {
  const h = runCap(t, `stream|from().measurement('request_latency').groupBy('dc')|flatten().on('service', 'host').tolerance(1s)`, 'flatten2');
  h.write(FL, 'ms');
  // 0, 0.3 → 0s; 0.6 → 1s: the dc=A point at 1s closes time 0; the 3s points close 1s (dc=A) and 0s (dc=B)
  assert.deepEqual(pts(h), [
    { t: 0, tags: { dc: 'A' }, fields: { 'auth.s1.value': 700, 'auth.s2.value': 702 } },
    { t: 1, tags: { dc: 'A' }, fields: { 'cart.s1.value': 800 } },
    { t: 0, tags: { dc: 'B' }, fields: { 'auth.s1.value': 750 } },
  ]);
  const d = runCap(t, `stream|from().measurement('request_latency').groupBy('dc')|flatten().on('service', 'host').delimiter('/').tolerance(1s).dropOriginalFieldName()`, 'flatten2');
  d.write(FL, 'ms');
  assert.deepEqual(pts(d)[0]!.fields, { 'auth/s1': 700, 'auth/s2': 702 });
});

test('flatten: a point missing an on() tag is skipped and reported; its tag values stay in the next prefix (flatten.go)', (t) => {
  const h = runCap(t, `stream|from().measurement('m')|flatten().on('a', 'b')`, 'flatten2');
  h.write(['m,a=x v=1 0', 'm,a=y,b=z v=2 0', 'm v=0 1'], 's');
  assert.deepEqual(pts(h), [{ t: 0, tags: {}, fields: { 'xy.z.v': 2 } }]);
  assert.equal(h.task.stats()['node-stats']['flatten2']!['errors'], 1);
  assert.equal((h.logs[0]!['err'] as { message: string }).message, 'tag b is missing from point');
});

test('flatten of batches: each batch\'s points flattened per time, the last time at the end of the batch', (t) => {
  const h = runCap(t, `stream|from().measurement('m')|window().period(2s).every(2s)|flatten().on('k')`, 'flatten3');
  h.write(['m,k=x v=1 0', 'm,k=y v=2 0', 'm,k=x v=3 1', 'm,k=x v=0 2'], 's');
  const b = capture(h).raw as Batch[];
  assert.deepEqual(b.map((x) => [sec(x.tmax), x.points.map((p) => [sec(p.time), p.fields])]), [[2, [[0, { 'x.v': 1, 'y.v': 2 }], [1, { 'x.v': 3 }]]]]);
});

test('flatten/combine via httpOut: Kapacitor column naming end to end', (t) => {
  const h = startScript(`stream|from().measurement('request_latency').groupBy('dc')|flatten().on('service', 'host').tolerance(1s)|httpOut('out')`);
  t.after(() => h.stop());
  h.write(FL, 'ms');
  assert.equal(h.httpOut('out'), '{"series":[{"name":"request_latency","tags":{"dc":"A"},"columns":["time","cart.s1.value"],"values":[["1970-01-01T00:00:01Z",800]]},'
    + '{"name":"request_latency","tags":{"dc":"B"},"columns":["time","auth.s1.value"],"values":[["1970-01-01T00:00:00Z",750]]}]}');
});
