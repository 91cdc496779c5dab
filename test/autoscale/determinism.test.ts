// Property (issue "decisions in data time"): a task's autoscale decisions and counters depend on its input data
// only. Random traffic over a few resources, cut into random write batches, against a Kubernetes API answering
// with a random latency, gives exactly what the independent reference model (reference-model.ts, SPEC 4.2)
// gives for each resource's points — and the cluster ends at each resource's last decided count.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda, evaluateScript } from '../../tickscript/index.ts';
import { setLambdaCompiler } from '../../runtime/lambda.ts';
import { startTask } from '../helpers/runtime/replay.ts';
import { startKubeApi, type KubeApiServer } from '../../fixtures/kube-api/server.ts';
import { autoscaleNode, decided, registryFor } from '../nodes/k8s-autoscale-helpers.ts';
import { mulberry32, pick } from '../helpers/prng.ts';
import { referenceDecisions, type RefPoint, type RefSettings } from './reference-model.ts';

setLambdaCompiler(compileLambda);

const RESOURCES = ['web', 'api', 'worker'];

interface Case {
  settings: RefSettings;
  initial: Record<string, number>;
  /** in arrival order */
  points: { res: string; t: number; want: number }[];
  batches: number[];
  delayMs: number;
}

function randomCase(seed: number): Case {
  const rnd = mulberry32(seed);
  const settings: RefSettings = {
    min: pick(rnd, [1, 1, 2]), max: pick(rnd, [0, 0, 8, 20]),
    increaseCooldown: pick(rnd, [0, 5, 30]), decreaseCooldown: pick(rnd, [0, 10, 60]),
  };
  const initial: Record<string, number> = {};
  for (const r of RESOURCES) initial[r] = 1 + Math.floor(rnd() * 5);
  const points: Case['points'] = [];
  const n = 50 + Math.floor(rnd() * 250);
  const level: Record<string, number> = { ...initial };
  for (let i = 0; i < n; i++) {
    const res = pick(rnd, RESOURCES);
    // a random walk with jumps, sometimes negative or far above max
    level[res] = rnd() < 0.1 ? Math.floor(rnd() * 40) - 5 : Math.max(-2, level[res]! + Math.floor(rnd() * 5) - 2);
    points.push({ res, t: i, want: level[res]! });
  }
  const batches: number[] = [];
  for (let left = n; left > 0;) {
    const b = Math.min(left, pick(rnd, [1, 1, 2, 7, 50, 5000]));
    batches.push(b);
    left -= b;
  }
  return { settings, initial, points, batches, delayMs: pick(rnd, [0, 0, 5, 20, 60]) };
}

function script(s: RefSettings): string {
  return `stream
    |from()
        .measurement('load')
        .groupBy('app')
    |k8sAutoscale()
        .resourceNameTag('app')
        .min(${s.min})
        .max(${s.max})
        .increaseCooldown(${s.increaseCooldown}s)
        .decreaseCooldown(${s.decreaseCooldown}s)
        .replicas(lambda: "want")
`;
}

describe('autoscale decisions are a function of the data (property, against the reference model)', () => {
  let api: KubeApiServer;
  before(async () => { api = await startKubeApi(); });
  after(() => api.close());

  for (let seed = 1; seed <= 24; seed++) {
    it(`seed ${seed}`, async () => {
      const c = randomCase(seed);
      api.state.reset();
      api.delayMs = c.delayMs;
      for (const r of RESOURCES) api.state.seed({ kind: 'deployments', name: r, replicas: c.initial[r]! });
      const h = startTask(evaluateScript(script(c.settings)), { services: { kubernetes: registryFor(api, 5000) } });
      try {
        const node = autoscaleNode(h);
        const lines = c.points.map((p) => `load,app=${p.res} want=${p.want}i ${p.t}`);
        let i = 0;
        for (const b of c.batches) {
          h.write(lines.slice(i, i + b), 's');
          i += b;
          if (b < 5 || c.delayMs > 0) await new Promise((r) => setTimeout(r, Math.floor(c.delayMs / 3)));
        }
        await node.whenIdle();
        let increases = 0;
        let decreases = 0;
        let drops = 0;
        for (const r of RESOURCES) {
          const pts: RefPoint[] = c.points.filter((p) => p.res === r).map((p) => ({ t: p.t, want: p.want }));
          const ref = referenceDecisions(c.initial[r]!, pts, c.settings);
          assert.deepEqual(decided(node, `default/deployments/${r}`), ref.updates, `seed ${seed} ${r}`);
          const last = ref.updates.at(-1) ?? c.initial[r]!;
          assert.equal(api.state.get('deployments', 'default', r)!.replicas, last, `seed ${seed} ${r}: cluster`);
          increases += ref.increases;
          decreases += ref.decreases;
          drops += ref.cooldownDrops;
        }
        const stats = h.task.stats()['node-stats']['k8s_autoscale2']!;
        assert.deepEqual([stats['increase_events'], stats['decrease_events'], stats['cooldown_drops'], stats['errors']],
          [increases, decreases, drops, 0], `seed ${seed} counters`);
      } finally {
        h.stop();
        api.delayMs = 0;
      }
    });
  }
});
