// Topic handler kinds against local fakes of their services, checking the exact request Kapacitor 1.8 sends
// (services/<name>/service.go; bodies hand-derived from the Go code: json.Encoder output = compact, map keys
// sorted, trailing newline), plus delivery faults: retry with backoff, counters, a hanging endpoint, a huge
// response body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertEvent } from '../../alerting/event.ts';
import { createHandler, handlerDeps } from '../../alerting/handlers/index.ts';
import type { DeliveryOptions } from '../../alerting/delivery.ts';
import { silentLogger } from '../../server/logger.ts';
import { testConfig } from '../server/helpers.ts';
import { deliverOnce, fakeService } from '../helpers/alert-fake-service.ts';
import { ALERT_DATA, ROW, T } from '../helpers/alert-event.ts';

const event = (level: 0 | 1 | 2 | 3 = 3, message = 'cpu:host=a is CRITICAL'): AlertEvent => new AlertEvent('ops',
  { id: 'cpu:host=a', message, details: '<b>d</b>', time: T, duration: 60_000_000_000n, level },
  { name: 'cpu', taskName: 'cpu_alert', category: '', group: 'host=a', tags: { host: 'a' }, fields: { value: 95 }, recoverable: true, rowJson: ROW },
  2);
const FAST: DeliveryOptions = { bufferLength: 1000, retries: 2, backoffMs: 5, maxBackoffMs: 20, durableLength: 100 };

const fake = fakeService;
const deliver = (kind: string, options: Record<string, unknown>, env: Record<string, string>, ev = event()) => deliverOnce(kind, options, env, ev, FAST);

test('slack: body, channel/username/icon from options over config, bearer token, color per level', async (t) => {
  const f = await fake(t);
  const st = await deliver('slack', { channel: '#ops', 'icon-emoji': ':fire:' }, {
    KAPACITOR_SLACK_ENABLED: 'true', KAPACITOR_SLACK_URL: `${f.url}/hook`, KAPACITOR_SLACK_TOKEN: 'tok', KAPACITOR_SLACK_CHANNEL: '#default',
  });
  assert.deepEqual(st, { sent: 1, errors: 0, failed: 0, dropped: 0, queued: 0 });
  assert.equal(f.reqs[0]!.method, 'POST');
  assert.equal(f.reqs[0]!.url, '/hook');
  assert.equal(f.reqs[0]!.headers['content-type'], 'application/json');
  assert.equal(f.reqs[0]!.headers['authorization'], 'Bearer tok');
  // username defaults to "kapacitor" ([slack] username)
  assert.equal(f.reqs[0]!.body, '{"attachments":[{"fallback":"cpu:host=a is CRITICAL","color":"danger","text":"cpu:host=a is CRITICAL","mrkdwn_in":["text"]}],' +
    '"channel":"#ops","icon_emoji":":fire:","text":"","username":"kapacitor"}\n');
  await deliver('slack', {}, { KAPACITOR_SLACK_ENABLED: 'true', KAPACITOR_SLACK_URL: `${f.url}/hook` }, event(2, 'w'));
  assert.match(f.reqs[1]!.body, /"color":"warning".*"channel":"",/);
  assert.equal(f.reqs[1]!.headers['authorization'], undefined);
  assert.throws(() => createHandler('slack', {}, handlerDeps(testConfig()), silentLogger(), FAST), /slack: service is not enabled/);
});

test('teams: MessageCard with title, 70-byte summary + "...", theme color', async (t) => {
  const f = await fake(t, () => [204, '']);
  await deliver('teams', {}, { KAPACITOR_TEAMS_ENABLED: 'true', KAPACITOR_TEAMS_CHANNEL_URL: `${f.url}/teams` });
  // title "CRITICAL: [cpu:host=a]"; summary = title + " - " + message (46 bytes) + "..."; json.Marshal: no newline
  assert.equal(f.reqs[0]!.body, '{"@type":"MessageCard","@context":"http://schema.org/extensions","title":"CRITICAL: [cpu:host=a]",' +
    '"text":"cpu:host=a is CRITICAL","summary":"CRITICAL: [cpu:host=a] - cpu:host=a is CRITICAL...","themeColor":"CC4A31"}');
  const long = 'x'.repeat(100);
  await deliver('teams', {}, { KAPACITOR_TEAMS_ENABLED: 'true', KAPACITOR_TEAMS_CHANNEL_URL: `${f.url}/teams` }, event(0, long));
  const card = JSON.parse(f.reqs[1]!.body) as { summary: string; themeColor: string };
  assert.equal(card.summary, ('OK: [cpu:host=a] - ' + long).slice(0, 70) + '...');
  assert.equal(card.themeColor, '34CC25');
});

