// DOT formats (SPEC 7.3), node order (7.1), per-node stats (7.2), failing nodes, task start errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PipelineBuilder, dur } from '../helpers/runtime/pipeline-builder.ts';
import { seedPipeline } from '../helpers/runtime/seed.ts';
import { startTask, collectingLogger } from '../helpers/runtime/replay.ts';
import { staticDot } from '../../runtime/dot.ts';
import { Node, type NodeContext } from '../../runtime/node.ts';
import type { Point } from '../../model/point.ts';
import { nodeFactory, registerNode } from '../../nodes/registry.ts';
import { TaskMaster } from '../../runtime/task-master.ts';
import { ExecTimer } from '../../runtime/timing.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

class TestFailNode extends Node {
  private readonly zeta = this.counter('zeta_drops');
  private readonly alpha = this.counter('alpha_seen');
  protected override onPoint(p: Point): void {
    this.alpha.inc();
    if (p.fields['ok'] === true) { this.emitPoint(p); return; }
    this.zeta.inc();
    throw new Error(`cannot handle point at ${p.time}`);
  }
}
if (!nodeFactory('testFail')) registerNode('testFail', (ctx: NodeContext) => new TestFailNode(ctx));

function seedWithK8s() {
  const b = new PipelineBuilder();
  b.stream()
    .chain('from').prop('measurement', 'requests').prop('groupBy', 'host', 'replicaset').prop('truncate', dur(1_000_000_000n))
    .chain('derivative', 'value').prop('as', 'requests_per_second').prop('unit', dur(1_000_000_000n)).prop('nonNegative')
    .chain('groupBy', 'replicaset')
    .chain('sum', 'requests_per_second').prop('as', 'total_requests_per_second')
    .chain('movingAverage', 'total_requests_per_second', 60n).prop('as', 'avg_requests_per_second')
    .chain('k8sAutoscale').prop('kind', 'replicasets');
  return b.build();
}

test('static DOT of the seed task is exactly SPEC 7.3 (no trailing newline)', () => {
  assert.equal(staticDot('autoscale', seedWithK8s()),
    'digraph autoscale {\nstream0 -> from1;\nfrom1 -> derivative2;\nderivative2 -> groupby3;\ngroupby3 -> sum4;\n' +
    'sum4 -> movingAverage5;\nmovingAverage5 -> k8s_autoscale6;\n}');
});

test('executing DOT, attributes and labels views (7.3)', (t) => {
  const h = startTask(seedPipeline(60), { taskId: 'autoscale', timingSampleRate: 0 });
  t.after(() => h.stop());
  const names = ['stream0', 'from1', 'derivative2', 'groupby3', 'sum4', 'movingAverage5', 'http_out6'];
  let want = 'digraph autoscale {\ngraph [throughput="0.00 points/s"];\n';
  names.forEach((n, i) => {
    want += `\n${n} [avg_exec_time_ns="0s" errors="0" working_cardinality="0" ];\n`;
    if (i + 1 < names.length) want += `${n} -> ${names[i + 1]} [processed="0"];\n`;
  });
  assert.equal(h.task.dot(), want + '}');
  let labels = 'digraph autoscale {\ngraph [label="Throughput: 0.00 points/s" forcelabels=true pad="0.8,0.5"];\n';
  names.forEach((n, i) => {
    labels += `\n${n} [xlabel="avg_exec_time_ns=0s\\rerrors=0\\rworking_cardinality=0"];\n`;
    if (i + 1 < names.length) labels += `${n} -> ${names[i + 1]} [label="processed=0"];\n`;
  });
  assert.equal(h.task.dot('labels'), labels + '}');
  // after data: processed counts per edge, working_cardinality per grouped node
  h.write(['requests,host=a,replicaset=app value=0i 1', 'requests,host=b,replicaset=app value=0i 1',
    'requests,host=a,replicaset=app value=5i 2', 'cpu,host=a value=1 2'], 's');
  const dot = h.task.dot();
  // the cpu point is not routed to this task at all (from().measurement('requests'), SPEC 3.3)
  assert.match(dot, /stream0 -> from1 \[processed="3"\];/);
  assert.match(dot, /from1 -> derivative2 \[processed="3"\];/);
  assert.match(dot, /derivative2 \[avg_exec_time_ns="0s" errors="0" working_cardinality="2" \];/);
  assert.match(dot, /derivative2 -> groupby3 \[processed="1"\];/);
  assert.match(dot, /groupby3 \[avg_exec_time_ns="0s" errors="0" working_cardinality="0" \];/);
  assert.match(dot, /sum4 \[avg_exec_time_ns="0s" errors="0" working_cardinality="1" \];/);
});

