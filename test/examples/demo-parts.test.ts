/**
 * The demo's pure parts: option presets, the task vars it passes to `kapacitor define -vars`, the SVG, the
 * DOT stats reader and the status lines. The whole demo runs in demo.e2e.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from './xml.ts';
import { parseDemoArgs, UsageError, type DemoOptions } from '../../examples/autoscale/demo/options.ts';
import { effectiveKind, inspectScript, taskVars } from '../../examples/autoscale/demo/task-vars.ts';
import { nodeStats } from '../../examples/autoscale/demo/processes.ts';
import { runDemo } from '../../examples/autoscale/demo/run.ts';
import { niceStep, renderSvg } from '../../examples/autoscale/demo/svg.ts';
import { statusLine } from '../../examples/autoscale/demo/view.ts';
import type { Decision, DemoParameters, Sample } from '../../examples/autoscale/demo/timeline.ts';
import { repoRoot } from './helpers.ts';

const opts = (argv: string[]): DemoOptions => {
  const o = parseDemoArgs(argv);
  assert.notEqual(o, 'help');
  return o as DemoOptions;
};

test('defaults are the tutorial\'s (SPEC §1.3 ramp, §1.6 task vars); --short shrinks them; flags override', () => {
  const d = opts([]);
  assert.deepEqual([d.max, d.step, d.intervalMs], [5000, 10, 5000]);
  assert.deepEqual([d.target, d.movingAvg, d.increaseCooldownMs, d.decreaseCooldownMs], [100, 60, 60000, 120000]);
  assert.equal(d.kind, 'deployments');
  const s = opts(['--short']);
  assert.deepEqual([s.max, s.step, s.movingAvg, s.increaseCooldownMs, s.decreaseCooldownMs], [300, 50, 10, 10000, 20000]);
  const o = opts(['--short', '--max', '60', '--interval', '2s', '--target', '20', '--kind', 'replicasets', '--no-live']);
  assert.deepEqual([o.max, o.intervalMs, o.target, o.kind, o.live, o.step], [60, 2000, 20, 'replicasets', false, 50]);
  assert.equal(parseDemoArgs(['--help']), 'help');
  assert.throws(() => parseDemoArgs(['--max', '0']), (e: unknown) => e instanceof UsageError && /--max must be a positive integer, got "0"/.test(e.message));
  assert.throws(() => parseDemoArgs(['--kind', 'statefulsets']), /--kind must be deployments or replicasets/);
  assert.throws(() => parseDemoArgs(['--increase-cooldown', '1h']), /--increase-cooldown: invalid interval "1h"/);
  assert.throws(() => parseDemoArgs(['--bogus']), UsageError);
});

test('task vars: only the vars the script declares, durations in nanoseconds', () => {
  const ours = inspectScript(readFileSync(`${repoRoot}examples/autoscale/autoscale.tick`, 'utf8'));
  assert.deepEqual([...ours.vars].sort(), ['decrease_cooldown', 'increase_cooldown', 'kind', 'moving_avg_count', 'target']);
  const o = opts(['--short', '--kind', 'replicasets']);
  assert.deepEqual(taskVars(o, ours), {
    target: { type: 'float', value: 100 },
    moving_avg_count: { type: 'int', value: 10 },
    increase_cooldown: { type: 'duration', value: 10_000_000_000 },
    decrease_cooldown: { type: 'duration', value: 20_000_000_000 },
    kind: { type: 'string', value: 'replicasets' },
  });
  assert.equal(effectiveKind(o, ours), 'replicasets');
  // A script like the seed's: no kind var, kind fixed to replicasets (SPEC §1.6).
  const seedLike = inspectScript("var target = 100.0\nvar moving_avg_count = 60\nstream\n    |k8sAutoscale()\n        .kind('replicasets')\n");
  assert.deepEqual(Object.keys(taskVars(o, seedLike)), ['target', 'moving_avg_count']);
  assert.equal(effectiveKind(opts([]), seedLike), 'replicasets');
  assert.throws(() => effectiveKind(opts([]), inspectScript(".kind('replicationcontroller')")), /scales "replicationcontroller"/);
});

test('DOT stats of the k8s node are read from `kapacitor show` (SPEC §1.5 line format)', () => {
  const show = 'DOT:\ndigraph autoscale {\nmovingAverage5 -> k8s_autoscale6 [processed="3"];\n\n' +
    'k8s_autoscale6 [avg_exec_time_ns="0s" cooldown_drops="2" decrease_events="1" errors="0" increase_events="3" working_cardinality="1" ];\n}\n';
  assert.deepEqual(nodeStats(show, 'k8s_autoscale'), {
    node: 'k8s_autoscale6',
    stats: { avg_exec_time_ns: '0s', cooldown_drops: '2', decrease_events: '1', errors: '0', increase_events: '3', working_cardinality: '1' },
  });
  assert.equal(nodeStats('digraph x {\n}\n', 'k8s_autoscale'), undefined);
});

const params: DemoParameters = { max: 300, step: 50, intervalS: 5, target: 100, movingAvg: 10, increaseCooldownS: 10, decreaseCooldownS: 20, kind: 'deployments', script: 'x.tick' };

test('SVG: well-formed, one polyline point per sample, one marker per decision', () => {
  const samples: Sample[] = [0, 1, 2, 3].map((t) => ({ t, offered: t * 50, served: t * 49, perReplica: t * 24.5, desired: t < 2 ? 1 : 2, ready: t < 3 ? 1 : 2 }));
  const decisions: Decision[] = [{ time: '2026-01-01T00:00:02.000Z', t: 2, workload: 'app', kind: 'deployments', old: 1, new: 2, direction: 'increase', offered: 100, served: 98 }];
  const svg = renderSvg(samples, decisions, params);
  assert.equal(XMLValidator(svg), true);
  assert.notEqual(XMLValidator('<svg><g></svg>'), true); // the checker itself rejects bad nesting
  assert.notEqual(XMLValidator('<text>a < b</text>'), true);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  // per-replica series (not a step line): exactly 4 points.
  const perReplica = /<polyline fill="none" stroke="#2ca02c" stroke-width="1.8" points="([^"]*)"/.exec(svg)!;
  assert.equal(perReplica[1]!.split(' ').length, 4);
  assert.equal((svg.match(/stroke-dasharray="4 3"/g) ?? []).length, 1);
  assert.match(svg, /1 scaling decisions/);
  assert.equal(niceStep(330, 6), 100);
  assert.equal(niceStep(7, 5), 2);
});

test('status line shows offered, served, replicas and per-replica rate', () => {
  assert.equal(statusLine({ t: 12, offered: 150, served: 148.5, perReplica: 74.25, desired: 2, ready: 2 }),
    '[   12s] offered   150 QPS  served   148.5 rps  replicas 2/2  per replica   74.3 rps');
});

test('a missing --script fails before the demo creates its output or data directory', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'demo-parts-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const outDir = join(base, 'out');
  const o = { ...opts(['--short', '--no-live']), script: join(base, 'nope.tick'), outDir };
  await assert.rejects(runDemo(o, () => {}, new AbortController().signal), /--script .*nope\.tick: no such file/);
  assert.equal(existsSync(outDir), false);
});
