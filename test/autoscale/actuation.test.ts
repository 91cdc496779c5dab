// The actuator and the engine's bounds through a k8sAutoscale task against the kube-api test server with the
// real client: faults on every call type, a resource deleted mid-run, manual overrides, dry run, hold and
// resource bounds, bad replicas values. The task never stops, the write path never blocks, and every fault is
// in the decision records and counters.
import { describe, it, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda, evaluateScript } from '../../tickscript/index.ts';
import { setLambdaCompiler } from '../../runtime/lambda.ts';
import { startTask, type Harness } from '../helpers/runtime/replay.ts';
import { startKubeApi, type KubeApiServer } from '../../fixtures/kube-api/server.ts';
import { KubernetesClients, defaultKubernetesSection } from '../../kube/index.ts';
import type { RuntimeServices } from '../../runtime/services.ts';
import { autoscaleNode, decided, registryFor, scaleWrites } from '../nodes/k8s-autoscale-helpers.ts';
import { until } from '../helpers/until.ts';

setLambdaCompiler(compileLambda);

const script = (extra = ''): string => `stream
    |from()
        .measurement('load')
        .groupBy('app')
    |k8sAutoscale()
        .resourceNameTag('app')
        .replicas(lambda: "want")${extra}
`;

const line = (app: string, want: string, t: number): string => `load,app=${app} want=${want} ${t}`;


