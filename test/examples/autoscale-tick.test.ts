/**
 * examples/autoscale/autoscale.tick is in canonical format (SPEC §2.8), builds the seed's pipeline (SPEC §1.6:
 * stream0 … k8s_autoscale6 with the same properties) and its vars can be overridden per task.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateScript, formatScript, type Pipeline } from '../../tickscript/index.ts';
import { repoRoot } from './helpers.ts';

const ours = readFileSync(join(repoRoot, 'examples/autoscale/autoscale.tick'), 'utf8');
const seedPath = join(repoRoot, '..', 'shared', 'seed', 'autoscale.tick');

/** node name → property methods in order (the pipeline without comments or positions). */
function shape(p: Pipeline): [string, string[]][] {
  return p.nodes.map((n) => [n.name, n.calls.map((c) => c.method)]);
}

test('canonical format: the formatter returns the file unchanged', () => {
  assert.equal(formatScript(ours), ours);
});

test('same pipeline as the tutorial\'s script (SPEC §1.6)', (t) => {
  const p = evaluateScript(ours);
  assert.deepEqual(p.nodes.map((n) => n.name), ['stream0', 'from1', 'derivative2', 'groupby3', 'sum4', 'movingAverage5', 'k8s_autoscale6']);
  if (!existsSync(seedPath)) { t.skip('shared/seed is absent'); return; }
  assert.deepEqual(shape(p), shape(evaluateScript(readFileSync(seedPath, 'utf8'))));
});

test('declared vars: the seed\'s four with the same defaults, plus kind', () => {
  const decl = Object.fromEntries([...ours.matchAll(/^var (\w+) = (.+)$/gm)].map((m) => [m[1], m[2]]));
  // SPEC §1.6: target 100.0, increase 1m, decrease 2m, moving_avg_count 60.
  assert.deepEqual(decl, { target: '100.0', increase_cooldown: '1m', decrease_cooldown: '2m', moving_avg_count: '60', kind: "'deployments'" });
});

test('task vars override the kind and the numbers', () => {
  const vars = { kind: { type: 'string', value: 'replicasets' }, moving_avg_count: { type: 'int', value: 5n } };
  const p = evaluateScript(ours, { vars: vars as never });
  const k8s = p.nodes.find((n) => n.name === 'k8s_autoscale6')!;
  assert.deepEqual(k8s.calls.find((c) => c.method === 'kind')!.args, [{ type: 'string', value: 'replicasets' }]);
  assert.deepEqual(p.nodes.find((n) => n.name === 'movingAverage5')!.args[1], { type: 'int', value: 5n });
  assert.throws(() => evaluateScript(ours, { vars: { kind: { type: 'int', value: 1n } } as never }), /kind/);
});
