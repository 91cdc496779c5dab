/**
 * `[stats]` (Kapacitor services/stats): every stats-interval the server's statistics enter its own stream as
 * `_kapacitor.autogen` points; the task Kapacitor documents for persisting them (`stream|from()|influxDBOut()` on
 * dbrp _kapacitor.autogen) writes them into a real InfluxDB, where they are queried back: the `kapacitor` point
 * counts tasks (int64), uptime is a float, every node of the task has a `nodes` point.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../config/index.ts';
import { startDaemon } from '../../server/daemon.ts';
import { silentLogger } from '../../server/logger.ts';
import { startInfluxd } from '../helpers/influxd.ts';

test('statistics reach InfluxDB through a _kapacitor.autogen task with influxDBOut', async (t) => {
  const influx = await startInfluxd();
  t.after(() => influx.stop());
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-stats-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const conf = join(dir, 'kapacitor.conf');
  writeFileSync(conf, `[stats]\n  stats-interval = "200ms"\n[[influxdb]]\n  urls = ["${influx.url}"]\n  disable-subscriptions = true\n`);
  const config = loadConfig({ env: { KAPACITOR_DATA_DIR: join(dir, 'data'), KAPACITOR_HTTP_BIND_ADDRESS: '127.0.0.1:0' }, path: conf });
  const d = await startDaemon(config, silentLogger());
  t.after(() => d.close());
  const r = await fetch(`${d.url}/kapacitor/v1/tasks`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id: '_stats', type: 'stream', dbrps: [{ db: '_kapacitor', rp: 'autogen' }], status: 'enabled',
      script: "stream\n    |from()\n    |influxDBOut()\n        .database('_kapacitor')\n        .create()\n        .flushInterval(200ms)\n",
    }),
  });
  assert.equal(r.status, 200, await r.text());

  const deadline = Date.now() + 20_000;
  let rows: unknown[][] = [];
  while (Date.now() < deadline) {
    const res = await influx.query('SELECT num_tasks, num_enabled_tasks, num_subscriptions FROM kapacitor', '_kapacitor').catch(() => undefined);
    // InfluxDB's write cache holds each field separately, so a query racing the write can see a point with only
    // some of its fields: wait for rows whose three fields are all there.
    rows = ((res?.results[0]?.series?.[0]?.values ?? []) as unknown[][]).filter((row) => row.slice(1).every((v) => v !== null));
    if (rows.length > 0) break;
    await new Promise((res2) => setTimeout(res2, 100));
  }
  assert.ok(rows.length > 0, 'kapacitor statistics in InfluxDB');
  // one task defined and enabled, subscriptions disabled
  assert.deepEqual(rows[rows.length - 1]!.slice(1), [1, 1, 0]);
  const keys = await influx.query('SHOW FIELD KEYS FROM kapacitor', '_kapacitor');
  assert.deepEqual(keys.results[0]!.series![0]!.values,
    [['num_enabled_tasks', 'integer'], ['num_subscriptions', 'integer'], ['num_tasks', 'integer'], ['uptime', 'float']]);
  const nodes = await influx.query(`SHOW TAG VALUES FROM nodes WITH KEY = "node" WHERE "task" = '_stats'`, '_kapacitor');
  assert.deepEqual(nodes.results[0]!.series![0]!.values!.map((v) => v[1]).sort(), ['from1', 'influxdb_out2', 'stream0']);
});
