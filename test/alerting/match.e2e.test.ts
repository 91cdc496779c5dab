// Topic handler `match` expressions (Kapacitor services/alert/handlers.go matchHandler): changed(), level(),
// name(), taskName(), alertDuration(), OK/INFO/WARNING/CRITICAL and tag references, compiled once at definition.
// Through the HTTP API (in-process app) and the CLI (real kapacitord). Expected selections are worked out by hand
// from the events each test sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { AlertService } from '../../alerting/service.ts';
import { AlertEvent, type EventData } from '../../alerting/event.ts';
import { topicHandlerFactory } from '../../alerting/handlers/index.ts';
import { MatchExpression } from '../../alerting/match.ts';
import { alertsRoutes } from '../../server/api/alerts-routes.ts';
import { TaskStore } from '../../server/store/store.ts';
import { SqliteAlertStore } from '../../server/store/alert-store.ts';
import { silentLogger } from '../../server/logger.ts';
import { testApp, testConfig } from '../server/helpers.ts';
import { kapacitor, startServer, write } from '../cli/processes.ts';

const S = 1_000_000_000n;
const T = 1478629267n * S;
const data = (tags: Record<string, string>, name = 'cpu', taskName = 'cpu_alert'): EventData =>
  ({ name, taskName, category: '', group: 'nil', tags, fields: {}, recoverable: true, rowJson: '{}' });
const ev = (id: string, level: 0 | 1 | 2 | 3, secs: bigint, tags: Record<string, string> = { host: 'a' }, name = 'cpu'): AlertEvent =>
  new AlertEvent('ops', { id, message: `${id} ${level}`, details: '', time: T + secs * S, duration: secs * S, level }, data(tags, name));

function setup(t: { after(fn: () => unknown): void }): { app: FastifyInstance; alerts: AlertService; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-match-'));
  const store = new TaskStore(':memory:');
  const alerts = new AlertService({
    logger: silentLogger(), persistence: new SqliteAlertStore(store.database),
    factory: topicHandlerFactory({ config: testConfig(), logger: silentLogger() }),
  });
  alerts.open();
  const { app } = testApp({ plugins: [async (a) => { await a.register(alertsRoutes, { base: '/kapacitor/v1', alerts }); }] });
  t.after(async () => { await app.close(); alerts.close(); store.close(); rmSync(dir, { recursive: true, force: true }); });
  return { app, alerts, dir };
}

const logged = (f: string): string[] =>
  existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { message: string }).message) : [];

async function define(app: FastifyInstance, id: string, path: string, match: string) {
  const r = await app.inject({ method: 'POST', url: '/kapacitor/v1/alerts/topics/ops/handlers', payload: { id, kind: 'log', options: { path }, match } });
  return { status: r.statusCode, body: JSON.parse(r.body) as Record<string, unknown> };
}

test('changed() == TRUE AND level() == CRITICAL: only the change into CRITICAL', async (t) => {
  const { app, alerts, dir } = setup(t);
  const f = join(dir, 'crit.log');
  const r = await define(app, 'crit', f, 'changed() == TRUE AND level() == CRITICAL');
  assert.equal(r.status, 200);
  assert.equal(r.body['match'], 'changed() == TRUE AND level() == CRITICAL');
  // WARNING (changed, not CRITICAL), CRITICAL (changed: yes), CRITICAL again (unchanged), OK (changed, not CRITICAL),
  // CRITICAL (changed from OK: yes)
  for (const [l, s] of [[2, 0n], [3, 10n], [3, 20n], [0, 30n], [3, 40n]] as const) alerts.collect(ev('e', l, s));
  assert.deepEqual(logged(f), ['e 3', 'e 3']);
  assert.deepEqual(readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { duration: number }).duration), [10e9, 40e9]);
});

test('tag references, name(), taskName(), alertDuration() and level() >= WARNING; a missing tag is counted, not handled', async (t) => {
  const { app, alerts, dir } = setup(t);
  const f = join(dir, 'm.log');
  assert.equal((await define(app, 'm', f, `"host" == 'a' AND name() == 'cpu' AND taskName() =~ /^cpu_/ AND alertDuration() >= 30s AND level() >= WARNING`)).status, 200);
  alerts.collect(ev('ok-dur', 2, 30n)); // all true
  alerts.collect(ev('short', 2, 29n)); // 29s < 30s
  alerts.collect(ev('other-host', 3, 60n, { host: 'b' }));
  alerts.collect(ev('mem', 3, 60n, { host: 'a' }, 'mem')); // name() is mem
  alerts.collect(ev('info', 1, 60n)); // INFO < WARNING
  alerts.collect(ev('nohost', 3, 60n, {})); // "host" is not a tag of this event: Kapacitor's "no tag exists for host"
  assert.deepEqual(logged(f), ['ok-dur 2']);
  const st = alerts.handlerStats().find((h) => h.id === 'm')!.stats as Record<string, number>;
  assert.equal(st['match_errors'], 1);
  assert.equal(st['sent'], 1);
  // evaluation errors say why
  assert.throws(() => MatchExpression.compile('"host" == \'a\'').matches(ev('x', 3, 0n, {})), /^Error: no tag exists for host$/);
});

