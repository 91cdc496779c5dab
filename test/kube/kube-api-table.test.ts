// Server-side printing: `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` answers a meta.k8s.io Table with
// the columns of the API server's printers (k8s.io/kubernetes pkg/printers/internalversion/printers.go:
// pods NAME READY STATUS RESTARTS AGE, deployments NAME READY UP-TO-DATE AVAILABLE AGE, replicasets NAME DESIRED
// CURRENT READY AGE); AGE is apimachinery's duration.HumanDuration (cases from its duration_test.go).
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startKubeApi, type KubeApiServer } from '../../fixtures/kube-api/server.ts';
import { humanDuration, wantsTable } from '../../fixtures/kube-api/table.ts';
import { getJson, TABLE_ACCEPT } from './kube-api-helpers.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

describe('humanDuration (k8s.io/apimachinery/pkg/util/duration)', () => {
  it('matches the Go cases', () => {
    const cases: [number, string][] = [
      [S, '1s'], [70 * S, '70s'], [190 * S, '3m10s'], [70 * M, '70m'], [47 * H, '47h'], [49 * H, '2d1h'],
      [(8 * 24 + 2) * H, '8d'], [367 * 24 * H, '367d'], [(365 * 2 * 24 + 25) * H, '2y1d'], [(365 * 8 * 24 + 2) * H, '8y'],
      // boundaries of the same rules: whole minutes/hours drop the remainder, small negatives are "now"
      [120 * S, '2m'], [3 * H, '3h'], [-1 * S, '0s'], [-2 * S, '<invalid>'], [0, '0s'],
    ];
    for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms} ms`);
  });
});

describe('Table negotiation', () => {
  it('recognises kubectl\'s Accept header and ignores plain JSON', () => {
    assert.equal(wantsTable(TABLE_ACCEPT), 'v1');
    assert.equal(wantsTable('application/json;as=Table;v=v1beta1;g=meta.k8s.io, application/json'), 'v1beta1');
    assert.equal(wantsTable('application/json'), undefined);
    assert.equal(wantsTable('application/json;as=Table;v=v1;g=other.io'), undefined);
    assert.equal(wantsTable(undefined), undefined);
  });
});

describe('kube-api Tables', () => {
  let api: KubeApiServer;
  before(async () => { api = await startKubeApi({ statusFollowsSpec: false }); });
  after(() => api.close());
  beforeEach(() => api.state.reset());

  const table = async (path: string): Promise<any> => {
    const r = await getJson(`${api.url}${path}`, { accept: TABLE_ACCEPT });
    assert.equal(r.status, 200);
    assert.equal(r.json.kind, 'Table');
    assert.equal(r.json.apiVersion, 'meta.k8s.io/v1');
    return r.json;
  };
  const visible = (t: any): string[] => t.columnDefinitions.filter((c: any) => c.priority === 0).map((c: any) => c.name);

  it('pods: NAME READY STATUS RESTARTS AGE (+ IP, NODE … for -o wide)', async () => {
    api.state.addPod({ name: 'app-aaaaa', labels: { app: 'app' } });
    api.state.addPod({ name: 'app-bbbbb', labels: { app: 'app' } });
    api.state.updatePod('default', 'app-bbbbb', { phase: 'Running', ready: true, containerPort: 5000 });
    api.state.addPod({ name: 'app-ccccc', labels: { app: 'app' } });
    api.state.updatePod('default', 'app-ccccc', { phase: 'Running', ready: true });
    api.state.updatePod('default', 'app-ccccc', { terminating: true });
    const t = await table('/api/v1/namespaces/default/pods');
    assert.deepEqual(visible(t), ['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    assert.deepEqual(t.columnDefinitions.filter((c: any) => c.priority === 1).map((c: any) => c.name), ['IP', 'Node', 'Nominated Node', 'Readiness Gates']);
    assert.equal(t.columnDefinitions[0].format, 'name');
    assert.deepEqual(t.rows.map((r: any) => r.cells.slice(0, 4)), [
      ['app-aaaaa', '0/1', 'ContainerCreating', '0'],
      ['app-bbbbb', '1/1', 'Running', '0'],
      ['app-ccccc', '0/1', 'Terminating', '0'],
    ]);
    assert.match(t.rows[0].cells[4], /^[0-9]s$/);
    assert.equal(t.rows[1].cells[5], '127.0.0.1');
    assert.equal(t.metadata.resourceVersion, String(api.state.listRevision));
    // one object is a one-row table
    const one = await table('/api/v1/namespaces/default/pods/app-bbbbb');
    assert.deepEqual(one.rows.map((r: any) => r.cells[0]), ['app-bbbbb']);
  });

  it('deployments: READY is ready/desired; replicasets: DESIRED CURRENT READY; statefulsets and rcs too', async () => {
    api.state.seed({ kind: 'deployments', name: 'web', replicas: 3, statusReplicas: 1 });
    api.state.seed({ kind: 'replicasets', name: 'app', replicas: 4, statusReplicas: 2 });
    api.state.seed({ kind: 'statefulsets', name: 'db', replicas: 2 });
    api.state.seed({ kind: 'replicationcontrollers', name: 'old', replicas: 1 });
    const dt = await table('/apis/apps/v1/namespaces/default/deployments');
    assert.deepEqual(visible(dt), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age']);
    assert.deepEqual(dt.rows[0].cells.slice(0, 4), ['web', '1/3', 1, 1]);
    assert.deepEqual(dt.rows[0].cells.slice(5), ['web', 'example.invalid/web:latest', 'app=web'], 'wide: containers, images, selector');
    const rt = await table('/apis/apps/v1/namespaces/default/replicasets');
    assert.deepEqual(visible(rt), ['Name', 'Desired', 'Current', 'Ready', 'Age']);
    assert.deepEqual(rt.rows[0].cells.slice(0, 4), ['app', 4, 2, 2]);
    assert.deepEqual(visible(await table('/apis/apps/v1/namespaces/default/statefulsets')), ['Name', 'Ready', 'Age']);
    const rc = await table('/api/v1/namespaces/default/replicationcontrollers');
    assert.deepEqual(rc.rows[0].cells.slice(0, 4), ['old', 1, 1, 1]);
  });

  it('includeObject: Metadata by default, Object or None on request; a bad value is a 400', async () => {
    api.state.addPod({ name: 'app-aaaaa', labels: { app: 'app' } });
    const md = await table('/api/v1/namespaces/default/pods');
    assert.deepEqual(Object.keys(md.rows[0].object), ['kind', 'apiVersion', 'metadata']);
    assert.equal(md.rows[0].object.kind, 'PartialObjectMetadata');
    assert.deepEqual(md.rows[0].object.metadata.labels, { app: 'app' });
    const full = await table('/api/v1/namespaces/default/pods?includeObject=Object');
    assert.equal(full.rows[0].object.kind, 'Pod');
    assert.equal(full.rows[0].object.status.phase, 'Pending');
    assert.equal((await table('/api/v1/namespaces/default/pods?includeObject=None')).rows[0].object, null);
    const bad = await getJson(`${api.url}/api/v1/namespaces/default/pods?includeObject=All`, { accept: TABLE_ACCEPT });
    assert.equal(bad.status, 400);
    assert.match(bad.json.message, /includeObject: invalid value "All"/);
  });

  it('plain JSON without the Table Accept, and the scale subresource is never a Table', async () => {
    api.state.seed({ kind: 'replicasets', name: 'app', replicas: 1 });
    assert.equal((await getJson(`${api.url}/apis/apps/v1/namespaces/default/replicasets`)).json.kind, 'ReplicaSetList');
    const scale = await getJson(`${api.url}/apis/apps/v1/namespaces/default/replicasets/app/scale`, { accept: TABLE_ACCEPT });
    assert.equal(scale.json.kind, 'Scale');
  });
});
