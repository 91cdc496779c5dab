// Bad input to alerting (issue 15): templates that fail to render (in the alert node and in a handler), a 10 MB
// alert message (cut to 1 MiB + a marker: docs/alerting.md "Limits"), 10^5 topics, invalid handler specs (400
// naming the field, nothing changed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { AlertService, MAX_TEXT_BYTES } from '../../alerting/service.ts';
import { AlertEvent, type EventData } from '../../alerting/event.ts';
import { topicHandlerFactory } from '../../alerting/handlers/index.ts';
import { alertsRoutes } from '../../server/api/alerts-routes.ts';
import { TaskStore } from '../../server/store/store.ts';
import { SqliteAlertStore } from '../../server/store/alert-store.ts';
import { silentLogger } from '../../server/logger.ts';
import { compileLambda, evaluateScript } from '../../tickscript/index.ts';
import { setLambdaCompiler } from '../../runtime/lambda.ts';
import { startTask } from '../helpers/runtime/replay.ts';
import { nodeOf, T0 } from '../nodes/capture.ts';
import { testApp, testConfig } from '../server/helpers.ts';
import { until } from '../helpers/until.ts';

setLambdaCompiler(compileLambda);

const S = 1_000_000_000n;
const T = 1478629267n * S;
const data: EventData = { name: 'cpu', taskName: 't', category: '', group: 'nil', tags: { host: 'a' }, fields: {}, recoverable: true, rowJson: '{}' };
const ev = (topic: string, id: string, message = `${id} is CRITICAL`): AlertEvent =>
  new AlertEvent(topic, { id, message, details: '', time: T, duration: 0n, level: 3 }, data);