test('an invalid match is a 400 naming `match` with the parse position; nothing is defined', async (t) => {
  const { app, alerts, dir } = setup(t);
  const bad = async (match: string): Promise<string> => {
    const r = await define(app, 'bad', join(dir, 'x.log'), match);
    assert.equal(r.status, 400, match);
    return r.body['error'] as string;
  };
  // "level() == " ends at byte 11: the EOF token is at char 12; Kapacitor's excerpt is text[pos-10:pos+10]
  assert.equal(await bad('level() == '), 'failed to create handler: match: invalid match expression: parser: unexpected EOF line 1 char 12 in "evel() == ". ' +
    'expected: "number","string","duration","identifier","TRUE","FALSE","==","(","-","!"');
  assert.match(await bad('changed() == TRUE\nAND )'), /^failed to create handler: match: invalid match expression: parser: unexpected \) line 2 char 5 in "AND \)"\./);
  assert.equal(await bad('level() == CRIT'), 'failed to create handler: match: unknown identifier "CRIT"');
  assert.equal(await bad('level(1) == 1'), 'failed to create handler: match: invalid match expression: level takes no arguments');
  assert.match(await bad('nosuch() == 1'), /^failed to create handler: match: invalid match expression: undefined function: "nosuch"/);
  assert.equal((await app.inject({ method: 'GET', url: '/kapacitor/v1/alerts/topics/ops/handlers/bad' })).statusCode, 404);
  assert.deepEqual(alerts.handlerSpecs('ops', ''), []);
});

test('CLI: define-topic-handler with match (YAML); a bad match exits 3 naming the field; the spec survives a restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-match-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let srv = await startServer(dir);
  t.after(() => srv.stop());
  const log = join(dir, 'crit.log');
  writeFileSync(join(dir, 'h.yaml'), `topic: ops\nid: crit\nkind: log\nmatch: changed() == TRUE AND level() == CRITICAL\noptions:\n  path: ${log}\n`);
  let r = await kapacitor(srv.url, 'define-topic-handler', join(dir, 'h.yaml'));
  assert.deepEqual([r.code, r.stderr], [0, '']);
  writeFileSync(join(dir, 'bad.yaml'), `topic: ops\nid: bad\nkind: log\nmatch: level() ==\noptions:\n  path: ${log}\n`);
  r = await kapacitor(srv.url, 'define-topic-handler', join(dir, 'bad.yaml'));
  assert.equal(r.code, 3);
  assert.match(r.stderr, /^Error: failed to create handler: match: invalid match expression: parser: unexpected EOF line 1 char 11 in "level\(\) ==". /);
  // invalid YAML specs name the field; nothing is defined
  writeFileSync(join(dir, 'bad2.yaml'), `topic: ops\nid: bad\nkind: log\nmatch:\n  - level() > 1\n`);
  r = await kapacitor(srv.url, 'define-topic-handler', join(dir, 'bad2.yaml'));
  assert.deepEqual([r.code, r.stderr], [3, `Error: failed to unmarshal yaml handler file "${join(dir, 'bad2.yaml')}": field "match" must be a string, got ["level() > 1"]\n`]);
  writeFileSync(join(dir, 'bad3.yaml'), `topic: ops\nid: bad\nkind: log\noptions:\n  path: ${log}\n  mode: rw\n`);
  r = await kapacitor(srv.url, 'define-topic-handler', join(dir, 'bad3.yaml'));
  assert.deepEqual([r.code, r.stderr], [3, "Error: failed to create handler: failed to decode options into alert.LogHandlerConfig: 'mode' expected type 'int', got \"rw\"\n"]);
  assert.equal((await kapacitor(srv.url, 'show-topic-handler', 'ops', 'bad')).code, 3);
  const tick = join(dir, 'cpu.tick');
  writeFileSync(tick, "stream\n    |from()\n        .measurement('cpu')\n    |alert()\n        .warn(lambda: \"value\" > 80)\n        .crit(lambda: \"value\" > 90)\n        .topic('ops')\n");
  assert.equal((await kapacitor(srv.url, 'define', 'cpu_alert', '-tick', tick, '-dbrp', 'telegraf.autogen')).code, 0);
  assert.equal((await kapacitor(srv.url, 'enable', 'cpu_alert')).code, 0);
  // WARNING, CRITICAL (logged), CRITICAL
  assert.equal(await write(srv.url, 'telegraf', 'autogen', 'cpu value=85 1478629260\ncpu value=95 1478629261\ncpu value=96 1478629262\n'), 204);
  assert.deepEqual(logged(log), ['cpu:nil is CRITICAL']);
  await srv.stop('SIGTERM');
  srv = await startServer(dir);
  assert.match((await kapacitor(srv.url, 'show-topic-handler', 'ops', 'crit')).stdout, /Match: changed\(\) == TRUE AND level\(\) == CRITICAL\n/);
  // OK, then CRITICAL again: the change into CRITICAL is logged once more
  assert.equal(await write(srv.url, 'telegraf', 'autogen', 'cpu value=1 1478629270\ncpu value=99 1478629271\n'), 204);
  assert.deepEqual(logged(log), ['cpu:nil is CRITICAL', 'cpu:nil is CRITICAL']);
});
