/**
 * A/B comparison of the seed pipeline between two checkouts (npm run bench:compare -- <dirA> <dirB>): is B faster
 * or slower than A, on a shared machine where consecutive runs of bench:pipeline differ by 30 % and more?
 *
 * Both checkouts' compiled dist/ (built by `npm ci`) are loaded into ONE process and timed in alternating runs, so
 * both sides see the same machine load; each run is the runtime (pre-parsed points) or end to end (parse + route +
 * nodes) part of bench:pipeline, and both sides must give identical movingAverage stats. Loading order itself
 * biases the result (measured: the side loaded second ran 5–20 % faster or slower, whichever code it was), so each mode runs
 * in two child processes, A loaded first and B loaded first, and the reported B/A is the geometric mean of the two
 * orders' paired medians, which cancels the bias. Identical code gave 0.986 and 1.034: treat ±4 % as noise.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import pino from 'pino';
import { numberOption } from './support/args.ts';

type TaskMasterModule = typeof import('../runtime/task-master.ts');
type NodesModule = typeof import('../nodes/index.ts');
type ParserModule = typeof import('../lineprotocol/parser.ts');
type TickscriptModule = typeof import('../tickscript/index.ts');

/** The seed pipeline (autoscale.tick with httpOut in place of k8sAutoscale), as in bench/pipeline.ts. */
const SCRIPT = `stream
  |from().measurement('requests').groupBy('host', 'replicaset').truncate(1s)
  |derivative('value').as('requests_per_second').unit(1s).nonNegative()
  |groupBy('replicaset')
  |sum('requests_per_second').as('total_requests_per_second')
  |movingAverage('total_requests_per_second', 60).as('avg_requests_per_second')
  |httpOut('out')
`;
const HOSTS = 10_000;
const RS = 1_000;
const BATCH = 5_000;
const T0 = 1_478_629_267;
const WRITE = { db: 'autoscale', rp: 'autogen', precision: 's' } as const;

interface Run { nsPerPoint: number; stats: string }

/** One checkout: its data (parsed with its own parser) and a function that times one run. */
async function loadSide(dir: string, seconds: number, e2e: boolean): Promise<() => Run> {
  const mod = async <T>(path: string): Promise<T> => {
    try {
      return (await import(pathToFileURL(join(dir, 'dist', path)).href)) as T;
    } catch (err) {
      throw new Error(`${dir}: cannot load dist/${path} (run npm ci or npm run build there): ${(err as Error).message}`);
    }
  };
  const { TaskMaster } = await mod<TaskMasterModule>('runtime/task-master.js');
  const { builtinNodes } = await mod<NodesModule>('nodes/index.js');
  const { LineProtocolParser } = await mod<ParserModule>('lineprotocol/parser.js');
  const { evaluateScript } = await mod<TickscriptModule>('tickscript/index.js');
  const logger = pino({ level: 'silent' });
  const parser = new LineProtocolParser({ maxSeries: 1_000_000 });
  const bodies: Buffer[] = [];
  const parsed: ReturnType<typeof parser.parse>['points'][] = [];
  for (let s = 0; s < seconds; s++) {
    let lines: string[] = [];
    for (let h = 0; h < HOSTS; h++) {
      lines.push(`requests,host=h${h},replicaset=rs${h % RS} value=${s * (100 + (h % 7))}i ${T0 + s}`);
      if (lines.length === BATCH) {
        const body = Buffer.from(lines.join('\n'));
        bodies.push(body);
        parsed.push(parser.parse(body, WRITE).points);
        lines = [];
      }
    }
  }
  const pipeline = evaluateScript(SCRIPT);
  return () => {
    const tm = new TaskMaster({ nodes: builtinNodes, logger });
    tm.startTask('autoscale', pipeline, [{ db: 'autoscale', rp: 'autogen' }]);
    const c = process.cpuUsage();
    let n = 0;
    if (e2e) {
      for (const body of bodies) { const pts = parser.parse(body, WRITE).points; tm.writePoints('autoscale', 'autogen', pts); n += pts.length; }
    } else {
      for (const pts of parsed) { tm.writePoints('autoscale', 'autogen', pts); n += pts.length; }
    }
    const cu = process.cpuUsage(c);
    const { avg_exec_time_ns: _timing, ...stats } = tm.getTask('autoscale')!.stats()['node-stats']['movingAverage5']!;
    tm.stopAll();
    return { nsPerPoint: ((cu.user + cu.system) * 1000) / n, stats: JSON.stringify(stats) };
  };
}

function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** Child: load `first` then `second`, alternate runs, print the paired median of second/first as JSON. */
async function child(first: string, second: string, e2e: boolean, seconds: number, rounds: number): Promise<void> {
  setFlagsFromString('--no-allocation-site-pretenuring'); // as bin/kapacitord.mjs and bench/pipeline.ts
  const a = await loadSide(first, seconds, e2e);
  const b = await loadSide(second, seconds, e2e);
  const ratios: number[] = [];
  const fa: number[] = [];
  const fb: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // alternate which side runs first within a round
    let x: Run;
    let y: Run;
    if (i % 2 === 0) { x = a(); y = b(); } else { y = b(); x = a(); }
    if (x.stats !== y.stats) throw new Error(`the checkouts' outputs differ: ${x.stats} vs ${y.stats}`);
    if (i < 2) continue; // warm-up
    ratios.push(y.nsPerPoint / x.nsPerPoint);
    fa.push(x.nsPerPoint);
    fb.push(y.nsPerPoint);
  }
  console.log(JSON.stringify({ ratio: median(ratios), first: median(fa), second: median(fb), load: loadavg()[0] }));
}

interface ChildResult { ratio: number; first: number; second: number; load: number }

function runChild(first: string, second: string, e2e: boolean, seconds: number, rounds: number): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--child', first, second, e2e ? 'e2e' : 'runtime',
    '--seconds', String(seconds), '--rounds', String(rounds)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`comparison child exited with ${r.status}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as ChildResult;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const seconds = numberOption('seconds', 30, argv);
  const rounds = numberOption('rounds', 14, argv);
  if (argv[0] === '--child') {
    await child(argv[1]!, argv[2]!, argv[3] === 'e2e', seconds, rounds);
    return;
  }
  const dirs = argv.filter((x, i) => !x.startsWith('--') && (i === 0 || !argv[i - 1]!.startsWith('--')));
  if (dirs.length !== 2) throw new Error('usage: npm run bench:compare -- <checkout A> <checkout B> [--seconds 30] [--rounds 14]');
  const [a, b] = dirs.map((d) => resolve(d)) as [string, string];
  console.log(`seed pipeline, A = ${a}, B = ${b}; ${seconds} s of data (${seconds * HOSTS} points) per run, ${rounds} rounds, ${cpus().length} CPUs`);
  for (const e2e of [false, true]) {
    const ab = runChild(a, b, e2e, seconds, rounds); // ratio = B/A, B loaded second
    const ba = runChild(b, a, e2e, seconds, rounds); // ratio = A/B, A loaded second
    const ratio = Math.sqrt(ab.ratio / ba.ratio);
    console.log(`${e2e ? 'end to end (parse + route + nodes)' : 'runtime (pre-parsed)              '}: B/A = ${ratio.toFixed(3)}` +
      ` (A first: A ${ab.first.toFixed(0)}, B ${ab.second.toFixed(0)} ns/point, load ${ab.load.toFixed(1)};` +
      ` B first: B ${ba.first.toFixed(0)}, A ${ba.second.toFixed(0)} ns/point, load ${ba.load.toFixed(1)})`);
  }
}

await main();
