/**
 * Issue 14's "bad input and faults" against a real InfluxDB 1.x (test/helpers/influxd.ts), with a 1 s
 * subscription sync interval. The other items of that list live beside the features they exercise:
 * InfluxDB down at start, a subscription deleted by hand, a database created later → subscriptions.test.ts;
 * a query InfluxDB rejects (error in task stats) → batch.test.ts. Here:
 *
 * - InfluxDB restarting mid-stream: the subscription survives (InfluxDB keeps it in its meta store) and writes
 *   flow again; influxDBOut retries the writes that failed while InfluxDB was down (none lost); a batch task counts
 *   its failed runs as errors and queries again once InfluxDB is back; the failed syncs are logged.
 * - Wrong credentials: every path names the URL and says authorization failed — the subscription sync log, the
 *   500 of `POST /kapacitor/v1/subscriptions`, the batch query node's error — and nothing is subscribed.
 * - A huge query answer: past `[[influxdb]] max-batch-points` the run is an error of the query node (stats, log
 *   naming the limit), nothing is emitted for it, and smaller answers of other tasks go on.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from '../../config/index.ts';
import { startDaemon, type Daemon } from '../../server/daemon.ts';
import { collectingLogger } from '../helpers/runtime/replay.ts';
import { startInfluxd, type InfluxSeries } from '../helpers/influxd.ts';
import { untilValue } from '../helpers/until.ts';

const until = <T>(what: string, fn: () => Promise<T | undefined>, ms = 40_000): Promise<T> => untilValue(what, fn, ms, 100);
const S = 1_000_000_000n;

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

async function daemonFor(influxUrl: string, extra: string, logs: Record<string, unknown>[]): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-faults-'));
  dirs.push(dir);
  const conf = join(dir, 'kapacitor.conf');
  writeFileSync(conf, `[[influxdb]]\n  name = "local"\n  urls = ["${influxUrl}"]\n  kapacitor-hostname = "127.0.0.1"\n  subscriptions-sync-interval = "1s"\n${extra}`);
  const config = loadConfig({ env: { KAPACITOR_DATA_DIR: join(dir, 'data'), KAPACITOR_HTTP_BIND_ADDRESS: '127.0.0.1:0' }, path: conf });
  return startDaemon(config, collectingLogger(logs));
}

async function define(d: Daemon, id: string, type: 'stream' | 'batch', script: string): Promise<void> {
  const r = await fetch(`${d.url}/kapacitor/v1/tasks`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, type, dbrps: [{ db: 'telegraf', rp: 'autogen' }], script, status: 'enabled' }),
  });
  assert.equal(r.status, 200, await r.text());
}

/** One stat of one node from the task's DOT (`query1 [... errors="3" ...]`); 0 when absent. */
async function stat(d: Daemon, task: string, node: string, name: string): Promise<number> {
  const dot = ((await (await fetch(`${d.url}/kapacitor/v1/tasks/${task}`)).json()) as { dot: string }).dot;
  const m = new RegExp(`\\b${node} \\[[^\\]]*\\b${name}="(\\d+)"`).exec(dot);
  return m ? Number(m[1]) : 0;
}

const rows = async (q: (s: string, db?: string) => Promise<{ results: { series?: InfluxSeries[] }[] }>, stmt: string, db: string): Promise<unknown[][]> =>
  (await q(stmt, db)).results[0]?.series?.[0]?.values ?? [];

test('InfluxDB restarting mid-stream: subscription writes resume, influxDBOut retries, batch runs error then recover', async (t) => {
  const influx = await startInfluxd();
  t.after(() => influx.stop());
  await influx.query('CREATE DATABASE telegraf');
  await influx.query('CREATE DATABASE copy');
  const logs: Record<string, unknown>[] = [];
  const d = await daemonFor(influx.url, '', logs);
  t.after(() => d.close());
  await define(d, 'fwd', 'stream', `stream
    |from()
        .measurement('cpu')
    |influxDBOut()
        .database('copy')
        .retentionPolicy('autogen')
        .buffer(1)
`);
  await define(d, 'counts', 'batch', `batch
    |query('SELECT count("v") FROM "telegraf"."autogen"."cpu"')
        .period(1h)
        .every(200ms)
    |httpOut('out')
`);
  const T = (BigInt(Date.now()) * 1_000_000n / S - 60n) * S; // a minute ago, whole seconds
  const copied = async (): Promise<unknown[][]> => rows(influx.query, 'SELECT v FROM cpu', 'copy');

  await until('the subscription on telegraf', async () => ((await influx.query('SHOW SUBSCRIPTIONS')).results[0]?.series?.some((s) => s.name === 'telegraf') ? true : undefined));
  await influx.write('telegraf', `cpu,host=h1 v=1 ${T}`);
  await until('point 1 copied through subscription + influxDBOut', async () => ((await copied()).length === 1 ? true : undefined));
  await until('a batch run before the restart', async () => ((await stat(d, 'counts', 'query1', 'batches_queried')) > 0 ? true : undefined));

  await influx.restart(async () => {
    // while InfluxDB is down: a point written straight to tickstream must reach InfluxDB later (retried)
    const r = await fetch(`${d.url}/write?db=telegraf&rp=autogen`, { method: 'POST', body: `cpu,host=h1 v=2 ${T + S}` });
    assert.equal(r.status, 204);
    await until('influxDBOut write error counted', async () => ((await stat(d, 'fwd', 'influxdb_out2', 'write_errors')) > 0 ? true : undefined));
    await until('batch run errors counted', async () => ((await stat(d, 'counts', 'query1', 'errors')) > 0 ? true : undefined));
    await until('a failed subscription sync logged', async () => logs.find((l) => String(l.msg).startsWith('failed to link subscriptions')));
  });
  const queriedBefore = await stat(d, 'counts', 'query1', 'batches_queried');

  await until('point 2 (written while down) retried into InfluxDB', async () => ((await copied()).length === 2 ? true : undefined));
  await influx.write('telegraf', `cpu,host=h1 v=3 ${T + 2n * S}`);
  await until('point 3 through the subscription after the restart', async () => ((await copied()).length === 3 ? true : undefined));
  assert.deepEqual((await copied()).map((r) => r[1]), [1, 2, 3]);
  assert.equal(await stat(d, 'fwd', 'influxdb_out2', 'points_dropped'), 0, 'nothing given up on');
  await until('batch runs succeed again', async () => ((await stat(d, 'counts', 'query1', 'batches_queried')) > queriedBefore ? true : undefined));
  const failed = logs.find((l) => l.msg === 'error executing query');
  assert.ok(failed, 'the failed batch run is logged');
  assert.match(JSON.stringify(failed.err), new RegExp(`POST ${influx.url}/query: (connect )?ECONNREFUSED|POST ${influx.url}/query: .*(socket hang up|ECONNRESET)`));
});

