// swarmAutoscale (Kapacitor's swarm_autoscale.go + autoscale.go) on the shared engine, against the Docker Engine
// API test server through the real client: resource from serviceName/serviceNameTag, the event point's
// outputServiceNameTag (default: serviceNameTag), Kapacitor's messages, the spec sent back unchanged but for the
// replica count, version conflicts re-read, API errors retried.
import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda, evaluateScript } from '../../tickscript/index.ts';
import { setLambdaCompiler } from '../../runtime/lambda.ts';
import { startTask, type Harness } from '../helpers/runtime/replay.ts';
import { startSwarmApi, type SwarmApiServer } from '../../fixtures/swarm-api/server.ts';
import { SwarmClients, type SwarmSection } from '../../swarm/clients.ts';
import { autoscaleNode, decided } from './k8s-autoscale-helpers.ts';

setLambdaCompiler(compileLambda);

const section = (over: Partial<SwarmSection>): SwarmSection => ({
  enabled: true, id: '', servers: [], sslCa: '', sslCert: '', sslKey: '', insecureSkipVerify: false, ...over,
});

const SCRIPT = `stream
    |from()
        .measurement('load')
        .groupBy('svc')
    |swarmAutoscale()
        .serviceNameTag('svc')
        .increaseCooldown(10s)
        .replicas(lambda: "want")
    |httpOut('events')
`;

describe('swarmAutoscale', () => {
  let api: SwarmApiServer;
  let h: Harness | undefined;
  before(async () => { api = await startSwarmApi(); });
  after(() => api.close());
  afterEach(() => { h?.stop(); h = undefined; });

  it('decides like k8sAutoscale and updates the service spec with the version it read', async () => {
    api.seed('web', 2);
    h = startTask(evaluateScript(SCRIPT), { services: { swarm: new SwarmClients([section({ servers: [api.url] })]), autoscaleLimits: { baseBackoffMs: 10 } } });
    // 4@1 → 2→4; 6@5 within the 10 s increase cooldown → drop; 1@6 → first decrease → 4→1
    h.write(['load,svc=web want=4i 1', 'load,svc=web want=6i 5', 'load,svc=web want=1i 6'], 's');
    const node = autoscaleNode(h);
    await node.whenIdle();
    assert.deepEqual(decided(node), [4, 1]);
    assert.equal(api.replicas('web'), 1);
    const stats = h.task.stats()['node-stats']['swarm_autoscale2']!;
    assert.deepEqual([stats['increase_events'], stats['decrease_events'], stats['cooldown_drops'], stats['errors']], [1, 1, 1, 0]);
    // the update posts the whole spec back (image untouched) to the service ID with the version read
    const upd = api.requests.filter((r) => r.method === 'POST');
    assert.match(upd[0]!.path, /^\/v1\.30\/services\/svc\d+\/update\?version=10$/);
    assert.deepEqual(JSON.parse(upd[0]!.body).TaskTemplate, { ContainerSpec: { Image: 'app:1' } });
    // the event point: the group tag, and the service in outputServiceNameTag (= serviceNameTag by default)
    const out = JSON.parse(h.httpOut('events')!).series[0];
    assert.deepEqual(out.tags, { svc: 'web' });
    assert.deepEqual(out.values[0].slice(1), [1, 4]);
  });

  it('a concurrent update (version moved) is re-read and applied; API errors are counted and retried', async () => {
    api.seed('api', 1);
    h = startTask(evaluateScript(SCRIPT), { services: { swarm: new SwarmClients([section({ servers: [api.url] })]), autoscaleLimits: { baseBackoffMs: 10 } } });
    h.write('load,svc=api want=1i 1', 's');
    const node = autoscaleNode(h);
    await node.whenIdle();
    // someone updates the service between our read and our write: Docker refuses the stale version, we read again
    api.raceNext();
    const before = api.requests.length;
    h.write('load,svc=api want=3i 2', 's');
    await node.whenIdle();
    assert.equal(api.replicas('api'), 3);
    let rec = node.decisions({ reasons: new Set(['scaled']) })[0]!;
    assert.deepEqual([rec.actuation!.status, rec.actuation!.attempts], ['applied', 1]);
    assert.deepEqual(api.requests.slice(before).filter((r) => r.method === 'POST').map((r) => r.status), [500, 200]);
    // a server error fails the attempt (counted in errors) and the actuator retries it
    api.failNext(1, 500, 'POST');
    h.write('load,svc=api want=5i 20', 's');
    await node.whenIdle();
    assert.equal(api.replicas('api'), 5);
    rec = node.decisions({ reasons: new Set(['scaled']) })[1]!;
    assert.deepEqual([rec.actuation!.status, rec.actuation!.attempts], ['applied', 2]);
    assert.equal(h.task.stats()['node-stats']['swarm_autoscale2']!['errors'], 1);
  });

  it('errors: not enabled, unknown cluster, unknown service, global mode, missing tag', async () => {
    assert.throws(() => startTask(evaluateScript(SCRIPT), { services: { swarm: new SwarmClients([]) } }),
      { message: /^cannot use the swarmAutoscale node, could not create swarm client: service is not enabled/ });
    assert.throws(() => startTask(evaluateScript(SCRIPT.replace('.serviceNameTag', ".cluster('b').serviceNameTag")),
      { services: { swarm: new SwarmClients([section({ id: 'a', servers: [api.url] })]) } }),
    { message: 'cannot use the swarmAutoscale node, could not create swarm client: unknown swarm cluster "b", cannot get client' });
    api.seed('daemon', 'global');
    h = startTask(evaluateScript(SCRIPT), { services: { swarm: new SwarmClients([section({ servers: [api.url] })]) } });
    h.write(['load,svc=ghost want=2i 1', 'load,svc=daemon want=2i 1', 'load want=2i 1'], 's');
    const node = autoscaleNode(h);
    await node.whenIdle();
    const errs = node.decisions({ reasons: new Set(['error']) }).map((r) => r.error);
    assert.deepEqual(errs, [
      'could not determine initial scale for "ghost": failed to get swarm service for "ghost": service ghost not found',
      'could not determine initial scale for "daemon": failed to get swarm service for "daemon": service "daemon" is not in replicated mode',
    ]);
    assert.equal(h.task.stats()['node-stats']['swarm_autoscale2']!['errors'], 3);
    assert.equal(h.logs.find((l) => l['msg'] === 'could not determine the name of the resource')?.['node'], 'swarm_autoscale2');
  });
});
