// The "done when": the seed's autoscale.tick (and our own equivalent script, so this never skips
// entirely) over ten minutes of two-host traffic decides [3,4,6,5,1,2,3] with 5 increases, 2 decreases and 188
// cooldown drops on every run — written in one burst, paced one second at a time, or one point per request, with
// the Kubernetes API answering at once or after 300 ms. Expectations are derived in test/helpers/ten-minute-traffic.ts.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileLambda, evaluateScript } from '../../tickscript/index.ts';
import { setLambdaCompiler } from '../../runtime/lambda.ts';
import { startTask, type Harness } from '../helpers/runtime/replay.ts';
import { startKubeApi, type KubeApiServer } from '../../fixtures/kube-api/server.ts';
import { autoscaleNode, decided, registryFor } from '../nodes/k8s-autoscale-helpers.ts';
import { TUTORIAL_AUTOSCALE_SCRIPT } from '../helpers/tutorial-script.ts';
import {
  TEN_MINUTES_BASE, TEN_MINUTES_DECISIONS, TEN_MINUTES_DECISION_SECONDS, TEN_MINUTES_STATS, tenMinuteLines,
} from '../helpers/ten-minute-traffic.ts';

setLambdaCompiler(compileLambda);

const SEED_TICK = fileURLToPath(new URL('../../../shared/seed/autoscale.tick', import.meta.url));

const OWN_SCRIPT = TUTORIAL_AUTOSCALE_SCRIPT;

type Delivery = 'burst' | 'paced' | 'point-per-write';

async function run(api: KubeApiServer, script: string, delivery: Delivery): Promise<Harness> {
  const h = startTask(evaluateScript(script), { db: 'autoscale', rp: 'autogen', services: { kubernetes: registryFor(api, 5000) } });
  const node = autoscaleNode(h);
  const seconds = tenMinuteLines();
  if (delivery === 'burst') {
    h.write(seconds.flat(), 's', 'autoscale', 'autogen');
  } else {
    for (const lines of seconds) {
      if (delivery === 'paced') h.write(lines, 's', 'autoscale', 'autogen');
      else for (const l of lines) h.write(l, 's', 'autoscale', 'autogen');
      // yield to the event loop now and then so API answers arrive in the middle of the traffic
      await new Promise((r) => setImmediate(r));
    }
  }
  await node.whenIdle();
  return h;
}

function check(h: Harness, api: KubeApiServer, what: string): void {
  const node = autoscaleNode(h);
  assert.deepEqual(decided(node), TEN_MINUTES_DECISIONS, what);
  const scaled = node.decisions({ reasons: new Set(['scaled']), limit: 100 });
  assert.deepEqual(scaled.map((r) => Number((r.time / 1_000_000_000n) - BigInt(TEN_MINUTES_BASE))), TEN_MINUTES_DECISION_SECONDS, what);
  const stats = h.task.stats()['node-stats']['k8s_autoscale6']!;
  for (const [k, v] of Object.entries(TEN_MINUTES_STATS)) assert.equal(stats[k], v, `${what}: ${k}`);
  // the actuator converged to the last decision
  assert.equal(api.state.get('replicasets', 'default', 'app')!.replicas, 3, what);
  // every scaled record ended applied, already-applied (converged meanwhile) or superseded (coalesced)
  for (const r of scaled) assert.ok(['applied', 'already-applied', 'superseded'].includes(r.actuation!.status), `${what}: ${r.actuation!.status}`);
}

const scripts: [string, () => string | undefined][] = [
  ['our equivalent script', () => OWN_SCRIPT],
  ['the seed autoscale.tick, verbatim', () => (existsSync(SEED_TICK) ? readFileSync(SEED_TICK, 'utf8') : undefined)],
];

describe('ten minutes of two-host traffic: the same decisions however it arrives', () => {
  let api: KubeApiServer;
  before(async () => { api = await startKubeApi(); });
  after(() => api.close());

  for (const [name, script] of scripts) {
    for (const [delivery, delayMs] of [['burst', 0], ['burst', 300], ['paced', 0], ['paced', 300], ['point-per-write', 50]] as [Delivery, number][]) {
      it(`${name}: ${delivery}, API answering in ${delayMs} ms`, { skip: script() === undefined && 'seed autoscale.tick not present' }, async () => {
        api.state.reset();
        api.delayMs = delayMs;
        api.state.seed({ kind: 'replicasets', name: 'app', replicas: 1 });
        const h = await run(api, script()!, delivery);
        try {
          check(h, api, `${delivery}/${delayMs}ms`);
        } finally {
          h.stop();
          api.delayMs = 0;
        }
      });
    }
  }
});
