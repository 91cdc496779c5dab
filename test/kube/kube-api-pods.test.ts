// The kube-api fixture speaks enough of the core API for kubectl: discovery with short names and verbs, read-only
// v1 Pods that whoever realises replicas creates through the state, label/field selectors.
// Shapes are the Kubernetes API's (k8s.io/api core/v1 Pod, metav1.APIResourceList); SPEC 1.4 gives the app's
// pod label (app: app) and container name (app).
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startKubeApi, type KubeApiServer } from '../../fixtures/kube-api/server.ts';
import { getJson } from './kube-api-helpers.ts';

describe('kube-api discovery for kubectl', () => {
  let api: KubeApiServer;
  before(async () => { api = await startKubeApi(); });
  after(() => api.close());

  it('lists pods and the workloads with singular names, short names, verbs and the scale subresources', async () => {
    const core = (await getJson(`${api.url}/api/v1`)).json;
    assert.equal(core.groupVersion, 'v1');
    const pods = core.resources.find((r: any) => r.name === 'pods');
    assert.deepEqual(pods, {
      name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['delete', 'get', 'list', 'watch'], shortNames: ['po'], categories: ['all'],
    });
    assert.equal(core.resources.some((r: any) => r.name === 'pods/scale'), false, 'pods are not scalable');
    assert.deepEqual(core.resources.find((r: any) => r.name === 'replicationcontrollers').shortNames, ['rc']);
    const apps = (await getJson(`${api.url}/apis/apps/v1`)).json;
    const short = Object.fromEntries(apps.resources.filter((r: any) => !r.name.includes('/')).map((r: any) => [r.name, r.shortNames]));
    assert.deepEqual(short, { deployments: ['deploy'], replicasets: ['rs'], statefulsets: ['sts'] });
    const rs = apps.resources.find((r: any) => r.name === 'replicasets');
    assert.equal(rs.singularName, 'replicaset');
    assert.ok(rs.verbs.includes('watch'));
    const scale = apps.resources.find((r: any) => r.name === 'replicasets/scale');
    assert.deepEqual([scale.group, scale.version, scale.kind, scale.verbs], ['autoscaling', 'v1', 'Scale', ['get', 'patch', 'update']]);
  });
});

