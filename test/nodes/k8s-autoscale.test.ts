// The k8sAutoscale node (SPEC 4.1–4.3) in a running task, with a real KubernetesClients registry and the real
// @kubernetes/client-node against the kube-api test server. Pipelines are built by hand; the replicas lambda
// comes from the small test compiler in k8s-autoscale-helpers.ts (the TICKscript end-to-end runs are in
// k8s-autoscale-script.test.ts).
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import '../../nodes/k8s-autoscale.ts';
import { startKubeApi, type KubeApiServer } from '../../fixtures/kube-api/server.ts';
import { PipelineBuilder, dur, lambda, int } from '../helpers/runtime/pipeline-builder.ts';
import { startTask, type Harness } from '../helpers/runtime/replay.ts';
import { KubernetesClients } from '../../kube/index.ts';
import { autoscaleNode, currentPlus, decided, installTestLambdas, intField, registryFor, scaleWrites } from './k8s-autoscale-helpers.ts';

const S = 1_000_000_000n;

/** Kapacitor's TestStream_Autoscale shape: from().groupBy('deployment') |k8sAutoscale() |httpOut('out') */
function pipeline(setup: (n: ReturnType<PipelineBuilder['stream']>) => void = () => {}) {
  const b = new PipelineBuilder();
  const k = b.stream().chain('from').prop('measurement', 'scale').prop('groupBy', 'deployment').chain('k8sAutoscale');
  k.prop('resourceNameTag', 'deployment').prop('replicas', lambda(intField('replicas')));
  setup(k);
  k.chain('httpOut', 'out');
  return b.build();
}

function line(deployment: string, replicas: bigint | string, sec: number): string {
  return `scale,deployment=${deployment} replicas=${typeof replicas === 'bigint' ? `${replicas}i` : replicas} ${sec}`;
}

