/**
 * Replay benchmark (`npm run bench:replay`, issue 12): how fast a recording on disk replays through the seed-like
 * pipeline compared with live `/write` ingest into the same pipeline, on the same machine in the same run; and a
 * 10^7-point recording replayed with bounded memory (the reader streams from disk).
 *
 * One real server runs in-process (server/daemon.ts startDaemon, own data dir under the OS temp dir, removed at the
 * end) with one enabled stream task: the seed's autoscale.tick (test/helpers/tutorial-script.ts) with its
 * k8sAutoscale node replaced by httpOut, as bench/pipeline.ts and bench:ingest (d) do (no Kubernetes here):
 * from/derivative/groupBy/sum/movingAverage(60)/httpOut. Data as the seed app sends it: 10,000 hosts over 1,000
 * replicasets, every host's cumulative request counter once per second.
 *
 *  live:   a load-generator child process POSTs 5000-line writes (precision=s) over 4 keep-alive connections for
 *          --seconds (after 1 s of warm-up), as bench:ingest (d) does; points/s and points per server CPU-s.
 *  replay: the same data imported as a recording (POST /recordings/import), replayed with POST /replays (fast
 *          clock, times shifted to now: the default), timed from the POST until GET /replays/<id> says finished;
 *          points/s and points per CPU-s of this (the server's) process. Its stats must show every point through.
 *  The two alternate for --rounds rounds; the best of each is compared (target: replay ≥ 80 % of live).
 *  memory: a --big-points recording (default 10^7; 0 skips it) is imported, then replayed while RSS and heap are
 *          sampled every 20 ms: peak RSS / heap during the replay against the baseline before it.
 *
 * Options: --seconds N (live measurement, default 3), --rounds N (default 2), --replay-points N (default 2,000,000),
 * --big-points N (default 10,000,000), --connections N (default 4).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { getHeapStatistics } from 'node:v8';
import { startDaemon, type Daemon } from '../server/daemon.ts';
import { loadConfig } from '../config/index.ts';
import { silentLogger } from '../server/logger.ts';
import { TUTORIAL_TOTALS } from '../test/helpers/tutorial-script.ts';
import { numberOption } from './support/args.ts';
import { runLoadGenerator } from './support/load-generator.ts';

setFlagsFromString('--expose-gc');
// as bin/kapacitord.mjs does (docs/hot-path.md); BENCH_PRETENURING=1 keeps V8's default
if (process.env['BENCH_PRETENURING'] !== '1') setFlagsFromString('--no-allocation-site-pretenuring');
const gc = runInNewContext('gc') as () => void;

const SECONDS = numberOption('seconds', 3);
const ROUNDS = Math.max(1, numberOption('rounds', 2));
const REPLAY_POINTS = numberOption('replay-points', 2_000_000);
const BIG_POINTS = numberOption('big-points', 10_000_000);
const CONNECTIONS = numberOption('connections', 4);
const HOSTS = 10_000;
const RS = 1_000;
const LINES = 5_000;
const T0 = 1_700_000_000; // s

const SCRIPT = `dbrp "autoscale"."autogen"\n${TUTORIAL_TOTALS}    |movingAverage('total_requests_per_second', 60)\n` +
  `        .as('avg_requests_per_second')\n    |httpOut('avg')\n`;

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const mb = (n: number): string => (n / 1e6).toFixed(1) + ' MB';

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

// ---- live /write load (bench/support/load-generator.cjs in seed mode, as bench/ingest.ts (d)) ----------------

interface Rate { points: number; seconds: number; cpu: number }

async function liveLoad(port: number): Promise<Rate & { failures: number }> {
  const r = await runLoadGenerator({ port, path: '/write?db=autoscale&rp=autogen&precision=s', connections: CONNECTIONS,
    warmupMs: 1000, measureMs: SECONDS * 1000, lines: LINES, hosts: HOSTS, mode: 'seed', replicasets: RS });
  return { points: r.requests * LINES, seconds: r.seconds, cpu: r.serverCpu, failures: r.failures };
}

// ---- the server and its API ------------------------------------------------------------------------------

async function api(d: Daemon, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(d.url + '/kapacitor/v1' + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Seconds [from, to) of seed data as line protocol (precision s), one chunk per second. */
async function* seedSeconds(from: number, to: number): AsyncGenerator<Buffer> {
  for (let sec = from; sec < to; sec++) {
    let s = '';
    for (let h = 0; h < HOSTS; h++) s += `requests,host=h${h},replicaset=rs${h % RS} value=${sec * (100 + (h % 7))}i ${T0 + sec}\n`;
    yield Buffer.from(s);
  }
}

/** Imports `points` points of seed data (rounded up to whole seconds) as recording `id`; returns its record. */
async function importSeed(d: Daemon, id: string, points: number): Promise<{ size: number; points: number; bytes: number }> {
  const seconds = Math.ceil(points / HOSTS);
  let bytes = 0;
  const body = (async function* () { for await (const b of seedSeconds(0, seconds)) { bytes += b.length; yield b; } })();
  const res = await fetch(`${d.url}/kapacitor/v1/recordings/import?id=${id}&db=autoscale&rp=autogen&precision=s`,
    { method: 'POST', body: body as unknown as RequestInit['body'], duplex: 'half' } as RequestInit);
  const text = await res.text();
  if (res.status !== 201) throw new Error(`import ${id}: ${res.status} ${text}`);
  const rec = await api(d, 'GET', `/recordings/${id}`);
  return { size: rec.size as number, points: seconds * HOSTS, bytes };
}

