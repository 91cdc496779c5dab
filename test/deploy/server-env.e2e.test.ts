/**
 * The tickstream Deployment's environment, applied to a real kapacitord process: it starts, answers the probe
 * paths the manifest uses, and shows the pod name (KAPACITOR_HOSTNAME from the downward API) as its host.
 * KAPACITOR_KUBERNETES_IN_CLUSTER needs a pod's service account, so here the Kubernetes section points at the
 * kube-api test server instead (KAPACITOR_KUBERNETES_API_SERVERS).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startKubeApi } from '../../fixtures/kube-api/server.ts';
import { freePort } from '../../examples/autoscale/demo/processes.ts';
import { repoRoot, spawnTs } from '../examples/helpers.ts';

test('kapacitord runs with the Deployment\'s environment and serves /livez and /readyz', async (t) => {
  const docs = parseAllDocuments(readFileSync(join(repoRoot, 'deploy/tickstream/deployment.yaml'), 'utf8')).map((d) => d.toJS());
  const container = docs[0].spec.template.spec.containers[0];
  const data = mkdtempSync(join(tmpdir(), 'deploy-env-'));
  t.after(() => rmSync(data, { recursive: true, force: true }));
  const api = await startKubeApi();
  t.after(() => api.close());
  const port = await freePort();
  const env: Record<string, string> = {};
  for (const e of container.env as { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[]) {
    if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') env[e.name] = 'kapacitor-5d9f7c6b8-x2x7k';
    else if (e.value !== undefined) env[e.name] = e.value;
  }
  assert.equal(env.KAPACITOR_HTTP_BIND_ADDRESS, ':9092');
  env.KAPACITOR_HTTP_BIND_ADDRESS = `127.0.0.1:${port}`;
  env.KAPACITOR_DATA_DIR = data;
  delete env.KAPACITOR_KUBERNETES_IN_CLUSTER;
  env.KAPACITOR_KUBERNETES_API_SERVERS = api.url;
  const server = spawnTs('bin/kapacitord.mjs', [], env);
  t.after(() => server.stop());

  const base = `http://127.0.0.1:${port}`;
  const paths = [container.livenessProbe.httpGet.path, container.readinessProbe.httpGet.path];
  assert.deepEqual(paths, ['/livez', '/readyz']);
  const deadline = Date.now() + 20000;
  let ready = 0;
  while (Date.now() < deadline) {
    ready = await fetch(`${base}/readyz`).then((r) => r.status, () => 0);
    if (ready === 200) break;
    if (server.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(ready, 200, `readyz never answered 200; output:\n${server.stdout()}\n${server.stderr()}`);
  assert.equal((await fetch(`${base}/livez`)).status, 200);
  // `kapacitor stats general` shows Host from /debug/vars (SPEC §6.6): the pod name.
  const vars = await (await fetch(`${base}/kapacitor/v1/debug/vars`)).json() as { host?: string };
  assert.equal(vars.host, 'kapacitor-5d9f7c6b8-x2x7k');
  assert.equal(await server.stop(), 0);
});
