/**
 * Subscriptions against a real InfluxDB 1.x (test/helpers/influxd.ts), as Kapacitor 1.8's linkSubscriptions does
 * them (services/influxdb/service.go): `kapacitor-<cluster id>` on every db/rp except the excluded `_kapacitor`,
 * mode ANY, destination http://<kapacitor-hostname>:<port>; a write to InfluxDB reaches a stream task through the
 * subscription; `kapacitor stats general` counts them; stale ones are dropped, deleted ones recreated, databases
 * created later picked up; InfluxDB down at start does not stop tickstream, which retries.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../config/index.ts';
import { startDaemon, type Daemon } from '../../server/daemon.ts';
import { silentLogger } from '../../server/logger.ts';
import { freePort, startInfluxd, type InfluxdProcess, type InfluxSeries } from '../helpers/influxd.ts';
import { kapacitor } from '../cli/processes.ts';
import { collectingLogger } from '../helpers/runtime/replay.ts';
import { untilValue } from '../helpers/until.ts';

/** subscription syncs take a few intervals: a longer wait than the other tests */
const until = <T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> => untilValue(what, fn, ms, 100);

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

async function daemonFor(influxUrl: string, extra = '', logs?: Record<string, unknown>[]): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-subs-'));
  dirs.push(dir);
  const conf = join(dir, 'kapacitor.conf');
  writeFileSync(conf, `[[influxdb]]\n  name = "local"\n  urls = ["${influxUrl}"]\n  kapacitor-hostname = "127.0.0.1"\n  subscriptions-sync-interval = "1s"\n${extra}`);
  const config = loadConfig({ env: { KAPACITOR_DATA_DIR: join(dir, 'data'), KAPACITOR_HTTP_BIND_ADDRESS: '127.0.0.1:0' }, path: conf });
  return startDaemon(config, logs ? collectingLogger(logs) : silentLogger());
}


/** SHOW SUBSCRIPTIONS as `db.rp name mode destination` lines, sorted. */
async function subs(influx: InfluxdProcess): Promise<string[]> {
  const r = await influx.query('SHOW SUBSCRIPTIONS');
  const out: string[] = [];
  for (const s of (r.results[0]?.series ?? []) as InfluxSeries[]) {
    for (const v of s.values ?? []) out.push(`${s.name}.${v[0]} ${v[1]} ${v[2]} ${(v[3] as string[]).join(',')}`);
  }
  return out.sort();
}

async function vars(d: Daemon): Promise<{ cluster_id: string; num_subscriptions: number }> {
  return (await (await fetch(`${d.url}/kapacitor/v1/debug/vars`)).json()) as { cluster_id: string; num_subscriptions: number };
}

describe('InfluxDB subscriptions → tickstream', () => {
  let influx: InfluxdProcess;
  let d: Daemon;
  before(async () => {
    influx = await startInfluxd();
    await influx.query('CREATE DATABASE telegraf');
    await influx.query('CREATE DATABASE _kapacitor'); // excluded by default (Kapacitor Init())
    d = await daemonFor(influx.url);
  });
  after(async () => { await d?.close(); await influx?.stop(); });

  it('creates kapacitor-<cluster id> (ANY, http://127.0.0.1:<port>) on every db/rp but _kapacitor.autogen; stats count it', async () => {
    const { cluster_id: id } = await vars(d);
    const port = d.address.port;
    const expected = [`telegraf.autogen kapacitor-${id} ANY http://127.0.0.1:${port}`];
    assert.deepEqual(await until('subscription on telegraf', async () => { const s = await subs(influx); return s.length > 0 ? s : undefined; }), expected);
    await until('num_subscriptions = 1', async () => ((await vars(d)).num_subscriptions === 1 ? true : undefined));
    const cli = await kapacitor(d.url, 'stats', 'general');
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /^Subscriptions:\s+1\s*$/m);
  });

  it('a write to InfluxDB reaches a stream task through the subscription, exactly', async () => {
    const r = await fetch(`${d.url}/kapacitor/v1/tasks`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'viasub', type: 'stream', dbrps: [{ db: 'telegraf', rp: 'autogen' }], status: 'enabled',
        script: "stream\n    |from()\n        .measurement('cpu')\n    |httpOut('out')\n",
      }),
    });
    assert.equal(r.status, 200, await r.text());
    await influx.write('telegraf', 'cpu,host=h1 usage=12.5,n=3i 1700000000123456789');
    const body = await until('the point in httpOut', async () => {
      const res = await fetch(`${d.url}/kapacitor/v1/tasks/viasub/out`);
      const j = (await res.json()) as { series?: unknown[] };
      return j.series && j.series.length > 0 ? j : undefined;
    });
    // SPEC 3.12 row: ns time in RFC3339Nano, float 12.5 and int 3 as written to InfluxDB
    assert.deepEqual(body, { series: [{ name: 'cpu', tags: { host: 'h1' }, columns: ['time', 'n', 'usage'], values: [['2023-11-14T22:13:20.123456789Z', 3, 12.5]] }] });
  });

  it('drops stale ones it owns, recreates deleted ones, picks up new databases; leaves others\' alone', async () => {
    const { cluster_id: id } = await vars(d);
    const name = `kapacitor-${id}`;
    const port = d.address.port;
    // ours on the excluded db/rp (stale) and on telegraf pointing elsewhere; someone else's subscription
    await influx.query(`CREATE SUBSCRIPTION "${name}" ON "_kapacitor"."autogen" DESTINATIONS ANY 'http://127.0.0.1:${port}'`);
    await influx.query(`DROP SUBSCRIPTION "${name}" ON "telegraf"."autogen"`);
    await influx.query(`CREATE SUBSCRIPTION "${name}" ON "telegraf"."autogen" DESTINATIONS ANY 'http://elsewhere:1'`);
    await influx.query(`CREATE SUBSCRIPTION "other" ON "telegraf"."autogen" DESTINATIONS ALL 'http://elsewhere:2'`);
    await influx.query('CREATE DATABASE later');
    // an older Kapacitor's name ("kapacitor") is renamed to ours, keeping its destination
    await influx.query('CREATE DATABASE legacy');
    await influx.query(`CREATE SUBSCRIPTION "kapacitor" ON "legacy"."autogen" DESTINATIONS ANY 'http://127.0.0.1:${port}'`);
    const want = [
      `later.autogen ${name} ANY http://127.0.0.1:${port}`,
      `legacy.autogen ${name} ANY http://127.0.0.1:${port}`,
      `telegraf.autogen ${name} ANY http://127.0.0.1:${port}`,
      'telegraf.autogen other ALL http://elsewhere:2',
    ];
    await until('subscriptions re-synced', async () => (JSON.stringify(await subs(influx)) === JSON.stringify(want) ? true : undefined));
    await until('num_subscriptions = 3', async () => ((await vars(d)).num_subscriptions === 3 ? true : undefined));
    // POST /kapacitor/v1/subscriptions syncs at once (Kapacitor's handleSubscriptions)
    await influx.query(`DROP SUBSCRIPTION "${name}" ON "later"."autogen"`);
    const r = await fetch(`${d.url}/kapacitor/v1/subscriptions`, { method: 'POST' });
    assert.equal(r.status, 204);
    assert.deepEqual(await subs(influx), want);
  });
});

