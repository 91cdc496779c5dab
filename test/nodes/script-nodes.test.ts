// Nodes driven by TICKscript (evaluated by tickscript/index.ts): from, where, eval, groupBy, derivative,
// movingAverage, httpOut. Each expectation cites the SPEC section it comes from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { startScript, startTask } from '../helpers/runtime/replay.ts';
import { appendChild } from '../helpers/runtime/splice.ts';
import { PipelineBuilder } from '../helpers/runtime/pipeline-builder.ts';
import { evaluateScript } from '../../tickscript/index.ts';
import { captured } from '../helpers/runtime/capture.ts';
import type { Point } from '../../model/point.ts';
import '../helpers/runtime/batcher.ts';

type T = { after(fn: () => void): void };
function run(t: T, script: string) {
  const h = startScript(script);
  t.after(() => h.stop());
  return h;
}
/** Run `script` with a testCapture node appended below `node`; returns the harness and the captured points. */
function runCap(t: T, script: string, node: string) {
  const { pipeline, name } = appendChild(evaluateScript(script), node, 'testCapture');
  const h = startTask(pipeline);
  t.after(() => h.stop());
  return { h, cap: () => captured(h.task, name) as Point[] };
}
const errMessages = (logs: Record<string, unknown>[]) => logs.map((l) => (l['err'] as { message: string } | undefined)?.message ?? l['msg']);

test('from: where clauses are AND-ed and see the original time; truncate then groupBy (3.3)', (t) => {
  const h = run(t, `stream
    |from()
        .measurement('m')
        .where(lambda: "v" > 1)
        .where(lambda: unixNano("time") % 1000000000 == 500000000)
        .truncate(1s)
        .groupBy('host')
    |httpOut('out')`);
  h.write(['m,host=a,dc=x v=2 1500000000', 'm,host=b v=0 2500000000', 'm,host=c v=5 3000000000', 'm,host=a v=3 4500000000']);
  // host=a passes twice (latest kept), b fails v>1, c fails the original-time clause (it is already whole)
  assert.equal(h.httpOut('out'),
    '{"series":[{"name":"m","tags":{"host":"a"},"columns":["time","v"],"values":[["1970-01-01T00:00:04Z",3]]}]}');
});

test('from: where evaluation error is counted and logged; quiet still counts (3.3, 7.2)', (t) => {
  const h = run(t, `stream|from().measurement('m').where(lambda: "v" > 1)|httpOut('out')`);
  h.write(['m v="str" 1', 'm v=2 2']);
  assert.equal(h.task.stats()['node-stats']['from1']!['errors'], 1);
  assert.equal(h.logs[0]!['msg'], 'failed to evaluate WHERE expression');
  const q = run(t, `stream|from().measurement('m').where(lambda: "v" > 1).quiet()|httpOut('out')`);
  q.write(['m v="str" 1']);
  assert.equal(q.task.stats()['node-stats']['from1']!['errors'], 1);
  assert.equal(q.logs.length, 0);
});

test('from: groupBy(*), groupByMeasurement, round, 1w truncation aligns to Mondays (3.3, 9.14)', (t) => {
  const { h, cap } = runCap(t, `stream|from().groupBy(*).groupByMeasurement().truncate(1w)`, 'from1');
  // 1970-01-01 is a Thursday: Go truncation to 1w gives Monday 1969-12-29 (-3 days)
  h.write(['cpu,host=a,dc=x v=1 86400000000000', 'mem,host=a v=1 0']);
  const pts = cap();
  assert.deepEqual(pts.map((p) => [p.group, p.time, p.dims.tagNames]),
    [['cpu\ndc=x,host=a', -3n * 86400n * 1_000_000_000n, ['dc', 'host']], ['mem\nhost=a', -3n * 86400n * 1_000_000_000n, ['host']]]);
  const r = runCap(t, `stream|from().round(10s)`, 'from1');
  r.h.write(['m v=1 15', 'm v=1 14', 'm v=1 -5'], 's');
  // round: halves up (15 → 20, 14 → 10, -5 → 0)
  assert.deepEqual(r.cap().map((p) => p.time / 1_000_000_000n), [20n, 10n, 0n]);
});

