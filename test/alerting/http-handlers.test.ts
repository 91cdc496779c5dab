// alerta, bigpanda, servicenow and zenoss against local fakes of their services (real HTTP on 127.0.0.1), checking
// the exact request Kapacitor 1.8 sends. Every expected body below is hand-derived from services/<name>/service.go:
// json.Encoder = compact + map keys sorted + trailing newline (alerta); json.Encoder + json.Compact = no newline
// (bigpanda); json.Marshal of structs = field order, omitempty, no newline (servicenow, zenoss's envelope), of maps =
// sorted keys (zenoss's data object, servicenow's additional_info). HTML characters are escaped (\u003c) by both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlertEvent } from '../../alerting/event.ts';
import { createHandler, handlerDeps, scriptHandlerFactory } from '../../alerting/handlers/index.ts';
import type { DeliveryOptions } from '../../alerting/delivery.ts';
import { AlertService } from '../../alerting/service.ts';
import { compileLambda, evaluateScript } from '../../tickscript/index.ts';
import { setLambdaCompiler } from '../../runtime/lambda.ts';
import { startTask } from '../helpers/runtime/replay.ts';
import { nodeOf, T0 } from '../nodes/capture.ts';
import { silentLogger } from '../../server/logger.ts';
import { testConfig } from '../server/helpers.ts';
import { deliverOnce, fakeService } from '../helpers/alert-fake-service.ts';

setLambdaCompiler(compileLambda);

const T = 1478629267_500000000n; // 2016-11-08T18:21:07.5Z
const ROW = '{"name":"cpu","tags":{"host":"a"},"columns":["time","value"],"values":[["2016-11-08T18:21:07.5Z",95]]}';
const event = (level: 0 | 1 | 2 | 3 = 3, message = 'cpu:host=a is CRITICAL', details = '<b>d</b>'): AlertEvent => new AlertEvent('ops',
  { id: 'cpu:host=a', message, details, time: T, duration: 60_000_000_000n, level },
  { name: 'cpu', taskName: 'cpu_alert', category: '', group: 'host=a', tags: { host: 'a' }, fields: { value: 95 }, recoverable: true, rowJson: ROW },
  2);
const FAST: DeliveryOptions = { bufferLength: 1000, retries: 1, backoffMs: 5, maxBackoffMs: 20, durableLength: 100 };

const fake = (t: { after(fn: () => unknown): void }, status = 200) => fakeService(t, () => [status, '{}']);
const deliver = (kind: string, options: Record<string, unknown>, env: Record<string, string>, ev = event()) => deliverOnce(kind, options, env, ev, FAST);

test('alerta: POST <url>/alert, token prefix + token, templated resource/attributes, defaults, timeout in seconds; 201 only', async (t) => {
  const f = await fake(t, 201);
  const env = { KAPACITOR_ALERTA_ENABLED: 'true', KAPACITOR_ALERTA_URL: `${f.url}/api`, KAPACITOR_ALERTA_TOKEN: 'tk', KAPACITOR_ALERTA_ENVIRONMENT: 'prod', KAPACITOR_ALERTA_ORIGIN: 'kap' };
  const st = await deliver('alerta', { resource: '{{ .Name }}-{{ index .Tags "host" }}', attributes: { runbook: 'http://x/{{ .TaskName }}', weight: 2 }, timeout: '1h' }, env);
  assert.deepEqual(st, { sent: 1, errors: 0, failed: 0, dropped: 0, queued: 0 });
  const r = f.reqs[0]!;
  assert.equal(r.method, 'POST');
  assert.equal(r.url, '/api/alert'); // path.Join(u.Path, "alert")
  assert.equal(r.headers['authorization'], 'Bearer tk');
  assert.equal(r.headers['content-type'], 'application/json');
  // service and correlate default to [Name]; event {{ .ID }}; group {{ .Group }}; value ""; tags "k=v"; severity critical
  assert.equal(r.body, '{"attributes":{"runbook":"http://x/cpu_alert","weight":2},"correlate":["cpu"],"environment":"prod",' +
    `"event":"cpu:host=a","group":"host=a","origin":"kap","rawData":{"series":[${ROW}]},"resource":"cpu-a","service":["cpu"],` +
    '"severity":"critical","tags":["host=a"],"text":"cpu:host=a is CRITICAL","timeout":3600,"value":""}\n');
  // options override the config; token-prefix "Key" (older Alerta); OK is "ok"; default timeout 24h = 86400 s
  await deliver('alerta', { token: 'o', 'token-prefix': 'Key', environment: 'dev-{{ .TaskName }}', origin: 'o2', service: ['s1', '{{ .Name }}'], correlate: ['c'] }, env, event(0, 'fine'));
  const b = JSON.parse(f.reqs[1]!.body) as Record<string, unknown>;
  assert.equal(f.reqs[1]!.headers['authorization'], 'Key o');
  assert.deepEqual([b['environment'], b['origin'], b['service'], b['correlate'], b['severity'], b['timeout'], b['text']],
    ['dev-cpu_alert', 'o2', ['s1', 'cpu'], ['c'], 'ok', 86400, 'fine']);
  // the event template sees only ID, Name, TaskName, Group, Tags (Kapacitor's idInfo): .Level is refused at definition
  assert.throws(() => createHandler('alerta', { event: '{{ .Level }}' }, handlerDeps(testConfig(env)), silentLogger(), FAST), /invalid event template/);
});

