// The durable delivery queue of topic handlers (alerting/delivery.ts, SQLite table alert_deliveries): a transient
// failure writes the event (and everything behind it) to the store before any retry; transient failures are retried
// until delivered, in order; the bound drops the oldest waiting event and counts it; permanent failures are given up;
// a refusing, hanging, failing or huge-bodied receiver never blocks collect().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { AlertEvent, type EventData } from '../../alerting/event.ts';
import { AlertService } from '../../alerting/service.ts';
import { topicHandlerFactory } from '../../alerting/handlers/index.ts';
import type { DeliveryOptions } from '../../alerting/delivery.ts';
import { TaskStore } from '../../server/store/store.ts';
import { SqliteAlertStore } from '../../server/store/alert-store.ts';
import { silentLogger } from '../../server/logger.ts';
import { testConfig } from '../server/helpers.ts';
import { until } from '../helpers/until.ts';

const S = 1_000_000_000n;
const T = 1478629267n * S;
const data: EventData = { name: 'cpu', taskName: 't', category: '', group: 'nil', tags: {}, fields: { v: 1n, f: 1.5 }, recoverable: true, rowJson: '{}' };
const ev = (id: string, level: 0 | 1 | 2 | 3 = 3): AlertEvent =>
  new AlertEvent('ops', { id, message: id, details: '', time: T, duration: 0n, level }, data);

interface Fake { url: string; port: number; ids: string[]; close(): Promise<void> }

/** A receiver answering `answer(n)` to the n-th request: a status, 'hang', or 'huge' (201 with 50 MB of body). */
async function receiver(t: { after(fn: () => unknown): void }, answer: (n: number) => number | 'hang' | 'huge', port = 0): Promise<Fake> {
  const ids: string[] = [];
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      ids.push((JSON.parse(body) as { id: string }).id);
      const a = answer(ids.length);
      if (a === 'hang') return;
      if (a === 'huge') {
        res.writeHead(200);
        const chunk = Buffer.alloc(1 << 20, 'x');
        let n = 0;
        const more = (): void => { while (n < 50 && res.write(chunk)) n++; if (n >= 50) res.end(); else { n++; res.once('drain', more); } };
        more();
        return;
      }
      res.writeHead(a).end();
    });
  });
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  const close = async (): Promise<void> => { srv.closeAllConnections(); await new Promise((r) => srv.close(r)); };
  t.after(close);
  const p = (srv.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${p}/hook`, port: p, ids, close };
}

/** A port nothing listens on (connection refused). */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

function setup(t: { after(fn: () => unknown): void }, delivery: Partial<DeliveryOptions> = {}) {
  const store = new TaskStore(':memory:');
  const alertStore = new SqliteAlertStore(store.database);
  const make = (): AlertService => {
    const a = new AlertService({
      logger: silentLogger(), persistence: alertStore,
      factory: topicHandlerFactory({
        config: testConfig(), logger: silentLogger(), spool: (tp, id) => alertStore.deliverySpool(tp, id),
        delivery: { retries: 1, backoffMs: 5, maxBackoffMs: 20, ...delivery },
      }),
    });
    a.open();
    return a;
  };
  const alerts = make();
  t.after(() => { alerts.close(); store.close(); });
  const rows = (): number => (store.database.prepare('SELECT count(*) AS n FROM alert_deliveries').get() as { n: bigint }).n as unknown as number;
  const stats = (a = alerts): Record<string, number> => a.handlerStats()[0]!.stats as Record<string, number>;
  return { alerts, make, rows: () => Number(rows()), stats };
}

const spec = (url: string, options: Record<string, unknown> = {}) => ({ topic: 'ops', id: 'hook', kind: 'post', options: { url, ...options }, match: '' });

test('a refused delivery is stored before its retry, later events queue behind it, all arrive in order once the receiver is up', async (t) => {
  const { alerts, rows, stats } = setup(t);
  const port = await freePort();
  alerts.registerHandlerSpec(spec(`http://127.0.0.1:${port}/hook`));
  alerts.collect(ev('e1'));
  await until('e1 in the durable queue', () => stats()['queued'] === 1);
  assert.equal(rows(), 1);
  alerts.collect(ev('e2'));
  alerts.collect(ev('e3'));
  assert.equal(rows(), 3, 'while a backlog exists new events are written behind it at once');
  const up = await receiver(t, () => 200, port);
  await until('all delivered', () => stats()['sent'] === 3);
  assert.deepEqual(up.ids, ['e1', 'e2', 'e3']);
  assert.equal(rows(), 0);
  assert.deepEqual([stats()['queued'], stats()['dropped'], stats()['failed']], [3, 0, 0]);
  assert.ok(stats()['errors']! >= 1);
});

test('the bound drops the oldest waiting events and counts them; 500s are retried until delivered', async (t) => {
  const { alerts, rows, stats } = setup(t, { durableLength: 3 });
  const port = await freePort();
  alerts.registerHandlerSpec(spec(`http://127.0.0.1:${port}/hook`));
  for (const id of ['e1', 'e2', 'e3', 'e4', 'e5']) alerts.collect(ev(id));
  await until('5 queued', () => stats()['queued'] === 5);
  assert.deepEqual([stats()['dropped'], rows()], [2, 3]);
  // the receiver fails twice with 500 (transient) before accepting: e3 is retried past `retries`, not given up
  const up = await receiver(t, (n) => (n <= 2 ? 500 : 200), port);
  await until('e3..e5 delivered', () => stats()['sent'] === 3);
  assert.deepEqual(up.ids, ['e3', 'e3', 'e3', 'e4', 'e5']);
  assert.deepEqual([rows(), stats()['failed']], [0, 0]);
});

test('a permanent failure (400) is given up after the retries and leaves the queue', async (t) => {
  const { alerts, rows, stats } = setup(t);
  const r = await receiver(t, (n) => (n <= 2 ? 400 : 200));
  alerts.registerHandlerSpec(spec(r.url));
  alerts.collect(ev('bad'));
  alerts.collect(ev('good'));
  await until('good delivered', () => stats()['sent'] === 1);
  assert.deepEqual(r.ids, ['bad', 'bad', 'good']);
  assert.deepEqual([stats()['failed'], stats()['queued'], rows()], [1, 0, 0], '4xx is not written to the durable queue');
});

test('a hanging receiver (timeout) and a huge response body never block collect()', async (t) => {
  const { alerts, stats, rows } = setup(t, { bufferLength: 100_000, durableLength: 20_000 });
  const hang = await receiver(t, (n) => (n === 1 ? 'hang' : 'huge'));
  alerts.registerHandlerSpec(spec(hang.url, { timeout: '100ms' }));
  const t0 = performance.now();
  for (let i = 0; i < 10_000; i++) alerts.collect(ev(`e${i}`));
  const ms = performance.now() - t0;
  assert.ok(ms < 5000, `collect() of 10^4 events took ${ms} ms`);
  // the first attempt times out (transient: stored), the retry gets a 50 MB answer read only up to the limit
  await until('e0 delivered after the timeout', () => stats()['sent']! >= 1, 30_000);
  assert.equal(hang.ids[0], 'e0');
  assert.ok(stats()['queued']! >= 1);
  assert.ok(rows() <= 10_000);
});