test('where node: per message filter, errors counted and logged (3.4)', (t) => {
  const { h, cap } = runCap(t, `stream|from().measurement('m')|where(lambda: "v" > 10)`, 'where2');
  h.write(['m v=5 1', 'm v=11 2', 'm v=true 3', 'm w=1 4']);
  assert.deepEqual(cap().map((p) => p.fields['v']), [11]);
  assert.equal(h.task.stats()['node-stats']['where2']!['errors'], 2);
  assert.ok(h.logs.every((l) => l['msg'] === 'error while evaluating expression' && l['node'] === 'where2'));
});

test('eval: as, chaining, tags, keep rules, quiet (3.5)', (t) => {
  const { h, cap } = runCap(t, `stream|from().measurement('m')
    |eval(lambda: "v" * 2.0, lambda: "d" + 1.0, lambda: 'x' + "host")
        .as('d', 'e', 'h')
        .tags('h')`, 'eval2');
  h.write(['m,host=a v=1.5,w=7i 1']);
  const p = cap()[0]!;
  assert.deepEqual([p.fields, p.tags], [{ d: 3, e: 4 }, { host: 'a', h: 'xa' }]);
  const all = runCap(t, `stream|from().measurement('m')|eval(lambda: "v" * 2.0).as('v').keep()`, 'eval2');
  all.h.write(['m v=1.5,w=7i 1']);
  assert.deepEqual(all.cap()[0]!.fields, { v: 3, w: 7n });
  const list = runCap(t, `stream|from().measurement('m')|eval(lambda: "v" * 2.0).as('d').keep('w', 'd')`, 'eval2');
  list.h.write(['m v=1.5,w=7i 1', 'm v=1.5 2']);
  assert.deepEqual(list.cap().map((x) => x.fields), [{ w: 7n, d: 3 }]);
  assert.deepEqual(errMessages(list.h.logs), ['cannot keep field "w", field does not exist']);
  assert.equal(list.h.task.stats()['node-stats']['eval2']!['errors'], 1);
  const quiet = runCap(t, `stream|from().measurement('m')|eval(lambda: "v" * 2).as('d').quiet()`, 'eval2');
  quiet.h.write(['m v=1.5 1']); // float * int: type error (2.5)
  assert.equal(quiet.h.task.stats()['node-stats']['eval2']!['errors'], 0, 'quiet eval does not count its errors (7.2)');
  assert.equal(quiet.h.logs.length, 0);
  assert.equal(quiet.cap().length, 0);
  const loud = runCap(t, `stream|from().measurement('m')|eval(lambda: "v" * 2).as('d')`, 'eval2');
  loud.h.write(['m v=1.5 1']);
  assert.equal(loud.h.task.stats()['node-stats']['eval2']!['errors'], 1);
});

test('groupBy node keeps all tags; exclude and byMeasurement (3.9, 9.5)', (t) => {
  const { h, cap } = runCap(t, `stream|from().groupBy('host')|groupBy(*).exclude('dc').byMeasurement()`, 'groupby2');
  h.write(['cpu,host=a,dc=x,rack=1 v=1 1']);
  const p = cap()[0]!;
  assert.deepEqual([p.group, p.tags, p.dims.byName], ['cpu\nhost=a,rack=1', { dc: 'x', host: 'a', rack: '1' }, true]);
  assert.equal(h.task.stats()['node-stats']['groupby2']!['working_cardinality'], 0);
  const g = runCap(t, `stream|from().groupByMeasurement()|groupBy('host')`, 'groupby2');
  g.h.write(['cpu,host=a v=1 1']);
  // byName = previous byName OR byMeasurement
  assert.equal(g.cap()[0]!.group, 'cpu\nhost=a');
});

