// The protocol handlers written in a TICKscript (pipeline/alert.go): .email(to...).to().toTemplates(),
// .mqtt(topic).brokerName().qos().retained(TRUE), .kafka().cluster().kafkaTopic().template().partitionHashAlgorithm(),
// .snmpTrap(oid).data(oid, type, value) — one task, real SMTP server, real mosquitto, the fake Kafka broker and a
// UDP socket; each receives what the same topic handler spec would send.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import mqtt from 'mqtt';
import { SMTPServer } from 'smtp-server';
import { compileLambda, evaluateScript } from '../../tickscript/index.ts';
import { setLambdaCompiler } from '../../runtime/lambda.ts';
import { startTask } from '../helpers/runtime/replay.ts';
import { AlertService } from '../../alerting/service.ts';
import { scriptHandlerFactory } from '../../alerting/handlers/index.ts';
import { silentLogger } from '../../server/logger.ts';
import { testConfig } from '../server/helpers.ts';
import { nodeOf, T0 } from '../nodes/capture.ts';
import { startMosquitto } from '../helpers/mosquitto.ts';
import { FakeKafkaBroker } from '../../fixtures/kafka-broker/broker.ts';
import { until } from '../helpers/until.ts';

setLambdaCompiler(compileLambda);

test('.email(), .mqtt(), .kafka() and .snmpTrap() in a script deliver to their services', async (t) => {
  const mails: { to: string[]; data: string }[] = [];
  const smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, session, cb) {
      let data = '';
      stream.on('data', (c: Buffer) => { data += c.toString('utf8'); });
      stream.on('end', () => { mails.push({ to: session.envelope.rcptTo.map((r) => r.address), data }); cb(); });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  const broker = await startMosquitto();
  t.after(() => broker.stop());
  const kafka = new FakeKafkaBroker({ alerts: 1 });
  await kafka.start();
  t.after(() => kafka.stop());
  const traps: Buffer[] = [];
  const udp = createSocket('udp4').on('message', (m) => traps.push(m));
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  t.after(() => udp.close());
  const sub = await mqtt.connectAsync(broker.url.replace('tcp://', 'mqtt://'), { clientId: 'script-test' });
  t.after(() => sub.endAsync());
  const got: { topic: string; payload: string; qos: number }[] = [];
  sub.on('message', (topic, p, packet) => got.push({ topic, payload: p.toString(), qos: packet.qos }));
  await sub.subscribeAsync('alerts/#', { qos: 2 });

  const config = testConfig({
    KAPACITOR_SMTP_ENABLED: 'true', KAPACITOR_SMTP_HOST: '127.0.0.1', KAPACITOR_SMTP_PORT: String((smtp.server.address() as { port: number }).port),
    KAPACITOR_SMTP_FROM: 'kapacitor@example.com',
    KAPACITOR_MQTT_0_ENABLED: 'true', KAPACITOR_MQTT_0_NAME: 'local', KAPACITOR_MQTT_0_URL: broker.url,
    KAPACITOR_KAFKA_0_ENABLED: 'true', KAPACITOR_KAFKA_0_ID: 'k', KAPACITOR_KAFKA_0_BROKERS: `127.0.0.1:${kafka.port}`, KAPACITOR_KAFKA_0_BATCH_TIMEOUT: '10ms',
    KAPACITOR_SNMPTRAP_ENABLED: 'true', KAPACITOR_SNMPTRAP_ADDR: `127.0.0.1:${udp.address().port}`,
  });
  const alertHandlers = scriptHandlerFactory({ config, logger: silentLogger(), delivery: { retries: 0 } });
  const h = startTask(evaluateScript(`stream|from().measurement('cpu')|alert().crit(lambda: "value" > 90).message('hot').details('<b>{{ .ID }}</b>')
    .email('a@example.com').to('b@example.com').toTemplates('{{ index .Tags "owner" }}')
    .mqtt('alerts/{{ .Level }}').brokerName('local').qos(1).retained(TRUE)
    .kafka().cluster('k').kafkaTopic('alerts').template('{{ .Message }} at {{ .Level }}').partitionHashAlgorithm('murmur2')
    .snmpTrap('1.3.6.1.4.1.1').data('1.3.6.1.4.1.1.5', 's', '{{ .Message }}')`), { services: { alerts: new AlertService({ logger: silentLogger() }), alertHandlers } });
  t.after(() => { h.stop(); return new Promise<void>((r) => smtp.close(() => r())); });
  h.write([`cpu,owner=c@example.com value=95 ${T0}`], 's');
  await nodeOf<{ whenIdle(): Promise<void> }>(h, 'alert').whenIdle();
  await until('every service to receive the alert', () => mails.length === 1 && got.length === 1 && kafka.records.length === 1 && traps.length === 1, 10_000);
  assert.deepEqual(mails[0]!.to, ['a@example.com', 'b@example.com', 'c@example.com']);
  assert.match(mails[0]!.data, /\r\nSubject: hot\r\n/);
  assert.match(mails[0]!.data, /<b>cpu:nil<\/b>/);
  assert.deepEqual(got[0], { topic: 'alerts/CRITICAL', payload: 'hot', qos: 1 });
  assert.deepEqual([kafka.records[0]!.topic, kafka.records[0]!.key, kafka.records[0]!.value], ['alerts', 'cpu:nil', 'hot at CRITICAL']);
  assert.ok(traps[0]!.includes(Buffer.from('hot')) && traps[0]![0] === 0x30, 'a BER message carrying the message');
});

test('script protocol handlers: bad values fail the task at start, naming the handler', () => {
  const alertHandlers = scriptHandlerFactory({ config: testConfig({ KAPACITOR_MQTT_0_ENABLED: 'true', KAPACITOR_MQTT_0_URL: 'tcp://127.0.0.1:1' }), logger: silentLogger() });
  assert.throws(() => startTask(evaluateScript(`stream|from()|alert().crit(lambda: TRUE).mqtt('t').qos(5)`), { services: { alertHandlers } }), /alert2: \.mqtt\(\): mqtt: invalid QoS 5/);
  assert.throws(() => startTask(evaluateScript(`stream|from()|alert().crit(lambda: TRUE).email()`), { services: { alertHandlers } }), /alert2: \.email\(\): smtp: service is not enabled/);
  assert.throws(() => startTask(evaluateScript(`stream|from()|alert().crit(lambda: TRUE).kafka().cluster('x').kafkaTopic('t')`), { services: { alertHandlers } }), /alert2: \.kafka\(\): unknown cluster "x"/);
  assert.throws(() => startTask(evaluateScript(`stream|from()|alert().crit(lambda: TRUE).snmpTrap('1.1')`), { services: { alertHandlers } }), /alert2: \.snmpTrap\(\): snmptrap: service is not enabled/);
});
