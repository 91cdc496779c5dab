// Batch-edge behaviour of where, eval, derivative, movingAverage (SPEC 3.4, 3.5, 3.7, 3.8), fed by the
// test-only testBatcher node (a point with flush=true closes the group's batch at its time).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendChild } from '../helpers/runtime/splice.ts';
import { startTask } from '../helpers/runtime/replay.ts';
import { captured } from '../helpers/runtime/capture.ts';
import '../helpers/runtime/batcher.ts';
import type { Batch } from '../../model/point.ts';
import { evaluateScript } from '../../tickscript/index.ts';
import type { Pipeline } from '../../tickscript/pipeline.ts';

/** Insert testBatcher between from1 and the rest of a script `stream|from()...|X...` (all later nodes become batch). */
function batched(script: string): { pipeline: Pipeline; cap: string } {
  const p = evaluateScript(script);
  const from = p.nodes.find((n) => n.kind === 'from')!;
  const id = p.nodes.length;
  const nodes = p.nodes.map((n) => {
    if (n.id === from.id) return { ...n, children: [id] };
    if (n.parents.includes(from.id)) return { ...n, parents: [id], wants: 'batch' as const, provides: 'batch' as const };
    if (n.id > from.id) return { ...n, wants: 'batch' as const, provides: n.provides === 'stream' ? ('batch' as const) : n.provides };
    return n;
  });
  nodes.push({ id, kind: 'testBatcher', name: 'testBatcher' + id, args: [], calls: [], parents: [from.id],
    children: [...from.children], wants: 'stream', provides: 'batch', pos: { line: 0, column: 0 } });
  const last = nodes.filter((n) => n.children.length === 0 && n.id !== id).pop()!;
  const r = appendChild({ ...p, nodes }, last.name, 'testCapture');
  return { pipeline: r.pipeline, cap: r.name };
}

function run(t: { after(fn: () => void): void }, script: string, lines: string[]) {
  const { pipeline, cap } = batched(script);
  const h = startTask(pipeline);
  t.after(() => h.stop());
  h.write(lines, 's');
  return { h, batches: captured(h.task, cap) as Batch[] };
}

const view = (bs: Batch[]) => bs.map((b) => [b.tmax / 1_000_000_000n, b.points.map((p) => [p.time / 1_000_000_000n, p.fields])]);

test('where filters the points of a batch (3.4)', (t) => {
  const { batches } = run(t, `stream|from().measurement('m')|where(lambda: "v" > 1)`,
    ['m v=1 1', 'm v=2 2', 'm v=3 3', 'm flush=true 10']);
  assert.deepEqual(view(batches), [[10n, [[2n, { v: 2 }], [3n, { v: 3 }]]]]);
});

test('eval transforms every point of a batch (3.5)', (t) => {
  const { batches } = run(t, `stream|from().measurement('m')|eval(lambda: "v" * 10.0).as('w')`,
    ['m v=1 1', 'm v=2 2', 'm flush=true 10']);
  assert.deepEqual(view(batches), [[10n, [[1n, { w: 10 }], [2n, { w: 20 }]]]]);
});

test('derivative restarts at each batch; movingAverage emits within a batch once full (3.7, 3.8)', (t) => {
  const d = run(t, `stream|from().measurement('m')|derivative('v')`,
    ['m v=1 1', 'm v=3 2', 'm v=7 3', 'm flush=true 10', 'm v=100 11', 'm v=101 12', 'm flush=true 20']);
  // first batch: (3-1)/1s = 2 @2, (7-3)/1s = 4 @3; second batch starts over: (101-100) = 1 @12
  assert.deepEqual(view(d.batches), [[10n, [[2n, { v: 2 }], [3n, { v: 4 }]]], [20n, [[12n, { v: 1 }]]]]);
  const m = run(t, `stream|from().measurement('m')|movingAverage('v', 2)`,
    ['m v=1i 1', 'm v=2i 2', 'm v=4i 3', 'm flush=true 10']);
  assert.deepEqual(view(m.batches), [[10n, [[2n, { movingAverage: 1.5 }], [3n, { movingAverage: 3 }]]]]);
});
