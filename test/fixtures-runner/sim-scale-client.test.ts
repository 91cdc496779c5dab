// The simulated cluster keeps the ScaleClient contract of kube/client.ts (its doc comment is the source of the
// expected outcomes): kinds plural or singular, not found for unknown workloads, integer replicas >= 0,
// applyReplicas' already-applied / override / applied rules, and the k8sAutoscale node can run against it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseWorkloadKey, SimulatedCluster, simulatedKubernetes, workloadKey, type SimulatedWrite } from '../../fixtures-runner/sim-scale-client.ts';
import { resourceId } from '../../autoscale/types.ts';

describe('SimulatedCluster', () => {
  it('reads what was seeded, under plural or singular kind', async () => {
    const c = new SimulatedCluster();
    c.set('web', 'deployment', 'front', 3);
    const s = await c.getScale('web', 'deployments', 'front');
    assert.equal(s.replicas, 3);
    assert.equal(s.kind, 'deployments');
    assert.equal(s.namespace, 'web');
    assert.equal(c.replicas('web/deployment/front'), 3);
    assert.deepEqual(c.snapshot(), { 'web/deployments/front': 3 });
  });

  it('an unknown workload is not found; an unknown kind and bad replicas are rejected', async () => {
    const c = new SimulatedCluster();
    await assert.rejects(c.getScale('default', 'deployments', 'app'), /^Error: deployments "app" not found in namespace "default" \(simulated cluster/);
    c.set('default', 'replicasets', 'app', 1);
    await assert.rejects(c.getScale('default', 'pods', 'app'), /invalid Kind, must be 'deployments', 'replicasets', 'statefulsets' or 'replicationcontrollers', got pods/);
    await assert.rejects(c.applyReplicas('default', 'replicasets', 'app', -1, undefined), /replicas must be an integer >= 0, got -1/);
    await assert.rejects(c.setReplicas('default', 'replicasets', 'app', 1.5), /replicas must be an integer >= 0, got 1.5/);
    assert.throws(() => c.set('default', 'replicasets', 'x', -2), /replicas must be an integer >= 0/);
    assert.deepEqual(c.writes, []);
  });

  it('applyReplicas: already there → already-applied; someone else changed it → override; else applied', async () => {
    const c = new SimulatedCluster();
    const seen: SimulatedWrite[] = [];
    c.onWrite((w) => seen.push(w));
    c.set('default', 'deployments', 'app', 2);
    assert.deepEqual(await c.applyReplicas('default', 'deployments', 'app', 2, 1), { kind: 'already-applied' });
    assert.deepEqual(await c.applyReplicas('default', 'deployments', 'app', 5, 1), { kind: 'override', cluster: 2 });
    assert.deepEqual(await c.applyReplicas('default', 'deployments', 'app', 5, 2), { kind: 'applied' });
    assert.deepEqual(await c.applyReplicas('default', 'deployments', 'app', 7, undefined), { kind: 'applied' });
    const s = await c.setReplicas('default', 'deployment', 'app', 4);
    assert.equal(s.replicas, 4);
    const expected = [
      { key: 'default/deployments/app', from: 2, to: 5 },
      { key: 'default/deployments/app', from: 5, to: 7 },
      { key: 'default/deployments/app', from: 7, to: 4 },
    ];
    assert.deepEqual(c.writes, expected);
    assert.deepEqual(seen, expected);
    c.onWrite(undefined);
    await c.setReplicas('default', 'deployments', 'app', 1);
    assert.equal(seen.length, 3);
    // every write bumps the resource version, as the API server's would
    const v1 = (await c.getScale('default', 'deployments', 'app')).resourceVersion;
    await c.setReplicas('default', 'deployments', 'app', 2);
    assert.notEqual((await c.getScale('default', 'deployments', 'app')).resourceVersion, v1);
  });

  it('as a ScaleTarget and as the runtime KubernetesService', async () => {
    const c = new SimulatedCluster();
    c.set('ns', 'statefulsets', 'db', 1);
    const t = c.scaleTarget();
    const res = resourceId('ns', 'statefulset', 'db');
    assert.equal(await t.read(res), 1);
    assert.deepEqual(await t.apply(res, 3, 1), { kind: 'applied' });
    assert.equal(c.replicas('ns/statefulsets/db'), 3);
    const k = simulatedKubernetes(c);
    assert.equal(k.get(''), c);
    assert.equal(k.get('other-cluster'), c);
    assert.equal(k.dryRun?.(''), false);
  });

  it('workload keys', () => {
    assert.equal(workloadKey('a', 'replicaset', 'x'), 'a/replicasets/x');
    assert.throws(() => workloadKey('a', 'rc', 'x'), /invalid Kind/);
    assert.equal(parseWorkloadKey('default/deployment/app'), 'default/deployments/app');
    assert.equal(parseWorkloadKey('ns/replicationcontroller/x'), 'ns/replicationcontrollers/x');
    assert.throws(() => parseWorkloadKey('app'), /"app" is not a workload: want namespace\/kind\/name/);
    assert.throws(() => parseWorkloadKey('a//b'), /is not a workload/);
    assert.throws(() => parseWorkloadKey('a/pods/b'), /invalid Kind/);
  });
});