/** Replays `recording` into the task (fast clock, shifted times) and waits for it; checks every point went through. */
async function replay(d: Daemon, recording: string, id: string, expected: number, onTick?: () => void): Promise<Rate> {
  const cpu0 = cpuSeconds();
  const t0 = performance.now();
  await api(d, 'POST', '/replays', { id, task: 'autoscale', recording, clock: 'fast' });
  let r: any;
  for (;;) {
    onTick?.();
    const res = await fetch(`${d.url}/kapacitor/v1/replays/${id}`);
    r = await res.json();
    if (r.status !== 'running') break;
    await new Promise((res2) => setTimeout(res2, 20));
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds() - cpu0;
  if (r.status !== 'finished') throw new Error(`replay ${id} ${r.status}: ${r.error}`);
  const collected = r.stats['node-stats']['stream0']['collected'] as number;
  const errors = r.stats['node-stats']['derivative2']['errors'] as number;
  if (collected !== expected || errors !== 0) throw new Error(`replay ${id}: ${collected} points through the task (expected ${expected}), ${errors} derivative errors`);
  await api(d, 'DELETE', `/replays/${id}`);
  return { points: expected, seconds, cpu };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tickstream-bench-replay-'));
  const config = loadConfig({ env: { KAPACITOR_HTTP_BIND_ADDRESS: '127.0.0.1:0', KAPACITOR_DATA_DIR: dataDir, KAPACITOR_HOSTNAME: 'bench' } });
  const d = await startDaemon(config, silentLogger());
  try {
    console.log(`replay benchmark: seed-like pipeline (from/derivative/groupBy/sum/movingAverage/httpOut), ${HOSTS} hosts / ${RS} replicasets, ` +
      `node ${process.version}, ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    await api(d, 'POST', '/tasks', { id: 'autoscale', type: 'stream', script: SCRIPT, status: 'enabled' });

    let t = performance.now();
    const rec = await importSeed(d, 'bench', REPLAY_POINTS);
    console.log(`recording "bench": ${fmt(rec.points)} points, ${mb(rec.bytes)} of line protocol → ${mb(rec.size)} on disk (imported in ${((performance.now() - t) / 1000).toFixed(1)} s)`);

    let bestLive: Rate | undefined;
    let bestReplay: Rate | undefined;
    const better = (a: Rate | undefined, b: Rate): Rate => (!a || b.points / b.seconds > a.points / a.seconds ? b : a);
    for (let round = 1; round <= ROUNDS; round++) {
      const port = d.address.port;
      const live = await liveLoad(port);
      if (live.failures > 0) throw new Error(`${live.failures} live writes failed`);
      console.log(`round ${round} live /write:  ${fmt(live.points / live.seconds)} points/s  ${fmt(live.points / live.cpu)} per server CPU-s  (${fmt(live.points)} points in ${live.seconds.toFixed(2)} s)`);
      gc();
      const rp = await replay(d, 'bench', `bench-${round}`, rec.points);
      console.log(`round ${round} replay:       ${fmt(rp.points / rp.seconds)} points/s  ${fmt(rp.points / rp.cpu)} per CPU-s  (${fmt(rp.points)} points in ${rp.seconds.toFixed(2)} s)`);
      bestLive = better(bestLive, live);
      bestReplay = better(bestReplay, rp);
    }
    const lr = bestLive!.points / bestLive!.seconds;
    const rr = bestReplay!.points / bestReplay!.seconds;
    const lc = bestLive!.points / bestLive!.cpu;
    const rc = bestReplay!.points / bestReplay!.cpu;
    console.log(`best: live ${fmt(lr)} points/s, replay ${fmt(rr)} points/s → replay/live = ${(rr / lr * 100).toFixed(0)} % wall, ` +
      `${(rc / lc * 100).toFixed(0)} % per CPU-s (target ≥ 80 %)`);
    if (rr / lr < 0.8) process.exitCode = 1;
    await api(d, 'DELETE', '/recordings/bench');

    if (BIG_POINTS > 0) {
      t = performance.now();
      const big = await importSeed(d, 'big', BIG_POINTS);
      console.log(`recording "big": ${fmt(big.points)} points, ${mb(big.bytes)} of line protocol → ${mb(big.size)} on disk (imported in ${((performance.now() - t) / 1000).toFixed(1)} s)`);
      gc(); gc();
      const base = { rss: process.memoryUsage.rss(), heap: getHeapStatistics().used_heap_size };
      const peak = { ...base };
      const sample = (): void => {
        peak.rss = Math.max(peak.rss, process.memoryUsage.rss());
        peak.heap = Math.max(peak.heap, getHeapStatistics().used_heap_size);
      };
      const timer = setInterval(sample, 20);
      let rp: Rate;
      try {
        rp = await replay(d, 'big', 'big-1', big.points, sample);
      } finally {
        clearInterval(timer);
      }
      console.log(`replay of "big": ${fmt(rp.points / rp.seconds)} points/s (${rp.seconds.toFixed(1)} s); before: RSS ${mb(base.rss)}, heap ${mb(base.heap)}; ` +
        `peak during the replay: RSS ${mb(peak.rss)} (+${mb(peak.rss - base.rss)}), heap ${mb(peak.heap)} (+${mb(peak.heap - base.heap)}); ` +
        `file ${mb(big.size)}, ${mb(big.bytes)} of line protocol`);
      await api(d, 'DELETE', '/recordings/big');
    }
    console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    await d.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
