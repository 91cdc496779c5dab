/**
 * `npm run bench:cluster` (issue 18): on this machine, a real nats-server -js and 1, 2, 3 clustered kapacitord
 * processes.
 *  (a) ingest: 5000-line writes (10,000 hosts over 1,000 replicasets, one task per instance consuming its
 *      partitions), `--conns` concurrent connections spread over the instances for `--seconds`; acknowledged
 *      points/s (each write answered after JetStream stored it) and end-to-end points/s (until the owners have
 *      consumed every point), after a 2 s warm-up; and the CPU time (/proc) the instances and nats-server spent
 *      per point meanwhile — the figure that matters on a machine busy with other work.
 *  (b) failover: 3 instances scaling 32 replicasets through the Kubernetes API test server, steady writes;
 *      kill -9 the instance owning the most partitions; time from the kill to the first decision a survivor
 *      makes on a point written after the kill for a resource the killed instance owned (lease expiry + replay).
 * Options: --seconds N (default 8), --conns N (default 6), --lease-ttl-ms N (default 2000), --partitions N (64),
 * --instances N (only the run with N instances; default 1, 2 and 3), --failover 0 (skip (b)).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kapacitor, type ServerProcess } from '../test/cli/processes.ts';
import { startNatsServer, type NatsServer } from '../test/cluster/nats-server.ts';
import { settled, startInstance, status, until } from '../test/cluster/cluster-helpers.ts';
import { startKubeApi } from '../fixtures/kube-api/server.ts';
import { numberOption } from './support/args.ts';

const SECONDS = numberOption('seconds', 8);
const CONNS = numberOption('conns', 6);
const TTL_MS = numberOption('lease-ttl-ms', 2000);
const PARTITIONS = numberOption('partitions', 64);
const INSTANCES = numberOption('instances', 0);
const FAILOVER = numberOption('failover', 1);
const dirs: string[] = [];
const tmp = (p: string): string => { const d = mkdtempSync(join(tmpdir(), p)); dirs.push(d); return d; };

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { KAPACITOR_CLUSTER_PARTITIONS: String(PARTITIONS), KAPACITOR_CLUSTER_LEASE_TTL: `${TTL_MS}ms`, ...extra };
}

async function startCluster(nats: NatsServer, n: number, extra: Record<string, string> = {}): Promise<ServerProcess[]> {
  const procs: ServerProcess[] = [];
  try {
    for (let i = 0; i < n; i++) procs.push(await startInstance(tmp('tickstream-bench-'), nats.url, `i${i}`, env(extra)));
  } catch (err) {
    for (const p of procs) await p.stop();
    throw err;
  }
  await until('partitions settled', () => settled(procs.map((p) => p.url), PARTITIONS), 60_000);
  return procs;
}

async function define(url: string, script: string, dbrp: string): Promise<void> {
  const tick = join(tmp('tickstream-bench-tick-'), 'task.tick');
  writeFileSync(tick, script);
  const d = await kapacitor(url, 'define', 'bench', '-tick', tick, '-dbrp', dbrp);
  if (d.code !== 0) throw new Error(d.stderr);
  const e = await kapacitor(url, 'enable', 'bench');
  if (e.code !== 0) throw new Error(e.stderr);
}

/** CPU time (user + system) of a process in ms, from /proc; undefined where there is none. */
function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // clock ticks of 10 ms
  } catch {
    return undefined;
  }
}

async function consumed(procs: readonly ServerProcess[]): Promise<number> {
  let n = 0;
  for (const p of procs) for (const d of (await status(p.url)).partitionsDetail as unknown as { points: number }[]) n += d.points;
  return n;
}

function body(second: number, offset: number): string {
  let s = '';
  for (let i = 0; i < 5000; i++) {
    const h = (offset + i) % 10_000;
    s += `requests,host=app-${h},replicaset=rs-${h % 1000} value=${second * 7 + h}i ${second}\n`;
  }
  return s;
}

async function ingest(n: number): Promise<void> {
  const nats = await startNatsServer();
  const procs: ServerProcess[] = [];
  try {
    procs.push(...await startCluster(nats, n));
    await define(procs[0]!.url, `stream|from().measurement('requests').groupBy('replicaset')|movingAverage('value', 10)|httpOut('out')\n`, 'bench.autogen');
    await until('task everywhere', async () => {
      for (const p of procs) if (!/ enabled +true /.test((await kapacitor(p.url, 'list', 'tasks')).stdout)) return false;
      return true;
    });
    // warm-up (not measured): the first writes load modules and compile the pipelines
    let second = 1_600_000_000;
    const warmEnd = performance.now() + 2000;
    let warm = 0;
    await Promise.all(Array.from({ length: CONNS }, async (_, c) => {
      while (performance.now() < warmEnd) {
        const r = await fetch(`${procs[c % procs.length]!.url}/write?db=bench&rp=autogen&precision=s`, { method: 'POST', body: body(second++, c * 5000) });
        await r.arrayBuffer();
        warm += 5000;
      }
    }));
    await until('warm-up consumed', async () => (await consumed(procs)) >= warm, 300_000);
    const pids = [...procs.map((p) => p.proc.pid), nats.proc.pid];
    const cpu0 = pids.map(cpuMs);
    let points = 0;
    let writes = 0;
    const lat: number[] = [];
    const start = performance.now();
    const end = start + SECONDS * 1000;
    second = 1_700_000_000;
    await Promise.all(Array.from({ length: CONNS }, async (_, c) => {
      let k = 0;
      while (performance.now() < end) {
        const url = procs[(c + k++) % procs.length]!.url;
        const b = body(second++, c * 5000);
        const t0 = performance.now();
        const r = await fetch(`${url}/write?db=bench&rp=autogen&precision=s`, { method: 'POST', body: b });
        await r.arrayBuffer();
        if (r.status !== 204) throw new Error(`write answered ${r.status}`);
        lat.push(performance.now() - t0);
        points += 5000;
        writes++;
      }
    }));
    const ackSecs = (performance.now() - start) / 1000;
    await until('every point consumed', async () => (await consumed(procs)) >= warm + points, 300_000);
    const e2eSecs = (performance.now() - start) / 1000;
    const cpu1 = pids.map(cpuMs);
    const cpuPerPoint = (from: number, to: number): number | undefined => {
      let ms = 0;
      for (let i = from; i < to; i++) {
        if (cpu0[i] === undefined || cpu1[i] === undefined) return undefined;
        ms += cpu1[i]! - cpu0[i]!;
      }
      return (ms * 1000) / points;
    };
    const inst = cpuPerPoint(0, procs.length);
    const srv = cpuPerPoint(procs.length, pids.length);
    lat.sort((a, b) => a - b);
    const pct = (q: number): string => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))]!.toFixed(1);
    console.log(`(a) ${n} instance${n > 1 ? 's' : ' '}: ${(points / ackSecs / 1e6).toFixed(3)} M points/s acknowledged, ` +
      `${(points / e2eSecs / 1e6).toFixed(3)} M points/s consumed end to end; ${writes} writes, p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms` +
      (inst !== undefined && srv !== undefined ? `; CPU per point: instances ${inst.toFixed(2)} µs, nats-server ${srv.toFixed(2)} µs` : ''));
  } finally {
    for (const p of procs) await p.stop('SIGTERM');
    await nats.stop();
  }
}

