// Appendix A of SPEC-kapacitor.md: the worked trace of the seed pipeline (1.8 semantics), with k8sAutoscale
// replaced by httpOut. Expected values are computed from the appendix's rules, not from program output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PipelineBuilder, dur } from '../helpers/runtime/pipeline-builder.ts';
import { seedPipeline } from '../helpers/runtime/seed.ts';
import { startTask } from '../helpers/runtime/replay.ts';

const S0 = Date.UTC(2016, 10, 8, 18, 21, 7) / 1000; // 2016-11-08T18:21:07Z
const line = (host: string, v: number, sec: number): string => `requests,host=${host},replicaset=app value=${v}i ${S0 + sec}`;

/** The seed chain up to `upTo`, ending in httpOut('out'). */
function seedPrefix(upTo: 'derivative' | 'sum') {
  const b = new PipelineBuilder();
  let n = b.stream()
    .chain('from').prop('measurement', 'requests').prop('groupBy', 'host', 'replicaset').prop('truncate', dur(1_000_000_000n))
    .chain('derivative', 'value').prop('as', 'requests_per_second').prop('unit', dur(1_000_000_000n)).prop('nonNegative');
  if (upTo === 'sum') n = n.chain('groupBy', 'replicaset').chain('sum', 'requests_per_second').prop('as', 'total_requests_per_second');
  n.chain('httpOut', 'out');
  return b.build();
}

test('Appendix A s0..s2: derivative stamps the current time and keeps all fields', (t) => {
  const h = startTask(seedPrefix('derivative'), { db: 'autoscale', rp: 'autogen' });
  t.after(() => h.stop());
  h.write([line('a', 0, 0), line('b', 0, 0)], 's');
  assert.equal(h.httpOut('out'), '{"series":null}'); // first point per group: nothing (A, row s0)
  h.write([line('a', 100, 1), line('b', 40, 1)], 's');
  // A row s1: a:100.0 @s1, b:40.0 @s1; derivative keeps `value` (int) and adds the float (3.8, 9.3)
  assert.equal(h.httpOut('out'),
    '{"series":[' +
    '{"name":"requests","tags":{"host":"a","replicaset":"app"},"columns":["time","requests_per_second","value"],"values":[["2016-11-08T18:21:08Z",100,100]]},' +
    '{"name":"requests","tags":{"host":"b","replicaset":"app"},"columns":["time","requests_per_second","value"],"values":[["2016-11-08T18:21:08Z",40,40]]}]}');
});

test('Appendix A: sum emits one step late with group tags only', (t) => {
  const h = startTask(seedPrefix('sum'), { db: 'autoscale', rp: 'autogen' });
  t.after(() => h.stop());
  h.write([line('a', 0, 0), line('b', 0, 0)], 's');
  h.write([line('a', 100, 1), line('b', 40, 1)], 's');
  assert.equal(h.httpOut('out'), '{"series":null}'); // context(s1) open, nothing emitted yet
  h.write([line('a', 250, 2)], 's');
  // on a@s2: total_requests_per_second=140.0 @s1, tags {replicaset:app}
  assert.equal(h.httpOut('out'),
    '{"series":[{"name":"requests","tags":{"replicaset":"app"},"columns":["time","total_requests_per_second"],"values":[["2016-11-08T18:21:08Z",140]]}]}');
  h.write([line('b', 100, 2)], 's');
  // b@s2 joins context(s2): nothing new (the last step is never emitted)
  const st = h.task.stats()['node-stats'];
  assert.equal(st['sum4']!['emitted'], 1);
  assert.equal(st['derivative2']!['emitted'], 4);
});

test('Appendix A: movingAverage(60) first output at s61 = mean of sums s1..s60, stamped s60', (t) => {
  const h = startTask(seedPipeline(60), { db: 'autoscale', rp: 'autogen' });
  t.after(() => h.stop());
  // a's counter grows by 100+k in second k, b's by 40: the sum for second k is 140 + k.
  let a = 0; let b = 0;
  h.write([line('a', 0, 0), line('b', 0, 0)], 's');
  for (let k = 1; k <= 60; k++) {
    a += 100 + k; b += 40;
    h.write([line('a', a, k), line('b', b, k)], 's');
  }
  assert.equal(h.httpOut('out'), '{"series":null}', 'only 59 sums emitted so far');
  a += 161; b += 40;
  h.write([line('a', a, 61), line('b', b, 61)], 's');
  // mean(141..200) = 170.5 at s60 = 18:22:07
  assert.equal(h.httpOut('out'),
    '{"series":[{"name":"requests","tags":{"replicaset":"app"},"columns":["time","avg_requests_per_second"],"values":[["2016-11-08T18:22:07Z",170.5]]}]}');
  a += 162; b += 40;
  h.write([line('a', a, 62), line('b', b, 62)], 's');
  assert.match(h.httpOut('out')!, /\["2016-11-08T18:22:08Z",171\.5\]/);
});

test('Appendix A consequences: late point splits a sum, restart dropped, duplicate second is an error', (t) => {
  const h = startTask(seedPrefix('sum'), { db: 'autoscale', rp: 'autogen' });
  t.after(() => h.stop());
  h.write([line('a', 0, 0), line('b', 0, 0)], 's');
  h.write([line('a', 100, 1), line('b', 40, 1)], 's');
  h.write([line('a', 200, 2)], 's'); // emits 140 @s1
  h.write([line('a', 300, 3)], 's'); // emits partial 100 @s2 (b's s2 is late)
  assert.match(h.httpOut('out')!, /\["2016-11-08T18:21:09Z",100\]/);
  h.write([line('b', 80, 2)], 's'); // time went backwards: emits 100 @s3, opens context(s2) with b's 40
  assert.match(h.httpOut('out')!, /\["2016-11-08T18:21:10Z",100\]/);
  h.write([line('a', 400, 4)], 's'); // emits the late partial 40 @s2
  assert.match(h.httpOut('out')!, /\["2016-11-08T18:21:09Z",40\]/);
  // counter reset: negative diff dropped by nonNegative, no error
  h.write([line('b', 5, 5)], 's');
  // duplicate second for a: zero elapsed → derivative error
  h.write([line('a', 500, 4)], 's');
  const st = h.task.stats()['node-stats'];
  assert.equal(st['derivative2']!['errors'], 1);
  assert.equal(h.logs.filter((l) => l['node'] === 'derivative2').length, 1);
  assert.equal(h.logs[0]!['task'], 'test');
});