describe('k8sAutoscale node', () => {
  let api: KubeApiServer;
  let h: Harness | undefined;
  // the test lambda compiler is process-wide: installed for this file's tests only (files may share a process)
  let restoreLambdas: () => void;
  before(async () => { restoreLambdas = installTestLambdas(); api = await startKubeApi(); });
  after(() => { restoreLambdas(); return api.close(); });
  beforeEach(() => {
    h?.stop();
    h = undefined;
    api.state.reset();
    api.delayMs = 0;
    api.state.seed({ kind: 'deployments', name: 'service-a', replicas: 1 });
  });

  it('task start with Kubernetes disabled or an unknown cluster fails with Kapacitor\'s message (SPEC 4.5)', () => {
    assert.throws(() => startTask(pipeline()), { message: 'cannot use the k8sAutoscale node, could not create kubernetes client: service is not enabled' });
    // the server's registry appends a hint after Kapacitor's text (Project decisions)
    assert.throws(() => startTask(pipeline(), { services: { kubernetes: new KubernetesClients([]) } }),
      { message: /^cannot use the k8sAutoscale node, could not create kubernetes client: service is not enabled \(hint: set KAPACITOR_KUBERNETES_ENABLED=true/ });
    assert.throws(() => startTask(pipeline((k) => k.prop('cluster', 'nope')), { services: { kubernetes: registryFor(api) } }),
      { message: 'cannot use the k8sAutoscale node, could not create kubernetes client: unknown kubernetes cluster "nope", cannot get client' });
  });

  it('validates properties with Kapacitor\'s messages (SPEC 4.1)', () => {
    const services = { kubernetes: registryFor(api) };
    const build = (f: (b: PipelineBuilder) => void) => { const b = new PipelineBuilder(); f(b); return b.build(); };
    assert.throws(() => startTask(build((b) => b.stream().chain('from').chain('k8sAutoscale').prop('replicas', lambda(intField('r')))), { services }),
      { message: 'must specify exactly one of ResourceName or ResourceNameTag' });
    assert.throws(() => startTask(build((b) => b.stream().chain('from').chain('k8sAutoscale').prop('resourceName', 'a').prop('resourceNameTag', 'b')
      .prop('replicas', lambda(intField('r')))), { services }), { message: 'must specify exactly one of ResourceName or ResourceNameTag' });
    assert.throws(() => startTask(pipeline((k) => k.prop('kind', 'daemonsets')), { services }),
      { message: "invalid Kind, must be 'deployments', 'replicasets', 'statefulsets' or 'replicationcontrollers', got daemonsets" });
    // min(0) is scale-to-zero in tickstream (docs/autoscale.md); negative stays an error
    assert.throws(() => startTask(pipeline((k) => k.prop('min', -1n)), { services }), { message: 'min must be >= 0 (0 scales to zero), got -1' });
    assert.throws(() => startTask(build((b) => b.stream().chain('from').chain('k8sAutoscale').prop('resourceName', 'a')), { services }),
      { message: 'must provide a replicas lambda expression' });
  });

  it('TestStream_Autoscale: inputs 1,2,-1,1000,2 from 1 → updates 2,1,1000,2 and {old,new} points (SPEC 4.2)', async () => {
    h = startTask(pipeline(), { services: { kubernetes: registryFor(api) } });
    // one write with all five points: decided at once, in data time, against the decided state
    h.write([1n, 2n, -1n, 1000n, 2n].map((v, i) => line('service-a', v, i)), 's');
    const node = autoscaleNode(h);
    await node.whenIdle();
    assert.deepEqual(decided(node), [2, 1, 1000, 2]);
    // the actuator is level-triggered: it converges to the latest decided count (2), coalescing the ones that
    // were superseded while a call was in flight; the last write is always the last decision
    assert.equal(scaleWrites(api).at(-1), 2);
    assert.equal(api.state.get('deployments', 'default', 'service-a')!.replicas, 2);
    const stats = h.task.stats()['node-stats']['k8s_autoscale2']!;
    assert.equal(stats['increase_events'], 2);
    assert.equal(stats['decrease_events'], 2);
    assert.equal(stats['cooldown_drops'], 0);
    assert.equal(stats['errors'], 0);
    // httpOut keeps the last point per group: the 1000 → 2 event, at the input's time, with the group tag plus
    // namespace/kind/resource, int fields old/new (SPEC 4.2 step 8)
    assert.deepEqual(JSON.parse(h.httpOut('out')!), { series: [{
      name: 'scale',
      tags: { deployment: 'service-a', kind: 'deployments', namespace: 'default', resource: 'service-a' },
      columns: ['time', 'new', 'old'], values: [['1970-01-01T00:00:04Z', 2, 1000]],
    }] });
    assert.equal(h.task.stats()['node-stats']['k8s_autoscale2']!['emitted'], 4);
  });

  it('min 3 max 500 → 3,500,3', async () => {
    h = startTask(pipeline((k) => k.prop('min', int(3)).prop('max', int(500))), { services: { kubernetes: registryFor(api) } });
    for (const [i, v] of [1n, 2n, -1n, 1000n, 2n].entries()) {
      h.write(line('service-a', v, i), 's');
      await autoscaleNode(h).whenIdle();
    }
    assert.deepEqual(decided(autoscaleNode(h)), [3, 500, 3]);
    // paced: every decision reached the API, in order
    assert.deepEqual(scaleWrites(api), [3, 500, 3]);
  });

  it('every kind, namespace property, custom tag names, resourceName', async () => {
    for (const kind of ['deployment', 'replicasets', 'statefulset', 'replicationcontroller']) {
      api.state.reset();
      api.state.seed({ kind, namespace: 'prod', name: 'fixed', replicas: 2 });
      h?.stop();
      const b = new PipelineBuilder();
      b.stream().chain('from').prop('measurement', 'scale').prop('groupBy', 'deployment').chain('k8sAutoscale')
        .prop('kind', kind).prop('namespace', 'prod').prop('resourceName', 'fixed').prop('namespaceTag', 'ns').prop('kindTag', '')
        .prop('replicas', lambda(intField('replicas'))).chain('httpOut', 'out');
      h = startTask(b.build(), { services: { kubernetes: registryFor(api) } });
      h.write(line('x', 3n, 1), 's');
      await autoscaleNode(h).whenIdle();
      assert.deepEqual(scaleWrites(api), [3], kind);
      const s = JSON.parse(h.httpOut('out')!).series[0];
      assert.deepEqual(s.tags, { deployment: 'x', ns: 'prod', resource: 'fixed' }, kind);
      assert.deepEqual(s.values[0].slice(1), [3, 2]);
    }
  });

  it('currentField exposes the current replicas to the lambda as an int (Project decision)', async () => {
    h = startTask(pipeline((k) => k.prop('currentField', 'current').prop('replicas', lambda(currentPlus('current', 'delta')))),
      { services: { kubernetes: registryFor(api) } });
    h.write(['scale,deployment=service-a delta=2i 1', 'scale,deployment=service-a delta=-1i 2', 'scale,deployment=service-a delta=0i 3'], 's');
    await autoscaleNode(h).whenIdle();
    assert.deepEqual(decided(autoscaleNode(h)), [3, 2]);
    assert.equal(scaleWrites(api).at(-1), 2);
  });

  it('data-time cooldowns (SPEC 4.2 step 6) count cooldown_drops', async () => {
    h = startTask(pipeline((k) => k.prop('increaseCooldown', dur(60n * S)).prop('decreaseCooldown', dur(120n * S))),
      { services: { kubernetes: registryFor(api) } });
    h.write([line('service-a', 2n, 0), line('service-a', 3n, 59), line('service-a', 3n, 60), line('service-a', 1n, 61), line('service-a', 2n, 100),
      line('service-a', 1n, 130)], 's');
    await autoscaleNode(h).whenIdle();
    // 2@0 ok, 3@59 drop, 3@60 ok, 1@61 ok (first decrease), 2@100 drop (<120), 1@130: 1 == current → nothing
    assert.deepEqual(decided(autoscaleNode(h)), [2, 3, 1]);
    assert.equal(api.state.get('deployments', 'default', 'service-a')!.replicas, 1);
    assert.equal(h.task.stats()['node-stats']['k8s_autoscale2']!['cooldown_drops'], 2);
  });

  it('errors drop the point, are counted, never stop the task; a failed apply is retried until it lands', async () => {
    h = startTask(pipeline(), { services: { kubernetes: registryFor(api), autoscaleLimits: { baseBackoffMs: 20 } } });
    h.write('scale,other=x replicas=2i 1', 's'); // no deployment tag
    h.write('scale,deployment=service-a replicas=2.5 2', 's'); // float → TypeGuard
    api.state.failNext(1, 500, { method: 'PUT' });
    h.write(line('service-a', 3n, 3), 's');
    await autoscaleNode(h).whenIdle();
    h.write(line('service-a', 3n, 4), 's');
    await autoscaleNode(h).whenIdle();
    assert.deepEqual(scaleWrites(api), [3]);
    const stats = h.task.stats()['node-stats']['k8s_autoscale2']!;
    // two dropped points + one failed API attempt (retried 20 ms later, then applied)
    assert.equal(stats['errors'], 3);
    assert.equal(stats['increase_events'], 1);
    const msgs = h.logs.filter((l) => l['node'] === 'k8s_autoscale2').map((l) => l['msg']);
    assert.equal(msgs[0], 'could not determine the name of the resource');
    assert.match(String(msgs[1]), /^failed to evaluate the replicas expression: TypeGuard: expression returned unexpected type float, expected int$/);
    assert.match(String(msgs[2]), /^failed to apply scaling event: failed to set new replica count for "default\/deployments\/service-a": .*500 InternalError/);
  });

  it('same resource name in two namespaces: two nodes, two resources (Project decision)', async () => {
    api.state.seed({ kind: 'deployments', namespace: 'a', name: 'web', replicas: 1 });
    api.state.seed({ kind: 'deployments', namespace: 'b', name: 'web', replicas: 5 });
    const b = new PipelineBuilder();
    const from = b.stream().chain('from').prop('measurement', 'scale');
    from.chain('k8sAutoscale').prop('namespace', 'a').prop('resourceName', 'web').prop('replicas', lambda(intField('a')));
    from.chain('k8sAutoscale').prop('namespace', 'b').prop('resourceName', 'web').prop('replicas', lambda(intField('b')));
    h = startTask(b.build(), { services: { kubernetes: registryFor(api) } });
    h.write('scale a=2i,b=4i 1', 's');
    const nodes = (h.task as unknown as { nodes: { def: { kind: string }; whenIdle?: () => Promise<void> }[] }).nodes;
    await Promise.all(nodes.filter((n) => n.def.kind === 'k8sAutoscale').map((n) => n.whenIdle!()));
    assert.equal(api.state.get('deployments', 'a', 'web')!.replicas, 2);
    assert.equal(api.state.get('deployments', 'b', 'web')!.replicas, 4);
  });

  it('a slow API server does not block the write path', async () => {
    api.delayMs = 100;
    h = startTask(pipeline(), { services: { kubernetes: registryFor(api) } });
    const t0 = performance.now();
    for (let i = 0; i < 3; i++) h.write(line('service-a', BigInt(2 + i), i), 's');
    const took = performance.now() - t0;
    // one API round trip takes 100 ms; three writes that waited for it would take 300+ ms
    assert.ok(took < 90, `writes took ${took}ms`);
    const node = autoscaleNode(h);
    // the three points wait for the first read of the resource (the one wait there is), then are decided in order
    assert.equal(node.pending, 3);
    await node.whenIdle();
    assert.deepEqual(decided(node), [2, 3, 4]);
    assert.equal(api.state.get('deployments', 'default', 'service-a')!.replicas, 4);
  });

  it('stopping the task drops queued decisions', async () => {
    api.delayMs = 30;
    h = startTask(pipeline(), { services: { kubernetes: registryFor(api) } });
    h.write([line('service-a', 2n, 1), line('service-a', 3n, 2)], 's');
    const node = autoscaleNode(h);
    h.stop();
    await node.whenIdle();
    assert.deepEqual(scaleWrites(api), []);
  });
});