function tmp(t: { after(fn: () => unknown): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'tickstream-alert-bad-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** A pino logger whose records land in `lines`. */
function capturing(lines: Record<string, unknown>[]) {
  return pino({ level: 'info' }, new Writable({ write(c, _e, cb) { lines.push(JSON.parse(String(c)) as Record<string, unknown>); cb(); } }));
}

test('an alert .message() that fails to render: the error is counted and logged, the task keeps running', async (t) => {
  const dir = tmp(t);
  const good = join(dir, 'good.log');
  const bad = join(dir, 'bad.log');
  const alerts = new AlertService({ logger: silentLogger() });
  const h = startTask(evaluateScript(`var s = stream|from().measurement('cpu').groupBy('host')
s|alert().crit(lambda: "value" > 90).message('{{ index .ID "x" }}').log('${bad}')
s|alert().crit(lambda: "value" > 90).log('${good}')`), { services: { alerts } });
  t.after(() => h.stop());
  h.write([`cpu,host=a value=95 ${T0}`, `cpu,host=b value=96 ${T0 + 1}`], 's');
  // the failing node counts one error per event and says which template and why; the other node fires both
  const badNode = nodeOf<{ errors: number }>(h, 'alert', 0);
  assert.equal(badNode.errors, 2);
  const errs = h.logs.filter((l) => JSON.stringify(l).includes('error calling index: cannot index string'));
  assert.equal(errs.length, 2, JSON.stringify(h.logs));
  assert.deepEqual(readFileSync(good, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id), ['cpu:host=a', 'cpu:host=b']);
  assert.throws(() => readFileSync(bad, 'utf8'), /ENOENT/);
});

test('a handler template that fails to render: given up at once (not retried), logged naming the option, other handlers unaffected', async (t) => {
  const reqs: string[] = [];
  const srv = http.createServer((req, res) => { req.resume(); req.on('end', () => { reqs.push(req.url!); res.writeHead(201).end(); }); });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => { srv.closeAllConnections(); srv.close(); });
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  const dir = tmp(t);
  const lines: Record<string, unknown>[] = [];
  const alerts = new AlertService({
    logger: silentLogger(),
    factory: topicHandlerFactory({
      config: testConfig({ KAPACITOR_ALERTA_ENABLED: 'true', KAPACITOR_ALERTA_URL: url }), logger: capturing(lines),
      delivery: { retries: 0, backoffMs: 5 },
    }),
  });
  t.after(() => alerts.close());
  alerts.registerHandlerSpec({ topic: 'ops', id: 'alerta', kind: 'alerta', options: { resource: '{{ index .Tags "host" "x" }}' }, match: '' });
  alerts.registerHandlerSpec({ topic: 'ops', id: 'log', kind: 'log', options: { path: join(dir, 'ops.log') }, match: '' });
  alerts.collect(ev('ops', 'e1'));
  alerts.collect(ev('ops', 'e2'));
  const stats = (): Record<string, number> => alerts.handlerStats().find((s) => s.id === 'alerta')!.stats as Record<string, number>;
  await until('both given up', () => stats()['failed'] === 2);
  assert.deepEqual([stats()['sent'], stats()['errors'], stats()['queued'], reqs.length], [0, 2, 0, 0]);
  const err = lines.find((l) => l['msg'] === 'alert handler failed, event not delivered')!;
  assert.equal(err['event'], 'e1');
  assert.match(JSON.stringify(err['err']), /failed to render resource template: error calling index: cannot index string/);
  assert.equal(readFileSync(join(dir, 'ops.log'), 'utf8').trim().split('\n').length, 2);
});

test('a 10 MB alert message is cut to 1 MiB with a marker (topic state, store, handlers), counted and logged', async (t) => {
  const dir = tmp(t);
  const store = new TaskStore(':memory:');
  t.after(() => store.close());
  const lines: Record<string, unknown>[] = [];
  const alerts = new AlertService({
    logger: capturing(lines), persistence: new SqliteAlertStore(store.database),
    factory: topicHandlerFactory({ config: testConfig(), logger: silentLogger() }),
  });
  alerts.open();
  t.after(() => alerts.close());
  alerts.registerHandlerSpec({ topic: 'ops', id: 'log', kind: 'log', options: { path: join(dir, 'ops.log') }, match: '' });
  // 10 MiB of a 3-byte character: the cut falls on a character boundary
  const huge = '€'.repeat((10 << 20) / 3);
  alerts.collect(ev('ops', 'big', huge));
  const want = '€'.repeat(Math.floor(MAX_TEXT_BYTES / 3)) + ` [truncated by tickstream: ${Buffer.byteLength(huge)} bytes]`;
  assert.equal(alerts.eventState('ops', 'big')!.message, want);
  assert.equal((JSON.parse(readFileSync(join(dir, 'ops.log'), 'utf8')) as { message: string }).message, want);
  const stored = store.database.prepare("SELECT message FROM alert_events WHERE event_id = 'big'").pluck().get() as string;
  assert.equal(stored, want);
  assert.equal(alerts.truncatedTexts, 1);
  assert.equal(lines.filter((l) => String(l['msg']).includes('truncated')).length, 1);
  // a normal message is untouched
  alerts.collect(ev('ops', 'small'));
  assert.equal(alerts.eventState('ops', 'small')!.message, 'small is CRITICAL');
});

test('10^5 topics: each collected and listed; memory and time stay bounded', () => {
  const store = new TaskStore(':memory:');
  const alerts = new AlertService({ logger: silentLogger(), persistence: new SqliteAlertStore(store.database) });
  alerts.open();
  try {
    global.gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    for (let i = 0; i < 100_000; i++) alerts.collect(ev(`topic-${i}`, 'cpu'));
    const collectMs = performance.now() - t0;
    const t1 = performance.now();
    const all = alerts.topicStates('', 0);
    const some = alerts.topicStates('topic-9999*', 0);
    const listMs = performance.now() - t1;
    const perTopic = (process.memoryUsage().heapUsed - heap0) / 100_000;
    assert.equal(all.length, 100_000);
    assert.deepEqual(some.map((x) => x.id), ['topic-9999', 'topic-99990', 'topic-99991', 'topic-99992', 'topic-99993', 'topic-99994', 'topic-99995', 'topic-99996', 'topic-99997', 'topic-99998', 'topic-99999']);
    assert.equal(store.database.prepare('SELECT count(*) FROM alert_events').pluck().get(), 100_000n);
    // generous bounds for a loaded 2-core machine: about 1 µs-scale work and a few hundred bytes per topic
    assert.ok(collectMs < 30_000, `collect: ${collectMs} ms`);
    assert.ok(listMs < 5_000, `list: ${listMs} ms`);
    assert.ok(perTopic < 4096, `heap per topic: ${perTopic} bytes`);
  } finally {
    alerts.close();
    store.close();
  }
});

test('invalid handler specs are a 400 naming the field; nothing is defined', async (t) => {
  const store = new TaskStore(':memory:');
  const alerts = new AlertService({
    logger: silentLogger(), persistence: new SqliteAlertStore(store.database),
    factory: topicHandlerFactory({
      config: testConfig({ KAPACITOR_ALERTA_ENABLED: 'true', KAPACITOR_ALERTA_URL: 'http://127.0.0.1:1', KAPACITOR_ZENOSS_ENABLED: 'true', KAPACITOR_SERVICENOW_ENABLED: 'true' }),
      logger: silentLogger(),
    }),
  });
  alerts.open();
  const { app } = testApp({ plugins: [async (a) => { await a.register(alertsRoutes, { base: '/kapacitor/v1', alerts }); }] });
  t.after(async () => { await app.close(); alerts.close(); store.close(); });
  const post = async (body: unknown): Promise<[number, string]> => {
    const r = await app.inject({ method: 'POST', url: '/kapacitor/v1/alerts/topics/ops/handlers', payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    return [r.statusCode, (JSON.parse(r.body) as { error: string }).error];
  };
  assert.deepEqual(await post({ id: 'h', kind: 'alerta', match: ['x'] }),
    [400, 'invalid handler json: json: cannot unmarshal array into Go struct field HandlerSpec.match of type string']);
  assert.deepEqual(await post({ id: 'h', kind: 'alerta', options: { timeout: 'soon' } }),
    [400, `failed to create handler: failed to decode options into alerta.HandlerConfig: 'timeout' expected type 'duration', got "soon"`]);
  assert.deepEqual(await post({ id: 'h', kind: 'alerta', options: { resource: '{{ .Nope }}' } }),
    [400, 'failed to create handler: invalid resource template: template: resource: can\'t evaluate field Nope']);
  assert.deepEqual(await post({ id: 'h', kind: 'zenoss', options: { tid: 'x' } }),
    [400, `failed to create handler: failed to decode options into zenoss.HandlerConfig: 'tid' expected type 'int', got "x"`]);
  assert.deepEqual(await post({ id: 'h', kind: 'servicenow', options: { additional_info: 'x' } }),
    [400, `failed to create handler: failed to decode options into servicenow.HandlerConfig: 'additional_info' expected type 'map', got "x"`]);
  assert.deepEqual(await post({ id: 'h', kind: 'bigpanda', options: {} }),
    [400, 'failed to create handler: bigpanda: service is not enabled (set [bigpanda] enabled = true)']);
  assert.deepEqual(alerts.handlerSpecs('ops', ''), []);
  assert.equal(store.database.prepare('SELECT count(*) FROM alert_handlers').pluck().get(), 0n);
});