describe('kube-api pods', () => {
  let api: KubeApiServer;
  before(async () => { api = await startKubeApi(); });
  after(() => api.close());
  beforeEach(() => api.state.reset());

  const PODS = '/api/v1/namespaces/default/pods';

  it('serves a created pod as a v1 Pod, Pending until the realiser reports it Running', async () => {
    const rs = api.state.seed({ kind: 'replicasets', name: 'app', replicas: 1 });
    api.state.addPod({
      name: 'app-x7k2p', generateName: 'app-', labels: { app: 'app' }, containerName: 'app',
      owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'app', uid: rs.uid },
    });
    let pod = (await getJson(`${api.url}${PODS}/app-x7k2p`)).json;
    assert.equal(pod.kind, 'Pod');
    assert.equal(pod.apiVersion, 'v1');
    assert.equal(pod.metadata.name, 'app-x7k2p');
    assert.equal(pod.metadata.generateName, 'app-');
    assert.deepEqual(pod.metadata.labels, { app: 'app' });
    assert.deepEqual(pod.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'app', uid: rs.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(pod.status.phase, 'Pending');
    assert.deepEqual(pod.status.containerStatuses[0].state, { waiting: { reason: 'ContainerCreating' } });
    assert.equal(pod.status.containerStatuses[0].ready, false);
    assert.equal(pod.spec.containers[0].ports, undefined, 'no port before the app listens');
    const rv1 = Number(pod.metadata.resourceVersion);

    assert.equal(api.state.updatePod('default', 'app-x7k2p', { phase: 'Running', ready: true, containerPort: 41234 }), true);
    pod = (await getJson(`${api.url}${PODS}/app-x7k2p`)).json;
    assert.equal(pod.status.phase, 'Running');
    assert.equal(pod.status.podIP, '127.0.0.1');
    assert.deepEqual(pod.status.podIPs, [{ ip: '127.0.0.1' }]);
    assert.deepEqual(pod.spec.containers[0].ports, [{ containerPort: 41234, protocol: 'TCP' }]);
    assert.equal(pod.spec.containers[0].name, 'app');
    assert.equal(pod.status.containerStatuses[0].ready, true);
    assert.ok(pod.status.containerStatuses[0].state.running.startedAt);
    assert.equal(pod.status.conditions.find((c: any) => c.type === 'Ready').status, 'True');
    assert.ok(Number(pod.metadata.resourceVersion) > rv1);

    api.state.updatePod('default', 'app-x7k2p', { terminating: true });
    pod = (await getJson(`${api.url}${PODS}/app-x7k2p`)).json;
    assert.match(pod.metadata.deletionTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(pod.status.conditions.find((c: any) => c.type === 'Ready').status, 'False');

    assert.equal(api.state.deletePod('default', 'app-x7k2p'), true);
    const gone = await getJson(`${api.url}${PODS}/app-x7k2p`);
    assert.equal(gone.status, 404);
    assert.equal(gone.json.message, 'pods "app-x7k2p" not found');
    assert.deepEqual(gone.json.details, { name: 'app-x7k2p', kind: 'pods' });
    assert.equal(api.state.deletePod('default', 'app-x7k2p'), false);
    assert.equal(api.state.updatePod('default', 'app-x7k2p', { ready: true }), false);
  });

  it('lists pods per namespace and across namespaces as a PodList with the list revision', async () => {
    api.state.addPod({ name: 'web-bbbbb', labels: { app: 'web' } });
    api.state.addPod({ name: 'app-ccccc', labels: { app: 'app' } });
    api.state.addPod({ namespace: 'prod', name: 'app-ddddd', labels: { app: 'app' } });
    const list = (await getJson(`${api.url}${PODS}`)).json;
    assert.equal(list.kind, 'PodList');
    assert.equal(list.apiVersion, 'v1');
    assert.equal(list.metadata.resourceVersion, String(api.state.listRevision));
    assert.deepEqual(list.items.map((p: any) => p.metadata.name), ['app-ccccc', 'web-bbbbb']);
    const all = (await getJson(`${api.url}/api/v1/pods`)).json;
    assert.deepEqual(all.items.map((p: any) => `${p.metadata.namespace}/${p.metadata.name}`), ['default/app-ccccc', 'default/web-bbbbb', 'prod/app-ddddd']);
  });

  it('filters with labelSelector and fieldSelector', async () => {
    api.state.addPod({ name: 'a-1', labels: { app: 'a', tier: 'web' } });
    api.state.addPod({ name: 'a-2', labels: { app: 'a' } });
    api.state.addPod({ name: 'b-1', labels: { app: 'b', tier: 'db' } });
    api.state.updatePod('default', 'b-1', { phase: 'Running', ready: true });
    const names = async (q: string): Promise<string[]> =>
      (await getJson(`${api.url}${PODS}?${q}`)).json.items.map((p: any) => p.metadata.name);
    assert.deepEqual(await names('labelSelector=app%3Da'), ['a-1', 'a-2']);
    assert.deepEqual(await names('labelSelector=app%3D%3Da,tier'), ['a-1']);
    assert.deepEqual(await names('labelSelector=app!%3Da'), ['b-1']);
    assert.deepEqual(await names('labelSelector=!tier'), ['a-2']);
    assert.deepEqual(await names(`labelSelector=${encodeURIComponent('tier in (web,db)')}`), ['a-1', 'b-1']);
    assert.deepEqual(await names(`labelSelector=${encodeURIComponent('tier notin (web)')}`), ['a-2', 'b-1']);
    assert.deepEqual(await names('fieldSelector=metadata.name%3Da-2'), ['a-2']);
    assert.deepEqual(await names('fieldSelector=status.phase%3DRunning'), ['b-1']);
    assert.deepEqual(await names('fieldSelector=status.phase!%3DRunning&labelSelector=tier'), ['a-1']);
  });

  it('rejects bad selectors and writes with a Status naming what is wrong', async () => {
    const bad = await getJson(`${api.url}${PODS}?fieldSelector=spec.hostname%3Dx`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.reason, 'BadRequest');
    assert.match(bad.json.message, /field label not supported: spec\.hostname/);
    // field selectors on workloads know only metadata fields
    const wl = await getJson(`${api.url}/apis/apps/v1/namespaces/default/deployments?fieldSelector=status.phase%3DRunning`);
    assert.match(wl.json.message, /field label not supported: status\.phase/);
    const lbl = await getJson(`${api.url}${PODS}?labelSelector=${encodeURIComponent('app=(x')}`);
    assert.equal(lbl.status, 400);
    assert.match(lbl.json.message, /labelSelector: /);
    const post = await fetch(`${api.url}${PODS}`, { method: 'POST', body: '{}' });
    assert.equal(post.status, 405);
    assert.equal((await fetch(`${api.url}${PODS}`, { method: 'DELETE' })).status, 405, 'no collection delete');
    assert.equal((await fetch(`${api.url}/apis/apps/v1/namespaces/default/deployments/web`, { method: 'DELETE' })).status, 405, 'workloads are not deleted over the API');
    assert.equal((await fetch(`${api.url}${PODS}/x`, { method: 'PUT', body: '{}' })).status, 405);
    const del = await getJson(`${api.url}${PODS}/x`.replace('/x', '/nope'));
    assert.equal(del.status, 404);
    assert.equal((await getJson(`${api.url}${PODS}/x/scale`)).status, 404, 'pods have no scale subresource');
    assert.throws(() => api.state.addPod({ name: 'Bad_Name', labels: {} }), /pod: invalid name "Bad_Name"/);
    api.state.addPod({ name: 'dup', labels: {} });
    assert.throws(() => api.state.addPod({ name: 'dup', labels: {} }), /pod: default\/dup already exists/);
    assert.throws(() => api.state.updatePod('default', 'dup', { containerPort: 70000 }), /containerPort must be 0\.\.65535/);
  });

  it('DELETE of a pod: Terminating then gone when nobody realises it; handed to the realiser when one is set', async () => {
    api.state.addPod({ name: 'app-aaaaa', labels: { app: 'app' } });
    const before = api.state.listRevision;
    const res = await fetch(`${api.url}${PODS}/app-aaaaa`, { method: 'DELETE' });
    assert.equal(res.status, 200);
    const body = await res.json() as any;
    assert.equal(body.kind, 'Pod');
    assert.ok(body.metadata.deletionTimestamp, 'answered as being deleted');
    assert.equal((await getJson(`${api.url}${PODS}/app-aaaaa`)).status, 404);
    assert.deepEqual(api.state.changes.since(before).map((e) => `${e.type} ${e.name}`), ['MODIFIED app-aaaaa', 'DELETED app-aaaaa']);
    assert.equal((await fetch(`${api.url}${PODS}/app-aaaaa`, { method: 'DELETE' })).status, 404);

    const asked: string[] = [];
    api.state.podDeleter = (ns, name) => { asked.push(`${ns}/${name}`); api.state.updatePod(ns, name, { terminating: true }); };
    try {
      api.state.addPod({ name: 'app-bbbbb', labels: { app: 'app' } });
      const r = await fetch(`${api.url}${PODS}/app-bbbbb`, { method: 'DELETE' });
      assert.equal(r.status, 200);
      assert.deepEqual(asked, ['default/app-bbbbb']);
      const still = (await getJson(`${api.url}${PODS}/app-bbbbb`)).json;
      assert.ok(still.metadata.deletionTimestamp, 'stays Terminating until the realiser deletes it');
    } finally {
      api.state.podDeleter = undefined;
    }
  });

  it('deny rules apply to pods (list/watch are separate verbs)', async () => {
    api.state.addDeny({ verb: 'watch', resource: 'pods' });
    assert.equal((await getJson(`${api.url}${PODS}`)).status, 200);
    const w = await getJson(`${api.url}${PODS}?watch=true`);
    assert.equal(w.status, 403);
    assert.equal(w.json.message,
      'pods is forbidden: User "system:serviceaccount:default:tickstream" cannot watch resource "pods" in API group "" in the namespace "default"');
    api.state.addPod({ name: 'keep', labels: {} });
    api.state.addDeny({ verb: 'delete', resource: 'pods', name: 'keep' });
    const d = await fetch(`${api.url}${PODS}/keep`, { method: 'DELETE' });
    assert.equal(d.status, 403);
    assert.ok(api.state.getPod('default', 'keep'), 'a refused delete changes nothing');
  });
});
