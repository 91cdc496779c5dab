// k8sAutoscale end to end from TICKscript: the seed tutorial's autoscale.tick (SPEC 1.6; skipped when
// ../shared/seed is absent) and our own equivalent script, fed a replay of the tutorial's traffic as stamped
// points, against the kube-api test server through the real client. The expected scale updates are derived
// below from the spec, not from the program.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileLambda, evaluateScript } from '../../tickscript/index.ts';
import { setLambdaCompiler } from '../../runtime/lambda.ts';
import { startTask, type Harness } from '../helpers/runtime/replay.ts';
import { startKubeApi, type KubeApiServer } from '../../fixtures/kube-api/server.ts';
import { autoscaleNode, decided, registryFor, scaleWrites } from './k8s-autoscale-helpers.ts';
import { TUTORIAL_AUTOSCALE_SCRIPT } from '../helpers/tutorial-script.ts';

setLambdaCompiler(compileLambda);

const SEED_TICK = fileURLToPath(new URL('../../../shared/seed/autoscale.tick', import.meta.url));

/** The seed script, written independently (SPEC 1.6), plus an httpOut to read the event points back. */
const OWN_SCRIPT = TUTORIAL_AUTOSCALE_SCRIPT + "    |httpOut('events')\n";

/** 2016-11-08T18:21:07Z, the seed's era; any whole second works. */
const BASE = 1478629267;
const LAST = 429;

/**
 * Total request rate over second (s-1, s], split evenly over hosts app-a and app-b (integers, so every rate,
 * sum and mean below is exact in float64): 250/s up to s=120, 550/s up to s=300, then 50/s.
 */
function totalRate(s: number): number {
  return s <= 120 ? 250 : s <= 300 ? 550 : 50;
}

/**
 * Expected outcome, derived from the spec:
 * - derivative (SPEC 3.8) gives each host's rate at s >= 1; sum (SPEC 3.6) emits the total for s when s+1
 *   arrives, so totals exist for s = 1..LAST-1; movingAverage(60) (SPEC 3.7) first emits at s = 60 with the mean of
 *   totals 1..60, then at s the mean of s-59..s. k8sAutoscale (SPEC 4.2): want = ceil(avg/100), min 1; current 1.
 * - s=60: avg 250 → 3 > 1, first increase never blocked → 1→3.
 * - 121..180: avg = 250 + 5(s-120). s=131: 305 → 4; last increase 60, 131 >= 60+60 → 3→4.
 *   s=151..190: want 5 or 6 (> 4) but 151..190 < 131+60 → 40 cooldown drops. s=191: avg 550 → 6 → 4→6.
 * - 301..360: avg = 550 - 500(s-300)/60. s=306: exactly 500 → 5 < 6, first decrease → 6→5.
 *   s=318..425: want <= 4 but s < 306+120 → 108 cooldown drops (s=307..317 want 5 = current: nothing).
 *   s=426: avg 50 → ceil(0.5) = 1 → 5→1. Then 1 = current.
 */
const EXPECTED_WRITES = [3, 4, 6, 5, 1];
const EXPECTED = { increase_events: 3, decrease_events: 2, cooldown_drops: 40 + 108, errors: 0 };

async function replay(api: KubeApiServer, script: string): Promise<Harness> {
  const h = startTask(evaluateScript(script), { db: 'autoscale', rp: 'autogen', services: { kubernetes: registryFor(api) } });
  const node = autoscaleNode(h);
  const count = { a: 0, b: 0 };
  for (let s = 0; s <= LAST; s++) {
    if (s > 0) {
      count.a += totalRate(s) / 2;
      count.b += totalRate(s) / 2;
    }
    // each app pod posts its own line once per second, stamped to the second (precision=s, SPEC 1.2)
    h.write(`requests,host=app-a,replicaset=app value=${count.a}i ${BASE + s}`, 's', 'autoscale', 'autogen');
    h.write(`requests,host=app-b,replicaset=app value=${count.b}i ${BASE + s}`, 's', 'autoscale', 'autogen');
    // a second of wall time is far longer than an API round trip: let pending scale calls finish
    await node.whenIdle();
  }
  return h;
}

