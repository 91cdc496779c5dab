// stats(interval) (SPEC 3.16): one point per group of the watched node — name `stats`, group tags, int field
// `emitted` (cumulative, counted on the watched node's first output edge), time now — on a wall-clock interval;
// deadman() = stats|derivative|alert built on it. Scripts go through evaluateScript + compileLambda.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { compileLambda, evaluateScript } from '../../tickscript/index.ts';
import { setLambdaCompiler } from '../../runtime/lambda.ts';
import { startTask, type Harness } from '../helpers/runtime/replay.ts';
import { PipelineBuilder, dur } from '../helpers/runtime/pipeline-builder.ts';
import { capture, nodeOf, T0 } from './capture.ts';

setLambdaCompiler(compileLambda);

interface StatsView { tick(): void }

/** stream|from('cpu').groupBy('host')|httpOut('o') with from|stats(interval)|testCapture. */
function statsTask(interval: bigint, align = false): Harness {
  const b = new PipelineBuilder();
  const from = b.stream().chain('from').prop('measurement', 'cpu').prop('groupBy', 'host');
  from.chain('httpOut', 'o');
  const s = b.add('stats', [dur(interval)], undefined);
  b.draft(s.id).wants = 'noedge';
  (b.draft(s.id) as { watches?: number }).watches = from.id;
  if (align) s.prop('align');
  s.chain('testCapture');
  const p = b.build();
  return startTask({ ...p, nodes: p.nodes.map((n) => (n.kind === 'stats' ? { ...n, watches: from.id } : n)) });
}

test('one point per watched group with the cumulative emitted count as int, group tags, time now', (t) => {
  const h = statsTask(3_600_000_000_000n);
  t.after(() => h.stop());
  h.write([`cpu,host=a,dc=x value=1 ${T0}`, `cpu,host=a,dc=x value=2 ${T0 + 1}`, `cpu,host=b value=3 ${T0}`], 's');
  const before = BigInt(Date.now()) * 1_000_000n;
  nodeOf<StatsView>(h, 'stats').tick();
  const after = BigInt(Date.now()) * 1_000_000n;
  const pts = capture(h).raw as { name: string; tags: Record<string, string>; fields: Record<string, unknown>; time: bigint; group: string }[];
  assert.deepEqual(pts.map((p) => [p.name, p.group, p.tags, p.fields]), [
    ['stats', 'host=a', { host: 'a' }, { emitted: 2n }],
    ['stats', 'host=b', { host: 'b' }, { emitted: 1n }],
  ]);
  for (const p of pts) assert.ok(p.time >= before && p.time <= after);
  h.write([`cpu,host=b value=4 ${T0 + 2}`], 's');
  nodeOf<StatsView>(h, 'stats').tick();
  assert.deepEqual(capture(h).raw.slice(2).map((p) => (p as { fields: Record<string, unknown> }).fields['emitted']), [2n, 2n]);
});

test('the interval timer emits on its own and stops with the task; align rounds the time', async (t) => {
  const h = statsTask(30_000_000n, true);
  t.after(() => h.stop());
  h.write([`cpu,host=a value=1 ${T0}`], 's');
  const end = Date.now() + 2000;
  while (capture(h).raw.length < 2 && Date.now() < end) await sleep(10);
  assert.ok(capture(h).raw.length >= 2);
  for (const p of capture(h).raw) assert.equal((p as { time: bigint }).time % 30_000_000n, 0n);
  h.stop();
  const n = capture(h).raw.length;
  await sleep(80);
  assert.equal(capture(h).raw.length, n);
});

test('deadman(0.0, interval): CRITICAL when the watched node emitted nothing during an interval', async (t) => {
  // the watched node needs a child: stats counts what reaches its first output edge (a leaf emits nothing, 7.2)
  const p = evaluateScript(`var data = stream|from().measurement('cpu')
data|httpOut('data')
data|deadman(0.0, 1h).levelField('level').messageField('msg')|httpOut('dead')`);
  const h = startTask(p, { taskId: 'dm' });
  t.after(() => h.stop());
  const stats = nodeOf<StatsView>(h, 'stats');
  h.write([`cpu value=1 ${T0}`], 's');
  stats.tick(); // emitted 1: derivative has no previous value yet
  await sleep(5);
  h.write([`cpu value=2 ${T0 + 1}`], 's');
  stats.tick(); // emitted 2: rate > 0 → OK, unchanged → no event
  assert.equal(h.httpOut('dead'), '{"series":null}');
  await sleep(5);
  stats.tick(); // emitted 2: rate 0 ≤ 0.0 → CRITICAL
  const out = JSON.parse(h.httpOut('dead')!) as { series: { columns: string[]; values: unknown[][] }[] };
  const row = out.series[0]!;
  const get = (c: string): unknown => row.values[0]![row.columns.indexOf(c)];
  assert.equal(get('level'), 'CRITICAL');
  // Kapacitor's deadman message: "{{ .ID }} is dead: {{ index .Fields "emitted" | printf "%0.3f" }} points/1h."
  assert.equal(get('msg'), `node 'from1' in task 'dm' is dead: 0.000 points/1h.`);
});
