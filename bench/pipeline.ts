/**
 * Pipeline benchmark (npm run bench:pipeline): the seed pipeline (from/derivative/groupBy/sum/movingAverage, the
 * k8s node replaced by httpOut) fed with 5000-line writes from 10,000 hosts across 1,000 replicasets.
 *
 *  1. runtime only: TaskMaster.writePoints with pre-parsed points
 *  2. end to end: parse (lineprotocol/parser.ts when present, else the test parser) + route + nodes
 *  3. memory per (host) group at 10^5 groups
 *  4. throughput with 1, 10, 100, 1000 enabled tasks of which only one matches the measurement
 * Bounded: a few seconds per section. Like bin/kapacitord.mjs it turns V8's allocation-site pretenuring off
 * (BENCH_PRETENURING=1 keeps it on, to see the difference).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { TaskMaster } from '../runtime/task-master.ts';
import type { Point } from '../model/point.ts';
import { LineParser } from '../test/helpers/runtime/line-protocol.ts';
import { seedPipeline } from '../test/helpers/runtime/seed.ts';
import { builtinNodes } from '../nodes/index.ts';

setFlagsFromString('--expose-gc');
// as bin/kapacitord.mjs does (docs/hot-path.md): without it V8 may pretenure the points of a write, run to run
if (process.env['BENCH_PRETENURING'] !== '1') setFlagsFromString('--no-allocation-site-pretenuring');
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

type Parse = (body: Buffer) => Point[];

/** The ingest parser (lineprotocol/parser.ts) when present, else the test parser. */
async function loadParser(): Promise<{ name: string; parse: Parse }> {
  try {
    const path = '../lineprotocol/parser.ts';
    const m = (await import(path)) as { LineProtocolParser?: new (o: { maxSeries: number }) => { parse(b: Buffer, o: object): { points: Point[]; errors: string[] } } };
    if (m.LineProtocolParser) {
      const p = new m.LineProtocolParser({ maxSeries: 1_000_000 });
      return {
        name: 'lineprotocol/parser.ts',
        parse: (body) => {
          const r = p.parse(body, { db: 'autoscale', rp: 'autogen', precision: 's' });
          if (r.errors.length) throw new Error(r.errors[0]);
          return r.points;
        },
      };
    }
  } catch { /* not there yet */ }
  const p = new LineParser();
  return { name: 'test/helpers/runtime/line-protocol.ts (test parser)', parse: (body) => p.parse(body.toString(), 'autoscale', 'autogen', 's') };
}

/**
 * Best of `runs` runs of fn, timed in CPU time of this process (user + system): the machine is shared (2 cores,
 * other builds running), and wall-clock time would mostly measure the neighbours. Wall time is reported too.
 */
function best(runs: number, fn: () => number): { ms: number; wallMs: number; n: number } {
  let bestMs = Infinity; let wallMs = Infinity; let n = 0;
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    n = fn();
    const wall = performance.now() - t;
    const cu = process.cpuUsage(c);
    const cpu = (cu.user + cu.system) / 1000;
    if (cpu < bestMs) { bestMs = cpu; wallMs = wall; }
  }
  return { ms: bestMs, wallMs, n };
}

function newMaster(tasks: number): TaskMaster {
  const tm = new TaskMaster({ nodes: builtinNodes, logger });
  for (let i = 1; i < tasks; i++) tm.startTask(`other${i}`, seedPipeline(60, `other${i}`), [{ db: 'autoscale', rp: 'autogen' }]);
  tm.startTask('autoscale', seedPipeline(60), [{ db: 'autoscale', rp: 'autogen' }]);
  return tm;
}

function rate(points: number, ms: number, wallMs?: number): string {
  const r = (x: number): string => ((points / x) * 1000 / 1e6).toFixed(2);
  return `${r(ms)} M points/CPU-s` + (wallMs === undefined ? '' : ` (wall clock ${r(wallMs)} M points/s)`);
}

async function main(): Promise<void> {
  const seconds = Number(process.env['BENCH_SECONDS'] ?? 62);
  const parser = await loadParser();
  console.log(`seed pipeline, ${HOSTS} hosts / ${RS} replicasets, ${BATCH}-line writes, ${seconds} s of data, best of 3 runs`);
  const bodies: Buffer[] = [];
  for (let s = 0; s < seconds; s++) for (const body of secondLines(s, HOSTS)) bodies.push(Buffer.from(body));
  const pre: Point[][] = bodies.map((b) => parser.parse(b));

  // 0. parser alone, for reference
  const p0 = best(3, () => { let n = 0; for (const b of bodies) n += parser.parse(b).length; return n; });
  console.log(`0. parse only (${parser.name}): ${rate(p0.n, p0.ms, p0.wallMs)}`);

  // 1. runtime only (pre-parsed); a fresh task per run so every run does the same work
  let emitted = 0;
  const r1 = best(3, () => {
    const tm = newMaster(1);
    let n = 0;
    for (const pts of pre) { tm.writePoints('autoscale', 'autogen', pts); n += pts.length; }
    emitted = tm.getTask('autoscale')!.stats()['node-stats']['movingAverage5']!['emitted']!;
    tm.stopAll();
    return n;
  });
  console.log(`1. runtime (TaskMaster.writePoints, pre-parsed): ${rate(r1.n, r1.ms, r1.wallMs)} (${(r1.ms * 1e6 / r1.n).toFixed(0)} ns/point; movingAverage5 emitted ${emitted})`);

  // 2. end to end: parse + route + nodes
  const r2 = best(3, () => {
    const tm = newMaster(1);
    let n = 0;
    for (const body of bodies) { const pts = parser.parse(body); tm.writePoints('autoscale', 'autogen', pts); n += pts.length; }
    tm.stopAll();
    return n;
  });
  console.log(`2. end to end (parse + route + nodes): ${rate(r2.n, r2.ms, r2.wallMs)}`);

  // 3. memory per host group at 10^5 groups
  {
    const hosts = 100_000;
    const tm = newMaster(1);
    const batches: Point[][] = [];
    for (let s = 0; s < 2; s++) {
      const lines: string[] = [];
      for (let h = 0; h < hosts; h++) lines.push(`requests,host=h${h},replicaset=rs${h % RS} value=${s * 100}i ${T0 + s}`);
      batches.push(parser.parse(Buffer.from(lines.join('\n'))));
    }
    gc(); gc();
    const before = process.memoryUsage().heapUsed;
    for (const b of batches) tm.writePoints('autoscale', 'autogen', b);
    // the parsed points stay referenced until after the second reading: the difference is what the runtime keeps
    gc(); gc();
    const after = process.memoryUsage().heapUsed;
    const card = tm.getTask('autoscale')!.stats()['node-stats']['derivative2']!['working_cardinality']!;
    console.log(`3. memory: ${card} host groups: ${((after - before) / 1e6).toFixed(1)} MB = ${((after - before) / card).toFixed(0)} bytes/group` +
      ' (runtime state: derivative state, group IDs and state entries on the series memos, latest point per group; the parser\'s series cache is not counted)');
    batches.length = 0;
    tm.stopAll();
  }

  // 4. many tasks, one matching
  for (const tasks of [1, 10, 100, 1000]) {
    const tm = newMaster(tasks);
    const slice = pre.slice(0, 40);
    const r = best(3, () => { let n = 0; for (const pts of slice) { tm.writePoints('autoscale', 'autogen', pts); n += pts.length; } return n; });
    console.log(`4. ${String(tasks).padStart(4)} enabled tasks, 1 matching: ${rate(r.n, r.ms, r.wallMs)}`);
    tm.stopAll();
  }
}

await main();