function check(h: Harness, api: KubeApiServer): void {
  assert.deepEqual(scaleWrites(api, 'app'), EXPECTED_WRITES);
  // every write went to the apps/v1 replicaset scale subresource
  for (const r of api.state.scaleWrites()) assert.equal(r.path, '/apis/apps/v1/namespaces/default/replicasets/app/scale');
  const stats = h.task.stats()['node-stats']['k8s_autoscale6']!;
  for (const [k, v] of Object.entries(EXPECTED)) assert.equal(stats[k], v, k);
  assert.equal(api.state.get('replicasets', 'default', 'app')!.replicas, 1);
}

describe('k8sAutoscale from TICKscript, replaying the tutorial traffic', () => {
  let api: KubeApiServer;
  let h: Harness | undefined;
  before(async () => { api = await startKubeApi(); });
  after(async () => { h?.stop(); await api.close(); });

  it('our equivalent script: updates 3,4,6,5,1 and the {old,new} event points', async () => {
    api.state.reset();
    api.state.seed({ kind: 'replicasets', name: 'app', replicas: 1 });
    h = await replay(api, OWN_SCRIPT);
    check(h, api);
    // the last event (s=426): input name/time, group tag + namespace/kind/resource, int old/new (SPEC 4.2 step 8)
    assert.deepEqual(JSON.parse(h.httpOut('events')!), { series: [{
      name: 'requests',
      tags: { kind: 'replicasets', namespace: 'default', replicaset: 'app', resource: 'app' },
      columns: ['time', 'new', 'old'],
      values: [[new Date((BASE + 426) * 1000).toISOString().replace('.000Z', 'Z'), 1, 5]],
    }] });
    h.stop();
    h = undefined;
  });

  it('currentField is an int inside the lambda (Project decision; Kapacitor 1.5–1.8 fail here)', async () => {
    api.state.reset();
    api.state.seed({ kind: 'deployments', namespace: 'web', name: 'front', replicas: 2 });
    h = startTask(evaluateScript(`stream|from().measurement('scale')
      |k8sAutoscale().namespace('web').resourceName('front').currentField('replicas').max(10)
        .replicas(lambda: "replicas" + int("step"))`), { services: { kubernetes: registryFor(api) } });
    h.write(['scale step=3.0 1', 'scale step=-1.0 2', 'scale step=20.0 3'], 's');
    await autoscaleNode(h).whenIdle();
    // 2+3 = 5, 5-1 = 4, 4+20 = 24 → max 10 (decided in one write; the actuator converges to the last)
    assert.deepEqual(decided(autoscaleNode(h)), [5, 4, 10]);
    assert.equal(api.state.get('deployments', 'web', 'front')!.replicas, 10);
    // a float result is a TypeGuard error (SPEC 4.2 step 3), counted, point dropped
    h.stop();
    h = startTask(evaluateScript(`stream|from().measurement('scale')
      |k8sAutoscale().namespace('web').resourceName('front').replicas(lambda: "step")`), { services: { kubernetes: registryFor(api) } });
    h.write('scale step=3.5 4', 's');
    await autoscaleNode(h).whenIdle();
    assert.equal(h.task.stats()['node-stats']['k8s_autoscale2']!['errors'], 1);
    assert.match(String(h.logs.at(-1)!['msg']), /^failed to evaluate the replicas expression: .*expected int/);
    h.stop();
    h = undefined;
  });

  it('the seed autoscale.tick, verbatim', { skip: !existsSync(SEED_TICK) && 'seed autoscale.tick not present' }, async () => {
    api.state.reset();
    api.state.seed({ kind: 'replicasets', name: 'app', replicas: 1 });
    h = await replay(api, readFileSync(SEED_TICK, 'utf8'));
    check(h, api);
    h.stop();
    h = undefined;
  });
});