test('groupBy on batches re-buckets points, emitted on the next tmax (3.9)', (t) => {
  const b = new PipelineBuilder();
  b.stream().chain('from').prop('measurement', 'm').chain('testBatcher').chain('groupBy', 'host').chain('testCapture');
  const h = startTask(b.build());
  t.after(() => h.stop());
  h.write(['m,host=b v=1 3', 'm,host=a v=2 2', 'm,host=b v=3 1', 'm flush=true 10'], 's');
  assert.equal(captured(h.task, 'testCapture4').length, 0, 'held until a different tmax');
  h.write(['m flush=true 20'], 's');
  const bs = captured(h.task, 'testCapture4') as unknown as { group: string; tmax: bigint; points: { time: bigint }[] }[];
  assert.deepEqual(bs.map((b) => [b.group, b.tmax, b.points.map((x) => x.time / 1_000_000_000n)]),
    [['host=b', 10_000_000_000n, [1n, 3n]], ['host=a', 10_000_000_000n, [2n]]]);
});

test('derivative: default as overwrites the field, unit, wrong type, negative elapsed (3.8, 9.3)', (t) => {
  const { h, cap } = runCap(t, `stream|from().measurement('m')|derivative('v').unit(2s).nonNegative()`, 'derivative2');
  h.write(['m v=1i,x=1 10', 'm v=5i,x=2 12', 'm v="s" 13', 'm v=9i 11', 'm v=3i 12'], 's');
  const pts = cap();
  // (5-1)/(2s/2s) = 4 @12 with all fields; 9 @11 after 5 @12: elapsed -1s, diff 4 ≥ 0 → -8 emitted despite nonNegative;
  // 3 @12 after 9: diff -6 dropped
  assert.deepEqual(pts.map((p) => [p.time / 1_000_000_000n, p.fields]), [[12n, { v: 4, x: 2 }], [11n, { v: -8 }]]);
  assert.deepEqual(errMessages(h.logs), ['field v is the wrong type: string']);
  assert.equal(h.logs[0]!['msg'], 'cannot perform derivative');
  // a group exists from its first message on, even when that message fails (working_cardinality, 7.2)
  const g = runCap(t, `stream|from().groupBy('h')|derivative('v')|movingAverage('v', 2)`, 'movingAverage3');
  g.h.write(['m,h=a v="x" 1', 'm,h=b v=1 1']);
  const st = g.h.task.stats()['node-stats'];
  assert.deepEqual([st['derivative2']!['working_cardinality'], st['derivative2']!['errors']], [2, 1]);
});

test('movingAverage: nothing for n-1 points, default name, int input gives float (3.7, 9.4)', (t) => {
  const h = run(t, `stream|from().measurement('m')|movingAverage('v', 4)|httpOut('out')`);
  h.write(['m,host=a v=1000i 1', 'm,host=a v=1001i 2', 'm,host=a v=1002i 3']);
  assert.equal(h.httpOut('out'), '{"series":null}');
  h.write(['m,host=a v=1003i 4']);
  // TestStream_MovingAverage: 1001.5 at the 4th point; tags = group tags only (none here)
  assert.equal(h.httpOut('out'),
    '{"series":[{"name":"m","columns":["time","movingAverage"],"values":[["1970-01-01T00:00:00.000000004Z",1001.5]]}]}');
});

test('movingAverage errors: missing field, a string/bool refused before the window type is compared, then wrong type (3.7)', (t) => {
  // influxql.gen.go texts: a non-numeric value fails as a reduce context would ("cannot apply"), even on a started window
  const h = run(t, `stream|from().measurement('m')|movingAverage('v', 2)`);
  h.write(['m other=1 1', 'm v=1i 2', 'm v="s" 3', 'm v=true 4', 'm v=2.5 5']);
  assert.deepEqual(h.logs.map((l) => `${String(l['msg'])}: ${(l['err'] as Error).message}`), [
    'failed to aggregate point: field v missing from point cannot aggregate',
    'failed to realize reduce context from fields: cannot apply movingAverage to string field',
    'failed to realize reduce context from fields: cannot apply movingAverage to boolean field',
    'failed to aggregate point: field v has wrong type: got float64 exp int64',
  ]);
});

