/**
 * InfluxDB integration benchmark (`npm run bench:influxdb`; needs influxd: `apt-get install -y influxdb`):
 *  (a) ingest of the same points, same run: POSTed to tickstream's /write directly vs. written to InfluxDB and
 *      forwarded to tickstream through its subscription (points/s until tickstream has received them all);
 *  (b) a batch query returning N points (default 10^6) through `batch|query()`: time from the run's start to the
 *      batch arriving, and the process's peak RSS while it is handled.
 * Options: --points=N (ingest phase, default 200000), --batch=N (default 1000000).
 * Uses the test helper that runs a temporary influxd (test/helpers/influxd.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/index.ts';
import { startDaemon, type Daemon } from '../server/daemon.ts';
import { silentLogger } from '../server/logger.ts';
import { startInfluxd } from '../test/helpers/influxd.ts';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const N = Number(args.get('points') ?? 200_000);
const BATCH_N = Number(args.get('batch') ?? 1_000_000);
const CHUNK = 5000;
const S = 1_000_000_000n;

function lines(measurement: string, from: number, n: number, t0: bigint): string {
  let s = '';
  for (let i = from; i < from + n; i++) s += `${measurement},host=h${i % 100} v=${i}i ${t0 + BigInt(i)}\n`;
  return s;
}

async function received(d: Daemon, measurement: string): Promise<number> {
  const vars = (await (await fetch(`${d.url}/kapacitor/v1/debug/vars`)).json()) as { kapacitor: Record<string, { name: string; tags: Record<string, string>; values: Record<string, number> }> };
  let n = 0;
  for (const s of Object.values(vars.kapacitor)) if (s.name === 'ingress' && s.tags.measurement === measurement) n += s.values.points_received ?? 0;
  return n;
}

async function define(d: Daemon, id: string, type: string, script: string): Promise<void> {
  const r = await fetch(`${d.url}/kapacitor/v1/tasks`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, type, dbrps: [{ db: 'bench', rp: 'autogen' }], script, status: 'enabled' }),
  });
  if (r.status !== 200) throw new Error(await r.text());
}

async function main(): Promise<void> {
  const influx = await startInfluxd();
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-bench-influx-'));
  let d: Daemon | undefined;
  try {
    await influx.query('CREATE DATABASE bench');
    const conf = join(dir, 'kapacitor.conf');
    writeFileSync(conf, `[[influxdb]]\n  urls = ["${influx.url}"]\n  kapacitor-hostname = "127.0.0.1"\n  subscriptions-sync-interval = "1s"\n  compression = "none"\n[stats]\n  enabled = false\n`);
    const config = loadConfig({ env: { KAPACITOR_DATA_DIR: join(dir, 'data'), KAPACITOR_HTTP_BIND_ADDRESS: '127.0.0.1:0' }, path: conf });
    d = await startDaemon(config, silentLogger());
    await define(d, 'sink', 'stream', "stream\n    |from()\n        .measurement('direct')\n");
    await define(d, 'sink2', 'stream', "stream\n    |from()\n        .measurement('viasub')\n");
    while ((await influx.query('SHOW SUBSCRIPTIONS')).results[0]?.series === undefined) await new Promise((r) => setTimeout(r, 100));
    const t0 = 1_700_000_000n * S;

    // (a) direct
    let t = performance.now();
    for (let i = 0; i < N; i += CHUNK) {
      const r = await fetch(`${d.url}/write?db=bench&rp=autogen`, { method: 'POST', body: lines('direct', i, Math.min(CHUNK, N - i), t0) });
      await r.arrayBuffer();
    }
    const direct = N / ((performance.now() - t) / 1000);
    // (a) through InfluxDB's subscription: until tickstream has received every point
    t = performance.now();
    for (let i = 0; i < N; i += CHUNK) await influx.write('bench', lines('viasub', i, Math.min(CHUNK, N - i), t0));
    const written = performance.now();
    while ((await received(d, 'viasub')) < N) await new Promise((r) => setTimeout(r, 20));
    const viaSub = N / ((performance.now() - t) / 1000);
    console.log(`ingest of ${N} points: direct /write ${Math.round(direct)} points/s; via InfluxDB subscription ${Math.round(viaSub)} points/s `
      + `(InfluxDB accepted them in ${Math.round(written - t)} ms)`);

    // (b) batch query of BATCH_N points
    const bt0 = (BigInt(Date.now()) * 1_000_000n) - 3600n * S;
    for (let i = 0; i < BATCH_N; i += 50_000) await influx.write('bench', lines('big', i, Math.min(50_000, BATCH_N - i), bt0));
    let peak = process.memoryUsage().rss;
    const base = peak;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10);
    const start = performance.now();
    await define(d, 'bigbatch', 'batch', `batch\n    |query('SELECT v FROM "bench"."autogen"."big"')\n        .period(2h)\n        .every(1s)\n    |httpOut('out')\n`);
    for (;;) {
      const dot = ((await (await fetch(`${d.url}/kapacitor/v1/tasks/bigbatch`)).json()) as { dot: string }).dot;
      const m = /points_queried="(\d+)"/.exec(dot);
      if (m && Number(m[1]) >= BATCH_N) break;
      if (/query1 \[[^\]]*errors="[1-9]/.test(dot)) throw new Error(`batch query failed: ${dot}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const ms = performance.now() - start;
    clearInterval(sampler);
    console.log(`batch query of ${BATCH_N} points: ${Math.round(ms)} ms from task start (every 1s: includes up to 1 s wait) to `
      + `the batch handled; peak RSS ${Math.round(peak / 2 ** 20)} MiB (${Math.round((peak - base) / 2 ** 20)} MiB above before)`);
  } finally {
    await d?.close();
    await influx.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
