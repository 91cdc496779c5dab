// The kafka handler (`.kafka()`, `kind: kafka`) through kafkajs against the fake broker in fixtures/kafka-broker,
// which decodes the Produce requests a real broker receives (RecordBatch v2, CRC-32C checked): topic, partition
// chosen from the event id (crc32 by default, murmur2 / fnv-1a when asked), key = event id, value = alert data JSON
// or the template, no headers; batching by batch-size; a refused batch counted as failed per handler; TLS with a
// client certificate and SASL/PLAIN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { createHandler, handlerDeps } from '../../alerting/handlers/index.ts';
import { choosePartition } from '../../alerting/handlers/kafka-partition.ts';
import { silentLogger } from '../../server/logger.ts';
import { testConfig } from '../server/helpers.ts';
import { ALERT_DATA, alertEvent, FAST } from '../helpers/alert-event.ts';
import { FakeKafkaBroker } from '../../fixtures/kafka-broker/broker.ts';
import { until } from '../helpers/until.ts';
import { makeTestCerts } from '../helpers/test-certs.ts';

async function broker(t: { after(fn: () => unknown): void }, topics: Record<string, number>): Promise<FakeKafkaBroker> {
  const b = new FakeKafkaBroker(topics);
  await b.start();
  t.after(() => b.stop());
  return b;
}

const env = (b: FakeKafkaBroker, more: Record<string, string> = {}): Record<string, string> => ({
  KAPACITOR_KAFKA_0_ENABLED: 'true', KAPACITOR_KAFKA_0_ID: 'local', KAPACITOR_KAFKA_0_BROKERS: `127.0.0.1:${b.port}`,
  KAPACITOR_KAFKA_0_BATCH_TIMEOUT: '10ms', ...more,
});

test('kafka: record key = event id, value = alert data JSON, partition = crc32(id) % partitions, no headers', async (t) => {
  const b = await broker(t, { alerts: 4 });
  const h = createHandler('kafka', { cluster: 'local', topic: 'alerts' }, handlerDeps(testConfig(env(b))), silentLogger(), FAST);
  t.after(() => h.close());
  h.handle(alertEvent());
  h.handle(alertEvent({ id: '123456789' }));
  await until('the records', () => b.records.length === 2, 10_000);
  const r = b.records.find((x) => x.key === 'cpu:host=a')!;
  assert.equal(r.topic, 'alerts');
  assert.equal(r.value, ALERT_DATA);
  assert.deepEqual(r.headers, []);
  assert.equal(r.partition, crc32(Buffer.from('cpu:host=a')) % 4);
  assert.equal(r.acks, 1);
  // CRC-32 check value: crc32("123456789") = 0xcbf43926 → 3421780262 % 4 = 2
  assert.equal(b.records.find((x) => x.key === '123456789')!.partition, 2);
  assert.ok(b.requests.some((q) => q.apiKey === 0 && q.version === 3 && q.clientId === 'local'), 'Produce v3 from client id "local"');
  assert.deepEqual(h.stats, { sent: 2, errors: 0, failed: 0, dropped: 0, queued: 0 });
});

test('kafka: template body, partition algorithms, batches of batch-size records in one Produce', async (t) => {
  const b = await broker(t, { tpl: 7 });
  const cfg = testConfig(env(b, { KAPACITOR_KAFKA_0_BATCH_SIZE: '3', KAPACITOR_KAFKA_0_BATCH_TIMEOUT: '1h' }));
  const h = createHandler('kafka', { cluster: 'local', topic: 'tpl', template: '{{ .ID }} {{ .Level }} was {{ .PreviousLevel }}', partitionAlgorithm: 'murmur2' },
    handlerDeps(cfg), silentLogger(), FAST);
  t.after(() => h.close());
  for (const id of ['a', 'b', 'c']) h.handle(alertEvent({ id }));
  await until('three records', () => b.records.length === 3, 10_000);
  const got = [...b.records].sort((x, y) => x.key!.localeCompare(y.key!));
  assert.deepEqual(got.map((r) => [r.key, r.value, r.partition]), ['a', 'b', 'c'].map((id) => [id, `${id} CRITICAL was WARNING`, choosePartition('murmur2', Buffer.from(id), 7)]));
  assert.equal(b.requests.filter((q) => q.apiKey === 0).length, 1, 'one Produce request for the batch of 3 (1h batch-timeout)');
  // the partitioners against published check values of their hashes
  assert.equal(choosePartition('crc32', Buffer.from('123456789'), 1000), 0xcbf43926 % 1000);
  assert.equal(choosePartition('fnv-1a', Buffer.from('a'), 10), Math.abs((0xe40c292c | 0) % 10)); // FNV-1a("a")
  assert.equal(choosePartition('murmur3', Buffer.from('test'), 10), Math.abs((0xba6bd213 | 0) % 10)); // MurmurHash3_x86_32("test", 0)
  // Kafka's UtilsTest.testMurmur2 values: "21" → -973932308, "foobar" → -790332482, "abc" → 479470107
  assert.equal(choosePartition('murmur2', Buffer.from('21'), 1000), (-973932308 & 0x7fffffff) % 1000);
  assert.equal(choosePartition('murmur2', Buffer.from('foobar'), 1000), (-790332482 & 0x7fffffff) % 1000);
  assert.equal(choosePartition('murmur2', Buffer.from('abc'), 1000), 479470107 % 1000);
});