test('discord: embeds with templated title and RFC3339 timestamp; only 204 is success', async (t) => {
  const f = await fake(t, (n) => (n === 1 ? [204, ''] : [200, 'ok']));
  const env = { KAPACITOR_DISCORD_ENABLED: 'true', KAPACITOR_DISCORD_URL: `${f.url}/d`, KAPACITOR_DISCORD_TIMESTAMP: 'true', KAPACITOR_DISCORD_USERNAME: 'kap' };
  const st = await deliver('discord', { 'embed-title': '{{ .TaskName }}: {{ .Level }}' }, env);
  assert.deepEqual(st.sent, 1);
  // color 0xF95F53 = 16342867
  assert.equal(f.reqs[0]!.body, '{"avatar_url":"","embeds":[{"color":16342867,"title":"cpu_alert: CRITICAL","description":"cpu:host=a is CRITICAL",' +
    '"timestamp":"2016-11-08T18:21:07Z"}],"username":"kap"}\n');
  const st2 = await deliver('discord', {}, env);
  assert.deepEqual([st2.sent, st2.failed, st2.errors], [0, 1, 3], '200 is not success for Discord: 1 attempt + 2 retries fail');
});

test('victorops: URL with api key and routing key, data as a JSON string, RECOVERY for OK', async (t) => {
  const f = await fake(t);
  const env = { KAPACITOR_VICTOROPS_ENABLED: 'true', KAPACITOR_VICTOROPS_URL: `${f.url}/vo/alert`, KAPACITOR_VICTOROPS_API_KEY: 'k1', KAPACITOR_VICTOROPS_ROUTING_KEY: 'rk' };
  await deliver('victorops', { 'routing-key': 'team' }, env);
  assert.equal(f.reqs[0]!.url, '/vo/alert/k1/team');
  assert.equal(f.reqs[0]!.body, `{"data":${JSON.stringify(`{"series":[${ROW}]}`)},"entity_id":"cpu:host=a","message_type":"CRITICAL",` +
    '"monitoring_tool":"kapacitor","state_message":"cpu:host=a is CRITICAL","timestamp":1478629267}\n');
  await deliver('victorops', {}, { ...env, KAPACITOR_VICTOROPS_JSON_DATA: 'true' }, event(0, 'ok'));
  assert.equal(f.reqs[1]!.url, '/vo/alert/k1/rk');
  assert.equal(f.reqs[1]!.body, `{"data":{"series":[${ROW}]},"entity_id":"cpu:host=a","message_type":"RECOVERY",` +
    '"monitoring_tool":"kapacitor","state_message":"ok","timestamp":1478629267}\n');
});

