// A stopped task must not scale: Actuator.stop() aborts the signal every apply call received, so a call that has
// read the cluster but not written yet writes nothing (kube/client.ts, swarm/ and ec2/ targets check it before their
// write; test/kube/client.test.ts shows the Kubernetes client honouring it against the API test server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Actuator, type ApplyOutcome, type ScaleTarget } from '../../autoscale/actuator.ts';
import { resourceId, type ResourceId } from '../../autoscale/types.ts';

test('stop() aborts the signal of the apply call in flight and of none after it', async () => {
  const calls: { replicas: number; signal: AbortSignal | undefined; settle: (o: ApplyOutcome) => void }[] = [];
  const target: ScaleTarget = {
    read: () => Promise.resolve(2),
    apply: (_res: ResourceId, replicas: number, _expected: number | undefined, signal?: AbortSignal) =>
      new Promise<ApplyOutcome>((settle) => { calls.push({ replicas, signal, settle }); }),
  };
  const applied: number[] = [];
  const act = new Actuator(target, { applied: (_r, n) => applied.push(n), overridden: () => {}, failed: () => {} });
  const web = resourceId('default', 'deployments', 'web');
  act.known(web, 2);
  act.desire(web, 4, undefined);
  assert.equal(calls.length, 1);
  assert.equal(calls[0]!.signal?.aborted, false, 'a running task\'s call is not aborted');

  act.stop();
  assert.equal(calls[0]!.signal?.aborted, true);
  assert.equal((calls[0]!.signal?.reason as Error).message, 'the task stopped');
  calls[0]!.settle({ kind: 'applied' }); // an answer after the stop is ignored
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(applied, []);
  act.desire(web, 5, undefined);
  assert.equal(calls.length, 1, 'no call after stop()');
});