test('kafka: a batch the broker refuses is counted as failed for the handler; bad options name the problem', async (t) => {
  const b = await broker(t, { alerts: 1 });
  b.failProduce = 10; // MESSAGE_TOO_LARGE: not retriable
  const deps = handlerDeps(testConfig(env(b)));
  const h = createHandler('kafka', { cluster: 'local', topic: 'alerts' }, deps, silentLogger(), FAST);
  t.after(() => h.close());
  h.handle(alertEvent());
  await until('the failure to be counted', () => h.stats.failed === 1, 10_000);
  assert.equal(b.records.length, 0);
  assert.throws(() => createHandler('kafka', { cluster: 'other', topic: 'x' }, deps, silentLogger(), FAST), /unknown cluster "other"/);
  assert.throws(() => createHandler('kafka', { cluster: 'local' }, deps, silentLogger(), FAST), /topic must not be empty/);
  assert.throws(() => createHandler('kafka', { cluster: 'local', topic: 'x', partitionAlgorithm: 'md5' }, deps, silentLogger(), FAST), /invalid partition algorithm: "md5"/);
  assert.throws(() => createHandler('kafka', { cluster: 'local', topic: 'x', template: '{{ .Nope }}' }, deps, silentLogger(), FAST), /failed to parse template/);
  assert.throws(() => testConfig({ KAPACITOR_KAFKA_0_ENABLED: 'true' }), /kafka\.brokers.*no brokers specified/);
  assert.throws(() => testConfig({ KAPACITOR_KAFKA_0_ENABLED: 'true', KAPACITOR_KAFKA_0_BROKERS: 'h:1', KAPACITOR_KAFKA_0_SASL_MECHANISM: 'X' }), /kafka\.sasl-mechanism.*invalid sasl-mechanism/);
  assert.throws(() => testConfig({ KAPACITOR_KAFKA_0_ENABLED: 'true', KAPACITOR_KAFKA_0_BROKERS: 'h:1', KAPACITOR_KAFKA_0_USE_SSL: 'true', KAPACITOR_KAFKA_0_SSL_CA: '/nope' }), /kafka\.ssl-ca.*cannot read/);
});

test('kafka: use-ssl with ssl-ca and a client certificate, and SASL/PLAIN from sasl-username/sasl-password', async (t) => {
  const certs = makeTestCerts();
  t.after(() => certs.remove());
  const b = new FakeKafkaBroker({ alerts: 1 }, {
    tls: { cert: readFileSync(certs.serverCert), key: readFileSync(certs.serverKey), ca: readFileSync(certs.ca) },
    sasl: { username: 'kapacitor', password: 'pw' },
  });
  await b.start();
  t.after(() => b.stop());
  const cfg = (more: Record<string, string>) => testConfig(env(b, {
    KAPACITOR_KAFKA_0_USE_SSL: 'true', KAPACITOR_KAFKA_0_SSL_CA: certs.ca, KAPACITOR_KAFKA_0_SSL_CERT: certs.clientCert,
    KAPACITOR_KAFKA_0_SSL_KEY: certs.clientKey, KAPACITOR_KAFKA_0_SASL_USERNAME: 'kapacitor', ...more,
  }));
  const h = createHandler('kafka', { cluster: 'local', topic: 'alerts' }, handlerDeps(cfg({ KAPACITOR_KAFKA_0_SASL_PASSWORD: 'pw' })), silentLogger(), FAST);
  t.after(() => h.close());
  h.handle(alertEvent());
  await until('the record over TLS + SASL', () => b.records.length === 1, 10_000);
  assert.deepEqual(b.authenticated.slice(0, 1), ['kapacitor']);
  assert.ok(b.clientCertificates.includes('kapacitor'), 'the client certificate was presented');
  assert.equal(b.records[0]!.value, ALERT_DATA);
  // a wrong password: the batch fails and is counted for the handler
  const bad = createHandler('kafka', { cluster: 'local', topic: 'alerts' }, handlerDeps(cfg({ KAPACITOR_KAFKA_0_SASL_PASSWORD: 'nope' })), silentLogger(), FAST);
  t.after(() => bad.close());
  bad.handle(alertEvent());
  await until('the authentication failure to be counted', () => bad.stats.failed === 1, 10_000);
  assert.equal(b.records.length, 1);
});