test('node order: DFS, children in creation order, reversed post-order (7.1)', () => {
  const b = new PipelineBuilder();
  const from = b.stream().chain('from');
  from.chain('derivative', 'v').chain('httpOut', 'a');
  from.chain('sum', 'v');
  assert.equal(staticDot('t', b.build()),
    // walk order stream0, from1, sum4, derivative2, http_out3; each node's edges in child creation order
    'digraph t {\nstream0 -> from1;\nfrom1 -> derivative2;\nfrom1 -> sum4;\nderivative2 -> http_out3;\n}');
  const h = startTask(b.build(), { timingSampleRate: 0 });
  const order = [...h.task.dot().matchAll(/^(\w+) \[avg/gm)].map((m) => m[1]);
  assert.deepEqual(order, ['stream0', 'from1', 'sum4', 'derivative2', 'http_out3']);
  h.stop();
});

test('a node failing on every point keeps the task running, counts and logs errors (7.2, DEVELOPING)', (t) => {
  const b = new PipelineBuilder();
  const from = b.stream().chain('from').prop('groupBy', 'host');
  from.chain('testFail').chain('httpOut', 'after');
  from.chain('httpOut', 'out');
  const h = startTask(b.build(), { timingSampleRate: 0 });
  t.after(() => h.stop());
  h.write(['m,host=a v=1 1', 'm,host=b v=2 2', 'm,host=a ok=true 3'], 's');
  h.write(['m,host=c v=3 4'], 's');
  const st = h.task.stats()['node-stats']['testFail2']!;
  assert.deepEqual(st, { alpha_seen: 4, avg_exec_time_ns: 0, collected: 4, emitted: 1, errors: 3, working_cardinality: 0, zeta_drops: 3 });
  assert.match(h.httpOut('out')!, /"host":"c"/, 'the sibling branch got every point');
  assert.match(h.httpOut('after')!, /"ok"/, 'the non-failing point went through');
  assert.equal(h.logs.length, 3);
  assert.deepEqual([h.logs[0]!['task'], h.logs[0]!['node'], h.logs[0]!['group'], (h.logs[0]!['err'] as { message: string }).message],
    ['test', 'testFail2', 'host=a', 'cannot handle point at 1000000000']);
  // node-specific counters appear in DOT sorted among the common ones
  assert.match(h.task.dot(), /testFail2 \[alpha_seen="4" avg_exec_time_ns="0s" errors="3" working_cardinality="0" zeta_drops="3" \];/);
});

test('task start errors: unsupported kind, mismatched edges, duplicates, bad properties', () => {
  const tm = new TaskMaster({ nodes: builtinNodes, logger: collectingLogger([]) });
  const b = new PipelineBuilder();
  b.stream().chain('from').chain('fooBar');
  assert.throws(() => tm.startTask('t', b.build(), [{ db: 'd', rp: 'r' }]), { message: 'node "fooBar" is not supported yet' });
  const p = seedPipeline(60);
  const bad = { ...p, nodes: p.nodes.map((n) => (n.name === 'sum4' ? { ...n, wants: 'batch' as const } : n)) };
  assert.throws(() => tm.startTask('t', bad, [{ db: 'd', rp: 'r' }]), { message: 'cannot add child mismatched edges: groupby3:stream -> sum4:batch' });
  const mv = new PipelineBuilder();
  mv.stream().chain('from').chain('movingAverage', 'v', 0n);
  assert.throws(() => tm.startTask('t', mv.build(), [{ db: 'd', rp: 'r' }]), /movingAverage2: movingAverage window size must be within/);
  const dup = new PipelineBuilder();
  const f = dup.stream().chain('from');
  f.chain('httpOut', 'x'); f.chain('httpOut', 'x');
  assert.throws(() => tm.startTask('t', dup.build(), [{ db: 'd', rp: 'r' }]), /duplicate httpOut endpoint "x"/);
  tm.startTask('t', p, [{ db: 'd', rp: 'r' }]);
  assert.throws(() => tm.startTask('t', p, [{ db: 'd', rp: 'r' }]), { message: 'task t is already running' });
  tm.stopTask('t');
  tm.stopTask('t'); // no-op
  assert.equal(tm.getTask('t'), undefined);
  assert.equal(tm.httpOut('t', 'out'), undefined);
});

test('avg_exec_time_ns: moving average over the window, published value is the maximum seen (7.2, 9.9)', () => {
  const timer = new ExecTimer(1, 2);
  timer.record(1, 100);
  timer.record(1, 300); // window [100,300] → 200
  timer.record(1, 100); // [300,100] → 200
  timer.record(1, 0); // [100,0] → 50: published value stays 200
  assert.equal(timer.value, 200);
  const never = new ExecTimer(0, 1000);
  assert.equal(never.plan(5000), 0);
  const sampled = new ExecTimer(0.1, 1000);
  assert.ok([500].includes(sampled.plan(5000)), '5000 messages × 0.10 = 500 samples exactly');
});

test('avg_exec_time_ns is sampled and shown as a Go duration; throughput sampled each second (7.2, 7.3)', async (t) => {
  const clock = new ManualClock(0n);
  const h = startTask(seedPipeline(2), { timingSampleRate: 1, services: { clock } });
  t.after(() => h.stop());
  h.write(['requests,host=a,replicaset=app value=0i 1', 'requests,host=a,replicaset=app value=5i 2'], 's');
  const ns = h.task.stats()['node-stats']['derivative2']!['avg_exec_time_ns']!;
  assert.ok(Number.isInteger(ns) && ns > 0);
  assert.match(h.task.dot(), /derivative2 \[avg_exec_time_ns="\d+(\.\d+)?(ns|µs|ms)" /);
  await clock.advance(1000);
  assert.equal(h.task.stats()['task-stats'].throughput, 2);
  assert.match(h.task.dot(), /^digraph test \{\ngraph \[throughput="2\.00 points\/s"\];/);
  await clock.advance(1000);
  assert.equal(h.task.stats()['task-stats'].throughput, 0);
});