test('httpOut JSON: Go times, ints vs floats, escaping, sorted columns, group order, batches (3.12, 9.13)', (t) => {
  const h = run(t, `stream|from().measurement('m').groupBy('g')|httpOut('out')`);
  h.write(['m,g=b f=1.5,i=2i,s="a<b&\\"c",t=true,e=1e21,z=0.0000001 1478629267000000000']);
  h.write(['m,g=a f=2 1478629267123456789', 'm,g=b f=3 1478629268100000000']);
  assert.equal(h.httpOut('out'), '{"series":[' +
    '{"name":"m","tags":{"g":"b"},"columns":["time","f"],"values":[["2016-11-08T18:21:08.1Z",3]]},' +
    '{"name":"m","tags":{"g":"a"},"columns":["time","f"],"values":[["2016-11-08T18:21:07.123456789Z",2]]}]}');
  const v = run(t, `stream|from().measurement('m')|httpOut('out')`);
  v.write(['m f=1.5,i=2i,s="a<b&\\"c",t=true,e=1e21,z=0.0000001 1478629267000000000']);
  assert.equal(v.httpOut('out'), '{"series":[{"name":"m","columns":["time","e","f","i","s","t","z"],' +
    '"values":[["2016-11-08T18:21:07Z",1e+21,1.5,2,"a\\u003cb\\u0026\\"c",true,1e-7]]}]}');
  const bb = new PipelineBuilder();
  bb.stream().chain('from').prop('measurement', 'm').prop('groupBy', 'g').chain('testBatcher').chain('httpOut', 'out');
  const b = startTask(bb.build());
  t.after(() => b.stop());
  b.write(['m,g=a,h=x v=1 1', 'm,g=a,h=y w=2i 2', 'm,g=a flush=true 3'], 's');
  // batch row: tags = batch tags; columns = time + first point's fields + its non-batch tags, sorted
  assert.equal(b.httpOut('out'), '{"series":[{"name":"m","tags":{"g":"a"},"columns":["time","h","v"],' +
    '"values":[["1970-01-01T00:00:01Z","x",1],["1970-01-01T00:00:02Z","y",null]]}]}');
});

const SEED = new URL('../../../shared/seed/autoscale.tick', import.meta.url);
test('the seed script verbatim up to movingAverage (k8sAutoscale replaced by httpOut) — Appendix A', { skip: !existsSync(SEED) }, (t) => {
  const script = readFileSync(SEED, 'utf8');
  const cut = script.indexOf('|k8sAutoscale()');
  assert.ok(cut > 0);
  const h = run(t, script.slice(0, cut) + "|httpOut('out')\n");
  const S0 = Date.UTC(2016, 10, 8, 18, 21, 7) / 1000;
  let a = 0;
  for (let k = 0; k <= 61; k++) {
    if (k > 0) a += 100 + k;
    h.write([`requests,host=a,replicaset=app value=${a}i ${S0 + k}`, `requests,host=b,replicaset=app value=${40 * k}i ${S0 + k}`], 's');
  }
  // sums 141..200 for s1..s60 → mean 170.5 stamped s60 (Appendix A row s61)
  assert.equal(h.httpOut('out'),
    '{"series":[{"name":"requests","tags":{"replicaset":"app"},"columns":["time","avg_requests_per_second"],"values":[["2016-11-08T18:22:07Z",170.5]]}]}');
  assert.match(h.task.dot(), /^digraph test \{\ngraph \[throughput="0\.00 points\/s"\];\n\nstream0 \[/);
});
