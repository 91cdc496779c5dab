// Client TLS keys of the alert handler sections (ssl-ca, ssl-cert, ssl-key, insecure-skip-verify), used by the
// handler's real connection: slack over https to a server that requires a client certificate, and mqtt over
// ssl:// to mosquitto with require_certificate. Without the CA the server's certificate is refused; with
// insecure-skip-verify it is accepted unverified; without the client certificate the server refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import mqtt from 'mqtt';
import { createHandler, handlerDeps } from '../../alerting/handlers/index.ts';
import { silentLogger } from '../../server/logger.ts';
import { testConfig } from '../server/helpers.ts';
import { alertEvent, FAST } from '../helpers/alert-event.ts';
import { makeTestCerts } from '../helpers/test-certs.ts';
import { startMosquitto } from '../helpers/mosquitto.ts';
import { until } from '../helpers/until.ts';

test('slack over https: ssl-ca verifies the server, ssl-cert/ssl-key authenticate the client, insecure-skip-verify', async (t) => {
  const certs = makeTestCerts();
  t.after(() => certs.remove());
  const seen: { body: string; client: string | undefined }[] = [];
  const srv = https.createServer({
    cert: readFileSync(certs.serverCert), key: readFileSync(certs.serverKey), ca: readFileSync(certs.ca), requestCert: true, rejectUnauthorized: false,
  }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    const authorized = (req.socket as TLSSocket).authorized;
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      seen.push({ body, client: authorized ? peer.subject?.CN as string : undefined });
      res.writeHead(authorized ? 200 : 403).end(authorized ? '' : 'client certificate required');
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => { srv.closeAllConnections(); srv.close(); });
  const url = `https://127.0.0.1:${(srv.address() as { port: number }).port}/hook`;
  const run = async (env: Record<string, string>) => {
    const h = createHandler('slack', {}, handlerDeps(testConfig({ KAPACITOR_SLACK_ENABLED: 'true', KAPACITOR_SLACK_URL: url, ...env })), silentLogger(), FAST);
    h.handle(alertEvent());
    await h.whenIdle!();
    h.close();
    return h.stats;
  };
  assert.equal((await run({ KAPACITOR_SLACK_SSL_CA: certs.ca, KAPACITOR_SLACK_SSL_CERT: certs.clientCert, KAPACITOR_SLACK_SSL_KEY: certs.clientKey })).sent, 1);
  assert.equal(seen.at(-1)!.client, 'kapacitor');
  assert.match(seen.at(-1)!.body, /"text":"cpu:host=a is CRITICAL"/);
  // the server is verified against ssl-ca: without it the test CA is unknown and nothing is sent
  const before = seen.length;
  assert.equal((await run({ KAPACITOR_SLACK_SSL_CERT: certs.clientCert, KAPACITOR_SLACK_SSL_KEY: certs.clientKey })).failed, 1);
  assert.equal(seen.length, before);
  // insecure-skip-verify accepts the server unverified; no client certificate → the server answers 403
  assert.equal((await run({ KAPACITOR_SLACK_INSECURE_SKIP_VERIFY: 'true' })).failed, 1);
  assert.equal(seen.at(-1)!.client, undefined);
  assert.throws(() => testConfig({ KAPACITOR_SLACK_SSL_KEY: certs.clientKey }), /slack\.ssl-cert.*only key file provided/);
});

test('mqtt over ssl:// to mosquitto requiring a client certificate', async (t) => {
  const certs = makeTestCerts();
  t.after(() => certs.remove());
  const broker = await startMosquitto({ tls: { ca: certs.ca, cert: certs.serverCert, key: certs.serverKey } });
  t.after(() => broker.stop());
  const sub = await mqtt.connectAsync(`mqtts://127.0.0.1:${broker.port}`, {
    clientId: 'tls-sub', ca: readFileSync(certs.ca), cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey),
  });
  t.after(() => sub.endAsync());
  const got: string[] = [];
  sub.on('message', (_topic, p) => got.push(p.toString()));
  await sub.subscribeAsync('secure', { qos: 1 });
  const env = { KAPACITOR_MQTT_0_ENABLED: 'true', KAPACITOR_MQTT_0_URL: broker.url, KAPACITOR_MQTT_0_SSL_CA: certs.ca };
  const h = createHandler('mqtt', { topic: 'secure', qos: 1 }, handlerDeps(testConfig({ ...env, KAPACITOR_MQTT_0_SSL_CERT: certs.clientCert, KAPACITOR_MQTT_0_SSL_KEY: certs.clientKey })),
    silentLogger(), FAST);
  t.after(() => h.close());
  h.handle(alertEvent());
  await h.whenIdle!();
  assert.equal(h.stats.sent, 1);
  await until('the message over TLS', () => got.length === 1, 5000);
  assert.deepEqual(got, ['cpu:host=a is CRITICAL']);
  // without a client certificate the broker refuses the connection
  const anon = createHandler('mqtt', { topic: 'secure' }, handlerDeps(testConfig({ ...env, KAPACITOR_MQTT_0_CLIENT_ID: 'anon' })), silentLogger(), FAST);
  t.after(() => anon.close());
  anon.handle(alertEvent());
  await anon.whenIdle!();
  assert.equal(anon.stats.failed, 1);
});
