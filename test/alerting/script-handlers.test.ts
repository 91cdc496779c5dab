// Handlers written in a TICKscript (pipeline/alert.go: .slack().channel(), .victorOps().routingKey(),
// .telegram().disableNotification(), .exec(prog, args...)) send the same requests as topic handler specs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileLambda, evaluateScript } from '../../tickscript/index.ts';
import { setLambdaCompiler } from '../../runtime/lambda.ts';
import { startTask } from '../helpers/runtime/replay.ts';
import { AlertService } from '../../alerting/service.ts';
import { scriptHandlerFactory } from '../../alerting/handlers/index.ts';
import { silentLogger } from '../../server/logger.ts';
import { testConfig } from '../server/helpers.ts';
import { nodeOf, T0 } from '../nodes/capture.ts';

setLambdaCompiler(compileLambda);

test('.slack().channel(), .victorOps().routingKey(), .telegram().disableNotification() and .exec() deliver', async (t) => {
  const bodies: { url: string; body: string }[] = [];
  const srv = http.createServer((req, res) => {
    let b = '';
    req.on('data', (c) => { b += c; });
    req.on('end', () => { bodies.push({ url: req.url!, body: b }); res.writeHead(200).end(); });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => { srv.closeAllConnections(); srv.close(); });
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-script-handlers-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'exec.json');
  const config = testConfig({
    KAPACITOR_SLACK_ENABLED: 'true', KAPACITOR_SLACK_URL: `${url}/slack`,
    KAPACITOR_VICTOROPS_ENABLED: 'true', KAPACITOR_VICTOROPS_URL: `${url}/vo`, KAPACITOR_VICTOROPS_API_KEY: 'k',
    KAPACITOR_TELEGRAM_ENABLED: 'true', KAPACITOR_TELEGRAM_URL: `${url}/bot`, KAPACITOR_TELEGRAM_TOKEN: 't', KAPACITOR_TELEGRAM_CHAT_ID: '1',
  });
  const alertHandlers = scriptHandlerFactory({ config, logger: silentLogger(), delivery: { retries: 0 } });
  const h = startTask(evaluateScript(`stream|from().measurement('cpu')|alert().crit(lambda: "value" > 90).message('hot')
    .slack().channel('#ops').username('bot')
    .victorOps().routingKey('team')
    .telegram().disableNotification()
    .exec('/bin/sh', '-c', 'cat > ${out}')`), { services: { alerts: new AlertService({ logger: silentLogger() }), alertHandlers } });
  t.after(() => h.stop());
  h.write([`cpu value=95 ${T0}`], 's');
  await nodeOf<{ whenIdle(): Promise<void> }>(h, 'alert').whenIdle();
  const by = (p: string): string => bodies.find((b) => b.url.startsWith(p))!.body;
  assert.equal(by('/slack'), '{"attachments":[{"fallback":"hot","color":"danger","text":"hot","mrkdwn_in":["text"]}],"channel":"#ops","icon_emoji":"","text":"","username":"bot"}\n');
  assert.equal(bodies.find((b) => b.url.startsWith('/vo'))!.url, '/vo/k/team');
  assert.equal(by('/bot'), '{"chat_id":"1","disable_notification":true,"text":"hot"}\n');
  assert.deepEqual((JSON.parse(readFileSync(out, 'utf8')) as { message: string; level: string }).message, 'hot');
});

test('a script handler whose service is not enabled fails the task at start, naming it', () => {
  const alertHandlers = scriptHandlerFactory({ config: testConfig(), logger: silentLogger() });
  assert.throws(() => startTask(evaluateScript(`stream|from()|alert().crit(lambda: TRUE).teams()`), { services: { alertHandlers } }),
    /alert2: \.teams\(\): teams: service is not enabled/);
  assert.throws(() => startTask(evaluateScript(`stream|from()|alert().crit(lambda: TRUE).tcp('nohostport')`), { services: { alertHandlers } }),
    /alert2: \.tcp\(\): tcp handler: invalid address "nohostport": want host:port/);
});