test('pagerduty2: event payload, dedup key, host as source, 9-digit timestamp, templated links', async (t) => {
  const f = await fake(t, () => [202, '{"status":"success"}']);
  const env = { KAPACITOR_PAGERDUTY2_ENABLED: 'true', KAPACITOR_PAGERDUTY2_URL: `${f.url}/v2/enqueue`, KAPACITOR_PAGERDUTY2_ROUTING_KEY: 'rk' };
  await deliver('pagerduty2', { links: [{ href: 'https://x/{{ .ID }}' }, { href: 'https://y', text: 'task {{ .TaskName }}' }] }, env);
  assert.equal(f.reqs[0]!.headers['accept'], 'application/vnd.pagerduty+json;version=2');
  assert.equal(f.reqs[0]!.body, '{"routing_key":"rk","event_action":"trigger","dedup_key":"cpu:host=a","payload":{"summary":"cpu:host=a is CRITICAL",' +
    '"source":"a","severity":"critical","timestamp":"2016-11-08T18:21:07.500000000Z","class":"cpu_alert","component":"","group":"",' +
    `"custom_details":{"result":{"series":[${ROW}]}}},"images":null,"links":[{"href":"https://x/cpu:host=a","text":"https://x/cpu:host=a"},` +
    '{"href":"https://y","text":"task cpu_alert"}],"client":"kapacitor","client_url":"http://[::]:9092/kapacitor/v1"}\n');
  await deliver('pagerduty2', { 'routing-key': 'other' }, env, event(0, 'ok'));
  assert.match(f.reqs[1]!.body, /^\{"routing_key":"other","event_action":"resolve",.*"severity":"info",.*"links":null,/);
});

test('telegram: sendMessage URL with the token, optional keys only when set', async (t) => {
  const f = await fake(t);
  const env = { KAPACITOR_TELEGRAM_ENABLED: 'true', KAPACITOR_TELEGRAM_URL: `${f.url}/bot`, KAPACITOR_TELEGRAM_TOKEN: '123:abc', KAPACITOR_TELEGRAM_CHAT_ID: '42' };
  await deliver('telegram', {}, env);
  assert.equal(f.reqs[0]!.url, '/bot123:abc/sendMessage');
  assert.equal(f.reqs[0]!.body, '{"chat_id":"42","text":"cpu:host=a is CRITICAL"}\n');
  await deliver('telegram', { 'chat-id': '7', 'parse-mode': 'Markdown', 'disable-notification': true }, { ...env, KAPACITOR_TELEGRAM_DISABLE_WEB_PAGE_PREVIEW: 'true' });
  assert.equal(f.reqs[1]!.body, '{"chat_id":"7","disable_notification":true,"disable_web_page_preview":true,"parse_mode":"Markdown","text":"cpu:host=a is CRITICAL"}\n');
  assert.throws(() => createHandler('telegram', { 'parse-mode': 'rtf' }, handlerDeps(testConfig(env)), silentLogger(), FAST),
    /parseMode rtf is not valid, please use 'Markdown' or 'HTML'/);
});

test('post: alert data JSON to a URL or an [[httppost]] endpoint with its headers', async (t) => {
  const f = await fake(t);
  await deliver('post', { url: `${f.url}/alerts`, headers: { 'X-A': 'b' } }, {});
  assert.equal(f.reqs[0]!.body, ALERT_DATA);
  assert.equal(f.reqs[0]!.headers['content-type'], 'application/json');
  assert.equal(f.reqs[0]!.headers['x-a'], 'b');
  await deliver('post', { endpoint: 'ep' }, { KAPACITOR_HTTPPOST_0_ENDPOINT: 'ep', KAPACITOR_HTTPPOST_0_URL: `${f.url}/ep`, KAPACITOR_HTTPPOST_0_HEADERS_X_B: 'c' });
  assert.equal(f.reqs[1]!.url, '/ep');
  assert.equal(f.reqs[1]!.body, ALERT_DATA);
  assert.throws(() => createHandler('post', { endpoint: 'nope' }, handlerDeps(testConfig()), silentLogger(), FAST), /endpoint "nope" does not exist/);
});

test('tcp: alert data JSON and an extra newline on a new connection', async (t) => {
  let got = '';
  const done = new Promise<void>((resolve) => {
    const srv = net.createServer((s) => { s.on('data', (d) => { got += d; }); s.on('end', () => resolve()); });
    srv.listen(0, '127.0.0.1', () => {
      void deliver('tcp', { address: `127.0.0.1:${(srv.address() as AddressInfo).port}` }, {});
    });
    t.after(() => srv.close());
  });
  await done;
  assert.equal(got, ALERT_DATA + '\n');
  const st = await deliver('tcp', { address: '127.0.0.1:1' }, {});
  assert.deepEqual([st.sent, st.failed], [0, 1]);
});

test('exec: the program gets alert data JSON on stdin; a failing program is counted', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-exec-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'in.json');
  const st = await deliver('exec', { prog: '/bin/sh', args: ['-c', `cat > ${out}`] }, {});
  assert.equal(st.sent, 1);
  assert.equal(readFileSync(out, 'utf8'), ALERT_DATA);
  const bad = await deliver('exec', { prog: '/bin/sh', args: ['-c', 'exit 3'] }, {});
  assert.deepEqual([bad.sent, bad.failed, bad.errors], [0, 1, 3]);
});

test('faults: 500 then success is retried; a hanging endpoint times out; a huge body is not buffered; handle() never blocks', async (t) => {
  const f = await fake(t, (n) => (n <= 2 ? [500, 'boom'] : [200, 'x'.repeat(5 * 1024 * 1024)]));
  const st = await deliver('post', { url: f.url }, {});
  assert.deepEqual(st, { sent: 1, errors: 2, failed: 0, dropped: 0, queued: 0 });
  assert.equal(f.reqs.length, 3);
  assert.equal(f.reqs[2]!.body, ALERT_DATA, 'the retried request is the same');

  const hang = await fake(t, () => 'hang');
  const h = createHandler('post', { url: hang.url, timeout: '50ms' }, handlerDeps(testConfig()), silentLogger(), { ...FAST, bufferLength: 1000 });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 1500; i++) h.handle(event());
  assert.ok(process.hrtime.bigint() - t0 < 2_000_000_000n, 'enqueueing does not wait for the receiver');
  // one event is in flight and 1000 wait in the queue; the other 499 are dropped at once, counted
  assert.equal(h.stats.dropped, 499);
  h.close();
  await h.whenIdle!();
  // the timeout fails the attempt; after the retries the event is given up and counted
  const one = await deliver('post', { url: hang.url, timeout: '50ms' }, {});
  assert.deepEqual(one, { sent: 0, errors: 3, failed: 1, dropped: 0, queued: 0 });
});

