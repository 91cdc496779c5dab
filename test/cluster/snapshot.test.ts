// Issue 18, checkpoints: node state snapshots (runtime/snapshot.ts). A task fed the first part of a stream is
// snapshotted, the snapshot goes through its text encoding, is restored into a fresh task, and that task is fed the
// rest. What comes out of every node watched (points, batches, decisions, statistics) must equal an uninterrupted
// run's — exactly, bigint times and int-vs-float included — at random cut points (seeded property test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { evaluateScript } from '../../tickscript/index.ts';
import { TaskMaster } from '../../runtime/task-master.ts';
import type { Task } from '../../runtime/task.ts';
import { Node, type Message } from '../../runtime/node.ts';
import { SnapshotUnsupported, decodeSnapshot, encodeSnapshot, type Snapshottable, type SnapshotValue } from '../../runtime/snapshot.ts';
import type { Batch, Point } from '../../model/point.ts';
import type { Pipeline } from '../../tickscript/pipeline.ts';
import type { KubernetesService } from '../../kube/service.ts';
import type { ScaleClient } from '../../kube/client.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { nodeFactory, registerNode } from '../../nodes/registry.ts';
import { appendChild } from '../helpers/runtime/splice.ts';
import { LineParser } from '../helpers/runtime/line-protocol.ts';
import { mulberry32 } from '../helpers/prng.ts';

/** A test-only leaf that records what reaches it; stateless, so it does not stop a task from snapshotting. */
class SnapCaptureNode extends Node implements Snapshottable {
  readonly seen: Message[] = [];
  protected override onPoint(p: Point): void { this.seen.push(p); }
  protected override onBatch(b: Batch): void { this.seen.push(b); }
  snapshot(): SnapshotValue { return null; }
  restore(): void {}
}
if (!nodeFactory('testSnapCapture')) registerNode('testSnapCapture', (ctx) => new SnapCaptureNode(ctx));

/** Every read of a replica count answers 3 (dry run: nothing is ever written). */
const kubernetes: KubernetesService = {
  get: (): ScaleClient => ({
    getScale: async (namespace, kind, name) => ({ namespace, kind: kind as never, name, replicas: 3, statusReplicas: 3, selector: '', resourceVersion: '1' }),
    setReplicas: async () => { throw new Error('dry run: no write expected'); },
    applyReplicas: async () => { throw new Error('dry run: no write expected'); },
  }),
  dryRun: () => true,
};

// the tutorial's autoscale pipeline with where, eval and default on the way; cooldowns in data time
const AUTOSCALE = `stream
    |from()
        .measurement('requests')
        .groupBy('host', 'replicaset')
        .truncate(1s)
    |where(lambda: "value" >= 0)
    |default()
        .field('weight', 1.0)
    |derivative('value')
        .as('rps')
        .unit(1s)
        .nonNegative()
    |eval(lambda: "rps" * "weight")
        .as('rps')
    |groupBy('replicaset')
    |sum('rps')
        .as('total')
    |movingAverage('total', 5)
        .as('avg')
    |k8sAutoscale()
        .kind('replicasets')
        .resourceNameTag('replicaset')
        .min(1)
        .max(40)
        .increaseCooldown(4s)
        .decreaseCooldown(7s)
        .replicas(lambda: int(ceil("avg" / 10.0)))
`;

// windows (time and count) and reducers on both edges: int vs float kept through mean/sum/max/percentile
const WINDOWS = `var s = stream
    |from()
        .measurement('requests')
        .groupBy('replicaset')
s
    |window()
        .period(5s)
        .every(2s)
    |mean('value')
        .as('m')
s
    |window()
        .periodCount(4)
        .everyCount(3)
    |percentile('value', 75.0)
s
    |max('value')
s
    |median('value')
s
    |count('value')
s
    |spread('value')
s
    |movingAverage('value', 3)
`;

const RESOURCES = ['rs0', 'rs1', 'rs2'];
const HOSTS = ['h0', 'h1'];

/** Writes of stamped traffic: running request counters per host (ints), a few restarts, sub-second jitter. */
function traffic(seed: number, seconds: number): string[] {
  const rnd = mulberry32(seed);
  const counters = new Map<string, bigint>();
  const writes: string[] = [];
  for (let s = 0; s < seconds; s++) {
    const lines: string[] = [];
    for (const rs of RESOURCES) {
      for (const h of HOSTS) {
        const key = rs + h;
        const prev = counters.get(key) ?? 0n;
        const next = rnd() < 0.03 ? 0n : prev + BigInt(Math.floor(rnd() * 400));
        counters.set(key, next);
        const ns = BigInt(1_700_000_000 + s) * 1_000_000_000n + BigInt(Math.floor(rnd() * 900)) * 1_000_000n;
        lines.push(`requests,host=${h},replicaset=${rs} value=${next}i ${ns}`);
      }
    }
    writes.push(lines.join('\n'));
  }
  return writes;
}

interface Run {
  readonly tm: TaskMaster;
  readonly task: Task;
}

const silent = pino({ level: 'silent' });

