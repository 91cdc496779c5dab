/**
 * The local cluster realises spec.replicas as real app processes behind one round-robin port, and
 * status.replicas follows the ready pods (brief item 6; the API shapes are the kube-api fixture's).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { waitReady } from '../../examples/autoscale/local-cluster/cluster.ts';
import type { ClusterEvent } from '../../examples/autoscale/local-cluster/controller.ts';
import { sleep } from './helpers.ts';
import { patchScale, startClusterFixture } from './local-cluster-setup.ts';

const run = promisify(execFile);

async function scaleStatus(kubeUrl: string, path: string): Promise<{ spec: number; status: number }> {
  const s = await (await fetch(`${kubeUrl}${path}/scale`)).json() as { spec: { replicas: number }; status: { replicas: number } };
  return { spec: s.spec.replicas, status: s.status.replicas };
}

test('scale up starts app processes with their own host names behind one port; scale down stops them', async (t) => {
  const events: ClusterEvent[] = [];
  const { receiver, cluster, app } = await startClusterFixture(t,
    { kind: 'deployments', name: 'app', replicas: 1, writeQuery: '?db=autoscale&rp=autogen&precision=s' },
    { onEvent: (e) => events.push(e) });
  const path = '/apis/apps/v1/namespaces/default/deployments/app';
  assert.deepEqual(await scaleStatus(cluster.kubeUrl, path), { spec: 1, status: 1 });

  assert.equal(await patchScale(cluster.kubeUrl + path, 3), 200);
  await waitReady(app, 3, 20000);
  assert.deepEqual(await scaleStatus(cluster.kubeUrl, path), { spec: 3, status: 3 });
  const pods = app.controller.ready().map((p) => p.name);
  assert.equal(new Set(pods).size, 3);
  for (const p of pods) assert.match(p, /^app-[a-z0-9]{10}-[a-z0-9]{5}$/);

  // Round-robin per request: 30 requests over 3 pods give 10 each.
  const answers: string[] = [];
  for (let i = 0; i < 30; i++) answers.push(await (await fetch(app.serviceUrl)).text());
  assert.ok(answers.every((a) => /^Current request count \d+\n$/.test(a)));
  const snap = cluster.snapshot('app');
  assert.deepEqual(snap.pods.map((p) => p.served).sort(), [10, 10, 10]);
  assert.equal(snap.served, 30);

  // Each pod reports as itself: host=<pod name>, replicaset=<workload name>.
  await sleep(1300);
  const hosts = new Set(receiver.requests.map((r) => /host=([^,]+),replicaset=app /.exec(r.body)?.[1]));
  for (const p of pods) assert.ok(hosts.has(p), `no report from ${p}`);

  // Scale down to 1: two pods leave rotation and exit; status follows.
  assert.equal(await patchScale(cluster.kubeUrl + path, 1), 200);
  const deadline = Date.now() + 10000;
  while (app.controller.pods.length > 1 && Date.now() < deadline) await sleep(50);
  assert.equal(app.controller.pods.length, 1);
  assert.deepEqual(await scaleStatus(cluster.kubeUrl, path), { spec: 1, status: 1 });
  assert.equal(app.balancer.readyCount(), 1);
  const exits = events.filter((e) => e.type === 'pod-exited');
  assert.equal(exits.length, 2);
  assert.ok(exits.every((e) => e.type === 'pod-exited' && e.expected));
  assert.deepEqual(events.filter((e) => e.type === 'scale').map((e) => e.type === 'scale' && [e.old, e.new]), [[1, 3], [3, 1]]);
});

test('a pod that dies is replaced; close() stops every process', async (t) => {
  const { cluster, app } = await startClusterFixture(t, { kind: 'replicasets', name: 'web', replicas: 2 });
  const [victim] = app.controller.ready();
  assert.match(victim!.name, /^web-[a-z0-9]{5}$/);
  process.kill(victim!.pid!, 'SIGKILL');
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline && (app.controller.ready().length < 2 || app.controller.pods.some((p) => p.name === victim!.name))) await sleep(50);
  assert.equal(app.controller.ready().length, 2);
  const pids = app.controller.pods.map((p) => p.pid!);
  await cluster.close();
  for (const pid of pids) assert.throws(() => process.kill(pid, 0), /ESRCH/);
});

test('kubectl reads the local cluster', async (t) => {
  try {
    await run('kubectl', ['version', '--client']);
  } catch {
    t.skip('kubectl is not installed');
    return;
  }
  const { cluster } = await startClusterFixture(t, { kind: 'replicasets', name: 'app', replicas: 1 });
  const env = { ...process.env, KUBECONFIG: '/dev/null' };
  const { stdout } = await run('kubectl', ['--server', cluster.kubeUrl, 'get', 'replicasets', '-o', 'jsonpath={.items[0].metadata.name} {.items[0].spec.replicas} {.items[0].status.replicas}'], { env });
  assert.equal(stdout, 'app 1 1');
  await run('kubectl', ['--server', cluster.kubeUrl, 'scale', 'replicaset', 'app', '--replicas=2'], { env });
  await waitReady(cluster.workload('app')!, 2, 20000);
});
