// The mqtt handler (`.mqtt(topic)`, `kind: mqtt`) against a real mosquitto broker: a subscriber sees the topic
// (rendered from the template), QoS, retained flag and payload (the alert message, as Kapacitor publishes
// event.State.Message); the default and named [[mqtt]] brokers; a broker that is down fails, counted and retried.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { createHandler, handlerDeps } from '../../alerting/handlers/index.ts';
import { silentLogger } from '../../server/logger.ts';
import { testConfig } from '../server/helpers.ts';
import { alertEvent, FAST } from '../helpers/alert-event.ts';
import { startMosquitto } from '../helpers/mosquitto.ts';
import { freePort } from '../helpers/influxd.ts';
import { until } from '../helpers/until.ts';

interface Got { topic: string; payload: string; qos: number; retain: boolean }

async function subscriber(url: string, topic: string): Promise<{ got: Got[]; end: () => Promise<void> }> {
  const c = await mqtt.connectAsync(url.replace('tcp://', 'mqtt://'), { clientId: 'test-subscriber' });
  const got: Got[] = [];
  c.on('message', (t, p, packet) => got.push({ topic: t, payload: p.toString('utf8'), qos: packet.qos, retain: packet.retain }));
  await c.subscribeAsync(topic, { qos: 2 });
  return { got, end: () => c.endAsync().then(() => {}) };
}

test('mqtt: topic template, qos, retained and the message payload on a real broker; named and default brokers', async (t) => {
  const broker = await startMosquitto();
  t.after(() => broker.stop());
  const sub = await subscriber(broker.url, 'alerts/#');
  t.after(() => sub.end());
  const cfg = testConfig({
    KAPACITOR_MQTT_0_ENABLED: 'true', KAPACITOR_MQTT_0_NAME: 'local', KAPACITOR_MQTT_0_URL: broker.url, KAPACITOR_MQTT_0_CLIENT_ID: 'kapacitor-test',
  });
  const h = createHandler('mqtt', { topic: 'alerts/{{ .TaskName }}/{{ index .Tags "host" }}', qos: 1 }, handlerDeps(cfg), silentLogger(), FAST);
  const named = createHandler('mqtt', { 'broker-name': 'local', topic: 'alerts/retained', qos: 2, retained: true }, handlerDeps(cfg), silentLogger(), FAST);
  t.after(() => { h.close(); named.close(); });
  h.handle(alertEvent());
  named.handle(alertEvent({ message: 'second' }));
  await h.whenIdle!();
  await named.whenIdle!();
  assert.deepEqual(h.stats, { sent: 1, errors: 0, failed: 0, dropped: 0, queued: 0 });
  assert.deepEqual(named.stats, { sent: 1, errors: 0, failed: 0, dropped: 0, queued: 0 });
  await until('both messages', () => sub.got.length === 2, 5000);
  const byTopic = Object.fromEntries(sub.got.map((g) => [g.topic, g]));
  // the subscriber's QoS 2 grants the publisher's QoS; a live subscriber gets retain=false (MQTT 3.1.1 3.3.1.3)
  assert.deepEqual(byTopic['alerts/cpu_alert/a'], { topic: 'alerts/cpu_alert/a', payload: 'cpu:host=a is CRITICAL', qos: 1, retain: false });
  assert.deepEqual(byTopic['alerts/retained'], { topic: 'alerts/retained', payload: 'second', qos: 2, retain: false });
  // the retained message is kept by the broker: a late subscriber receives it with the retain flag
  const late = await subscriber(broker.url, 'alerts/retained');
  t.after(() => late.end());
  await until('the retained message', () => late.got.length === 1, 5000);
  assert.deepEqual(late.got[0], { topic: 'alerts/retained', payload: 'second', qos: 2, retain: true });
});

test('mqtt: a broker that is down fails the delivery (counted, retried), never blocking; bad options and config name the key', async (t) => {
  const port = await freePort();
  const cfg = testConfig({ KAPACITOR_MQTT_0_ENABLED: 'true', KAPACITOR_MQTT_0_URL: `tcp://127.0.0.1:${port}` });
  const h = createHandler('mqtt', { topic: 'x' }, handlerDeps(cfg), silentLogger(), FAST);
  t.after(() => h.close());
  h.handle(alertEvent());
  await h.whenIdle!();
  assert.deepEqual(h.stats, { sent: 0, errors: 3, failed: 1, dropped: 0, queued: 0 });
  const deps = handlerDeps(cfg);
  assert.throws(() => createHandler('mqtt', { topic: 'x', qos: 3 }, deps, silentLogger(), FAST), /invalid QoS 3/);
  assert.throws(() => createHandler('mqtt', { topic: 'x', 'broker-name': 'other' }, deps, silentLogger(), FAST), /unknown MQTT broker "other"/);
  assert.throws(() => createHandler('mqtt', { topic: 'x' }, handlerDeps(testConfig()), silentLogger(), FAST), /no default MQTT broker/);
  assert.throws(() => testConfig({ KAPACITOR_MQTT_0_ENABLED: 'true' }), /mqtt\.url.*must specify a url for mqtt service/);
  assert.throws(() => testConfig({ KAPACITOR_MQTT_0_SSL_CA: '/nonexistent/ca.pem' }), /mqtt\.ssl-ca.*cannot read "\/nonexistent\/ca.pem"/);
  assert.throws(() => testConfig({ KAPACITOR_MQTT_0_SSL_CERT: '/x.pem' }), /mqtt\.ssl-key.*only cert file provided/);
});
