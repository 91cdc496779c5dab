/**
 * The local cluster publishes its replica processes as v1 Pods (`<replicaset>-<5 chars>`, labels from the
 * template, Running with podIP 127.0.0.1 and the container port) and a Deployment's ReplicaSet
 * (`<deployment>-<pod-template-hash>`), created and deleted as replicas change, so `kubectl get pods -w` and
 * `kubectl get replicasets` show what the seed tutorial's "Watch autoscaling in progress" step shows on a real
 * cluster. Over plain HTTP always; with the real kubectl when it is installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitReady } from '../../examples/autoscale/local-cluster/cluster.ts';
import { sleep } from './helpers.ts';
import { patchScale, startClusterFixture } from './local-cluster-setup.ts';
import { openWatch, getJson } from '../kube/kube-api-helpers.ts';
import { kubectl, kubectlAvailable, columns } from '../kube/kubectl.ts';
import { until } from '../helpers/until.ts';


test('a Deployment\'s processes are Pods of its ReplicaSet; watch sees them come and go', async (t) => {
  const { cluster, app } = await startClusterFixture(t, { kind: 'deployments', name: 'app', replicas: 1 });
  const base = `${cluster.kubeUrl}/apis/apps/v1/namespaces/default`;

  // the Deployment's ReplicaSet: <deployment>-<hash>, selector = template labels incl. pod-template-hash
  assert.match(app.replicaSet, /^app-[a-z0-9]{10}$/);
  const hash = app.replicaSet.slice('app-'.length);
  const rsList = (await getJson(`${base}/replicasets`)).json;
  assert.deepEqual(rsList.items.map((r: any) => [r.metadata.name, r.spec.replicas, r.status.replicas]), [[app.replicaSet, 1, 1]]);
  assert.deepEqual(rsList.items[0].spec.selector, { matchLabels: { app: 'app', 'pod-template-hash': hash } });
  // SPEC 1.4: one container named app in the template, and in every pod
  const deploy = (await getJson(`${base}/deployments/app`)).json;
  assert.deepEqual(deploy.spec.template.spec.containers.map((c: any) => c.name), ['app']);
  assert.deepEqual(rsList.items[0].spec.template.spec.containers.map((c: any) => c.name), ['app']);
  assert.equal(deploy.status.updatedReplicas, 1);

  const pods = (await getJson(`${cluster.kubeUrl}/api/v1/namespaces/default/pods`)).json;
  assert.equal(pods.items.length, 1);
  const pod = pods.items[0];
  const proc = app.controller.pods[0]!;
  assert.equal(pod.metadata.name, proc.name);
  assert.match(pod.metadata.name, new RegExp(`^${app.replicaSet}-[a-z0-9]{5}$`));
  assert.deepEqual(pod.metadata.labels, { app: 'app', 'pod-template-hash': hash });
  assert.equal(pod.metadata.ownerReferences[0].kind, 'ReplicaSet');
  assert.equal(pod.metadata.ownerReferences[0].name, app.replicaSet);
  assert.deepEqual(pod.spec.containers.map((c: any) => c.name), ['app']);
  assert.equal(pod.status.phase, 'Running');
  assert.equal(pod.status.podIP, '127.0.0.1');
  assert.deepEqual(pod.spec.containers[0].ports, [{ containerPort: proc.port, protocol: 'TCP' }]);
  // the advertised port is the pod's own app
  assert.match(await (await fetch(`http://127.0.0.1:${proc.port}/`)).text(), /^Current request count \d+\n$/);

  const w = await openWatch(`${cluster.kubeUrl}/api/v1/namespaces/default/pods?watch=true&resourceVersion=${pods.metadata.resourceVersion}`);
  t.after(() => w.close());
  assert.equal(await patchScale(`${base}/deployments/app`, 2), 200);
  await waitReady(app, 2, 20000);
  const added = app.controller.pods.find((p) => p.name !== proc.name)!;
  await until('ADDED and Running for the new pod', () =>
    w.events.some((e) => e.type === 'MODIFIED' && e.object.metadata.name === added.name && e.object.status.phase === 'Running'));
  const first = w.events.find((e) => e.object.metadata.name === added.name);
  assert.equal(first.type, 'ADDED');
  assert.equal(first.object.status.phase, 'Pending');
  // the Deployment's scale carried over to its ReplicaSet
  assert.equal((await getJson(`${base}/replicasets/${app.replicaSet}`)).json.spec.replicas, 2);

  assert.equal(await patchScale(`${base}/deployments/app`, 1), 200);
  await until('a DELETED event', () => w.events.some((e) => e.type === 'DELETED'));
  const gone = w.events.filter((e) => e.type === 'DELETED').map((e) => e.object.metadata.name);
  assert.equal(gone.length, 1);
  const terminating = w.events.find((e) => e.type === 'MODIFIED' && e.object.metadata.name === gone[0] && e.object.metadata.deletionTimestamp);
  assert.ok(terminating, 'Terminating before DELETED');
  await until('one pod left in the API', async () => (await getJson(`${cluster.kubeUrl}/api/v1/namespaces/default/pods`)).json.items.length === 1);
  const left = (await getJson(`${cluster.kubeUrl}/api/v1/namespaces/default/pods`)).json.items.map((p: any) => p.metadata.name);
  assert.deepEqual(left, app.controller.pods.map((p) => p.name));

  // Deleting a pod stops its process; the ReplicaSet replaces it at once.
  const victim = app.controller.pods[0]!;
  const del = await fetch(`${cluster.kubeUrl}/api/v1/namespaces/default/pods/${victim.name}`, { method: 'DELETE' });
  assert.equal(del.status, 200);
  assert.ok(((await del.json()) as any).metadata.deletionTimestamp);
  await until('the deleted pod gone and a replacement ready', () =>
    !app.controller.pods.some((p) => p.name === victim.name) && app.controller.ready().length === 1);
  await until('the API showing only the replacement', async () => {
    const names = (await getJson(`${cluster.kubeUrl}/api/v1/namespaces/default/pods`)).json.items.map((p: any) => p.metadata.name);
    return names.length === 1 && names[0] === app.controller.pods[0]!.name;
  });
  assert.throws(() => process.kill(victim.pid!, 0), /ESRCH/);

  // Scaling the Deployment's ReplicaSet directly is undone, as the Deployment controller would.
  assert.equal(await patchScale(`${base}/replicasets/${app.replicaSet}`, 4), 200);
  await until('the ReplicaSet back at 1', async () => (await getJson(`${base}/replicasets/${app.replicaSet}`)).json.spec.replicas === 1, 3000);
  assert.equal(app.controller.desired, 1);
});

test('kubectl: scale rs changes the processes, get pods -w sees them ADDED', async (t) => {
  if (!(await kubectlAvailable())) {
    t.skip('kubectl is not installed');
    return;
  }
  const { cluster, app } = await startClusterFixture(t, { kind: 'replicasets', name: 'app', replicas: 1 });
  const k = kubectl(cluster.kubeUrl);
  t.after(() => k.cleanup());

  const rs = columns(await k.run('get', 'replicasets'));
  assert.deepEqual(rs[0], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
  assert.deepEqual(rs[1]!.slice(0, 4), ['app', '1', '1', '1']);
  const first = app.controller.pods[0]!.name;
  assert.match(first, /^app-[a-z0-9]{5}$/);

  const w = k.spawn('get', 'pods', '-w');
  t.after(() => w.stop());
  await w.waitFor(new RegExp(`^${first}\\s+1/1\\s+Running\\s+0\\s`));
  await k.run('scale', 'rs', 'app', '--replicas=2');
  await waitReady(app, 2, 20000);
  assert.equal(app.controller.pods.length, 2);
  const second = app.controller.pods.find((p) => p.name !== first)!.name;
  await w.waitFor(new RegExp(`^${second}\\s+0/1\\s+ContainerCreating\\s`));
  await w.waitFor(new RegExp(`^${second}\\s+1/1\\s+Running\\s`));

  const pods = columns(await k.run('get', 'pods'));
  assert.deepEqual(pods.slice(1).map((r) => r[0]).sort(), [first, second].sort());
  const deploy = await k.run('get', 'rs', 'app', '-o', 'jsonpath={.spec.replicas} {.status.replicas}');
  assert.equal(deploy, '2 2');
});
