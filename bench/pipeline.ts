/**
 * Pipeline benchmark (npm run bench:pipeline): the seed pipeline (from/derivative/groupBy/sum/movingAverage, the
 * k8s node replaced by httpOut) fed with 5000-line writes from 10,000 hosts across 1,000 replicasets.
 *
 *  1. runtime only: TaskMaster.writePoints with pre-parsed points
 *  2. end to end: parse (server/ingest/line-protocol.ts when present, else the test parser) + route + nodes
 *  3. memory per (host) group at 10^5 groups
 *  4. throughput with 1, 10, 100, 1000 enabled tasks of which only one matches the measurement
 * Bounded: a few seconds per section.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { TaskMaster } from '../runtime/task-master.ts';
import type { Point } from '../runtime/point.ts';
import { LineParser } from '../runtime/testing/line-protocol.ts';
import { seedPipeline } from '../runtime/testing/seed.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const HOSTS = 10_000;
const RS = 1_000;
const BATCH = 5_000;
const T0 = 1_478_629_267; // s
const logger = pino({ level: 'silent' });

/** One second of data: every host's cumulative counter, as line protocol, split in 5000-line writes. */
function secondLines(sec: number, hosts: number): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  for (let h = 0; h < hosts; h++) {
    cur.push(`requests,host=h${h},replicaset=rs${h % RS} value=${sec * (100 + (h % 7))}i ${T0 + sec}`);
    if (cur.length === BATCH) { out.push(cur.join('\n')); cur = []; }
  }
  if (cur.length) out.push(cur.join('\n'));
  return out;
}

type Parse = (body: string) => Point[];

async function loadParser(): Promise<{ name: string; parse: Parse }> {
  try {
    const path = '../server/ingest/line-protocol.ts';
    const m = (await import(path)) as Record<string, unknown>;
    const fn = (m['parseLineProtocol'] ?? m['parseLines'] ?? m['parse']) as ((...a: unknown[]) => unknown) | undefined;
    if (typeof fn === 'function') {
      return {
        name: 'server/ingest/line-protocol.ts',
        parse: (body) => {
          const r = fn(Buffer.from(body), { db: 'autoscale', rp: 'autogen', precision: 's' }) as { points?: Point[] } | Point[];
          return Array.isArray(r) ? r : r.points ?? [];
        },
      };
    }
  } catch { /* not there yet */ }
  const p = new LineParser();
  return { name: 'runtime/testing/line-protocol.ts (test parser)', parse: (body) => p.parse(body, 'autoscale', 'autogen', 's') };
}

function newMaster(tasks: number): TaskMaster {
  const tm = new TaskMaster({ logger });
  for (let i = 1; i < tasks; i++) tm.startTask(`other${i}`, seedPipeline(60, `other${i}`), [{ db: 'autoscale', rp: 'autogen' }]);
  tm.startTask('autoscale', seedPipeline(60), [{ db: 'autoscale', rp: 'autogen' }]);
  return tm;
}

function rate(points: number, ms: number): string {
  return `${((points / ms) * 1000 / 1e6).toFixed(2)} M points/s`;
}

async function main(): Promise<void> {
  const seconds = Number(process.env['BENCH_SECONDS'] ?? 30);
  const parser = await loadParser();
  console.log(`seed pipeline, ${HOSTS} hosts / ${RS} replicasets, ${BATCH}-line writes, ${seconds} s of data`);

  // 1. runtime only (pre-parsed)
  const pre: Point[][] = [];
  const lp = new LineParser();
  for (let s = 0; s < seconds; s++) for (const body of secondLines(s, HOSTS)) pre.push(lp.parse(body, 'autoscale', 'autogen', 's'));
  {
    const tm = newMaster(1);
    const t = performance.now();
    let n = 0;
    for (const pts of pre) { tm.writePoints('autoscale', 'autogen', pts); n += pts.length; }
    const ms = performance.now() - t;
    const st = tm.getTask('autoscale')!.stats()['node-stats'];
    console.log(`1. runtime (writePoints, pre-parsed): ${n} points in ${ms.toFixed(0)} ms = ${rate(n, ms)}` +
      `  [movingAverage5 emitted ${st['movingAverage5']!['emitted']}, derivative2 errors ${st['derivative2']!['errors']}]`);
    tm.stopAll();
  }

  // 2. end to end: parse + route + nodes
  {
    const bodies: string[] = [];
    for (let s = 0; s < seconds; s++) bodies.push(...secondLines(s, HOSTS));
    const tm = newMaster(1);
    const t = performance.now();
    let n = 0;
    for (const body of bodies) { const pts = parser.parse(body); tm.writePoints('autoscale', 'autogen', pts); n += pts.length; }
    const ms = performance.now() - t;
    console.log(`2. end to end (parse + route + nodes, parser: ${parser.name}): ${n} points in ${ms.toFixed(0)} ms = ${rate(n, ms)}`);
    tm.stopAll();
  }

  // 3. memory per host group at 10^5 groups
  {
    const hosts = 100_000;
    const tm = newMaster(1);
    const p = new LineParser();
    const batches: Point[][] = [];
    for (let s = 0; s < 2; s++) {
      const lines: string[] = [];
      for (let h = 0; h < hosts; h++) lines.push(`requests,host=h${h},replicaset=rs${h % RS} value=${s * 100}i ${T0 + s}`);
      batches.push(p.parse(lines.join('\n'), 'autoscale', 'autogen', 's'));
    }
    gc(); gc();
    const before = process.memoryUsage().heapUsed;
    for (const b of batches) tm.writePoints('autoscale', 'autogen', b);
    batches.length = 0;
    gc(); gc();
    const after = process.memoryUsage().heapUsed;
    const card = tm.getTask('autoscale')!.stats()['node-stats']['derivative2']!['working_cardinality']!;
    console.log(`3. memory: ${card} host groups hold ${((after - before) / 1e6).toFixed(1)} MB = ${((after - before) / card).toFixed(0)} bytes/group` +
      ' (derivative state + group-id caches; parser series cache excluded: measured before the writes)');
    tm.stopAll();
  }

  // 4. many tasks, one matching
  for (const tasks of [1, 10, 100, 1000]) {
    const tm = newMaster(tasks);
    const slice = pre.slice(0, Math.min(pre.length, 20));
    const t = performance.now();
    let n = 0;
    for (const pts of slice) { tm.writePoints('autoscale', 'autogen', pts); n += pts.length; }
    const ms = performance.now() - t;
    console.log(`4. ${String(tasks).padStart(4)} enabled tasks, 1 matching: ${rate(n, ms)}`);
    tm.stopAll();
  }
}

await main();
