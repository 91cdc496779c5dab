// The Kubernetes API test server (fixtures/kube-api) answers like a real API server: autoscaling/v1 Scale
// objects, Status errors, resourceVersion conflicts, patches, auth, RBAC denies, faults, request log.
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startKubeApi, type KubeApiServer } from '../../fixtures/kube-api/server.ts';
import { jsonPatch, mergePatch, PatchError } from '../../fixtures/kube-api/patch.ts';

const SCALE = '/apis/apps/v1/namespaces/default/deployments/web/scale';

async function call(api: KubeApiServer, method: string, path: string, body?: unknown, contentType = 'application/json', token?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = contentType;
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  const res = await fetch(api.url + path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe('kube-api fixture', () => {
  let api: KubeApiServer;
  before(async () => { api = await startKubeApi(); });
  after(() => api.close());
  beforeEach(() => {
    api.state.reset();
    api.state.token = null;
    api.state.seed({ kind: 'deployments', name: 'web', replicas: 2 });
  });

  it('serves an autoscaling/v1 Scale with Kubernetes fields', async () => {
    const r = await call(api, 'GET', SCALE);
    assert.equal(r.status, 200);
    assert.equal(r.json.kind, 'Scale');
    assert.equal(r.json.apiVersion, 'autoscaling/v1');
    assert.deepEqual(Object.keys(r.json.metadata).sort(), ['creationTimestamp', 'name', 'namespace', 'resourceVersion', 'uid']);
    assert.equal(r.json.metadata.name, 'web');
    assert.equal(r.json.metadata.namespace, 'default');
    assert.equal(typeof r.json.metadata.resourceVersion, 'string');
    assert.match(r.json.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(r.json.spec, { replicas: 2 });
    assert.deepEqual(r.json.status, { replicas: 2, selector: 'app=web' });
  });

  it('serves all four kinds, the objects themselves and lists', async () => {
    api.state.seed({ kind: 'replicaset', namespace: 'prod', name: 'app', replicas: 3 });
    api.state.seed({ kind: 'StatefulSet', name: 'db', replicas: 1 });
    api.state.seed({ kind: 'replicationcontrollers', name: 'old', replicas: 4 });
    assert.equal((await call(api, 'GET', '/apis/apps/v1/namespaces/prod/replicasets/app/scale')).json.spec.replicas, 3);
    assert.equal((await call(api, 'GET', '/apis/apps/v1/namespaces/default/statefulsets/db/scale')).json.spec.replicas, 1);
    assert.equal((await call(api, 'GET', '/api/v1/namespaces/default/replicationcontrollers/old/scale')).json.spec.replicas, 4);
    const obj = await call(api, 'GET', '/apis/apps/v1/namespaces/default/statefulsets/db');
    assert.equal(obj.json.kind, 'StatefulSet');
    assert.equal(obj.json.apiVersion, 'apps/v1');
    assert.deepEqual(obj.json.spec.selector, { matchLabels: { app: 'db' } });
    const rc = await call(api, 'GET', '/api/v1/namespaces/default/replicationcontrollers/old');
    assert.equal(rc.json.apiVersion, 'v1');
    assert.deepEqual(rc.json.spec.selector, { app: 'old' });
    const list = await call(api, 'GET', '/apis/apps/v1/replicasets');
    assert.equal(list.json.kind, 'ReplicaSetList');
    assert.deepEqual(list.json.items.map((i: any) => `${i.metadata.namespace}/${i.metadata.name}`), ['prod/app']);
    assert.equal((await call(api, 'GET', '/apis/apps/v1/namespaces/other/replicasets')).json.items.length, 0);
  });

  it('404 Status for a missing object and for unknown paths', async () => {
    const r = await call(api, 'GET', '/apis/apps/v1/namespaces/default/deployments/nope/scale');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'deployments.apps "nope" not found',
      reason: 'NotFound', details: { name: 'nope', group: 'apps', kind: 'deployments' }, code: 404,
    });
    const rc = await call(api, 'GET', '/api/v1/namespaces/default/replicationcontrollers/nope/scale');
    assert.equal(rc.json.message, 'replicationcontrollers "nope" not found');
    assert.deepEqual(rc.json.details, { name: 'nope', kind: 'replicationcontrollers' });
    // extensions/v1beta1 is gone on modern clusters (SPEC 4.4)
    const old = await call(api, 'GET', '/apis/extensions/v1beta1/namespaces/default/deployments/web/scale');
    assert.equal(old.status, 404);
    assert.equal(old.json.message, 'the server could not find the requested resource');
  });

  it('PUT bumps resourceVersion and rejects a stale one with 409 Conflict', async () => {
    const s = (await call(api, 'GET', SCALE)).json;
    const put = await call(api, 'PUT', SCALE, { ...s, spec: { replicas: 5 } });
    assert.equal(put.status, 200);
    assert.equal(put.json.spec.replicas, 5);
    assert.ok(Number(put.json.metadata.resourceVersion) > Number(s.metadata.resourceVersion));
    const stale = await call(api, 'PUT', SCALE, { ...s, spec: { replicas: 6 } });
    assert.equal(stale.status, 409);
    assert.equal(stale.json.reason, 'Conflict');
    assert.equal(stale.json.message,
      'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again');
    assert.equal((await call(api, 'GET', SCALE)).json.spec.replicas, 5);
    // no resourceVersion = unconditional update
    assert.equal((await call(api, 'PUT', SCALE, { spec: { replicas: 7 } })).json.spec.replicas, 7);
  });

  it('PATCH with merge patch and JSON patch; other media types are 415', async () => {
    const m = await call(api, 'PATCH', SCALE, { spec: { replicas: 4 } }, 'application/merge-patch+json');
    assert.equal(m.status, 200);
    assert.equal(m.json.spec.replicas, 4);
    const j = await call(api, 'PATCH', SCALE, [{ op: 'replace', path: '/spec/replicas', value: 9 }], 'application/json-patch+json');
    assert.equal(j.json.spec.replicas, 9);
    const bad = await call(api, 'PATCH', SCALE, { spec: { replicas: 1 } }, 'application/json');
    assert.equal(bad.status, 415);
    assert.equal(bad.json.reason, 'UnsupportedMediaType');
    const neg = await call(api, 'PATCH', SCALE, { spec: { replicas: -1 } }, 'application/merge-patch+json');
    assert.equal(neg.status, 422);
    assert.equal(neg.json.reason, 'Invalid');
    const failedTest = await call(api, 'PATCH', SCALE,
      [{ op: 'test', path: '/spec/replicas', value: 1 }, { op: 'replace', path: '/spec/replicas', value: 3 }], 'application/json-patch+json');
    assert.equal(failedTest.status, 422);
    assert.equal((await call(api, 'GET', SCALE)).json.spec.replicas, 9);
  });

  it('bearer token: 401 when missing or wrong', async () => {
    api.state.token = 's3cret';
    const none = await call(api, 'GET', SCALE);
    assert.equal(none.status, 401);
    assert.deepEqual(none.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    assert.equal((await call(api, 'GET', SCALE, undefined, undefined, 'wrong')).status, 401);
    assert.equal((await call(api, 'GET', SCALE, undefined, undefined, 's3cret')).status, 200);
  });

  it('deny rules answer 403 with RBAC\'s message, per verb/resource/namespace', async () => {
    api.state.addDeny({ verb: 'update', resource: 'deployments/scale', namespace: 'default' });
    const s = (await call(api, 'GET', SCALE)).json;
    const r = await call(api, 'PUT', SCALE, s);
    assert.equal(r.status, 403);
    assert.equal(r.json.message,
      'deployments.apps "web" is forbidden: User "system:serviceaccount:default:tickstream" cannot update resource "deployments/scale" in API group "apps" in the namespace "default"');
    assert.equal(r.json.reason, 'Forbidden');
    assert.deepEqual(r.json.details, { name: 'web', group: 'apps', kind: 'deployments' });
    // patch is another verb
    assert.equal((await call(api, 'PATCH', SCALE, { spec: { replicas: 3 } }, 'application/merge-patch+json')).status, 200);
    api.state.addDeny({ verb: 'list', resource: 'deployments' });
    const l = await call(api, 'GET', '/apis/apps/v1/namespaces/default/deployments');
    assert.equal(l.json.message,
      'deployments.apps is forbidden: User "system:serviceaccount:default:tickstream" cannot list resource "deployments" in API group "apps" in the namespace "default"');
  });

  it('faults: 500 for the next N requests, delay, connection reset and close', async () => {
    api.state.failNext(2);
    assert.equal((await call(api, 'GET', SCALE)).status, 500);
    const second = await call(api, 'GET', SCALE);
    assert.equal(second.status, 500);
    assert.equal(second.json.reason, 'InternalError');
    assert.equal((await call(api, 'GET', SCALE)).status, 200);

    api.state.addFault({ delayMs: 120, count: 1 });
    const t0 = Date.now();
    assert.equal((await call(api, 'GET', SCALE)).status, 200);
    assert.ok(Date.now() - t0 >= 110, 'delayed');

    api.state.dropNext(1, 'reset');
    await assert.rejects(call(api, 'GET', SCALE));
    api.state.dropNext(1, 'close', { method: 'PUT' });
    assert.equal((await call(api, 'GET', SCALE)).status, 200, 'filter by method');
    await assert.rejects(call(api, 'PUT', SCALE, { spec: { replicas: 3 } }));
    assert.equal((await call(api, 'GET', SCALE)).json.spec.replicas, 2, 'dropped request changed nothing');
  });

  it('records every request and calls the replica watcher on changes only', async () => {
    const changes: string[] = [];
    const unwatch = api.state.watch((c) => changes.push(`${c.resource}/${c.namespace}/${c.name} ${c.old}->${c.new}`));
    await call(api, 'PATCH', SCALE, { spec: { replicas: 3 } }, 'application/merge-patch+json');
    await call(api, 'PATCH', SCALE, { spec: { replicas: 3 } }, 'application/merge-patch+json');
    await call(api, 'PUT', SCALE, { spec: { replicas: 1 } });
    unwatch();
    assert.deepEqual(changes, ['deployments/default/web 2->3', 'deployments/default/web 3->1']);
    const log = api.state.requests;
    assert.deepEqual(log.map((r) => `${r.method} ${r.status} ${r.contentType}`),
      ['PATCH 200 application/merge-patch+json', 'PATCH 200 application/merge-patch+json', 'PUT 200 application/json']);
    assert.equal(log[0]!.path, SCALE);
    assert.equal(log[0]!.body, '{"spec":{"replicas":3}}');
    assert.ok(log[0]!.time <= log[2]!.time);
    assert.equal(api.state.scaleWrites().length, 3);
  });

  it('is controllable over HTTP under /_test/', async () => {
    assert.equal((await call(api, 'POST', '/_test/objects', [{ kind: 'statefulsets', namespace: 'ns1', name: 'db', replicas: 2 }])).status, 201);
    assert.equal((await call(api, 'POST', '/_test/objects', [{ kind: 'widgets', name: 'x' }])).status, 400);
    const objs = (await call(api, 'GET', '/_test/objects')).json;
    assert.deepEqual(objs.map((o: any) => `${o.kind}/${o.namespace}/${o.name}=${o.replicas}`).sort(),
      ['deployments/default/web=2', 'statefulsets/ns1/db=2']);
    await call(api, 'POST', '/_test/faults', { status: 503, count: 1 });
    assert.equal((await call(api, 'GET', SCALE)).status, 503);
    await call(api, 'POST', '/_test/deny', { verb: 'get' });
    assert.equal((await call(api, 'GET', SCALE)).status, 403);
    await call(api, 'DELETE', '/_test/deny');
    await call(api, 'PUT', '/_test/config', { token: 't' });
    assert.equal((await call(api, 'GET', SCALE)).status, 401);
    await call(api, 'PUT', '/_test/config', { token: null });
    const reqs = (await call(api, 'GET', '/_test/requests')).json;
    assert.deepEqual(reqs.map((r: any) => r.status), [503, 403, 401]);
    assert.equal((await call(api, 'DELETE', '/_test/objects/statefulsets/ns1/db')).status, 200);
    await call(api, 'POST', '/_test/reset');
    assert.deepEqual((await call(api, 'GET', '/_test/objects')).json, []);
    assert.deepEqual((await call(api, 'GET', '/_test/requests')).json, []);
  });

  it('answers discovery: /version, /api, /apis, /apis/apps/v1', async () => {
    assert.equal((await call(api, 'GET', '/version')).json.major, '1');
    assert.deepEqual((await call(api, 'GET', '/api')).json.versions, ['v1']);
    assert.equal((await call(api, 'GET', '/apis')).json.groups[0].name, 'apps');
    const res = (await call(api, 'GET', '/apis/apps/v1')).json.resources.map((r: any) => r.name);
    assert.ok(res.includes('deployments/scale') && res.includes('statefulsets/scale'));
  });
});

describe('patch formats', () => {
  it('merge patch (RFC 7386): nested merge, null deletes', () => {
    assert.deepEqual(mergePatch({ a: { b: 1, c: 2 }, d: 3 }, { a: { b: null, e: 4 }, d: [1] }), { a: { c: 2, e: 4 }, d: [1] });
  });
  it('JSON patch (RFC 6902): add/remove/replace/move/copy/test, atomic', () => {
    const doc = { a: [1, 2], b: { c: 'x' } };
    assert.deepEqual(jsonPatch(doc, [
      { op: 'add', path: '/a/-', value: 3 }, { op: 'remove', path: '/a/0' }, { op: 'replace', path: '/b/c', value: 'y' },
      { op: 'copy', from: '/b/c', path: '/d' }, { op: 'move', from: '/d', path: '/e~1f' }, { op: 'test', path: '/a', value: [2, 3] },
    ]), { a: [2, 3], b: { c: 'y' }, 'e/f': 'y' });
    assert.deepEqual(doc, { a: [1, 2], b: { c: 'x' } }, 'input untouched');
    assert.throws(() => jsonPatch(doc, [{ op: 'replace', path: '/zz', value: 1 }]), PatchError);
    assert.throws(() => jsonPatch(doc, [{ op: 'test', path: '/b/c', value: 'no' }]), /operation 0: test failed/);
  });
});

describe('kube-api CLI (npm run kube-api)', () => {
  it('starts, seeds from flags, serves, and stops on SIGTERM', async () => {
    const { spawn } = await import('node:child_process');
    const root = new URL('../../', import.meta.url).pathname;
    const child = spawn(process.execPath, ['--import', 'tsx', 'fixtures/kube-api/main.ts', '--port', '0', '--seed', 'statefulsets/db/pg=3'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      const r = await fetch(`${url}/apis/apps/v1/namespaces/db/statefulsets/pg/scale`);
      assert.equal((await r.json() as { spec: { replicas: number } }).spec.replicas, 3);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
});

describe('status.replicas', () => {
  it('follows spec by default; with statusFollowsSpec false it is left to the watcher', async () => {
    const api = await startKubeApi({ statusFollowsSpec: false, seed: [{ kind: 'deployments', name: 'web', replicas: 1 }] });
    try {
      const realised: number[] = [];
      api.state.watch((c) => { realised.push(c.new); });
      await call(api, 'PATCH', SCALE, { spec: { replicas: 4 } }, 'application/merge-patch+json');
      const s = (await call(api, 'GET', SCALE)).json;
      assert.deepEqual([s.spec.replicas, s.status.replicas, realised], [4, 1, [4]]);
      api.state.get('deployments', 'default', 'web')!.statusReplicas = 4; // the "controller" caught up
      assert.equal((await call(api, 'GET', SCALE)).json.status.replicas, 4);
    } finally {
      await api.close();
    }
  });
});
