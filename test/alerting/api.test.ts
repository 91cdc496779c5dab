// The alert API (Kapacitor 1.8 services/alert/api.go, JSON shapes of client/v1/client.go Topic, TopicEvents,
// TopicEvent, EventState, TopicHandlers, TopicHandler): topics list/show/delete, events, handlers
// create/replace/patch/delete, with Kapacitor's errors. Handler specs persist in the SQLite store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { AlertService } from '../../alerting/service.ts';
import { AlertEvent, type EventData } from '../../alerting/event.ts';
import { topicHandlerFactory } from '../../alerting/handlers/index.ts';
import { alertsRoutes } from '../../server/api/alerts-routes.ts';
import { TaskStore } from '../../server/store/store.ts';
import { SqliteAlertStore } from '../../server/store/alert-store.ts';
import { silentLogger } from '../../server/logger.ts';
import { testApp, testConfig } from '../server/helpers.ts';

const S = 1_000_000_000n;
const T = 1478629267n * S; // 2016-11-08T18:21:07Z
const data: EventData = { name: 'cpu', taskName: 't', category: '', group: 'nil', tags: {}, fields: {}, recoverable: true, rowJson: '{}' };

function setup(t: { after(fn: () => unknown): void }): { app: FastifyInstance; alerts: AlertService; store: TaskStore; make(): AlertService } {
  const store = new TaskStore(':memory:');
  const make = (): AlertService => {
    const a = new AlertService({
      logger: silentLogger(), persistence: new SqliteAlertStore(store.database),
      factory: topicHandlerFactory({ config: testConfig(), logger: silentLogger() }),
    });
    a.open();
    return a;
  };
  const alerts = make();
  const { app } = testApp({ plugins: [async (a) => { await a.register(alertsRoutes, { base: '/kapacitor/v1', alerts }); }] });
  t.after(async () => { await app.close(); alerts.close(); store.close(); });
  return { app, alerts, store, make };
}

const ev = (topic: string, id: string, level: 0 | 1 | 2 | 3, secs: bigint, msg = `${id} msg`): AlertEvent =>
  new AlertEvent(topic, { id, message: msg, details: 'd', time: T + secs * S, duration: secs * S, level }, data);

async function get(app: FastifyInstance, url: string): Promise<{ status: number; body: unknown; raw: string }> {
  const r = await app.inject({ method: 'GET', url });
  return { status: r.statusCode, body: JSON.parse(r.body), raw: r.body };
}

