// The snmptrap handler (`.snmpTrap(oid)`, `kind: snmptrap`): SNMPv2c traps received on a UDP socket on 127.0.0.1
// and decoded by net-snmp's receiver (an independent BER decoder): community, PDU type, sysUpTime.0 = 1000,
// snmpTrapOID.0 = the trap OID, then the data varbinds with their types and templated values, as Kapacitor's
// snmpgo client sends them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import snmp from 'net-snmp';
import { createHandler, handlerDeps, topicHandlerFactory } from '../../alerting/handlers/index.ts';
import { AlertService } from '../../alerting/service.ts';
import { alertsRoutes } from '../../server/api/alerts-routes.ts';
import { silentLogger } from '../../server/logger.ts';
import { testApp, testConfig } from '../server/helpers.ts';
import { alertEvent, FAST } from '../helpers/alert-event.ts';
import { until } from '../helpers/until.ts';

interface Trap { community: string; type: number; varbinds: { oid: string; type: number; value: unknown }[] }

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function receiver(t: { after(fn: () => unknown): void }): Promise<{ traps: Trap[]; port: number }> {
  const port = await freeUdpPort();
  const traps: Trap[] = [];
  const r = snmp.createReceiver({ port, address: '127.0.0.1', transport: 'udp4', disableAuthorization: true, includeAuthentication: true },
    (err: Error | null, n: { pdu: { type: number; community?: string; varbinds: Trap['varbinds'] } }) => {
      if (err) throw err;
      traps.push({ community: n.pdu.community ?? '', type: n.pdu.type, varbinds: n.pdu.varbinds.map((v) => ({ oid: v.oid, type: v.type, value: v.value })) });
    });
  t.after(() => r.close());
  return { traps, port };
}

test('snmptrap: a v2c trap with sysUpTime, trap OID and typed, templated data varbinds', async (t) => {
  const rx = await receiver(t);
  const cfg = testConfig({ KAPACITOR_SNMPTRAP_ENABLED: 'true', KAPACITOR_SNMPTRAP_ADDR: `127.0.0.1:${rx.port}`, KAPACITOR_SNMPTRAP_COMMUNITY: 'public' });
  const h = createHandler('snmptrap', {
    'trap-oid': '1.3.6.1.4.1.1',
    'data-list': [
      { oid: '1.3.6.1.4.1.1.5', type: 's', value: '{{ .Level }}' },
      { oid: '1.3.6.1.4.1.1.6', type: 'i', value: '50' },
      { oid: '1.3.6.1.4.1.1.7', type: 'c', value: '{{ index .Fields "value" }}' },
      { oid: '1.3.6.1.4.1.1.8', type: 't', value: '4294967297' }, // uint32 conversion wraps to 1, as Go's
      { oid: '1.3.6.1.4.1.1.9', type: 'n', value: '' },
      { oid: '1.3.6.1.4.1.1.10', type: 'i', value: '-2147483649' }, // int32 conversion wraps to 2147483647
    ],
  }, handlerDeps(cfg), silentLogger(), FAST);
  t.after(() => h.close());
  h.handle(alertEvent());
  await h.whenIdle!();
  await until('the trap', () => rx.traps.length === 1, 5000);
  const trap = rx.traps[0]!;
  assert.equal(trap.community, 'public');
  assert.equal(trap.type, snmp.PduType.TrapV2);
  const T = snmp.ObjectType;
  assert.deepEqual(trap.varbinds.map((v) => [v.oid, v.type, Buffer.isBuffer(v.value) ? (v.value as Buffer).toString('hex') : v.value]), [
    ['1.3.6.1.2.1.1.3.0', T.TimeTicks, 1000],
    ['1.3.6.1.6.3.1.1.4.1.0', T.OID, '1.3.6.1.4.1.1'],
    ['1.3.6.1.4.1.1.5', T.OctetString, Buffer.from('CRITICAL').toString('hex')],
    ['1.3.6.1.4.1.1.6', T.Integer, 50],
    ['1.3.6.1.4.1.1.7', T.Counter64, '5f'], // 95
    ['1.3.6.1.4.1.1.8', T.TimeTicks, 1],
    ['1.3.6.1.4.1.1.9', T.Null, null],
    ['1.3.6.1.4.1.1.10', T.Integer, 2147483647],
  ]);
  assert.deepEqual(h.stats, { sent: 1, errors: 0, failed: 0, dropped: 0, queued: 0 });
});

