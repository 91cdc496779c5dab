// noOp (noop.go: forwards everything) and trickle (trickle.go: each batch point becomes a point with the batch's
// name and dimensions and the point's own tags, fields and time).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTask } from '../helpers/runtime/replay.ts';
import { appendChild } from '../helpers/runtime/splice.ts';
import { evaluateScript } from '../../tickscript/index.ts';
import type { Point } from '../../model/point.ts';
import { capture } from './capture.ts';

type T = { after(fn: () => void): void };
function run(t: T, script: string, node: string) {
  const { pipeline } = appendChild(evaluateScript(script), node, 'testCapture');
  const h = startTask(pipeline);
  t.after(() => h.stop());
  return h;
}

test('trickle: a window\'s batch comes back as its points, grouped by the batch dimensions', (t) => {
  const h = run(t, `stream|from().measurement('m').groupBy('host')|window().period(2s).every(2s).align()|trickle()`, 'trickle3');
  h.write(['m,host=a,dc=x v=1 0', 'm,host=a,dc=y v=2 1', 'm,host=a v=3 2'], 's');
  const pts = capture(h).raw as Point[];
  assert.deepEqual(pts.map((p) => [p.name, p.tags, p.fields, Number(p.time / 1_000_000_000n), p.group, p.dims.tagNames]), [
    ['m', { host: 'a', dc: 'x' }, { v: 1 }, 0, 'host=a', ['host']],
    ['m', { host: 'a', dc: 'y' }, { v: 2 }, 1, 'host=a', ['host']],
  ]);
  assert.equal(evaluateScript(`stream|from()|window().period(1s)|trickle()`).nodes[3]!.provides, 'stream');
});

test('noOp: passes points and batches unchanged', (t) => {
  const h = run(t, `stream|from().measurement('m')|noOp()`, 'noop2');
  h.write(['m v=1 0', 'm v=2 1'], 's');
  assert.deepEqual((capture(h).raw as Point[]).map((p) => p.fields['v']), [1, 2]);
  const b = run(t, `stream|from().measurement('m')|window().period(2s).every(2s).align()|noOp()`, 'noop3');
  b.write(['m v=1 0', 'm v=2 2'], 's');
  assert.equal(capture(b).raw.length, 1);
});