test('topics: list sorted by id with pattern and min-level, show, events, event', async (t) => {
  const { app, alerts } = setup(t);
  alerts.collect(ev('ops', 'cpu:host=a', 3, 0n));
  alerts.collect(ev('ops', 'cpu:host=b', 1, 60n));
  alerts.collect(ev('dev', 'mem', 2, 0n));
  alerts.collect(ev('dev', 'mem', 0, 90n)); // recovered
  const l = await get(app, '/kapacitor/v1/alerts/topics');
  assert.equal(l.status, 200);
  const topic = (id: string, level: string, collected: number): unknown => ({
    link: { rel: 'self', href: `/kapacitor/v1/alerts/topics/${id}` }, id, level, collected,
    'events-link': { rel: 'events', href: `/kapacitor/v1/alerts/topics/${id}/events` },
    'handlers-link': { rel: 'handlers', href: `/kapacitor/v1/alerts/topics/${id}/handlers` },
  });
  assert.deepEqual(l.body, { link: { rel: 'self', href: '/kapacitor/v1/alerts/topics' }, topics: [topic('dev', 'OK', 2), topic('ops', 'CRITICAL', 2)] });
  // Go's MarshalIndent: 4-space indent
  assert.match(l.raw, /^\{\n {4}"link": \{\n {8}"rel": "self",/);
  const crit = await get(app, '/kapacitor/v1/alerts/topics?min-level=WARNING');
  assert.deepEqual((crit.body as { topics: { id: string }[] }).topics.map((x) => x.id), ['ops']);
  const pat = await get(app, '/kapacitor/v1/alerts/topics?pattern=d*');
  assert.deepEqual((pat.body as { topics: { id: string }[] }).topics.map((x) => x.id), ['dev']);
  assert.deepEqual((await get(app, '/kapacitor/v1/alerts/topics/ops')).body, topic('ops', 'CRITICAL', 2));

  const events = await get(app, '/kapacitor/v1/alerts/topics/ops/events?min-level=INFO');
  assert.deepEqual(events.body, {
    link: { rel: 'self', href: '/kapacitor/v1/alerts/topics/ops/events' }, topic: 'ops',
    events: [
      { link: { rel: 'self', href: '/kapacitor/v1/alerts/topics/ops/events/cpu:host=a' }, id: 'cpu:host=a',
        state: { message: 'cpu:host=a msg', details: 'd', time: '2016-11-08T18:21:07Z', duration: '0s', level: 'CRITICAL' } },
      { link: { rel: 'self', href: '/kapacitor/v1/alerts/topics/ops/events/cpu:host=b' }, id: 'cpu:host=b',
        state: { message: 'cpu:host=b msg', details: 'd', time: '2016-11-08T18:22:07Z', duration: '1m0s', level: 'INFO' } },
    ],
  });
  const e = await get(app, '/kapacitor/v1/alerts/topics/ops/events/cpu:host=b');
  assert.equal((e.body as { id: string }).id, 'cpu:host=b');
  // errors as Kapacitor answers them
  assert.deepEqual((await get(app, '/kapacitor/v1/alerts/topics/nope')).body, { error: 'unknown topic: "nope"', message: 'unknown topic: "nope"' });
  assert.equal((await get(app, '/kapacitor/v1/alerts/topics/nope')).status, 404);
  const ue = await get(app, '/kapacitor/v1/alerts/topics/ops/events/x');
  assert.deepEqual([ue.status, (ue.body as { error: string }).error], [404, 'unknown event "x" in topic "ops"']);
  const ut = await get(app, '/kapacitor/v1/alerts/topics/nope/events');
  assert.deepEqual([ut.status, (ut.body as { error: string }).error], [500, 'failed to get topic events: unknown topic "nope"']);
  const bl = await get(app, '/kapacitor/v1/alerts/topics?min-level=bad');
  assert.deepEqual([bl.status, (bl.body as { error: string }).error], [400, "unknown alert level 'BAD'"]);
  // Kapacitor's level parser accepts prefixes that start a level name
  assert.equal((await get(app, '/kapacitor/v1/alerts/topics?min-level=crit')).status, 200);
  const bp = await get(app, '/kapacitor/v1/alerts/topics?pattern=[');
  assert.equal(bp.status, 400);
  assert.match((bp.body as { error: string }).error, /^invalid pattern: /);

  // delete: 204, gone from memory and from the store
  assert.equal((await app.inject({ method: 'DELETE', url: '/kapacitor/v1/alerts/topics/ops' })).statusCode, 204);
  assert.equal((await get(app, '/kapacitor/v1/alerts/topics/ops')).status, 404);
});

test('handlers: create, list, show, replace, patch, delete; errors; specs persist', async (t) => {
  const { app, alerts, make } = setup(t);
  const post = (url: string, body: unknown, method: 'POST' | 'PUT' | 'PATCH' = 'POST') =>
    app.inject({ method, url, payload: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const H = '/kapacitor/v1/alerts/topics/ops/handlers';
  const created = await post(H, { id: 'tcp1', kind: 'tcp', options: { address: '127.0.0.1:9' } });
  assert.equal(created.statusCode, 200, created.body);
  const tcp1 = { link: { rel: 'self', href: `${H}/tcp1` }, id: 'tcp1', kind: 'tcp', options: { address: '127.0.0.1:9' }, match: '' };
  assert.deepEqual(JSON.parse(created.body), tcp1);
  // registering a handler creates its topic
  assert.deepEqual(alerts.topicState('ops'), { id: 'ops', level: 0, collected: 0 });
  assert.equal((await post(H, { id: 'log1', kind: 'log', options: { path: '/tmp/x.log', mode: 420 } })).statusCode, 200);
  const list = await get(app, H);
  assert.deepEqual((list.body as { handlers: { id: string }[] }).handlers.map((h) => h.id), ['log1', 'tcp1']);
  assert.deepEqual((list.body as { topic: string }).topic, 'ops');
  assert.deepEqual((await get(app, `${H}?pattern=t*`)).body, { link: { rel: 'self', href: `${H}?pattern=t*` }, topic: 'ops', handlers: [tcp1] });
  assert.deepEqual((await get(app, `${H}/tcp1`)).body, tcp1);

  // errors
  const dup = await post(H, { id: 'tcp1', kind: 'tcp', options: { address: '127.0.0.1:9' } });
  assert.deepEqual([dup.statusCode, JSON.parse(dup.body).error], [500, 'failed to create handler: cannot register handler, handler with ID "tcp1" already exists']);
  const badId = await post(H, { id: 'a b', kind: 'tcp' });
  assert.deepEqual([badId.statusCode, JSON.parse(badId.body).error], [400, `invalid handler spec: handler ID must contain only letters, numbers, '-', '.' and '_'. "a b"`]);
  const noKind = await post(H, { id: 'x' });
  assert.deepEqual([noKind.statusCode, JSON.parse(noKind.body).error], [400, 'invalid handler spec: handler Kind must not be empty']);
  const badOpt = await post(H, { id: 'x', kind: 'tcp', options: { adress: 'a:1' } });
  assert.equal(badOpt.statusCode, 400);
  assert.equal(JSON.parse(badOpt.body).error, "failed to create handler: failed to decode options into alert.TCPHandlerConfig: '' has invalid keys: adress");
  const badType = await post(H, { id: 'x', kind: 'log', options: { path: 5 } });
  assert.match(JSON.parse(badType.body).error, /'path' expected type 'string'/);
  const badKind = await post(H, { id: 'x', kind: 'carrierpigeon' });
  assert.deepEqual([badKind.statusCode, JSON.parse(badKind.body).error], [400, 'failed to create handler: unsupported action kind "carrierpigeon"']);
  const badJson = await post(H, '{"id":');
  assert.equal(badJson.statusCode, 400);
  assert.match(JSON.parse(badJson.body).error, /^invalid handler json: /);
  assert.equal((await get(app, `${H}/x`)).status, 404, 'a rejected request changes nothing');

  // replace (PUT) may rename; the topic comes from the URL
  const put = await post(`${H}/tcp1`, { id: 'tcp2', kind: 'tcp', options: { address: '127.0.0.1:10' } }, 'PUT');
  assert.equal(put.statusCode, 200, put.body);
  assert.equal((await get(app, `${H}/tcp1`)).status, 404);
  assert.deepEqual((await get(app, `${H}/tcp2`)).body, { ...tcp1, link: { rel: 'self', href: `${H}/tcp2` }, id: 'tcp2', options: { address: '127.0.0.1:10' } });
  const putUnknown = await post(`${H}/nope`, { id: 'nope', kind: 'tcp' }, 'PUT');
  assert.deepEqual([putUnknown.statusCode, JSON.parse(putUnknown.body).error], [404, 'unknown handler: "nope"']);

  // patch (RFC 6902)
  const patch = await post(`${H}/tcp2`, [{ op: 'replace', path: '/options/address', value: '127.0.0.1:11' }], 'PATCH');
  assert.equal(patch.statusCode, 200, patch.body);
  assert.deepEqual(JSON.parse(patch.body).options, { address: '127.0.0.1:11' });
  const badPatch = await post(`${H}/tcp2`, [{ op: 'remove', path: '/options/nothere' }], 'PATCH');
  assert.equal(badPatch.statusCode, 400);
  assert.match(JSON.parse(badPatch.body).error, /^failed to apply patch: /);
  const topicPatch = await post(`${H}/tcp2`, [{ op: 'replace', path: '/topic', value: 'other' }], 'PATCH');
  assert.deepEqual([topicPatch.statusCode, JSON.parse(topicPatch.body).error], [500, 'failed to update handler: cannot change topic in update']);

  // a new service on the same store (a restart) has the same handlers
  const again = make();
  t.after(() => again.close());
  assert.deepEqual(again.handlerSpecs('ops', '').map((s) => [s.id, s.kind, s.options]), [
    ['log1', 'log', { path: '/tmp/x.log', mode: 420 }], ['tcp2', 'tcp', { address: '127.0.0.1:11' }]]);

  // delete (unknown ids are not an error)
  assert.equal((await app.inject({ method: 'DELETE', url: `${H}/tcp2` })).statusCode, 204);
  assert.equal((await app.inject({ method: 'DELETE', url: `${H}/tcp2` })).statusCode, 204);
  assert.equal((await get(app, `${H}/tcp2`)).status, 404);
  assert.deepEqual(make().handlerSpecs('ops', '').map((s) => s.id), ['log1']);
});

test('debug vars: a `topics` statistic per topic (collected) and an `alert_handlers` statistic per handler', async (t) => {
  const { alerts } = setup(t);
  const { collectStatistics } = await import('../../server/api/debug-vars.ts');
  alerts.registerHandlerSpec({ topic: 'ops', id: 'tcp1', kind: 'tcp', options: { address: '127.0.0.1:1' }, match: '' });
  alerts.collect(ev('ops', 'a', 2, 0n));
  const stats = collectStatistics({
    tasks: { store: { listTasks: () => [] }, runner: { getTask: () => undefined } } as never,
    base: '/kapacitor/v1', clusterId: 'c', serverId: 's', host: 'h', version: 'v', alerts,
  });
  assert.deepEqual(stats.find((s) => s.name === 'topics'), { name: 'topics', tags: { cluster_id: 'c', server_id: 's', host: 'h', id: 'ops' }, values: { collected: 1 } });
  const h = stats.find((s) => s.name === 'alert_handlers')!;
  assert.deepEqual(h.tags, { cluster_id: 'c', server_id: 's', host: 'h', topic: 'ops', handler: 'tcp1', kind: 'tcp' });
  assert.deepEqual(Object.keys(h.values), ['sent', 'errors', 'failed', 'dropped', 'queued']);
});
