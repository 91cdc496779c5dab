/**
 * Batch tasks against a real InfluxDB 1.x: `batch|query(...)` runs on its schedule, and the batches it emits are
 * exactly what InfluxDB answers for the same InfluxQL (the statement the node ran, taken from its debug log, is run
 * again against influxd and compared) — per series name, tags, columns and values, with the aggregate's time.
 * Also: a batch task writing back through influxDBOut, and a query InfluxDB rejects counted as a node error.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../config/index.ts';
import { startDaemon, type Daemon } from '../../server/daemon.ts';
import { collectingLogger } from '../helpers/runtime/replay.ts';
import { startInfluxd, type InfluxdProcess } from '../helpers/influxd.ts';
import { untilValue as until } from '../helpers/until.ts';

let influx: InfluxdProcess;
let daemon: Daemon;
let dir: string;
const logs: Record<string, unknown>[] = [];
const S = 1_000_000_000n;

before(async () => {
  influx = await startInfluxd();
  dir = mkdtempSync(join(tmpdir(), 'tickstream-batch-'));
  const conf = join(dir, 'kapacitor.conf');
  writeFileSync(conf, `[[influxdb]]\n  name = "local"\n  urls = ["${influx.url}"]\n  disable-subscriptions = true\n`);
  const config = loadConfig({ env: { KAPACITOR_DATA_DIR: join(dir, 'data'), KAPACITOR_HTTP_BIND_ADDRESS: '127.0.0.1:0' }, path: conf });
  daemon = await startDaemon(config, collectingLogger(logs));
  await influx.query('CREATE DATABASE telegraf');
  // points a few minutes old, so every run's 1h period covers all of them
  const t0 = (BigInt(Date.now()) * 1_000_000n / (60n * S) - 5n) * 60n * S;
  await influx.write('telegraf', [
    `cpu,host=a,region=eu usage=1 ${t0}`, `cpu,host=a,region=eu usage=2 ${t0 + S}`, `cpu,host=a,region=eu usage=6 ${t0 + 2n * S}`,
    `cpu,host=b,region=eu usage=10 ${t0}`, `cpu,host=b,region=eu usage=20 ${t0 + S}`,
    `cpu,host=c,region=us usage=100 ${t0}`,
  ].join('\n'));
});
after(async () => {
  await daemon?.close();
  await influx?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function define(id: string, script: string): Promise<void> {
  const r = await fetch(`${daemon.url}/kapacitor/v1/tasks`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, type: 'batch', dbrps: [{ db: 'telegraf', rp: 'autogen' }], script, status: 'enabled' }),
  });
  assert.equal(r.status, 200, await r.text());
}


interface Row { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }

describe('batch tasks → real influxd', () => {
  it('query results equal what InfluxDB returns for the same InfluxQL', async () => {
    await define('b1', `batch
    |query('SELECT mean("usage") AS mean_usage, count("usage") AS n FROM "telegraf"."autogen"."cpu" WHERE "region" = \\'eu\\'')
        .period(1h)
        .every(500ms)
        .groupBy('host')
    |httpOut('out')
`);
    const got = await until('two series in httpOut', async () => {
      const j = (await (await fetch(`${daemon.url}/kapacitor/v1/tasks/b1/out`)).json()) as { series?: Row[] };
      return j.series?.length === 2 ? j.series : undefined;
    });
    // the statement the node ran for the batches shown: its start bound is the aggregate's time (InfluxQL rule)
    const shownTime = got[0]!.values[0]![0] as string;
    const ran = logs.map((l) => l.query).filter((q): q is string => typeof q === 'string' && q.includes(`time >= '${shownTime}'`));
    assert.ok(ran.length > 0, `no logged query starting at ${shownTime}`);
    assert.match(ran[0]!, /^SELECT mean\("usage"\) AS mean_usage, count\("usage"\) AS n FROM "telegraf"\."autogen"\."cpu" WHERE \("region" = 'eu'\) AND time >= '.*' AND time < '.*' GROUP BY "host"$/);
    const influxAnswer = (await influx.query(ran[0]!)).results[0]!.series as Row[];
    const byHost = (rows: Row[]) => [...rows].sort((a, b) => (a.tags!.host! < b.tags!.host! ? -1 : 1));
    assert.deepEqual(byHost(got), byHost(influxAnswer));
    // and the values are the input's: host a mean(1,2,6)=3 count 3, host b mean(10,20)=15 count 2
    assert.deepEqual(byHost(got).map((r) => [r.tags!.host, r.values[0]![1], r.values[0]![2]]), [['a', 3, 3], ['b', 15, 2]]);
    const dot = ((await (await fetch(`${daemon.url}/kapacitor/v1/tasks/b1`)).json()) as { dot: string }).dot;
    assert.match(dot, /batches_queried="[1-9]\d*"/);
    assert.match(dot, /points_queried="[1-9]\d*"/);
  });

  it('a batch task writes back through influxDBOut; GROUP BY time() buckets come back as rows', async () => {
    await define('b2', `batch
    |query('SELECT sum("usage") AS total FROM "telegraf"."autogen"."cpu"')
        .period(1h)
        .every(500ms)
        .groupBy(time(1m), 'region')
        .fill('none')
    |influxDBOut()
        .create()
        .database('rollup')
        .retentionPolicy('autogen')
        .measurement('cpu_total')
        .flushInterval(100ms)
`);
    const r = await until('rollup rows', async () => {
      const res = await influx.query('SELECT total, region FROM cpu_total', 'rollup');
      return (res.results[0]?.series?.[0]?.values?.length ?? 0) >= 2 ? res : undefined;
    });
    const rows = r.results[0]!.series![0]!.values!.map((v) => [v[1], v[2]]);
    // per region in the one minute bucket holding all points: eu 1+2+6+10+20 = 39, us 100
    assert.deepEqual(rows.sort(), [[100, 'us'], [39, 'eu']].sort());
  });

  it('a query InfluxDB rejects is an error of the query node (counted), the task keeps running', async () => {
    await define('b3', `batch
    |query('SELECT nosuchfunc("usage") FROM "telegraf"."autogen"."cpu"')
        .period(1m)
        .every(500ms)
    |httpOut('out')
`);
    await until('query errors counted', async () => {
      const dot = ((await (await fetch(`${daemon.url}/kapacitor/v1/tasks/b3`)).json()) as { dot: string }).dot;
      return /query1 \[[^\]]*errors="[1-9]/.test(dot) ? dot : undefined;
    });
    const logged = logs.find((l) => l.msg === 'error executing query');
    assert.ok(logged, 'logged');
    assert.match(JSON.stringify(logged.err), /undefined function nosuchfunc/);
  });
});