test('opsgenie2: alert with alias, priority, details and responders; recovery note to <url>/<alias>/<action>', async (t) => {
  const f = await fake(t, () => [202, '{"result":"Request will be processed"}']);
  const env = { KAPACITOR_OPSGENIE2_ENABLED: 'true', KAPACITOR_OPSGENIE2_URL: `${f.url}/v2/alerts`, KAPACITOR_OPSGENIE2_API_KEY: 'gk', KAPACITOR_OPSGENIE2_TEAMS: 'ops' };
  await deliver('opsgenie2', { 'recipients-list': ['bob'] }, env);
  assert.equal(f.reqs[0]!.url, '/v2/alerts');
  assert.equal(f.reqs[0]!.headers['authorization'], 'GenieKey gk');
  // alias = base64.URLEncoding("cpu:host=a") = "Y3B1Omhvc3Q9YQ=="
  assert.equal(f.reqs[0]!.body, `{"alias":"Y3B1Omhvc3Q9YQ==","description":${JSON.stringify(`{"series":[${ROW}]}`)},` +
    '"details":{"Kapacitor Task Name":"cpu","Level":"CRITICAL","Monitoring Tool":"Kapacitor","host":"a"},"entity":"cpu:host=a",' +
    '"message":"cpu:host=a is CRITICAL","note":"","priority":"P1","responders":[{"name":"ops","type":"team"},{"type":"user","username":"bob"}]}\n');
  await deliver('opsgenie2', { recovery_action: 'close' }, env, event(0, 'recovered'));
  assert.equal(f.reqs[1]!.url, '/v2/alerts/Y3B1Omhvc3Q9YQ==/close?identifierType=alias');
  assert.equal(f.reqs[1]!.body, '{"note":"recovered"}\n');
});

test('pushover: form body with Go url.Values encoding, priority per level', async (t) => {
  const f = await fake(t);
  const env = { KAPACITOR_PUSHOVER_ENABLED: 'true', KAPACITOR_PUSHOVER_URL: `${f.url}/1/messages.json`, KAPACITOR_PUSHOVER_TOKEN: 'tk', KAPACITOR_PUSHOVER_USER_KEY: 'uk' };
  await deliver('pushover', { title: 'a b', sound: 'siren' }, env, event(2, 'cpu* ~high&'));
  assert.equal(f.reqs[0]!.headers['content-type'], 'application/x-www-form-urlencoded');
  assert.equal(f.reqs[0]!.body, 'message=cpu%2A+~high%26&priority=0&sound=siren&title=a+b&token=tk&user=uk');
});

test('sensu: check result on the client socket, metadata never overrides, answer must be "ok"; ids must be names', async (t) => {
  const got: string[] = [];
  const srv = net.createServer((s) => {
    let buf = '';
    s.on('data', (d) => {
      buf += d;
      if (buf.endsWith('\n')) { got.push(buf); s.end(got.length === 1 ? 'ok' : 'bad things'); }
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => srv.close());
  const env = { KAPACITOR_SENSU_ENABLED: 'true', KAPACITOR_SENSU_ADDR: `127.0.0.1:${(srv.address() as AddressInfo).port}`, KAPACITOR_SENSU_HANDLERS: 'h1' };
  const named = (): AlertEvent => { const e = event(); return new AlertEvent('ops', { ...e.state, id: 'cpu_a' }, e.data); };
  const st = await deliver('sensu', { source: '{{ .TaskName }}', metadata: { zone: 'eu', status: 9 } }, env, named());
  assert.equal(st.sent, 1);
  assert.equal(got[0], '{"handlers":["h1"],"name":"cpu_a","output":"cpu:host=a is CRITICAL","source":"cpu_alert","status":2,"zone":"eu"}\n');
  const refused = await deliver('sensu', {}, env, named());
  assert.deepEqual([refused.sent, refused.failed], [0, 1], 'an answer other than "ok" is a failure');
  const badName = await deliver('sensu', {}, env);
  assert.deepEqual([badName.sent, badName.failed], [0, 1], '"cpu:host=a" is not a valid Sensu check name');
});
