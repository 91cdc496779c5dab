// The policy properties from TICKscript through a running k8sAutoscale node (wiring: catalog → node → engine),
// on a worked example derived by hand from docs/autoscale.md, against the kube-api test server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda, evaluateScript } from '../../tickscript/index.ts';
import { setLambdaCompiler } from '../../runtime/lambda.ts';
import { startTask } from '../helpers/runtime/replay.ts';
import { startKubeApi } from '../../fixtures/kube-api/server.ts';
import { autoscaleNode, decided, registryFor } from '../nodes/k8s-autoscale-helpers.ts';

setLambdaCompiler(compileLambda);

test('tolerance 0.2, scale-up limit 2 pods/min, 30 s scale-down stabilization from 5 replicas', async (t) => {
  const api = await startKubeApi();
  t.after(() => api.close());
  api.state.seed({ kind: 'deployments', name: 'web', replicas: 5 });
  const h = startTask(evaluateScript(`stream
    |from()
        .measurement('load')
    |k8sAutoscale()
        .resourceName('web')
        .tolerance(0.2)
        .scaleUpLimit(2, 1m)
        .scaleDownStabilization(30s)
        .replicas(lambda: "want")
`), { services: { kubernetes: registryFor(api) } });
  t.after(() => h.stop());
  h.write(['load want=6i 0', 'load want=10i 1', 'load want=10i 2', 'load want=10i 62', 'load want=3i 70', 'load want=3i 93'], 's');
  const node = autoscaleNode(h);
  await node.whenIdle();
  // 6@0: |6−5| = 1 <= 0.2×5 → tolerance. 10@1: the limit from 5 is 5+2 = 7 → scaled to 7 (rate-limit).
  // 10@2: +2 within the minute → limit still 7 → held (rate-limit). 10@62: the +2 at 1 left the minute → 7+2 = 9.
  // 3@70: the highest recommendation in (40, 70] is 10 → held at 9 (stabilization). 3@93: (63, 93] holds only 3s → 3.
  assert.deepEqual(node.decisions({}).map((r) => [r.reason, r.final, r.adjustedBy ?? '']), [
    ['tolerance', 5, ''], ['scaled', 7, 'rate-limit'], ['rate-limit', 7, ''], ['scaled', 9, 'rate-limit'], ['stabilization', 9, ''], ['scaled', 3, ''],
  ]);
  assert.deepEqual(decided(node), [7, 9, 3]);
  assert.equal(api.state.get('deployments', 'default', 'web')!.replicas, 3);
});

test('scale to zero with .min(0) and .activation(): idle → 0, traffic → back up', async (t) => {
  const api = await startKubeApi();
  t.after(() => api.close());
  api.state.seed({ kind: 'deployments', name: 'worker', replicas: 2 });
  const h = startTask(evaluateScript(`stream
    |from()
        .measurement('queue')
    |k8sAutoscale()
        .resourceName('worker')
        .min(0)
        .activation(lambda: "depth" > 5)
        .replicas(lambda: int(ceil(float("depth") / 10.0)))
`), { services: { kubernetes: registryFor(api) } });
  t.after(() => h.stop());
  // depth 3 (inactive) → 0; 4 → still 0; 8 (active, ceil(0.8) = 1) → 1; 45 → 5
  h.write(['queue depth=3i 1', 'queue depth=4i 2', 'queue depth=8i 3', 'queue depth=45i 4'], 's');
  const node = autoscaleNode(h);
  await node.whenIdle();
  assert.deepEqual(decided(node), [0, 1, 5]);
  assert.equal(api.state.get('deployments', 'default', 'worker')!.replicas, 5);
});
