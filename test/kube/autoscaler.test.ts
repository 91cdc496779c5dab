// The k8sAutoscale decision engine (kube/autoscaler.ts) driven directly — SPEC 4.2 steps 2–8 — with the real
// scale client against the real test server. The "lambda" here is a plain function of (point, current), the
// unit seam below the node; test/nodes/k8s-autoscale*.test.ts run the same through TICKscript.
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startKubeApi, type KubeApiServer } from '../../fixtures/kube-api/server.ts';
import { Autoscaler, type AutoscaleHost, type AutoscaleSettings, type ResourceId } from '../../kube/autoscaler.ts';
import { KubeScaleClient } from '../../kube/client.ts';

const S = 1_000_000_000n;

interface Job {
  t: bigint;
  /** desired replicas, or a function of current, or an error to throw */
  want: bigint | ((current: number) => bigint) | Error;
}

function rid(name: string, namespace = 'default', kind = 'deployments'): ResourceId {
  return { namespace, kind, name, key: `${namespace}/${kind}/${name}` };
}

function harness(api: KubeApiServer, settings: Partial<AutoscaleSettings> = {}, failApplied = 0) {
  const out = { events: [] as string[], errors: [] as string[], drops: 0, thrown: 0 };
  const host: AutoscaleHost<Job> = {
    time: (j) => j.t,
    evaluate: (j, cur) => {
      if (j.want instanceof Error) throw j.want;
      return typeof j.want === 'function' ? j.want(cur) : j.want;
    },
    applied: (_j, r, o, n) => {
      out.events.push(`${r.key} ${o}->${n}`);
      if (failApplied-- > 0) throw new Error('downstream failure');
    },
    cooldownDrop: () => { out.drops++; },
    error: (_j, _r, m) => out.errors.push(m),
    // like Node.runExternal: a throwing continuation is counted, never propagated
    later: (fn) => { try { fn(); } catch { out.thrown++; } },
  };
  const client = new KubeScaleClient({ mode: 'api-servers', servers: [api.url], token: '', caPath: '' }, { timeoutMs: 500 });
  const engine = new Autoscaler<Job>(client, { min: 1, max: 0, increaseCooldown: 0n, decreaseCooldown: 0n, ...settings }, host);
  return { engine, out };
}

/** spec.replicas of every successful scale write the server saw, in order */
function writes(api: KubeApiServer): number[] {
  return api.state.scaleWrites().filter((r) => r.status === 200).map((r) => JSON.parse(r.body).spec.replicas);
}

