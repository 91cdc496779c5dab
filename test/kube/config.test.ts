// [kubernetes] configuration semantics, SPEC 4.5 (+ kubeconfig fallback, beyond Kapacitor) and the client
// registry's messages (SPEC 4.5 last paragraph).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultKubernetesSection, KubernetesClients, resolveConnection, validateKubernetesSections, type KubernetesSectionConfig,
} from '../../kube/index.ts';

function section(over: Partial<KubernetesSectionConfig>): KubernetesSectionConfig {
  return { ...defaultKubernetesSection(), enabled: true, ...over };
}
const NO_KUBECONFIG = { HOME: '/nonexistent-home-for-tests' };

describe('[kubernetes] validation (SPEC 4.5)', () => {
  it('defaults are Kapacitor\'s: disabled, everything empty', () => {
    assert.deepEqual(defaultKubernetesSection(), {
      enabled: false, id: '', 'in-cluster': false, 'api-servers': [], token: '', 'ca-path': '', namespace: '', resource: '',
    });
    // a disabled section is not validated
    validateKubernetesSections([defaultKubernetesSection()], NO_KUBECONFIG);
  });

  it('in-cluster excludes api-servers, token, ca-path, namespace', () => {
    const cases: [Partial<KubernetesSectionConfig>, string][] = [
      [{ 'api-servers': ['http://a:8001'] }, 'in-cluster specified, cannot also specify api-servers'],
      [{ token: 't' }, 'in-cluster specified, cannot also specify token'],
      [{ 'ca-path': '/ca' }, 'in-cluster specified, cannot also specify ca-path'],
      [{ namespace: 'ns' }, 'in-cluster specified, cannot also specify namespace'],
    ];
    for (const [over, msg] of cases) {
      assert.throws(() => validateKubernetesSections([section({ 'in-cluster': true, ...over })], NO_KUBECONFIG), { message: `kubernetes: ${msg}` });
    }
    validateKubernetesSections([section({ 'in-cluster': true })], NO_KUBECONFIG);
  });

  it('without in-cluster and without a kubeconfig, api-servers are required', () => {
    assert.throws(() => validateKubernetesSections([section({})], NO_KUBECONFIG),
      /^Error: kubernetes: no api-servers specified, must provide at least one server URL \(or a kubeconfig: KUBECONFIG is not set and \/nonexistent-home-for-tests\/\.kube\/config does not exist\)$/);
  });

  it('api-servers must be http(s) URLs; trailing slashes are dropped', () => {
    assert.throws(() => validateKubernetesSections([section({ 'api-servers': ['http://ok:8001', 'localhost:8001'] })], NO_KUBECONFIG),
      { message: 'kubernetes: api-servers[1] "localhost:8001" must be an http:// or https:// URL' });
    assert.throws(() => validateKubernetesSections([section({ 'api-servers': ['not a url'] })], NO_KUBECONFIG), /api-servers\[0\] "not a url" is not a URL/);
    assert.deepEqual(resolveConnection(section({ 'api-servers': ['https://k8s:6443/'], token: 't', 'ca-path': '/ca' }), NO_KUBECONFIG),
      { mode: 'api-servers', servers: ['https://k8s:6443'], token: 't', caPath: '/ca' });
  });

  it('several sections each need a distinct id', () => {
    assert.throws(() => validateKubernetesSections([section({ id: 'a', 'api-servers': ['http://a'] }), section({ 'api-servers': ['http://b'] })], NO_KUBECONFIG),
      { message: 'kubernetes[1]: id must be set when more than one kubernetes section is configured' });
    assert.throws(() => validateKubernetesSections([section({ id: 'a', 'api-servers': ['http://a'] }), section({ id: 'a', 'api-servers': ['http://b'] })], NO_KUBECONFIG),
      /kubernetes\[1\] \(id "a"\): duplicate id "a" \(also used by kubernetes\[0\]\)/);
    validateKubernetesSections([section({ id: 'a', 'api-servers': ['http://a'] }), section({ id: 'b', 'in-cluster': true })], NO_KUBECONFIG);
  });

  it('resource (scraper discovery) is one of node, pod, service, endpoint', () => {
    assert.throws(() => validateKubernetesSections([section({ 'api-servers': ['http://a'], resource: 'pods' })], NO_KUBECONFIG),
      /invalid resource "pods", must be one of node, pod, service or endpoint/);
  });

  it('in-cluster: https://$KUBERNETES_SERVICE_HOST:$PORT, https://kubernetes when unset', () => {
    const c = section({ 'in-cluster': true });
    assert.equal((resolveConnection(c, {}) as { server: string }).server, 'https://kubernetes');
    assert.equal((resolveConnection(c, { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }) as { server: string }).server, 'https://10.0.0.1:443');
    const conn = resolveConnection(c, { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '6443' }, '/sa');
    assert.deepEqual(conn, { mode: 'in-cluster', server: 'https://[fd00::1]:6443', tokenFile: '/sa/token', caFile: '/sa/ca.crt', namespaceFile: '/sa/namespace' });
  });

  it('beyond Kapacitor: KUBECONFIG (path list) or ~/.kube/config when neither in-cluster nor api-servers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kcfg-'));
    try {
      mkdirSync(join(dir, '.kube'));
      writeFileSync(join(dir, '.kube', 'config'), 'apiVersion: v1\n');
      assert.deepEqual(resolveConnection(section({}), { HOME: dir }), { mode: 'kubeconfig', files: [join(dir, '.kube', 'config')] });
      assert.deepEqual(resolveConnection(section({}), { HOME: dir, KUBECONFIG: '/a:/b::' }), { mode: 'kubeconfig', files: ['/a', '/b'] });
      assert.throws(() => resolveConnection(section({ token: 't' }), { HOME: dir }), /token and ca-path need api-servers/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('KubernetesClients registry (SPEC 4.5)', () => {
  it('no section or a disabled one: service is not enabled, with a hint after Kapacitor\'s text', () => {
    // SPEC 4.5 gives Kapacitor's text; Project decisions allow a hint after it
    const kapacitor = 'cannot use the k8sAutoscale node, could not create kubernetes client: service is not enabled';
    const hint = ' (hint: set KAPACITOR_KUBERNETES_ENABLED=true with KAPACITOR_KUBERNETES_API_SERVERS, in-cluster, or a kubeconfig; or try `npm run demo`)';
    assert.throws(() => new KubernetesClients([]).get(''), { message: kapacitor + hint });
    assert.throws(() => new KubernetesClients([defaultKubernetesSection()], { env: NO_KUBECONFIG }).get(''), { message: kapacitor + hint });
  });

  it('unknown cluster id', () => {
    const r = new KubernetesClients([section({ id: 'a', 'api-servers': ['http://a:1'] }), section({ id: 'b', 'api-servers': ['http://b:1'] })], { env: NO_KUBECONFIG });
    assert.throws(() => r.get('x'), { message: 'cannot use the k8sAutoscale node, could not create kubernetes client: unknown kubernetes cluster "x", cannot get client' });
    assert.ok(r.get('a'));
    assert.equal(r.get('a'), r.get('a'), 'clients are created once');
    assert.notEqual(r.get('a'), r.get('b'));
  });

  it('a single section answers the default cluster id', () => {
    const r = new KubernetesClients([section({ id: 'prod', 'api-servers': ['http://a:1'] })], { env: NO_KUBECONFIG });
    assert.equal(r.get(''), r.get('prod'));
  });

  it('client creation failures carry the prefix and the reason', () => {
    const r = new KubernetesClients([section({ 'in-cluster': true })], { env: {}, serviceAccountDir: '/nonexistent-sa' });
    assert.throws(() => r.get(''), {
      message: 'cannot use the k8sAutoscale node, could not create kubernetes client: in-cluster service account token /nonexistent-sa/token cannot be read: ENOENT',
    });
    const r2 = new KubernetesClients([section({ 'api-servers': ['https://a:1'], 'ca-path': '/nonexistent/ca.crt' })], { env: NO_KUBECONFIG });
    assert.throws(() => r2.get(''), /ca-path \/nonexistent\/ca\.crt cannot be read: ENOENT/);
  });
});

describe('config/ shape', () => {
  it('camelCase sections from config/ are accepted and normalised', () => {
    const camel = { enabled: true, id: '', inCluster: true, apiServers: [], token: '', caPath: '', namespace: '', resource: [] as string[], dryRun: false };
    validateKubernetesSections([camel], NO_KUBECONFIG);
    assert.throws(() => validateKubernetesSections([{ ...camel, apiServers: ['http://a:8001'] }], NO_KUBECONFIG),
      { message: 'kubernetes: in-cluster specified, cannot also specify api-servers' });
    const r = new KubernetesClients([{ ...camel, inCluster: false, apiServers: ['http://a:8001'] }], { env: NO_KUBECONFIG });
    assert.deepEqual((r.get('') as unknown as { servers: string[] }).servers, ['http://a:8001']);
  });
});
