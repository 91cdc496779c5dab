/**
 * The demo end to end (brief item 8): real processes (kapacitord, the kapacitor CLI, app pods), real HTTP, the
 * local cluster. A shortened run — ramp 20→80→20 QPS in steps of 3 s, target 20 rps per replica, moving average
 * of 5, cooldowns 5 s up / 10 s down — must scale up while load rises and back to one replica after it stops,
 * within the bounds the task's formula, moving average and cooldowns allow (SPEC §1.6, §4.2), not a snapshot.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rampLevels } from '../../examples/autoscale/ramp/schedule.ts';
import type { Decision, Sample } from '../../examples/autoscale/demo/timeline.ts';
import { repoRoot, spawnTs } from './helpers.ts';

const P = { max: 80, step: 20, intervalS: 3, target: 20, movingAvg: 5, incS: 5, decS: 10 };

/** Pids of live processes whose environment holds `needle` (Linux /proc). */
function processesWithEnv(needle: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/environ`, 'latin1').split('\0').includes(needle)) out.push(Number(d));
    } catch {
      // gone or not ours
    }
  }
  return out;
}

const SEED_SCRIPT = join(repoRoot, '..', 'shared', 'seed', 'autoscale.tick');

test('demo: replicas rise with the load and return to one, within the task\'s bounds', { timeout: 120_000 }, async (t) => {
  await checkDemo(t, [], 'deployments');
});

test('demo with the seed tutorial\'s autoscale.tick verbatim: scales the ReplicaSet the same way', { timeout: 120_000 }, async (t) => {
  if (!existsSync(SEED_SCRIPT)) { t.skip('shared/seed is absent'); return; }
  await checkDemo(t, ['--script', SEED_SCRIPT], 'replicasets');
});

async function checkDemo(t: TestContext, extra: string[], kind: string): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'demo-e2e-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const demo = spawnTs('examples/autoscale/demo/main.ts', [
    '--max', String(P.max), '--step', String(P.step), '--interval', `${P.intervalS}s`, '--target', String(P.target),
    '--moving-avg', String(P.movingAvg), '--increase-cooldown', `${P.incS}s`, '--decrease-cooldown', `${P.decS}s`,
    '--tail', '60s', '--no-live', '--out', out, ...extra,
  ], {});
  t.after(() => demo.stop());
  const code = demo.child.exitCode ?? await new Promise<number | null>((r) => demo.child.once('exit', (c) => r(c)));
  assert.equal(code, 0, `demo failed:\n${demo.stdout()}\n${demo.stderr()}`);
  const stdout = demo.stdout();
  // The tutorial's commands ran through the CLI (SPEC §1.5).
  assert.match(stdout, /\$ kapacitor define autoscale -tick \S*autoscale\.tick -type stream -dbrp autoscale\.autogen -vars \S+vars\.json/);
  assert.match(stdout, /\$ kapacitor enable autoscale/);

  const { decisions, autoscaleStats, decided } = JSON.parse(readFileSync(join(out, 'decisions.json'), 'utf8')) as {
    decisions: Decision[]; autoscaleStats?: Record<string, string>; decided: { time: string; old: number; new: number }[];
  };
  const { samples } = JSON.parse(readFileSync(join(out, 'timeline.json'), 'utf8')) as { samples: Sample[] };
  assert.ok(existsSync(join(out, 'demo.svg')));
  assert.ok(decisions.every((d) => d.kind === kind), `expected ${kind}: ${JSON.stringify(decisions)}`);
  const ups = decisions.filter((d) => d.direction === 'increase');
  const downs = decisions.filter((d) => d.direction === 'decrease');
  const levels = rampLevels(P.max, P.step);
  const rampEnd = levels.length * P.intervalS;
  const ctx = `decisions: ${JSON.stringify(decisions.map((d) => [d.t, d.old, d.new]))}`;

  // Up while the load rises: the first decision is an increase, taken before the ramp is over.
  assert.ok(ups.length >= 1, ctx);
  assert.equal(decisions[0]!.direction, 'increase', ctx);
  assert.ok(decisions[0]!.t < rampEnd, ctx);
  // 80 QPS needs ceil(80/20) = 4 replicas. The first increase comes once the 5-point average passes 20 (the
  // 40 QPS level, t ≈ 6–8 s); the next is allowed 5 s later, when the average spans the 60–80 QPS levels
  // (≥ (60+60+80+80+80)/5 = 72 → 4) and stays ≥ 56 → 3 until t ≈ 18 s. So at least 3 replicas are reached.
  const peak = Math.max(...decisions.map((d) => d.new));
  assert.ok(peak >= 3, ctx);

  // Every decision is ceil(average / target) for an average of per-second totals drawn from the load of the last
  // movingAvg seconds (+3 s for the derivative, the sum emitting one step late, and reporting), SPEC §1.6 / App. A.
  // Allow 25 % measurement noise on the rates; min 1 (SPEC §4.1).
  const offeredAt = (from: number, to: number): number[] => samples.filter((s) => s.t >= from && s.t <= to).map((s) => s.offered);
  for (const d of decisions) {
    const window = offeredAt(d.t - P.movingAvg - 3, d.t);
    const hi = Math.max(0, ...window);
    const lo = Math.min(...window, hi);
    assert.ok(d.new <= Math.max(1, Math.ceil((hi * 1.25) / P.target)), `decision at ${d.t}s: ${d.new} replicas for load ≤ ${hi}; ${ctx}`);
    assert.ok(d.new >= Math.max(1, Math.floor((lo * 0.75) / P.target)), `decision at ${d.t}s: ${d.new} replicas for load ≥ ${lo}; ${ctx}`);
    assert.notEqual(d.new, d.old);
  }

  // Cooldowns are per direction, in data time (SPEC 4.2): checked exactly on the task's decision records. The
  // cluster sees the changes later, by the API's latency, and may see several coalesced into one (the actuator is
  // level-triggered), so its wall-clock times prove nothing about cooldowns; what it saw must be the decided
  // sequence with some intermediate steps skipped, ending at the same count.
  const dataS = (iso: string): number => Date.parse(iso) / 1000;
  for (const [dir, cd] of [['increase', P.incS], ['decrease', P.decS]] as const) {
    const list = decided.filter((d) => (d.new > d.old) === (dir === 'increase'));
    for (let i = 1; i < list.length; i++) {
      const gap = dataS(list[i]!.time) - dataS(list[i - 1]!.time);
      assert.ok(gap >= cd, `${dir}s at ${list[i - 1]!.time} and ${list[i]!.time} closer than ${cd}s in data time; ${ctx}`);
    }
  }
  assert.ok(decided.length >= decisions.length, `the cluster saw more changes than were decided; ${ctx}`);
  let k = 0;
  for (const d of decisions) {
    while (k < decided.length && decided[k]!.new !== d.new) k++;
    assert.ok(k < decided.length, `the cluster saw ${d.old} -> ${d.new}, which was never decided in that order; ${ctx}`);
    k++;
  }
  assert.equal(decided[decided.length - 1]!.new, decisions[decisions.length - 1]!.new, ctx);

  // Down once the load falls: no decrease before the peak level starts; back to exactly one replica at the end.
  const peakStart = levels.indexOf(P.max) * P.intervalS;
  for (const d of downs) assert.ok(d.t >= peakStart, ctx);
  assert.ok(downs.length >= 1, ctx);
  assert.equal(decisions[decisions.length - 1]!.new, 1, ctx);
  const last = samples[samples.length - 1]!;
  assert.deepEqual([last.desired, last.ready], [1, 1]);
  // Replicas really ran — judged by the pods' own records, not by how many were ready at a sampled second (a pod
  // the peak asked for can be stopped by the next decrease before a sample sees it ready on a busy machine).
  // The controller starts one pod per replica added and none else (no pod may crash): 1 + Σ increases.
  assert.doesNotMatch(stdout, /exited unexpectedly/);
  const pods = readdirSync(join(out, 'pods')).map((f) => readFileSync(join(out, 'pods', f), 'utf8'));
  const added = ups.reduce((n, d) => n + d.new - d.old, 0);
  assert.equal(pods.length, 1 + added, `pods started; ${ctx}`);
  // Each pod that listened counted its requests and said so on SIGTERM (examples/autoscale/app/main.ts); a pod
  // stopped before it listened never got traffic. Together they answered what the ramp got answered.
  const served = pods.map((log) => {
    const m = /shutting down after (\d+) requests/.exec(log);
    assert.ok(m || !/listening on/.test(log), `a pod listened but did not report its count:\n${log}`);
    return m ? Number(m[1]) : 0;
  });
  const ramp = /ramp: sent (\d+), ok (\d+), failed (\d+), skipped (\d+)/.exec(stdout);
  assert.ok(ramp, stdout);
  const [sent, ok] = [Number(ramp[1]), Number(ramp[2])];
  const total = served.reduce((a, b) => a + b, 0);
  assert.ok(total >= ok && total <= sent, `pods served ${total}, ramp sent ${sent}, ${ok} answered`);
  // The ramp offered what it was told: every level's qps × interval (SPEC §1.3); skips only under overload.
  assert.equal(sent + Number(ramp[4]), levels.reduce((a, q) => a + q * P.intervalS, 0));
  // The first scale-up's pods took load: they start ≥ 10 s before the ramp ends (first increase at ≈ 7 s of
  // 21 s) and no decrease comes before the peak level, so each is ready while requests still arrive.
  assert.ok(served.filter((n) => n > 0).length >= decisions[0]!.new, `requests per pod ${served}; ${ctx}`);
  // A sampled ready count can never exceed what the peak decision asked for.
  const maxReady = Math.max(...samples.map((s) => s.ready));
  assert.ok(maxReady <= peak, `max ready ${maxReady}; ${ctx}`);

  // The task's own counters agree with what the cluster saw (SPEC §4.3).
  assert.ok(autoscaleStats, `no k8s_autoscale stats in show output:\n${stdout}`);
  assert.equal(Number(autoscaleStats.increase_events), ups.length);
  assert.equal(Number(autoscaleStats.decrease_events), downs.length);
  assert.equal(Number(autoscaleStats.errors), 0);

  // Every app process the demo started is gone.
  if (process.platform === 'linux') {
    for (const log of readdirSync(join(out, 'pods'))) {
      const pod = log.replace(/\.log$/, '');
      assert.deepEqual(processesWithEnv(`APP_HOSTNAME=${pod}`), [], `pod ${pod} still running`);
    }
  }
}