test('alerta: only 201 is success; an empty resource is refused without a request', async (t) => {
  const f = await fake(t, 200);
  const env = { KAPACITOR_ALERTA_ENABLED: 'true', KAPACITOR_ALERTA_URL: f.url };
  const st = await deliver('alerta', {}, env);
  assert.deepEqual([st.sent, st.failed, st.errors], [0, 1, 2], '200 is a failure for Alerta: 1 attempt + 1 retry');
  assert.equal(f.reqs[0]!.url, '/alert');
  assert.equal(f.reqs[0]!.headers['authorization'], 'Bearer', 'Go sends "Bearer " + an empty token (the trailing space is not significant in HTTP)');
  const none = await deliver('alerta', { resource: '' }, env);
  assert.deepEqual([none.sent, none.failed, f.reqs.length], [0, 1, 2]);
});

test('bigpanda: flat object with check/task/timestamp/status, tags and fields as attributes, host and attributes override', async (t) => {
  const f = await fake(t, 201);
  const env = { KAPACITOR_BIGPANDA_ENABLED: 'true', KAPACITOR_BIGPANDA_URL: `${f.url}/data/v2/alerts`, KAPACITOR_BIGPANDA_TOKEN: 'bt', KAPACITOR_BIGPANDA_APP_KEY: 'ak' };
  const st = await deliver('bigpanda', { host: '{{ index .Tags "host" }}-h', 'primary-property': 'host', attributes: { team: 'ops-{{ .Level }}', n: 3 } }, env);
  assert.equal(st.sent, 1);
  const r = f.reqs[0]!;
  assert.equal(r.url, '/data/v2/alerts');
  assert.equal(r.headers['authorization'], 'Bearer bt');
  // value 95 (float) → json.Marshal → "95"; n 3 → "3"; the rendered host overrides the "host" tag; details not JSON → kept
  assert.equal(r.body, '{"app_key":"ak","check":"cpu:host=a","description":"cpu:host=a is CRITICAL","details":"\\u003cb\\u003ed\\u003c/b\\u003e",' +
    '"host":"a-h","n":"3","primary_property":"host","status":"critical","task":"cpu_alert:cpu","team":"ops-CRITICAL","timestamp":1478629267,"value":"95"}');
  // the default {{ json . }} details (HTML-escaped) start with "{" once unescaped: left out; INFO → ok; url and app-key options win;
  // auto-attributes without "fields": no field attributes; host is always sent ("" when unset)
  await deliver('bigpanda', { url: `${f.url}/other`, 'app-key': 'k2' }, { ...env, KAPACITOR_BIGPANDA_AUTO_ATTRIBUTES: 'tags' }, event(1, 'i', '{&#34;a&#34;:1}'));
  assert.equal(f.reqs[1]!.url, '/other');
  assert.equal(f.reqs[1]!.body, '{"app_key":"k2","check":"cpu:host=a","description":"i","host":"","status":"ok","task":"cpu_alert:cpu","timestamp":1478629267}');
  assert.throws(() => testConfig({ KAPACITOR_BIGPANDA_ENABLED: 'true', KAPACITOR_BIGPANDA_TOKEN: 't' }), /bigpanda\.app-key.*must specify BigPanda app-key/);
});

