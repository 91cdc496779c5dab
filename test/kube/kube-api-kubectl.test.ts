// The real kubectl against the kube-api fixture (skipped when kubectl is not installed; the same behaviour is
// covered over plain HTTP in kube-api-{pods,watch,table}.test.ts). Column headers are kubectl's for the
// server-side Tables (k8s printers.go); short names rs/deploy/po/sts/rc are the API server's discovery.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKubeApi, type KubeApiServer } from '../../fixtures/kube-api/server.ts';
import { columns, kubectl, kubectlAvailable, type Kubectl } from './kubectl.ts';

const available = await kubectlAvailable();

describe('kubectl against the kube-api fixture', { skip: available ? false : 'kubectl is not installed' }, () => {
  let api: KubeApiServer;
  let k: Kubectl;
  before(async () => {
    api = await startKubeApi({
      seed: [
        { kind: 'replicasets', name: 'app', replicas: 1 },
        { kind: 'deployments', name: 'web', replicas: 3, statusReplicas: 2 },
        { kind: 'statefulsets', name: 'db', replicas: 2 },
        { kind: 'replicationcontrollers', name: 'old', replicas: 1 },
      ],
    });
    api.state.statusFollowsSpec = false;
    const rs = api.state.get('replicasets', 'default', 'app')!;
    api.state.addPod({ name: 'app-x7k2p', labels: { app: 'app' }, owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'app', uid: rs.uid } });
    api.state.updatePod('default', 'app-x7k2p', { phase: 'Running', ready: true, containerPort: 8000 });
    k = kubectl(api.url);
  });
  after(async () => {
    k?.cleanup();
    await api?.close();
  });

  it('get rs / get deploy / get pods print the usual columns', async () => {
    const rs = columns(await k.run('get', 'rs'));
    assert.deepEqual(rs[0], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
    assert.deepEqual(rs[1]!.slice(0, 4), ['app', '1', '1', '1']);
    const deploy = columns(await k.run('get', 'deploy'));
    assert.deepEqual(deploy[0], ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    assert.deepEqual(deploy[1]!.slice(0, 4), ['web', '2/3', '2', '2']);
    const pods = columns(await k.run('get', 'pods'));
    assert.deepEqual(pods[0], ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    assert.deepEqual(pods[1]!.slice(0, 4), ['app-x7k2p', '1/1', 'Running', '0']);
    const wide = columns(await k.run('get', 'po', '-o', 'wide'));
    assert.deepEqual(wide[0]!.slice(5, 7), ['IP', 'NODE']);
    assert.deepEqual(wide[1]!.slice(5, 7), ['127.0.0.1', 'local']);
    assert.deepEqual(columns(await k.run('get', 'sts'))[1]!.slice(0, 2), ['db', '2/2']);
    assert.deepEqual(columns(await k.run('get', 'rc'))[1]!.slice(0, 4), ['old', '1', '1', '1']);
    assert.equal(await k.run('get', 'pods', '-l', 'app=app', '-o', 'jsonpath={.items[*].spec.containers[0].ports[0].containerPort}'), '8000');
  });

  it('scale rs changes spec.replicas through the scale subresource', async () => {
    assert.match(await k.run('scale', 'rs', 'app', '--replicas=2'), /replicaset.apps\/app scaled/);
    assert.equal(api.state.get('replicasets', 'default', 'app')!.replicas, 2);
    assert.ok(api.state.scaleWrites().length >= 1);
  });

  it('get pods -w prints the existing pods, then each ADDED pod as it appears', async (t) => {
    const w = k.spawn('get', 'pods', '-w');
    t.after(() => w.stop());
    await w.waitFor(/^app-x7k2p\s+1\/1\s+Running/);
    api.state.addPod({ name: 'app-b9zq4', labels: { app: 'app' } });
    await w.waitFor(/^app-b9zq4\s+0\/1\s+ContainerCreating\s+0\s+\d+s$/);
    api.state.updatePod('default', 'app-b9zq4', { phase: 'Running', ready: true, containerPort: 8001 });
    await w.waitFor(/^app-b9zq4\s+1\/1\s+Running/);
    assert.equal(w.lines.filter((l) => l.startsWith('NAME')).length, 1, 'headers once');
  });

  it('delete pod waits until the pod is gone', async () => {
    api.state.addPod({ name: 'app-dddd2', labels: { app: 'app' } });
    assert.match(await k.run('delete', 'pod', 'app-dddd2'), /pod "app-dddd2" deleted/);
    assert.equal(api.state.getPod('default', 'app-dddd2'), undefined);
  });

  it('get rs -w --output-watch-events shows a scale as MODIFIED', async (t) => {
    const w = k.spawn('get', 'rs', '-w', '--output-watch-events');
    t.after(() => w.stop());
    await w.waitFor(/^ADDED\s+app\s/);
    await k.run('scale', 'rs', 'app', '--replicas=5');
    await w.waitFor(/^MODIFIED\s+app\s+5\s/);
  });
});