function start(pipeline: Pipeline): Run {
  const tm = new TaskMaster({ nodes: builtinNodes, logger: silent, services: { kubernetes } });
  const task = tm.startTask('t', pipeline, [{ db: 'db', rp: 'rp' }]) as Task;
  return { tm, task };
}

async function feed(run: Run, writes: readonly string[]): Promise<void> {
  const parser = new LineParser();
  for (const w of writes) {
    run.tm.writePoints('db', 'rp', parser.parse(w, 'db', 'rp', ''));
    // the first read of a resource is answered asynchronously: let it land before the next write (a checkpoint
    // is only taken between messages with no read outstanding)
    for (const n of run.task.nodes) if ('whenIdle' in n) await (n as unknown as { whenIdle(): Promise<void> }).whenIdle();
  }
}

/** What a run produced: the messages of every capture node, the decisions, the node statistics. */
function outputs(run: Run): { captures: Message[][]; decisions: unknown[]; stats: Record<string, Record<string, number>> } {
  const captures = run.task.nodes.filter((n): n is SnapCaptureNode => n instanceof SnapCaptureNode).map((n) => n.seen);
  const decisions = run.task.autoscalers().flatMap((a) => a.decisions({ limit: 1e9 }))
    .map((d) => [d.seq, d.time, d.resource, d.current, d.recommended, d.clamped, d.final, d.reason, d.actuation?.status]);
  const stats = run.task.stats()['node-stats'];
  for (const s of Object.values(stats)) delete s['avg_exec_time_ns'];
  return { captures, decisions, stats };
}

/** The pipeline with a capture node under every node that emits. */
function watched(script: string): Pipeline {
  let p = evaluateScript(script);
  for (const n of [...p.nodes]) if (n.kind !== 'stream') p = appendChild(p, n.name, 'testSnapCapture').pipeline;
  return p;
}

async function checkCuts(script: string, seed: number, cuts: number): Promise<void> {
  const pipeline = watched(script);
  const writes = traffic(seed, 60);
  const whole = start(pipeline);
  await feed(whole, writes);
  const expected = outputs(whole);
  assert.ok(expected.captures.every((c) => c.length > 0), 'every watched node emitted something in the uninterrupted run');
  const rnd = mulberry32(seed * 31 + 7);
  for (let i = 0; i < cuts; i++) {
    const cut = 1 + Math.floor(rnd() * (writes.length - 1));
    const first = start(pipeline);
    await feed(first, writes.slice(0, cut));
    const text = encodeSnapshot(first.task.snapshot());
    assert.equal(encodeSnapshot(decodeSnapshot(text)), text, 'the encoding round-trips');
    const before = outputs(first).captures;
    first.tm.stopAll();
    const second = start(pipeline);
    second.task.restore(decodeSnapshot(text));
    await feed(second, writes.slice(cut));
    const after = outputs(second);
    const joined = before.map((b, k) => [...b, ...after.captures[k]!]);
    assert.deepStrictEqual(joined, expected.captures, `cut after write ${cut}: outputs`);
    assert.deepStrictEqual(after.decisions, expected.decisions, `cut after write ${cut}: decisions`);
    assert.deepStrictEqual(after.stats, expected.stats, `cut after write ${cut}: node statistics`);
    second.tm.stopAll();
  }
  whole.tm.stopAll();
}

test('autoscale pipeline (from, where, default, derivative, eval, groupBy, sum, movingAverage, k8sAutoscale): snapshot at random cuts, restore, same outputs', async () => {
  for (const seed of [1, 2, 3]) await checkCuts(AUTOSCALE, seed, 4);
});

test('windows and reducers on stream and batch edges: snapshot at random cuts, restore, same outputs', async () => {
  for (const seed of [4, 5]) await checkCuts(WINDOWS, seed, 4);
});

test('snapshot encoding is exact: bigint, int vs float, NaN, ±Infinity, -0, undefined, $-keys', () => {
  const v: SnapshotValue = { a: [1n, 1, -0, NaN, Infinity, -Infinity, 0.1 + 0.2, undefined, null, 'x'], $b: { $n: 'not a bigint' } };
  const back = decodeSnapshot(encodeSnapshot(v)) as Record<string, SnapshotValue[]>;
  assert.deepStrictEqual(back, v);
  assert.ok(Object.is((back['a'] as SnapshotValue[])[2], -0));
  assert.equal(typeof (back['a'] as SnapshotValue[])[0], 'bigint');
  assert.equal(typeof (back['a'] as SnapshotValue[])[1], 'number');
});

test('a task with a node without snapshot support, or a stateful lambda, says which node cannot', () => {
  const withStateful = start(evaluateScript(`stream
    |from()
        .measurement('m')
    |where(lambda: count() > 2)
`));
  assert.throws(() => withStateful.task.snapshot(), (e: Error) => e instanceof SnapshotUnsupported && /node where2: the lambda uses a stateful function/.test(e.message));
  withStateful.tm.stopAll();
  const withLog = start(evaluateScript(`stream
    |from()
        .measurement('m')
    |stateCount(lambda: "v" > 1)
`));
  assert.throws(() => withLog.task.snapshot(), (e: Error) => e instanceof SnapshotUnsupported && /node state_count2: stateCount has no snapshot support/.test(e.message));
  withLog.tm.stopAll();
});