async function failover(): Promise<void> {
  const nats = await startNatsServer();
  const kube = await startKubeApi();
  const names = Array.from({ length: 32 }, (_, i) => `rs${i}`);
  for (const name of names) kube.state.seed({ kind: 'replicasets', name, replicas: 1 });
  const procs: ServerProcess[] = [];
  try {
    procs.push(...await startCluster(nats, 3, { KAPACITOR_KUBERNETES_ENABLED: 'true', KAPACITOR_KUBERNETES_API_SERVERS: kube.url }));
    await define(procs[0]!.url, `stream|from().measurement('load').groupBy('replicaset')|k8sAutoscale().kind('replicasets').resourceNameTag('replicaset').replicas(lambda: "want")\n`, 'k8s.autogen');
    await until('task everywhere', async () => {
      for (const p of procs) if (!/ enabled +true /.test((await kapacitor(p.url, 'list', 'tasks')).stdout)) return false;
      return true;
    });
    let t = 1_700_000_000;
    let stop = false;
    const survivors = new Set(procs.map((p) => p.url));
    const writer = (async () => {
      let k = 0;
      while (!stop) {
        let b = '';
        for (const [i, name] of names.entries()) b += `load,replicaset=${name} want=${1 + ((t + i) % 5)}i ${t}\n`;
        t++;
        for (;;) {
          const live = [...survivors];
          const u = live[k++ % live.length]!;
          try {
            const r = await fetch(`${u}/write?db=k8s&rp=autogen&precision=s`, { method: 'POST', body: b });
            await r.arrayBuffer();
            if (r.status === 204) break;
          } catch { /* retried on the next instance */ }
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await new Promise((r) => setTimeout(r, 2000));
    const owned = await Promise.all(procs.map(async (p) => (await status(p.url)).owned));
    const vi = owned.map((o) => o.length).indexOf(Math.max(...owned.map((o) => o.length)));
    const victim = procs[vi]!;
    // a resource the victim decides: the one whose newest decision comes from it
    let resource = '';
    for (const name of names) {
      const r = await fetch(`${victim.url}/kapacitor/v1/tasks/bench/autoscale/decisions?limit=1&resource=${name}`);
      if (((await r.json()) as { decisions: unknown[] }).decisions.length > 0) { resource = name; break; }
    }
    survivors.delete(victim.url);
    const killedAt = Date.now();
    const killT = t; // data time written after the kill
    await victim.stop('SIGKILL');
    let firstDecision = 0;
    await until('a survivor decides for the victim\'s resource', async () => {
      for (const u of survivors) {
        const r = await fetch(`${u}/kapacitor/v1/tasks/bench/autoscale/decisions?limit=1&resource=${resource}`);
        const d = ((await r.json()) as { decisions: { time: string }[] }).decisions;
        if (d.length > 0 && Date.parse(d[0]!.time) / 1000 >= killT) { firstDecision = Date.now(); return true; }
      }
      return false;
    }, 120_000);
    const moved = (await Promise.all([...survivors].map(async (u) => (await status(u)).partitionsDetail)))
      .flat().filter((d) => owned[vi]!.includes(d.partition));
    const acquired = Math.max(...moved.map((d) => d.acquiredAt));
    const replayed = Math.max(...moved.map((d) => d.replayedAt ?? 0));
    stop = true;
    await writer;
    console.log(`(b) failover, lease-ttl ${TTL_MS} ms, ${owned[vi]!.length} partitions moved: kill → first decision by the new owner ` +
      `${firstDecision - killedAt} ms (kill → last partition acquired ${acquired - killedAt} ms, its replay done ${replayed - killedAt} ms)`);
  } finally {
    for (const p of procs) await p.stop('SIGTERM');
    await kube.close();
    await nats.stop();
  }
}

try {
  console.log(`cluster benchmark: ${PARTITIONS} partitions, ${CONNS} connections, ${SECONDS} s per run, Node ${process.version}`);
  for (const n of INSTANCES > 0 ? [INSTANCES] : [1, 2, 3]) await ingest(n);
  if (FAILOVER !== 0) await failover();
} finally {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