test('servicenow: records[0] with omitempty fields, byte cut-offs, additional_info as a JSON string, basic auth from config', async (t) => {
  const f = await fake(t, 200);
  const env = {
    KAPACITOR_SERVICENOW_ENABLED: 'true', KAPACITOR_SERVICENOW_URL: `${f.url}/api/global/em/jsonv2`, KAPACITOR_SERVICENOW_SOURCE: 'Kapacitor',
    KAPACITOR_SERVICENOW_USERNAME: 'u', KAPACITOR_SERVICENOW_PASSWORD: 'p',
  };
  await deliver('servicenow', {
    node: '{{ index .Tags "host" }}', type: 'cpu', resource: '{{ .Name }}', metricName: 'value', additional_info: { dc: 'eu-{{ .TaskName }}', level: 2 },
    username: 'ignored', password: 'ignored',
  }, env);
  const r = f.reqs[0]!;
  assert.equal(r.url, '/api/global/em/jsonv2');
  assert.equal(r.headers['authorization'], 'Basic dTpw'); // base64("u:p"); the handler's own username/password are not used
  assert.equal(r.body, '{"records":[{"source":"Kapacitor","node":"a","type":"cpu","resource":"cpu","metric_name":"value","message_key":"cpu:host=a",' +
    '"severity":"1","description":"cpu:host=a is CRITICAL","additional_info":"{\\"dc\\":\\"eu-cpu_alert\\",\\"level\\":\\"2\\"}"}]}');
  // WARNING → 4; empty templates omitted; source cut to 100 bytes; message_key from the option
  await deliver('servicenow', { source: 'x'.repeat(150), messageKey: 'k-{{ .ID }}' }, { ...env, KAPACITOR_SERVICENOW_USERNAME: '' }, event(2, 'w'));
  assert.equal(f.reqs[1]!.headers['authorization'], undefined, 'no basic auth unless both username and password are set');
  assert.equal(f.reqs[1]!.body, `{"records":[{"source":"${'x'.repeat(100)}","message_key":"k-cpu:host=a","severity":"4","description":"w"}]}`);
  // mapstructure field names: "metric_name" (the JSON tag) is not an option name
  assert.throws(() => createHandler('servicenow', { metric_name: 'x' }, handlerDeps(testConfig(env)), silentLogger(), FAST),
    /failed to decode options into servicenow\.HandlerConfig: '' has invalid keys: metric_name/);
});

test('zenoss: router envelope, sorted data map with severity from the map, JSON custom fields, summary fallback', async (t) => {
  const f = await fake(t, 200);
  const env = { KAPACITOR_ZENOSS_ENABLED: 'true', KAPACITOR_ZENOSS_URL: `${f.url}/zport/dmd/evconsole_router`, KAPACITOR_ZENOSS_USERNAME: 'z', KAPACITOR_ZENOSS_PASSWORD: 'pw' };
  await deliver('zenoss', {
    device: '{{ index .Tags "host" }}', component: '{{ .Name }}', eventClass: '/App/{{ .TaskName }}',
    customField: { json: '{"b":1,"a":[1,2]}', text: 'lvl {{ .Level }}', num: 7, notjson: '{nope' },
  }, env);
  const r = f.reqs[0]!;
  assert.equal(r.url, '/zport/dmd/evconsole_router');
  assert.equal(r.headers['authorization'], 'Basic ' + Buffer.from('z:pw').toString('base64'));
  assert.equal(r.body, '{"action":"EventsRouter","method":"add_event","data":[{"collector":"Kapacitor","component":"cpu","device":"a",' +
    '"evclass":"/App/cpu_alert","evclasskey":"","json":{"a":[1,2],"b":1},"notjson":"{nope","num":7,"severity":"Critical",' +
    '"summary":"cpu:host=a is CRITICAL","text":"lvl CRITICAL"}],"type":"rpc","tid":1}');
  // OK → "Clear"; action/method/type/tid/collector/message options; summary cut to 256 bytes
  await deliver('zenoss', { action: 'A', method: 'm', type: 't', tid: 9, collector: 'c-{{ .TaskName }}', message: '{{ .Duration }}', summary: 's'.repeat(300) }, env, event(0, 'ok'));
  assert.equal(f.reqs[1]!.body, `{"action":"A","method":"m","data":[{"collector":"c-cpu_alert","component":"","device":"","evclass":"","evclasskey":"",` +
    `"message":"1m0s","severity":"Clear","summary":"${'s'.repeat(256)}"}],"type":"t","tid":9}`);
  // [zenoss.severity-map] entries (here through the environment, entry by entry): set ones replace, unset keep the default
  await deliver('zenoss', {}, { ...env, KAPACITOR_ZENOSS_SEVERITY_MAP_CRITICAL: 'Critical!' });
  await deliver('zenoss', {}, { ...env, KAPACITOR_ZENOSS_SEVERITY_MAP_CRITICAL: 'Critical!' }, event(2, 'w'));
  assert.match(f.reqs[2]!.body, /"severity":"Critical!"/);
  assert.match(f.reqs[3]!.body, /"severity":"Warning"/);
});

