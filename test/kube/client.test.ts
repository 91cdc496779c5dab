// The scale client (kube/client.ts) with the real @kubernetes/client-node against the real test server:
// every kind, apps/v1 + v1 paths (never extensions/v1beta1 or selfLink: SPEC "Project decisions", 4.4),
// conflict retry, RBAC/404/401/5xx/timeout/connection messages, round-robin, TLS with ca-path and in-cluster.
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeApi, type KubeApiServer } from '../../fixtures/kube-api/server.ts';
import { CONFLICT_RETRIES, KubeApiError, KubernetesClients, KubeScaleClient, defaultKubernetesSection } from '../../kube/index.ts';

function clientFor(...urls: string[]): KubeScaleClient {
  return new KubeScaleClient({ mode: 'api-servers', servers: urls, token: 'tok', caPath: '' }, { timeoutMs: 1000 });
}

async function rejectsWith(p: Promise<unknown>, kind: string, re: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof KubeApiError, `KubeApiError, got ${String(err)}`);
    assert.equal(err.kind, kind);
    assert.match(err.message, re);
    return true;
  });
}

describe('KubeScaleClient against the kube-api fixture', () => {
  let api: KubeApiServer;
  let c: KubeScaleClient;
  before(async () => {
    api = await startKubeApi({ token: 'tok' });
    c = clientFor(api.url);
  });
  after(() => api.close());
  beforeEach(() => {
    api.state.reset();
    api.state.seed({ kind: 'deployments', name: 'web', replicas: 2 });
  });

  it('reads and sets every kind through its apps/v1 or v1 scale subresource, plural or singular', async () => {
    const cases = [
      ['deployments', '/apis/apps/v1/namespaces/ns/deployments/a/scale'],
      ['replicaset', '/apis/apps/v1/namespaces/ns/replicasets/a/scale'],
      ['statefulsets', '/apis/apps/v1/namespaces/ns/statefulsets/a/scale'],
      ['replicationcontroller', '/api/v1/namespaces/ns/replicationcontrollers/a/scale'],
    ] as const;
    for (const [kind, path] of cases) {
      api.state.requests.length = 0;
      api.state.seed({ kind, namespace: 'ns', name: 'a', replicas: 1 });
      const s = await c.getScale('ns', kind, 'a');
      assert.equal(s.replicas, 1);
      assert.equal(s.selector, 'app=a');
      const after = await c.setReplicas('ns', kind, 'a', 4);
      assert.equal(after.replicas, 4);
      assert.equal(api.state.get(after.kind, 'ns', 'a')!.replicas, 4);
      assert.deepEqual(api.state.requests.map((r) => `${r.method} ${r.path}`), [`GET ${path}`, `GET ${path}`, `PUT ${path}`]);
      // the PUT carries the resourceVersion it read (a concurrent writer gets a 409, not a silent overwrite)
      const body = JSON.parse(api.state.requests[2]!.body);
      assert.equal(body.kind, 'Scale');
      assert.equal(body.spec.replicas, 4);
      assert.equal(body.metadata.resourceVersion, s.resourceVersion);
    }
    await assert.rejects(c.getScale('ns', 'daemonsets', 'a'),
      { message: "invalid Kind, must be 'deployments', 'replicasets', 'statefulsets' or 'replicationcontrollers', got daemonsets" });
  });

  it(`409 Conflict: re-reads and retries (at most ${CONFLICT_RETRIES} retries)`, async () => {
    // a concurrent writer (think HPA or kubectl) changes the object between our GET and PUT, twice
    let races = 2;
    api.state.onRequest((r) => {
      if (r.method === 'PUT' && races-- > 0) api.state.setReplicas(api.state.get('deployments', 'default', 'web')!, 10 + races);
    });
    const s = await c.setReplicas('default', 'deployments', 'web', 5);
    assert.equal(s.replicas, 5);
    assert.deepEqual(api.state.requests.map((r) => `${r.method} ${r.status}`), ['GET 200', 'PUT 409', 'GET 200', 'PUT 409', 'GET 200', 'PUT 200']);

    api.state.requests.length = 0;
    api.state.failNext(CONFLICT_RETRIES + 1, 409, { method: 'PUT' });
    await rejectsWith(c.setReplicas('default', 'deployments', 'web', 6), 'conflict',
      /still conflicting after 4 attempts .*Operation cannot be fulfilled on deployments\.apps "web"/);
    assert.equal(api.state.requests.filter((r) => r.method === 'PUT').length, CONFLICT_RETRIES + 1);
    assert.equal(api.state.get('deployments', 'default', 'web')!.replicas, 5);
  });

  it('403 says which RBAC rule is missing', async () => {
    api.state.addDeny({ verb: 'update', resource: 'deployments/scale' });
    await rejectsWith(c.setReplicas('default', 'deployments', 'web', 3), 'forbidden', new RegExp(
      '^deployments\\.apps "web" is forbidden: User "system:serviceaccount:default:tickstream" cannot update resource "deployments/scale" ' +
      'in API group "apps" in the namespace "default"; add a Role rule: apiGroups \\["apps"\\], resources \\["deployments/scale"\\], ' +
      'verbs \\["get","update","patch"\\]$'));
    api.state.seed({ kind: 'replicationcontrollers', name: 'rc' });
    api.state.addDeny({ verb: 'get', resource: 'replicationcontrollers/scale' });
    await rejectsWith(c.getScale('default', 'replicationcontrollers', 'rc'), 'forbidden',
      /in API group "" in the namespace "default"; add a Role rule: apiGroups \[""\], resources \["replicationcontrollers\/scale"\]/);
  });

  it('404 names namespace, kind and name', async () => {
    await rejectsWith(c.getScale('prod', 'deployments', 'web'), 'not-found',
      /^deployments "web" not found in namespace "prod" \(GET http:\/\/127\.0\.0\.1:\d+ prod\/deployments\/web\/scale: deployments\.apps "web" not found\)$/);
  });

  it('401 when the token is wrong', async () => {
    const bad = new KubeScaleClient({ mode: 'api-servers', servers: [api.url], token: 'nope', caPath: '' });
    await rejectsWith(bad.getScale('default', 'deployments', 'web'), 'unauthorized', /401 Unauthorized: the API server rejected the credentials/);
    assert.equal(api.state.requests[0]!.status, 401);
  });

  it('5xx, timeout and dropped connections are transient errors; the next call succeeds', async () => {
    api.state.failNext(1, 500);
    const e1 = await c.getScale('default', 'deployments', 'web').catch((e: KubeApiError) => e);
    assert.ok(e1 instanceof KubeApiError && e1.transient);
    assert.match(e1.message, /API server error 500 InternalError: Internal error occurred: injected fault/);

    const slow = new KubeScaleClient({ mode: 'api-servers', servers: [api.url], token: 'tok', caPath: '' }, { timeoutMs: 100 });
    // the answer would come after 3 s; giving up at the 100 ms timeout leaves a wide margin on a loaded machine
    api.state.addFault({ delayMs: 3000, count: 1 });
    const t0 = Date.now();
    await rejectsWith(slow.getScale('default', 'deployments', 'web'), 'timeout', /no answer within 100ms$/);
    assert.ok(Date.now() - t0 < 2000, 'gave up at the timeout');

    api.state.dropNext(1, 'reset', { method: 'PUT' });
    await rejectsWith(c.setReplicas('default', 'deployments', 'web', 3), 'network', /connection failed \(ECONNRESET\)/);
    api.state.dropNext(1, 'close');
    await rejectsWith(c.getScale('default', 'deployments', 'web'), 'network', /connection failed/);
    assert.equal((await c.setReplicas('default', 'deployments', 'web', 3)).replicas, 3);
  });

  it('several api-servers are used round-robin, one request each', async () => {
    const api2 = await startKubeApi({ token: 'tok', seed: [{ kind: 'deployments', name: 'web', replicas: 2 }] });
    try {
      const rr = clientFor(api.url, api2.url);
      assert.deepEqual(rr.servers, [api.url, api2.url]);
      for (let i = 0; i < 4; i++) await rr.getScale('default', 'deployments', 'web');
      assert.equal(api.state.requests.length, 2);
      assert.equal(api2.state.requests.length, 2);
    } finally {
      await api2.close();
    }
  });

  it('applyReplicas whose signal is aborted during its read writes nothing and rejects with the reason', async () => {
    const stopping = new AbortController();
    api.state.onRequest((r) => { if (r.method === 'GET') stopping.abort(new Error('the task stopped')); });
    await assert.rejects(c.applyReplicas('default', 'deployments', 'web', 5, 2, stopping.signal), /^Error: the task stopped$/);
    assert.deepEqual(api.state.requests.map((r) => r.method), ['GET']);
    assert.equal(api.state.get('deployments', 'default', 'web')!.replicas, 2);
    // an aborted signal before the call: still only the read (the outcome may be known without writing)
    assert.deepEqual(await c.applyReplicas('default', 'deployments', 'web', 2, 2, stopping.signal), { kind: 'already-applied' });
  });

  it('at most maxConcurrent operations are in flight', async () => {
    const lim = new KubeScaleClient({ mode: 'api-servers', servers: [api.url], token: 'tok', caPath: '' }, { maxConcurrent: 2 });
    api.delayMs = 60;
    try {
      const t0 = Date.now();
      await Promise.all(Array.from({ length: 6 }, () => lim.getScale('default', 'deployments', 'web')));
      // 6 requests, 2 at a time, 60 ms each → at least 3 rounds
      assert.ok(Date.now() - t0 >= 170, `took ${Date.now() - t0}ms`);
    } finally {
      api.delayMs = 0;
    }
  });
});