describe('Autoscaler engine (SPEC 4.2)', () => {
  let api: KubeApiServer;
  before(async () => { api = await startKubeApi(); });
  after(() => api.close());
  beforeEach(() => {
    api.state.reset();
    api.delayMs = 0;
    api.state.seed({ kind: 'deployments', name: 'web', replicas: 1 });
  });

  it('Kapacitor\'s TestStream_Autoscale sequence: 1,2,-1,1000,2 from 1 → updates 2,1,1000,2', async () => {
    const { engine, out } = harness(api);
    // all points arrive in one write, before any API answer: they queue and are decided in order
    for (const [i, v] of [1n, 2n, -1n, 1000n, 2n].entries()) engine.submit({ t: BigInt(i) * S, want: v }, rid('web'));
    await engine.whenIdle();
    assert.deepEqual(writes(api), [2, 1, 1000, 2]);
    assert.deepEqual(out.events, ['default/deployments/web 1->2', 'default/deployments/web 2->1', 'default/deployments/web 1->1000', 'default/deployments/web 1000->2']);
    assert.deepEqual(out.errors, []);
    // step 2: one initial GET, then the cached belief (plus the GET+PUT of each apply)
    assert.equal(api.state.requests.filter((r) => r.method === 'GET').length, 1 + 4);
  });

  it('with min 3 max 500 → 3,500,3', async () => {
    const { engine } = harness(api, { min: 3, max: 500 });
    for (const [i, v] of [1n, 2n, -1n, 1000n, 2n].entries()) engine.submit({ t: BigInt(i) * S, want: v }, rid('web'));
    await engine.whenIdle();
    assert.deepEqual(writes(api), [3, 500, 3]);
  });

  it('data-time cooldowns, independent per direction, boundary allowed (step 6)', async () => {
    const { engine, out } = harness(api, { increaseCooldown: 60n * S, decreaseCooldown: 120n * S });
    const seq: [number, bigint][] = [
      [0, 2n], // first increase never blocked
      [30, 3n], // 30 < 0+60 → cooldown drop
      [60, 3n], // 60 is not < 60 → applied
      [62, 1n], // first decrease never blocked
      [100, 2n], // 100 < 60+60 → drop
      [120, 2n], // applied
      [150, 1n], // 150 < 62+120 → drop
      [182, 1n], // applied
    ];
    for (const [t, v] of seq) engine.submit({ t: BigInt(t) * S, want: v }, rid('web'));
    await engine.whenIdle();
    assert.deepEqual(writes(api), [2, 3, 1, 2, 1]);
    assert.equal(out.drops, 3);
  });

  it('a failed apply saves no state: no cooldown, current unchanged (step 7)', async () => {
    const { engine, out } = harness(api, { increaseCooldown: 60n * S });
    api.state.failNext(1, 500, { method: 'PUT' });
    engine.submit({ t: 0n, want: 4n }, rid('web'));
    engine.submit({ t: 10n * S, want: 4n }, rid('web'));
    await engine.whenIdle();
    assert.equal(out.errors.length, 1);
    assert.match(out.errors[0]!, /^failed to apply scaling event: failed to set new replica count for "default\/deployments\/web": PUT http:\/\/127\.0\.0\.1:\d+ default\/deployments\/web\/scale: API server error 500 InternalError/);
    assert.equal(out.drops, 0, 'the failed increase did not start a cooldown');
    assert.deepEqual(out.events, ['default/deployments/web 1->4']);
  });

  it('initial GET failure: error, nothing stored, retried on the next point (step 2)', async () => {
    const { engine, out } = harness(api);
    api.state.failNext(1, 503);
    engine.submit({ t: 0n, want: 3n }, rid('web'));
    await engine.whenIdle();
    assert.match(out.errors[0]!, /^could not determine initial scale for "default\/deployments\/web": GET .* 503/);
    assert.equal(engine.current('default/deployments/web'), undefined);
    engine.submit({ t: S, want: 3n }, rid('web'));
    await engine.whenIdle();
    assert.deepEqual(out.events, ['default/deployments/web 1->3']);
  });

  it('404 and 403 become errors naming the resource / the RBAC rule; the engine goes on', async () => {
    const { engine, out } = harness(api);
    engine.submit({ t: 0n, want: 2n }, rid('ghost', 'prod'));
    api.state.addDeny({ verb: 'update', resource: 'deployments/scale' });
    engine.submit({ t: 0n, want: 2n }, rid('web'));
    await engine.whenIdle();
    assert.equal(out.errors.length, 2);
    assert.ok(out.errors.some((e) => e.startsWith('could not determine initial scale for "prod/deployments/ghost": deployments "ghost" not found in namespace "prod"')));
    assert.ok(out.errors.some((e) => e.startsWith('failed to apply scaling event: failed to set new replica count for "default/deployments/web": deployments.apps "web" is forbidden') &&
      e.endsWith('add a Role rule: apiGroups ["apps"], resources ["deployments/scale"], verbs ["get","update","patch"]')));
  });

  it('replicas expression errors drop the point (step 3/9)', async () => {
    const { engine, out } = harness(api);
    engine.submit({ t: 0n, want: new Error('TypeGuard: expression returned unexpected type float, expected int') }, rid('web'));
    await engine.whenIdle();
    assert.deepEqual(out.errors, ['failed to evaluate the replicas expression: TypeGuard: expression returned unexpected type float, expected int']);
    assert.deepEqual(writes(api), []);
  });

  it('the expression sees the confirmed current replicas (currentField)', async () => {
    const { engine } = harness(api);
    for (let i = 0; i < 4; i++) engine.submit({ t: BigInt(i) * S, want: (cur) => BigInt(cur + 1) }, rid('web'));
    await engine.whenIdle();
    assert.deepEqual(writes(api), [2, 3, 4, 5]);
  });

  it('keys state by namespace/kind/name: same name in two namespaces are two resources', async () => {
    api.state.seed({ kind: 'deployments', namespace: 'a', name: 'web', replicas: 5 });
    api.state.seed({ kind: 'deployments', namespace: 'b', name: 'web', replicas: 7 });
    const { engine, out } = harness(api);
    engine.submit({ t: 0n, want: 6n }, rid('web', 'a'));
    engine.submit({ t: 0n, want: 6n }, rid('web', 'b'));
    await engine.whenIdle();
    assert.deepEqual(out.events.sort(), ['a/deployments/web 5->6', 'b/deployments/web 7->6']);
    assert.equal(api.state.get('deployments', 'a', 'web')!.replicas, 6);
    assert.equal(api.state.get('deployments', 'b', 'web')!.replicas, 6);
  });

  it('a slow API server neither reorders nor duplicates decisions; one call in flight per resource', async () => {
    api.delayMs = 15;
    const { engine } = harness(api);
    let inFlight = 0;
    let maxInFlight = 0;
    api.state.onRequest(() => { inFlight++; maxInFlight = Math.max(maxInFlight, inFlight); setTimeout(() => inFlight--, 15); });
    const vals = [3n, 3n, 5n, 2n, 2n, 4n, 1n];
    for (const [i, v] of vals.entries()) engine.submit({ t: BigInt(i) * S, want: v }, rid('web'));
    assert.equal(engine.pending, vals.length - 1, 'ingest did not wait');
    await engine.whenIdle();
    assert.deepEqual(writes(api), [3, 5, 2, 4, 1]);
    assert.equal(maxInFlight, 1);
  });

  it('a full per-resource queue drops the oldest waiting point (counted as an error)', async () => {
    api.delayMs = 20;
    const { engine, out } = harness(api, { queueLimit: 2 });
    for (const [i, v] of [2n, 3n, 4n, 5n, 6n].entries()) engine.submit({ t: BigInt(i) * S, want: v }, rid('web'));
    await engine.whenIdle();
    // 2 is being processed; 3 and 4 were pushed out by 5 and 6
    assert.deepEqual(writes(api), [2, 5, 6]);
    assert.equal(engine.queueDrops, 2);
    assert.equal(out.errors.length, 2);
    assert.match(out.errors[0]!, /autoscale queue for "default\/deployments\/web" is full \(2 points waiting for the Kubernetes API\), dropped the oldest point/);
  });

  it('a full total queue rejects the incoming point', async () => {
    api.delayMs = 20;
    api.state.seed({ kind: 'deployments', name: 'api', replicas: 1 });
    const { engine, out } = harness(api, { totalQueueLimit: 1 });
    engine.submit({ t: 0n, want: 2n }, rid('web'));
    engine.submit({ t: 0n, want: 2n }, rid('api'));
    engine.submit({ t: S, want: 3n }, rid('web')); // queued (1 pending)
    engine.submit({ t: S, want: 3n }, rid('api')); // rejected
    await engine.whenIdle();
    assert.deepEqual(out.errors, ['autoscale queues are full (1 points waiting for the Kubernetes API), dropped the point for "default/deployments/api"']);
    assert.equal(api.state.get('deployments', 'default', 'web')!.replicas, 3);
    assert.equal(api.state.get('deployments', 'default', 'api')!.replicas, 2);
  });

  it('connection drop and timeout: errors; a later point recovers', async () => {
    const { engine, out } = harness(api);
    api.state.dropNext(1, 'reset', { method: 'PUT' });
    engine.submit({ t: 0n, want: 2n }, rid('web'));
    await engine.whenIdle();
    api.state.addFault({ method: 'PUT', delayMs: 700, count: 1 });
    engine.submit({ t: S, want: 2n }, rid('web'));
    await engine.whenIdle();
    engine.submit({ t: 2n * S, want: 2n }, rid('web'));
    await engine.whenIdle();
    assert.equal(out.errors.length, 2);
    assert.match(out.errors[0]!, /connection failed \(ECONNRESET\)/);
    assert.match(out.errors[1]!, /no answer within 500ms/);
    assert.deepEqual(out.events, ['default/deployments/web 1->2']);
  });

  it('a throwing host callback does not strand the points queued behind it', async () => {
    const { engine, out } = harness(api, {}, 1);
    engine.submit({ t: 0n, want: 2n }, rid('web'));
    engine.submit({ t: S, want: 3n }, rid('web'));
    await engine.whenIdle();
    assert.equal(out.thrown, 1);
    assert.deepEqual(out.events, ['default/deployments/web 1->2', 'default/deployments/web 2->3']);
  });

  it('stop(): queued points are forgotten and late answers ignored', async () => {
    api.delayMs = 20;
    const { engine, out } = harness(api);
    engine.submit({ t: 0n, want: 2n }, rid('web'));
    engine.submit({ t: S, want: 3n }, rid('web'));
    engine.stop();
    await engine.whenIdle();
    assert.deepEqual(out.events, []);
    assert.deepEqual(writes(api), []);
  });
});
