// stats(interval) (SPEC 3.16, Kapacitor stats.go): one point per group of the watched node — name `stats`, group
// tags, int field `emitted` (cumulative, counted on the watched node's first output edge), time now — every
// interval of the injected clock (a manual clock: each point is asserted at its exact virtual time); deadman() =
// stats|derivative|alert built on it. Scripts go through evaluateScript + compileLambda.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda, evaluateScript } from '../../tickscript/index.ts';
import { setLambdaCompiler } from '../../runtime/lambda.ts';
import { startTask, type Harness } from '../helpers/runtime/replay.ts';
import { PipelineBuilder, dur } from '../helpers/runtime/pipeline-builder.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { capture, T0 } from './capture.ts';

setLambdaCompiler(compileLambda);

const S = 1_000_000_000n;
const MS = 1_000_000n;
const H = 3_600n * S;
/** the virtual wall clock: 1000 s after the data's T0, a whole second */
const W0 = (BigInt(T0) + 1000n) * S;

interface StatsPoint { name: string; tags: Record<string, string>; fields: Record<string, unknown>; time: bigint; group: string }

/** stream|from('cpu').groupBy('host')|httpOut('o') with from|stats(interval)|testCapture. */
function statsTask(clock: ManualClock, interval: bigint, align = false): Harness {
  const b = new PipelineBuilder();
  const from = b.stream().chain('from').prop('measurement', 'cpu').prop('groupBy', 'host');
  from.chain('httpOut', 'o');
  const s = b.add('stats', [dur(interval)], undefined);
  b.draft(s.id).wants = 'noedge';
  (b.draft(s.id) as { watches?: number }).watches = from.id;
  if (align) s.prop('align');
  s.chain('testCapture');
  const p = b.build();
  return startTask({ ...p, nodes: p.nodes.map((n) => (n.kind === 'stats' ? { ...n, watches: from.id } : n)) }, { services: { clock } });
}

const points = (h: Harness): StatsPoint[] => capture(h).raw as StatsPoint[];

test('every interval: one point per watched group with the cumulative emitted count as int, group tags, time now', async (t) => {
  const clock = new ManualClock(W0);
  const h = statsTask(clock, H);
  t.after(() => h.stop());
  h.write([`cpu,host=a,dc=x value=1 ${T0}`, `cpu,host=a,dc=x value=2 ${T0 + 1}`, `cpu,host=b value=3 ${T0}`], 's');
  await clock.advance(3_599_999);
  assert.deepEqual(points(h), [], 'nothing before the first interval has passed');
  await clock.advance(1);
  assert.deepEqual(points(h).map((p) => [p.name, p.group, p.tags, p.fields, p.time]), [
    ['stats', 'host=a', { host: 'a' }, { emitted: 2n }, W0 + H],
    ['stats', 'host=b', { host: 'b' }, { emitted: 1n }, W0 + H],
  ]);
  h.write([`cpu,host=b value=4 ${T0 + 2}`], 's');
  await clock.advance(3_600_000);
  assert.deepEqual(points(h).slice(2).map((p) => [p.group, p.fields['emitted'], p.time]), [['host=a', 2n, W0 + 2n * H], ['host=b', 2n, W0 + 2n * H]]);
  assert.deepEqual(clock.periods, [3_600_000, 1000]); // the node's interval, then the task's 1 s throughput sampler
});

test('align: first emit at the next multiple of the interval stamped with the start rounded, then every interval', async (t) => {
  // started 250 ms into a second: first emit at the next whole second, stamped round(start) = the second before
  const early = new ManualClock(W0 + 250n * MS);
  const h = statsTask(early, S, true);
  t.after(() => h.stop());
  h.write([`cpu,host=a value=1 ${T0}`], 's');
  await early.advance(749);
  assert.deepEqual(points(h), []);
  await early.advance(1);
  await early.advance(2000);
  assert.deepEqual(points(h).map((p) => p.time), [W0, W0 + 2n * S, W0 + 3n * S]);
  // started 750 ms in: round(start) is the next second, the one the first emit happens at
  const late = new ManualClock(W0 + 750n * MS);
  const h2 = statsTask(late, S, true);
  t.after(() => h2.stop());
  h2.write([`cpu,host=a value=1 ${T0}`], 's');
  await late.advance(2250);
  assert.deepEqual(points(h2).map((p) => p.time), [W0 + S, W0 + 2n * S, W0 + 3n * S]);
});

test('the timer is cancelled with the task, before and after the aligned start', async () => {
  const clock = new ManualClock(W0 + 250n * MS);
  const plain = statsTask(clock, 30n * MS);
  const aligned = statsTask(clock, S, true);
  plain.write([`cpu,host=a value=1 ${T0}`], 's');
  aligned.write([`cpu,host=a value=1 ${T0}`], 's');
  await clock.advance(30);
  assert.equal(points(plain).length, 1);
  plain.stop();
  aligned.stop();
  assert.equal(clock.waiting, 0);
  await clock.advance(5000);
  assert.equal(points(plain).length, 1);
  assert.equal(points(aligned).length, 0);
});

test('deadman(0.0, interval): CRITICAL when the watched node emitted nothing during an interval', async (t) => {
  // the watched node needs a child: stats counts what reaches its first output edge (a leaf emits nothing, 7.2)
  const p = evaluateScript(`var data = stream|from().measurement('cpu')
data|httpOut('data')
data|deadman(0.0, 1h).levelField('level').messageField('msg')|httpOut('dead')`);
  const clock = new ManualClock(W0);
  const h = startTask(p, { taskId: 'dm', services: { clock } });
  t.after(() => h.stop());
  h.write([`cpu value=1 ${T0}`], 's');
  await clock.advance(3_600_000); // emitted 1: derivative has no previous value yet
  h.write([`cpu value=2 ${T0 + 1}`], 's');
  await clock.advance(3_600_000); // emitted 2: rate > 0 → OK, unchanged → no event
  assert.equal(h.httpOut('dead'), '{"series":null}');
  await clock.advance(3_600_000); // emitted 2: rate 0 ≤ 0.0 → CRITICAL
  const out = JSON.parse(h.httpOut('dead')!) as { series: { columns: string[]; values: unknown[][] }[] };
  const row = out.series[0]!;
  const get = (c: string): unknown => row.values[0]![row.columns.indexOf(c)];
  assert.equal(get('level'), 'CRITICAL');
  assert.equal(get('time'), new Date(Number((W0 + 3n * H) / MS)).toISOString().replace('.000Z', 'Z'));
  // Kapacitor's deadman message: "{{ .ID }} is dead: {{ index .Fields "emitted" | printf "%0.3f" }} points/1h."
  assert.equal(get('msg'), `node 'from1' in task 'dm' is dead: 0.000 points/1h.`);
});
