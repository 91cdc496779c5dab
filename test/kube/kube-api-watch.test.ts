// `?watch=true` on the kube-api fixture streams JSON watch events as the API server does
// (k8s.io/apiserver endpoints/handlers/watch.go; semantics of resourceVersion per the API concepts page
// "Efficient detection of changes"): no resourceVersion = synthetic ADDED for what exists, then changes;
// resourceVersion N = every change after N; too old = ERROR event with a 410 Expired Status.
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startKubeApi, type KubeApiServer } from '../../fixtures/kube-api/server.ts';
import { ChangeLog } from '../../fixtures/kube-api/events.ts';
import { getJson, openWatch, TABLE_ACCEPT } from './kube-api-helpers.ts';

const PODS = '/api/v1/namespaces/default/pods';

describe('kube-api watch', () => {
  let api: KubeApiServer;
  before(async () => { api = await startKubeApi(); });
  after(() => api.close());
  beforeEach(() => api.state.reset());

  it('without resourceVersion: ADDED for existing objects, then ADDED/MODIFIED/DELETED as they change', async (t) => {
    api.state.addPod({ name: 'app-aaaaa', labels: { app: 'app' } });
    const w = await openWatch(`${api.url}${PODS}?watch=true`);
    t.after(() => w.close());
    assert.equal(w.status, 200);
    assert.equal(w.contentType, 'application/json');
    const [first] = await w.next(1);
    assert.equal(first.type, 'ADDED');
    assert.equal(first.object.kind, 'Pod');
    assert.equal(first.object.metadata.name, 'app-aaaaa');

    api.state.addPod({ name: 'app-bbbbb', labels: { app: 'app' } });
    api.state.updatePod('default', 'app-bbbbb', { phase: 'Running', ready: true, containerPort: 4000 });
    api.state.deletePod('default', 'app-aaaaa');
    const ev = (await w.next(4)).slice(1);
    assert.deepEqual(ev.map((e) => `${e.type} ${e.object.metadata.name} ${e.object.status.phase}`),
      ['ADDED app-bbbbb Pending', 'MODIFIED app-bbbbb Running', 'DELETED app-aaaaa Pending']);
    // every event carries the revision it produced, increasing
    const rvs = ev.map((e) => Number(e.object.metadata.resourceVersion));
    assert.ok(rvs[0]! < rvs[1]! && rvs[1]! < rvs[2]!, `increasing resourceVersions ${rvs}`);
    assert.equal(rvs[2], api.state.listRevision);
  });

  it('from a list resourceVersion: only the changes after it, including ones made before the watch opened', async (t) => {
    api.state.addPod({ name: 'old-aaaaa', labels: { app: 'old' } });
    const list = (await getJson(`${api.url}${PODS}`)).json;
    api.state.addPod({ name: 'new-bbbbb', labels: { app: 'new' } });
    const w = await openWatch(`${api.url}${PODS}?watch=true&resourceVersion=${list.metadata.resourceVersion}`);
    t.after(() => w.close());
    const [e] = await w.next(1);
    assert.equal(e.type, 'ADDED');
    assert.equal(e.object.metadata.name, 'new-bbbbb');
    // a watch delivers in order: once a later pod's event is in, nothing came between (no sleep needed)
    api.state.addPod({ name: 'new-marker', labels: { app: 'new' } });
    const events = await w.next(2);
    assert.deepEqual(events.map((x) => x.object.metadata.name), ['new-bbbbb', 'new-marker'], 'the pod listed before is not repeated');
  });

  it('watches a namespace, a label selector and a field selector; other kinds do not leak in', async (t) => {
    const w = await openWatch(`${api.url}${PODS}?watch=1&labelSelector=app%3Dweb&fieldSelector=metadata.name!%3Dweb-skip`);
    t.after(() => w.close());
    api.state.addPod({ name: 'app-aaaaa', labels: { app: 'app' } });
    api.state.addPod({ namespace: 'other', name: 'web-ccccc', labels: { app: 'web' } });
    api.state.addPod({ name: 'web-skip', labels: { app: 'web' } });
    api.state.seed({ kind: 'deployments', name: 'web' });
    api.state.addPod({ name: 'web-ddddd', labels: { app: 'web' } });
    const [e] = await w.next(1);
    assert.equal(e.object.metadata.name, 'web-ddddd');
    // in-order delivery: the marker's event arriving second proves nothing else got through before it
    api.state.addPod({ name: 'web-marker', labels: { app: 'web' } });
    const events = await w.next(2);
    assert.deepEqual(events.map((x) => x.object.metadata.name), ['web-ddddd', 'web-marker']);
  });

  it('watches workloads: a scale is a MODIFIED event with the new spec.replicas, a status write too', async (t) => {
    const rs = api.state.seed({ kind: 'replicasets', name: 'app', replicas: 1 });
    const w = await openWatch(`${api.url}/apis/apps/v1/namespaces/default/replicasets?watch=true&resourceVersion=${rs.resourceVersion}`);
    t.after(() => w.close());
    const res = await fetch(`${api.url}/apis/apps/v1/namespaces/default/replicasets/app/scale`, {
      method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: JSON.stringify({ spec: { replicas: 3 } }),
    });
    assert.equal(res.status, 200);
    api.state.statusFollowsSpec = false;
    api.state.setStatusReplicas(rs, 2);
    api.state.setStatusReplicas(rs, 2); // unchanged: no event
    api.state.remove('replicasets', 'default', 'app');
    const ev = await w.next(3);
    assert.deepEqual(ev.map((e) => `${e.type} ${e.object.kind} ${e.object.spec.replicas} ${e.object.status.replicas}`),
      ['MODIFIED ReplicaSet 3 3', 'MODIFIED ReplicaSet 3 2', 'DELETED ReplicaSet 3 2']);
    // in-order delivery: a marker ReplicaSet's ADDED arriving fourth proves the unchanged status write sent nothing
    api.state.seed({ kind: 'replicasets', name: 'marker', replicas: 1 });
    const all = await w.next(4);
    assert.deepEqual(all.map((x) => `${x.type} ${x.object.metadata.name}`),
      ['MODIFIED app', 'MODIFIED app', 'DELETED app', 'ADDED marker']);
  });

  it('a Table watch carries column definitions in the first event only', async (t) => {
    api.state.addPod({ name: 'app-aaaaa', labels: { app: 'app' } });
    const w = await openWatch(`${api.url}${PODS}?watch=true`, { accept: TABLE_ACCEPT });
    t.after(() => w.close());
    api.state.updatePod('default', 'app-aaaaa', { phase: 'Running', ready: true });
    const [a, b] = await w.next(2);
    assert.equal(a.object.kind, 'Table');
    assert.equal(a.object.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(a.object.columnDefinitions.slice(0, 5).map((c: any) => c.name), ['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    assert.deepEqual(a.object.rows[0].cells.slice(0, 4), ['app-aaaaa', '0/1', 'ContainerCreating', '0']);
    assert.deepEqual(b.object.columnDefinitions, []);
    assert.deepEqual(b.object.rows[0].cells.slice(0, 4), ['app-aaaaa', '1/1', 'Running', '0']);
    assert.equal(b.object.rows[0].object.kind, 'PartialObjectMetadata');
    assert.equal(b.object.rows[0].object.metadata.name, 'app-aaaaa');
  });

  it('timeoutSeconds ends the stream; a resourceVersion older than the history is 410 Expired', async () => {
    const w = await openWatch(`${api.url}${PODS}?watch=true&timeoutSeconds=1`);
    const t0 = Date.now();
    await w.ended;
    assert.ok(Date.now() - t0 >= 900, 'ended after about a second');

    const small = new ChangeLog(2);
    for (let rv = 10; rv <= 13; rv++) small.append({ type: 'ADDED', revision: rv, resource: 'pods', namespace: 'default', name: `p${rv}`, labels: {}, object: {} });
    assert.equal(small.oldestResumable(13), 11, 'revisions 12 and 13 kept: resuming after 11 misses nothing');
    assert.deepEqual(small.since(11).map((e) => e.revision), [12, 13]);

    for (let i = 0; i < 1005; i++) api.state.addPod({ name: `p-${i}`, labels: {} });
    const old = await openWatch(`${api.url}${PODS}?watch=true&resourceVersion=2`);
    await old.ended;
    assert.equal(old.status, 200);
    assert.equal(old.events.length, 1);
    assert.equal(old.events[0].type, 'ERROR');
    assert.equal(old.events[0].object.code, 410);
    assert.equal(old.events[0].object.reason, 'Expired');
    assert.match(old.events[0].object.message, /^too old resource version: 2 \(\d+\)$/);
  });

  it('rejects a malformed resourceVersion or timeoutSeconds', async () => {
    const rv = await getJson(`${api.url}${PODS}?watch=true&resourceVersion=abc`);
    assert.equal(rv.status, 400);
    assert.match(rv.json.message, /resourceVersion: invalid value "abc"/);
    const to = await getJson(`${api.url}${PODS}?watch=true&timeoutSeconds=-1`);
    assert.equal(to.status, 400);
    assert.match(to.json.message, /timeoutSeconds: invalid value "-1"/);
  });

  it('closing the server ends open watches', async () => {
    const own = await startKubeApi();
    const w = await openWatch(`${own.url}${PODS}?watch=true`);
    await own.close();
    await w.ended;
  });
});