describe('InfluxDB down at start', () => {
  it('tickstream starts and answers, reports the unreachable URL, then subscribes once InfluxDB comes up', async (t) => {
    const port = await freePort();
    const logs: Record<string, unknown>[] = [];
    const d = await daemonFor(`http://127.0.0.1:${port}`, '', logs);
    t.after(() => d.close());
    const ping = await fetch(`${d.url}/kapacitor/v1/ping`);
    assert.equal(ping.status, 204);
    assert.equal((await vars(d)).num_subscriptions, 0);
    const report = await until('a logged sync failure', async () => logs.find((l) => String(l.msg).startsWith('failed to link subscriptions')));
    assert.equal(report.msg, 'failed to link subscriptions for InfluxDB cluster local, retrying...');
    assert.ok(String(report.err).includes(`POST http://127.0.0.1:${port}/query: connect ECONNREFUSED`), String(report.err));
    const influx = await startInfluxd({ httpPort: port });
    t.after(() => influx.stop());
    await influx.query('CREATE DATABASE db1');
    await until('subscription after InfluxDB started', async () => ((await subs(influx)).length === 1 ? true : undefined));
    await until('num_subscriptions = 1', async () => ((await vars(d)).num_subscriptions === 1 ? true : undefined));
  });
});

describe('subscription-protocol = "udp"', () => {
  it('each db/rp gets its own UDP listener on udp-bind; InfluxDB writes reach the task through it', async (t) => {
    const influx = await startInfluxd();
    t.after(() => influx.stop());
    await influx.query('CREATE DATABASE metrics');
    const d = await daemonFor(influx.url, '  subscription-protocol = "udp"\n  udp-bind = "127.0.0.1"\n');
    t.after(() => d.close());
    const { cluster_id: id } = await vars(d);
    const lines = await until('udp subscription', async () => { const s = await subs(influx); return s.length === 1 ? s : undefined; });
    assert.match(lines[0]!, new RegExp(`^metrics\\.autogen kapacitor-${id} ANY udp://127\\.0\\.0\\.1:\\d+$`));
    const r = await fetch(`${d.url}/kapacitor/v1/tasks`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'viaudp', type: 'stream', dbrps: [{ db: 'metrics', rp: 'autogen' }], status: 'enabled',
        script: "stream\n    |from()\n        .measurement('mem')\n    |httpOut('out')\n",
      }),
    });
    assert.equal(r.status, 200, await r.text());
    await influx.write('metrics', 'mem,host=h2 free=42i 1700000000000000001');
    const body = await until('the point in httpOut', async () => {
      const j = (await (await fetch(`${d.url}/kapacitor/v1/tasks/viaudp/out`)).json()) as { series?: unknown[] };
      return j.series && j.series.length > 0 ? j : undefined;
    });
    assert.deepEqual(body, { series: [{ name: 'mem', tags: { host: 'h2' }, columns: ['time', 'free'], values: [['2023-11-14T22:13:20.000000001Z', 42]] }] });
  });
});
