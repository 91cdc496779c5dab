/**
 * Join/union benchmark (npm run bench:nodes), beside the seed pipeline in the same run:
 *  0. the seed pipeline (bench/pipeline.ts section 1's workload, fewer seconds) for reference
 *  1. `a|join(b).as('a', 'b')` of two streams grouped by host at 10^4 groups: points/s, then memory per group
 *  2. a 5-way `union` of five measurements (10^4 hosts each) into httpOut: points/s, memory per group
 * Runtime only (pre-parsed points through TaskMaster.writePoints), CPU time of this process, best of 3 runs.
 * BENCH_SECONDS (default 20) sets the seconds of data; BENCH_GROUPS (default 10000) the groups.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { TaskMaster } from '../runtime/task-master.ts';
import type { Point } from '../model/point.ts';
import type { Pipeline } from '../tickscript/pipeline.ts';
import { LineParser } from '../test/helpers/runtime/line-protocol.ts';
import { seedPipeline } from '../test/helpers/runtime/seed.ts';
import { evaluateScript } from '../tickscript/index.ts';
import { builtinNodes } from '../nodes/index.ts';

setFlagsFromString('--expose-gc');
if (process.env['BENCH_PRETENURING'] !== '1') setFlagsFromString('--no-allocation-site-pretenuring');
const gc = runInNewContext('gc') as () => void;

const GROUPS = Number(process.env['BENCH_GROUPS'] ?? 10_000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 20);
const BATCH = 5_000;
const T0 = 1_478_629_267;
const DB = { db: 'bench', rp: 'autogen' };
const logger = pino({ level: 'silent' });
/**
 * `seconds` of data: every measurement × host once per second, parsed, in 5000-point writes. Each call parses with
 * its own parser, so its series (tags objects) carry no memo entries of earlier, stopped tasks (model/series.ts):
 * otherwise the memory section would see those stale entries freed as it overwrites them.
 */
function data(measurements: readonly string[], seconds: number, from = 0): Point[][] {
  const parser = new LineParser();
  const writes: Point[][] = [];
  let cur: string[] = [];
  const flush = (): void => { if (cur.length) { writes.push(parser.parse(cur.join('\n'), DB.db, DB.rp, 's')); cur = []; } };
  for (let s = from; s < from + seconds; s++) {
    for (const m of measurements) {
      for (let h = 0; h < GROUPS; h++) {
        cur.push(`${m},host=h${h},replicaset=rs${h % 1000} value=${s * 100 + (h % 7)}i ${T0 + s}`);
        if (cur.length === BATCH) flush();
      }
    }
  }
  flush();
  return writes;
}

function best(runs: number, fn: () => number): { ms: number; n: number } {
  let bestMs = Infinity; let n = 0;
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    n = fn();
    const cu = process.cpuUsage(c);
    bestMs = Math.min(bestMs, (cu.user + cu.system) / 1000);
  }
  return { ms: bestMs, n };
}

const rate = (n: number, ms: number): string => `${((n / ms) * 1000 / 1e6).toFixed(2)} M points/CPU-s (${(ms * 1e6 / n).toFixed(0)} ns/point)`;

function throughput(name: string, pipeline: () => Pipeline, writes: Point[][], stat: [string, string]): void {
  let emitted = 0;
  const r = best(3, () => {
    const tm = new TaskMaster({ nodes: builtinNodes, logger });
    tm.startTask('bench', pipeline(), [DB]);
    let n = 0;
    for (const w of writes) { tm.writePoints(DB.db, DB.rp, w); n += w.length; }
    emitted = tm.getTask('bench')!.stats()['node-stats'][stat[0]]![stat[1]]!;
    tm.stopAll();
    return n;
  });
  console.log(`${name}: ${rate(r.n, r.ms)}; ${stat[0]} ${stat[1]} ${emitted}`);
}

/** Heap kept by a task after `writes` (parsed points stay referenced, so the difference is the task's state). */
function memory(name: string, pipeline: Pipeline, writes: Point[][], cardinalityOf: string): void {
  const tm = new TaskMaster({ nodes: builtinNodes, logger });
  tm.startTask('bench', pipeline, [DB]);
  gc(); gc();
  const before = process.memoryUsage().heapUsed;
  for (const w of writes) tm.writePoints(DB.db, DB.rp, w);
  gc(); gc();
  const after = process.memoryUsage().heapUsed;
  const stats = tm.getTask('bench')!.stats()['node-stats'];
  const card = stats[cardinalityOf]!['working_cardinality']!;
  const per = card > 0 ? ` = ${((after - before) / card).toFixed(0)} bytes/group` : '';
  console.log(`${name}: ${GROUPS} hosts, ${cardinalityOf} working_cardinality ${card}: ${((after - before) / 1e6).toFixed(1)} MB${per} ` +
    `(per host: every series' group-ID memo in from, httpOut's latest point, and the node's own state)`);
  tm.stopAll();
}

const JOIN = `
var a = stream|from().measurement('a').groupBy('host')
var b = stream|from().measurement('b').groupBy('host')
a|join(b).as('a', 'b')|httpOut('out')`;
const UNION = `
var u0 = stream|from().measurement('u0').groupBy('host')
var u1 = stream|from().measurement('u1').groupBy('host')
var u2 = stream|from().measurement('u2').groupBy('host')
var u3 = stream|from().measurement('u3').groupBy('host')
var u4 = stream|from().measurement('u4').groupBy('host')
u0|union(u1, u2, u3, u4)|httpOut('out')`;

console.log(`${GROUPS} groups, ${SECONDS} s of data per run, ${BATCH}-point writes, runtime only, best of 3 runs`);
throughput('0. seed pipeline (reference)', () => seedPipeline(60, 'requests'), data(['requests'], SECONDS), ['derivative2', 'emitted']);
const joinWrites = data(['a', 'b'], SECONDS);
throughput('1. join of 2 streams', () => evaluateScript(JOIN), joinWrites, ['join3', 'emitted']);
memory('1. join memory', evaluateScript(JOIN), data(['a', 'b'], 2, 100), 'join3');
const unionWrites = data(['u0', 'u1', 'u2', 'u3', 'u4'], Math.max(1, Math.floor(SECONDS / 2)));
throughput('2. 5-way union', () => evaluateScript(UNION), unionWrites, ['union6', 'emitted']);
memory('2. union memory', evaluateScript(UNION), data(['u0', 'u1', 'u2', 'u3', 'u4'], 2, 100), 'http_out7');