test('wrong credentials: the sync, POST /subscriptions and a batch query fail naming the URL and authorization', async (t) => {
  const influx = await startInfluxd({ admin: { username: 'admin', password: 'right' } });
  t.after(() => influx.stop());
  await influx.query('CREATE DATABASE telegraf');
  const logs: Record<string, unknown>[] = [];
  const d = await daemonFor(influx.url, '  username = "admin"\n  password = "wrong"\n', logs);
  t.after(() => d.close());
  const expected = `POST ${influx.url}/query: authorization failed: authorization failed (HTTP 401)`;

  const report = await until('a logged sync failure', async () => logs.find((l) => String(l.msg).startsWith('failed to link subscriptions')));
  assert.equal(report.msg, 'failed to link subscriptions for InfluxDB cluster local, retrying...');
  assert.equal(report.err, expected);
  const r = await fetch(`${d.url}/kapacitor/v1/subscriptions`, { method: 'POST' });
  assert.equal(r.status, 500);
  assert.equal(((await r.json()) as { error: string }).error, `failed to link subscriptions: ${expected}`);

  await define(d, 'b', 'batch', `batch
    |query('SELECT count("v") FROM "telegraf"."autogen"."cpu"')
        .period(1m)
        .every(200ms)
    |httpOut('out')
`);
  await until('batch query errors counted', async () => ((await stat(d, 'b', 'query1', 'errors')) > 0 ? true : undefined));
  const logged = logs.find((l) => l.msg === 'error executing query');
  assert.match(JSON.stringify(logged?.err), new RegExp(expected.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
  assert.equal(await stat(d, 'b', 'query1', 'batches_queried'), 0);
  assert.deepEqual((await influx.query('SHOW SUBSCRIPTIONS')).results[0]?.series ?? [], [], 'nothing subscribed');
});

test('a huge answer: past max-batch-points the run is a node error (stats, log), smaller answers go on', async (t) => {
  const influx = await startInfluxd();
  t.after(() => influx.stop());
  await influx.query('CREATE DATABASE telegraf');
  // 25,000 points of one series over the last ~half hour (1 ms apart), written in 5 requests
  const T = (BigInt(Date.now()) * 1_000_000n / S - 1800n) * S;
  for (let b = 0; b < 5; b++) {
    const lines: string[] = [];
    for (let i = b * 5000; i < (b + 1) * 5000; i++) lines.push(`cpu,host=h1 v=${i} ${T + BigInt(i) * 1_000_000n}`);
    await influx.write('telegraf', lines.join('\n'));
  }
  const logs: Record<string, unknown>[] = [];
  const d = await daemonFor(influx.url, '  disable-subscriptions = true\n  max-batch-points = 1000\n', logs);
  t.after(() => d.close());
  await define(d, 'raw', 'batch', `batch
    |query('SELECT v FROM "telegraf"."autogen"."cpu"')
        .period(1h)
        .every(300ms)
    |httpOut('out')
`);
  await define(d, 'count', 'batch', `batch
    |query('SELECT count(v) AS n FROM "telegraf"."autogen"."cpu"')
        .period(1h)
        .every(300ms)
    |httpOut('out')
`);
  await until('the raw query refused', async () => ((await stat(d, 'raw', 'query1', 'errors')) >= 2 ? true : undefined));
  const logged = logs.find((l) => l.msg === 'error executing query' && JSON.stringify(l.err).includes('more than'));
  assert.ok(logged, 'logged');
  assert.match(JSON.stringify(logged.err), /POST http:\/\/127\.0\.0\.1:\d+\/query: query answer has more than 1000 points \(max-batch-points of \[\[influxdb\]\] \\"local\\"\)/);
  assert.equal(await stat(d, 'raw', 'query1', 'batches_queried'), 0);
  assert.equal(await stat(d, 'raw', 'query1', 'points_queried'), 0);
  const out = await until('the count task\'s answer', async () => {
    const j = (await (await fetch(`${d.url}/kapacitor/v1/tasks/count/out`)).json()) as { series?: { values: unknown[][] }[] };
    return j.series?.[0]?.values[0];
  });
  assert.equal(out[1], 25_000);
});