test('script methods .alerta() .bigPanda() .serviceNow() .zenoss() map to the same options', async (t) => {
  const alerta = await fake(t, 201);
  const bp = await fake(t, 201);
  const sn = await fake(t, 200);
  const zn = await fake(t, 200);
  const config = testConfig({
    KAPACITOR_ALERTA_ENABLED: 'true', KAPACITOR_ALERTA_URL: alerta.url, KAPACITOR_ALERTA_TOKEN: 't',
    KAPACITOR_BIGPANDA_ENABLED: 'true', KAPACITOR_BIGPANDA_URL: bp.url, KAPACITOR_BIGPANDA_TOKEN: 't', KAPACITOR_BIGPANDA_APP_KEY: 'a',
    KAPACITOR_SERVICENOW_ENABLED: 'true', KAPACITOR_SERVICENOW_URL: sn.url,
    KAPACITOR_ZENOSS_ENABLED: 'true', KAPACITOR_ZENOSS_URL: zn.url,
  });
  const alertHandlers = scriptHandlerFactory({ config, logger: silentLogger(), delivery: { retries: 0 } });
  const h = startTask(evaluateScript(`stream|from().measurement('cpu')|alert().crit(lambda: "value" > 90).message('hot').details('')
    .alerta().resource('r').services('s1', 's2').attribute('n', 5).timeout(2m)
    .bigPanda().host('h').attribute('x', 'y')
    .serviceNow().node('n').metricName('m').additionalInfo('k', 1)
    .zenoss().tid(4).eventClassKey('ek').customField('c', TRUE)`), { services: { alerts: new AlertService({ logger: silentLogger() }), alertHandlers } });
  t.after(() => h.stop());
  h.write([`cpu,host=a value=95 ${T0}`], 's');
  await nodeOf<{ whenIdle(): Promise<void> }>(h, 'alert').whenIdle();
  const a = JSON.parse(alerta.reqs[0]!.body) as Record<string, unknown>;
  assert.deepEqual([a['resource'], a['service'], a['attributes'], a['timeout']], ['r', ['s1', 's2'], { n: 5 }, 120]);
  const b = JSON.parse(bp.reqs[0]!.body) as Record<string, unknown>;
  assert.deepEqual([b['host'], b['x'], b['app_key']], ['h', 'y', 'a']);
  const s = (JSON.parse(sn.reqs[0]!.body) as { records: Record<string, unknown>[] }).records[0]!;
  assert.deepEqual([s['node'], s['metric_name'], s['additional_info'], s['source']], ['n', 'm', '{"k":"1"}', '']);
  assert.match(zn.reqs[0]!.body, /^\{"action":"EventsRouter","method":"add_event","data":\[\{"c":true,"collector":"Kapacitor",.*"evclasskey":"ek",.*"summary":"hot"\}\],"type":"rpc","tid":4\}$/);
});
