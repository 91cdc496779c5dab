/**
 * influxDBOut against a real InfluxDB 1.x (test/helpers/influxd.ts): points written through a task are queried
 * back exactly — nanosecond timestamps, int64 vs float64 vs string vs bool field types, tags incl. `.tag()` —
 * `.create()` makes the database, and a write InfluxDB rejects is counted (write_errors, points_dropped).
 * Expected values come from the written input and SPEC 3.14 / Kapacitor influxdb_out.go, not from our output.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../config/index.ts';
import { startDaemon, type Daemon } from '../../server/daemon.ts';
import { silentLogger } from '../../server/logger.ts';
import { startInfluxd, type InfluxdProcess } from '../helpers/influxd.ts';
import { untilValue as until } from '../helpers/until.ts';

let influx: InfluxdProcess;
let daemon: Daemon;
let dir: string;

before(async () => {
  influx = await startInfluxd();
  dir = mkdtempSync(join(tmpdir(), 'tickstream-influxout-'));
  const conf = join(dir, 'kapacitor.conf');
  writeFileSync(conf, `[[influxdb]]\n  name = "local"\n  urls = ["${influx.url}"]\n  disable-subscriptions = true\n`);
  const config = loadConfig({ env: { KAPACITOR_DATA_DIR: join(dir, 'data'), KAPACITOR_HTTP_BIND_ADDRESS: '127.0.0.1:0' }, path: conf });
  daemon = await startDaemon(config, silentLogger());
});
after(async () => {
  await daemon?.close();
  await influx?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function define(id: string, script: string, dbrp = { db: 'src', rp: 'autogen' }): Promise<void> {
  const r = await fetch(`${daemon.url}/kapacitor/v1/tasks`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, type: 'stream', dbrps: [dbrp], script, status: 'enabled' }),
  });
  assert.equal(r.status, 200, await r.text());
}

async function write(lines: string, precision = 'n'): Promise<void> {
  const r = await fetch(`${daemon.url}/write?db=src&rp=autogen&precision=${precision}`, { method: 'POST', body: lines });
  assert.equal(r.status, 204, await r.text());
}

async function dot(id: string): Promise<string> {
  const r = await fetch(`${daemon.url}/kapacitor/v1/tasks/${id}`);
  return ((await r.json()) as { dot: string }).dot;
}


describe('influxDBOut → real influxd', () => {
  it('points come back exactly: ns times, int vs float vs string vs bool, tags, .tag(), .measurement(), .create()', async () => {
    await define('out1', `stream
    |from()
        .measurement('cpu')
    |influxDBOut()
        .create()
        .database('outdb')
        .retentionPolicy('autogen')
        .measurement('cpu_copy')
        .tag('source', 'tickstream')
        .buffer(3)
        .flushInterval(200ms)
`);
    await write([
      'cpu,host=a\\ b,region=eu n=7i,f=2,s="say \\"hi\\"",b=true 1700000000123456789',
      'cpu,host=c,region=us n=-3i,f=0.1,s="x",b=false 1700000000123456790',
    ].join('\n'));
    const r = await until('2 rows in outdb', async () => {
      const res = await influx.query('SELECT * FROM cpu_copy', 'outdb');
      return (res.results[0]?.series?.[0]?.values?.length ?? 0) === 2 ? res : undefined;
    });
    const s = r.results[0]!.series![0]!;
    // columns: time then field and tag keys sorted (InfluxDB 1.x SELECT * order)
    assert.deepEqual(s.columns, ['time', 'b', 'f', 'host', 'n', 'region', 's', 'source']);
    assert.deepEqual(s.values, [
      ['2023-11-14T22:13:20.123456789Z', true, 2, 'a b', 7, 'eu', 'say "hi"', 'tickstream'],
      ['2023-11-14T22:13:20.12345679Z', false, 0.1, 'c', -3, 'us', 'x', 'tickstream'],
    ]);
    // the JSON above cannot tell 2 (float) from 7 (int): InfluxDB's own field types can
    const keys = await influx.query('SHOW FIELD KEYS FROM cpu_copy', 'outdb');
    assert.deepEqual(keys.results[0]!.series![0]!.values, [['b', 'boolean'], ['f', 'float'], ['n', 'integer'], ['s', 'string']]);
    // exact ns epoch as well (no float rounding on the way)
    const ns = await influx.query('SELECT n FROM cpu_copy', 'outdb');
    assert.equal(ns.results[0]!.series![0]!.values![1]![0], '2023-11-14T22:13:20.12345679Z');
    const d = await until('points_written=2', async () => { const t = await dot('out1'); return t.includes('points_written="2"') ? t : undefined; });
    assert.match(d, /write_errors="0"/);
    assert.match(d, /points_dropped="0"/);
  });

  it('.precision("s") truncates times to seconds; database and rp default to the point\'s own', async () => {
    await influx.query('CREATE DATABASE src');
    await define('out2', `stream
    |from()
        .measurement('mem')
    |influxDBOut()
        .precision('s')
        .flushInterval(100ms)
`);
    await write('mem used=5i 1700000042999999999');
    const r = await until('1 row in src.mem', async () => {
      const res = await influx.query('SELECT used FROM mem', 'src');
      return res.results[0]?.series?.[0]?.values?.length === 1 ? res : undefined;
    });
    // 1700000042.999999999 s truncated (not rounded) to the second (Go integer division in PrecisionString)
    assert.deepEqual(r.results[0]!.series![0]!.values, [['2023-11-14T22:14:02Z', 5]]);
  });

  it('a write InfluxDB rejects (no such database) is counted as a write error and the points as dropped', async () => {
    await define('out3', `stream
    |from()
        .measurement('disk')
    |influxDBOut()
        .database('missing_db')
        .flushInterval(100ms)
`);
    await write('disk free=1i 1700000000000000000\ndisk free=2i 1700000001000000000');
    const d = await until('write_errors=1', async () => { const t = await dot('out3'); return t.includes('write_errors="1"') ? t : undefined; });
    assert.match(d, /points_written="0"/);
    assert.match(d, /points_dropped="2"/);
    assert.match(d, /errors="1"/);
  });
});

describe('influxDBOut at shutdown', () => {
  it('points still buffered (flushInterval 1h, buffer 1000) are written before the server finishes closing', async () => {
    const d2dir = mkdtempSync(join(tmpdir(), 'tickstream-influxout-close-'));
    const conf = join(d2dir, 'kapacitor.conf');
    writeFileSync(conf, `[[influxdb]]\n  urls = ["${influx.url}"]\n  disable-subscriptions = true\n`);
    const config = loadConfig({ env: { KAPACITOR_DATA_DIR: join(d2dir, 'data'), KAPACITOR_HTTP_BIND_ADDRESS: '127.0.0.1:0' }, path: conf });
    const d2 = await startDaemon(config, silentLogger());
    try {
      await influx.query('CREATE DATABASE closedb');
      const r = await fetch(`${d2.url}/kapacitor/v1/tasks`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          id: 'late', type: 'stream', dbrps: [{ db: 'src', rp: 'autogen' }], status: 'enabled',
          script: "stream\n    |from()\n        .measurement('late')\n    |influxDBOut()\n        .database('closedb')\n        .flushInterval(1h)\n",
        }),
      });
      assert.equal(r.status, 200, await r.text());
      const w = await fetch(`${d2.url}/write?db=src&rp=autogen`, { method: 'POST', body: 'late v=1i 1700000000000000000' });
      assert.equal(w.status, 204);
      const before = await influx.query('SELECT v FROM late', 'closedb');
      assert.equal(before.results[0]?.series, undefined, 'nothing written yet (buffered)');
    } finally {
      await d2.close();
      rmSync(d2dir, { recursive: true, force: true });
    }
    const after = await influx.query('SELECT v FROM late', 'closedb');
    assert.deepEqual(after.results[0]?.series?.[0]?.values, [['2023-11-14T22:13:20Z', 1]]);
  });
});