test('snmptrap: a value that is not a number fails the event (counted); bad OIDs, types and config are refused', async () => {
  const cfg = testConfig({ KAPACITOR_SNMPTRAP_ENABLED: 'true', KAPACITOR_SNMPTRAP_ADDR: '127.0.0.1:9' });
  const deps = handlerDeps(cfg);
  const h = createHandler('snmptrap', { 'trap-oid': '1.1.1.1', 'data-list': [{ oid: '1.1.1.1.2', type: 'i', value: '{{ .Message }}' }] }, deps, silentLogger(), FAST);
  h.handle(alertEvent());
  await h.whenIdle!();
  h.close();
  assert.deepEqual(h.stats, { sent: 0, errors: 3, failed: 1, dropped: 0, queued: 0 });
  const mk = (o: Record<string, unknown>): unknown => createHandler('snmptrap', o, deps, silentLogger(), FAST);
  assert.throws(() => mk({}), /you must supply a trap Oid/);
  assert.throws(() => mk({ 'trap-oid': 'x.y' }), /invalid trap Oid "x.y"/);
  assert.throws(() => mk({ 'trap-oid': '1.1', 'data-list': [{ oid: '1.1.1', type: 'a', value: '' }] }), /Snmptrap Datatype 'IP address' not supported/);
  assert.throws(() => mk({ 'trap-oid': '1.1', 'data-list': [{ oid: '1.1.1', type: 'z', value: '' }] }), /unsupported data type "z" for data entry "1.1.1"/);
  assert.throws(() => mk({ 'trap-oid': '1.1', 'data-list': [{ oid: '1.1.1', type: 's', value: '', extra: 1 }] }), /data-list\[0\]: invalid key "extra"/);
  assert.throws(() => createHandler('snmptrap', { 'trap-oid': '1.1' }, handlerDeps(testConfig()), silentLogger(), FAST), /snmptrap: service is not enabled/);
  assert.throws(() => testConfig({ KAPACITOR_SNMPTRAP_ENABLED: 'true', KAPACITOR_SNMPTRAP_ADDR: 'nohost' }), /snmptrap\.addr.*invalid addr "nohost": want host:port/);
  assert.throws(() => testConfig({ KAPACITOR_SNMPTRAP_RETRIES: '-1' }), /snmptrap\.retries.*must be >= 0/);
});

test('snmptrap as a topic handler spec through the alert API: `kind: snmptrap` with trap-oid and data-list', async (t) => {
  const rx = await receiver(t);
  const config = testConfig({ KAPACITOR_SNMPTRAP_ENABLED: 'true', KAPACITOR_SNMPTRAP_ADDR: `127.0.0.1:${rx.port}` });
  const alerts = new AlertService({ logger: silentLogger(), factory: topicHandlerFactory({ config, logger: silentLogger(), delivery: FAST }) });
  alerts.open();
  const { app } = testApp({ plugins: [async (a) => { await a.register(alertsRoutes, { base: '/kapacitor/v1', alerts }); }] });
  t.after(async () => { await app.close(); alerts.close(); });
  const post = (body: unknown) => app.inject({ method: 'POST', url: '/kapacitor/v1/alerts/topics/ops/handlers', payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const ok = await post({ id: 'trap', kind: 'snmptrap', options: { 'trap-oid': '1.3.6.1.4.1.99', 'data-list': [{ oid: '1.3.6.1.4.1.99.1', type: 's', value: '{{ .ID }}' }] } });
  assert.equal(ok.statusCode, 200, ok.body);
  const bad = await post({ id: 'bad', kind: 'snmptrap', options: { 'trap-oid': '1.1', 'data-list': [{ oid: '1.1.1', type: 'x', value: '' }] } });
  assert.deepEqual([bad.statusCode, JSON.parse(bad.body).error], [400, "failed to create handler: Snmptrap Datatype 'Hexadecimal string' not supported"]);
  alerts.collect(alertEvent());
  await until('the trap', () => rx.traps.length === 1, 5000);
  assert.deepEqual(rx.traps[0]!.varbinds.slice(1).map((v) => [v.oid, Buffer.isBuffer(v.value) ? (v.value as Buffer).toString() : v.value]),
    [['1.3.6.1.6.3.1.1.4.1.0', '1.3.6.1.4.1.99'], ['1.3.6.1.4.1.99.1', 'cpu:host=a']]);
});