describe('autoscale actuation, faults and bounds', () => {
  let api: KubeApiServer;
  let h: Harness | undefined;
  before(async () => { api = await startKubeApi(); });
  after(() => api.close());
  beforeEach(() => {
    api.state.reset();
    api.delayMs = 0;
    api.state.seed({ kind: 'deployments', name: 'web', replicas: 2 });
  });
  afterEach(() => { h?.stop(); h = undefined; });

  // 10 s per API request: only the timeout test needs a short one; on a loaded machine a plain GET can take over 1 s
  const start = (extra = '', services: Partial<RuntimeServices> = {}, timeoutMs = 10_000): Harness =>
    (h = startTask(evaluateScript(script(extra)), { services: { kubernetes: registryFor(api, timeoutMs), autoscaleLimits: { baseBackoffMs: 10, maxBackoffMs: 40 }, ...services } }));

  it('a failed first read fails the held points with Kapacitor\'s message; the next point reads again', async () => {
    start();
    api.state.failNext(1, 500, { method: 'GET' });
    h!.write([line('web', '3i', 1), line('web', '4i', 2)], 's');
    const node = autoscaleNode(h!);
    await node.whenIdle();
    const errs = node.decisions({ reasons: new Set(['error']) });
    assert.equal(errs.length, 2);
    assert.match(errs[0]!.error!, /^could not determine initial scale for "default\/deployments\/web": .*500/);
    h!.write(line('web', '5i', 3), 's');
    await node.whenIdle();
    assert.deepEqual(decided(node), [5]);
    assert.equal(api.state.get('deployments', 'default', 'web')!.replicas, 5);
    assert.equal(h!.task.stats()['node-stats']['k8s_autoscale2']!['errors'], 2);
  });

  it('PUT faults (500, 409, reset, timeout) are retried with backoff until the change lands; each attempt is counted', async () => {
    start('', {}, 300);
    h!.write(line('web', '3i', 1), 's'); // first read → current 2
    const node = autoscaleNode(h!);
    await node.whenIdle();
    // the first apply: 500, then a conflict (re-read and retried inside the client), then a reset, then a timeout
    api.state.failNext(1, 500, { method: 'PUT' });
    h!.write(line('web', '4i', 2), 's');
    await node.whenIdle();
    assert.equal(api.state.get('deployments', 'default', 'web')!.replicas, 4);
    api.state.failNext(1, 409, { method: 'PUT' });
    h!.write(line('web', '5i', 3), 's');
    await node.whenIdle();
    assert.equal(api.state.get('deployments', 'default', 'web')!.replicas, 5);
    api.state.dropNext(1, 'reset', { method: 'PUT' });
    h!.write(line('web', '6i', 4), 's');
    await node.whenIdle();
    assert.equal(api.state.get('deployments', 'default', 'web')!.replicas, 6);
    api.state.addFault({ method: 'PUT', delayMs: 600, count: 1 });
    h!.write(line('web', '7i', 5), 's');
    await node.whenIdle();
    assert.equal(api.state.get('deployments', 'default', 'web')!.replicas, 7);
    const recs = node.decisions({ reasons: new Set(['scaled']) });
    assert.deepEqual(recs.map((r) => r.final), [3, 4, 5, 6, 7]);
    // 500, reset and timeout each cost one failed attempt; the 409 was absorbed by the client's re-read
    assert.deepEqual(recs.map((r) => r.actuation!.attempts), [1, 2, 1, 2, 2]);
    assert.ok(recs.every((r) => r.actuation!.status === 'applied'));
    assert.equal(h!.task.stats()['node-stats']['k8s_autoscale2']!['errors'], 3);
  });

  it('403 names the missing RBAC rule and keeps retrying; granting it lets the change land', async () => {
    start();
    h!.write(line('web', '2i', 1), 's');
    const node = autoscaleNode(h!);
    await node.whenIdle();
    api.state.addDeny({ verb: 'update' });
    h!.write(line('web', '4i', 2), 's');
    await until('two failed attempts', () => (node.decisions({ reasons: new Set(['scaled']) })[0]?.actuation?.attempts ?? 0) >= 2);
    const rec = node.decisions({ reasons: new Set(['scaled']) })[0]!;
    assert.equal(rec.actuation!.status, 'pending');
    assert.match(rec.actuation!.error!, /add a Role rule/);
    api.state.deny = [];
    await node.whenIdle();
    assert.equal(rec.actuation!.status, 'applied');
    assert.equal(api.state.get('deployments', 'default', 'web')!.replicas, 4);
  });

  it('a resource deleted mid-run: 404 counted and retried, the task and other resources go on', async () => {
    api.state.seed({ kind: 'deployments', name: 'api', replicas: 1 });
    start();
    h!.write([line('web', '2i', 1), line('api', '1i', 1)], 's');
    const node = autoscaleNode(h!);
    await node.whenIdle();
    api.state.remove('deployments', 'default', 'web');
    h!.write([line('web', '5i', 2), line('api', '3i', 2)], 's');
    await until('the api change', () => api.state.get('deployments', 'default', 'api')!.replicas === 3);
    // attempts count when they start; errors when they fail: two failed attempts
    await until('404 retries', () => (h!.task.stats()['node-stats']['k8s_autoscale2']!['errors'] ?? 0) >= 2);
    const web = node.decisions({ resource: 'web', reasons: new Set(['scaled']) })[0]!;
    assert.match(web.actuation!.error!, /deployments "web" not found in namespace "default"/);
    // decisions for the deleted resource go on in data time (Kapacitor keeps its cached count)
    h!.write(line('web', '6i', 3), 's');
    assert.deepEqual(decided(node, 'web'), [5, 6]);
  });

  it('a manual `kubectl scale` is detected at the next apply, recorded, counted and adopted', async () => {
    start();
    h!.write(line('web', '4i', 1), 's');
    const node = autoscaleNode(h!);
    await node.whenIdle();
    assert.equal(api.state.get('deployments', 'default', 'web')!.replicas, 4);
    api.state.setReplicas(api.state.get('deployments', 'default', 'web')!, 9); // someone else
    h!.write(line('web', '5i', 2), 's'); // decided 4→5 on the decided state; the apply finds 9
    await node.whenIdle();
    const scaled = node.decisions({ reasons: new Set(['scaled']) });
    assert.equal(scaled.at(-1)!.actuation!.status, 'override');
    assert.equal(scaled.at(-1)!.actuation!.cluster, 9);
    const ov = node.decisions({ reasons: new Set(['override']) });
    assert.equal(ov.length, 1);
    assert.deepEqual([ov[0]!.current, ov[0]!.final], [5, 9]);
    assert.equal(api.state.get('deployments', 'default', 'web')!.replicas, 9, 'nothing was written over the manual change');
    assert.equal(node.autoscaleCounters.manualOverrides, 1);
    // the next decision starts from the adopted 9
    h!.write(line('web', '5i', 3), 's');
    await node.whenIdle();
    assert.deepEqual(node.decisions({ limit: 1 }).map((r) => [r.current, r.final, r.reason]), [[9, 5, 'scaled']]);
    assert.equal(api.state.get('deployments', 'default', 'web')!.replicas, 5);
  });

  it('.dryRun() and [kubernetes] dry-run decide and record but never write', async () => {
    start('\n        .dryRun()');
    h!.write([line('web', '4i', 1), line('web', '1i', 2)], 's');
    const node = autoscaleNode(h!);
    await node.whenIdle();
    assert.deepEqual(decided(node), [4, 1]);
    assert.ok(node.decisions({ reasons: new Set(['scaled']) }).every((r) => r.actuation!.status === 'dry-run'));
    assert.deepEqual(scaleWrites(api), []);
    h!.stop();
    const dry = new KubernetesClients([{ ...defaultKubernetesSection(), enabled: true, 'api-servers': [api.url], 'dry-run': true }], { env: {} });
    h = startTask(evaluateScript(script()), { services: { kubernetes: dry } });
    h.write(line('web', '7i', 1), 's');
    await autoscaleNode(h).whenIdle();
    assert.deepEqual(decided(autoscaleNode(h)), [7]);
    assert.deepEqual(scaleWrites(api), []);
    assert.equal(api.state.get('deployments', 'default', 'web')!.replicas, 2);
  });

  it('hold bound: points past it while the first read is out are error records, counted; the rest are decided in order', async () => {
    api.delayMs = 50;
    start('', { autoscaleLimits: { holdLimit: 3 } });
    const t0 = performance.now();
    h!.write([3, 4, 5, 6, 7].map((v, i) => line('web', `${v}i`, i)), 's');
    assert.ok(performance.now() - t0 < 40, 'the write did not wait for the API');
    const node = autoscaleNode(h!);
    await node.whenIdle();
    assert.deepEqual(decided(node), [3, 4, 5]);
    const errs = node.decisions({ reasons: new Set(['error']) });
    assert.equal(errs.length, 2);
    assert.match(errs[0]!.error!, /^waiting for the first read of "default\/deployments\/web": already holding 3 points for this resource, dropped the point$/);
    assert.equal(node.autoscaleCounters.holdOverflows, 2);
  });

  it('resource bound: a flood of distinct names cannot grow memory past it', async () => {
    for (let i = 0; i < 3; i++) api.state.seed({ kind: 'deployments', name: `r${i}`, replicas: 1 });
    start('', { autoscaleLimits: { maxResources: 2 } });
    h!.write([0, 1, 2, 3, 4].map((i) => line(`r${i}`, '1i', 1)), 's');
    const node = autoscaleNode(h!);
    await node.whenIdle();
    const errs = node.decisions({ reasons: new Set(['error']) });
    assert.equal(errs.length, 3);
    assert.match(errs[0]!.error!, /^too many resources: this node already tracks 2 \(namespace\/kind\/name\)/);
    assert.equal(node.autoscaleCounters.resourceLimitDrops, 3);
  });

  it('replicas values: negative clamps to min, a float or string is an error record, huge without max is an error', async () => {
    start();
    h!.write([line('web', '-4i', 1), line('web', '2.5', 2), line('web', '"x"', 3), line('web', '99999999999i', 4)], 's');
    const node = autoscaleNode(h!);
    await node.whenIdle();
    assert.deepEqual(node.decisions({}).map((r) => r.reason), ['scaled', 'error', 'error', 'error']);
    assert.deepEqual(decided(node), [1]);
    const errs = node.decisions({ reasons: new Set(['error']) }).map((r) => r.error);
    assert.match(errs[0]!, /^failed to evaluate the replicas expression: .*expected int/);
    assert.match(errs[1]!, /^failed to evaluate the replicas expression: /);
    assert.match(errs[2]!, /more than Kubernetes allows/);
    assert.equal(h!.task.stats()['node-stats']['k8s_autoscale2']!['errors'], 3);
  });
});