// TLS: a self-signed certificate made with openssl; skipped where openssl is missing.
function makeCert(dir: string): { key: string; cert: string } | undefined {
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'ca.crt'), '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'ca.crt'), 'utf8') };
  } catch {
    return undefined;
  }
}

describe('TLS: ca-path, in-cluster service account, kubeconfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kube-tls-'));
  const tls = makeCert(dir);
  let api: KubeApiServer;
  before(async () => {
    if (tls) api = await startKubeApi({ tls, token: 'sa-token', seed: [{ kind: 'statefulsets', namespace: 'db', name: 'pg', replicas: 3 }] });
  });
  after(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('api-servers over https with ca-path and token', { skip: !tls && 'openssl not available' }, async () => {
    const reg = new KubernetesClients([{ ...defaultKubernetesSection(), enabled: true, 'api-servers': [api.url], token: 'sa-token', 'ca-path': join(dir, 'ca.crt') }],
      { env: { HOME: '/nonexistent' } });
    assert.equal((await reg.get('').getScale('db', 'statefulsets', 'pg')).replicas, 3);
    // without the CA the certificate is rejected
    const noCa = new KubeScaleClient({ mode: 'api-servers', servers: [api.url], token: 'sa-token', caPath: '' }, { timeoutMs: 1000 });
    await rejectsWith(noCa.getScale('db', 'statefulsets', 'pg'), 'network', /self[- ]signed certificate/);
  });

  it('in-cluster: token and ca.crt from the service-account directory', { skip: !tls && 'openssl not available' }, async () => {
    const sa = join(dir, 'sa');
    execFileSync('mkdir', ['-p', sa]);
    writeFileSync(join(sa, 'token'), 'sa-token');
    writeFileSync(join(sa, 'ca.crt'), tls!.cert);
    writeFileSync(join(sa, 'namespace'), 'db');
    const reg = new KubernetesClients([{ ...defaultKubernetesSection(), enabled: true, 'in-cluster': true }], {
      env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(api.port) }, serviceAccountDir: sa,
    });
    const c = reg.get('');
    assert.equal((await c.setReplicas('db', 'statefulset', 'pg', 5)).replicas, 5);
    assert.equal(api.state.get('statefulsets', 'db', 'pg')!.replicas, 5);
  });

  it('kubeconfig from KUBECONFIG when neither in-cluster nor api-servers', { skip: !tls && 'openssl not available' }, async () => {
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    writeFileSync(kubeconfig, [
      'apiVersion: v1', 'kind: Config', 'current-context: test',
      'clusters:', `- name: c`, `  cluster:`, `    server: ${api.url}`, `    certificate-authority: ${join(dir, 'ca.crt')}`,
      'users:', '- name: u', '  user:', '    token: sa-token',
      'contexts:', '- name: test', '  context:', '    cluster: c', '    user: u', '',
    ].join('\n'));
    const reg = new KubernetesClients([{ ...defaultKubernetesSection(), enabled: true }], { env: { KUBECONFIG: kubeconfig } });
    assert.ok((await reg.get('').getScale('db', 'statefulsets', 'pg')).replicas >= 3);
  });
});
