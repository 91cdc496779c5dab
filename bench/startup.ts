/**
 * Start-up benchmark (issue 17): `npm run bench:startup [-- --runs N]`.
 *  1. `kapacitor version`: wall time from spawn to exit (target < 100 ms on an idle machine);
 *  2. `kapacitord`: wall time from spawn to the first `GET /kapacitor/v1/ping` answered 204 (target < 1 s idle),
 *     on a fresh data directory, then SIGTERM;
 * each from the compiled dist/ and from the sources through tsx (TICKSTREAM_FROM_SOURCES=1), plus bare
 * `node -e 0` as the floor. Prints the median, min and max of N runs (default 10) and the load average before and
 * after, since on a shared machine the figures scale with it. Every run is checked to have run what it claims
 * (TICKSTREAM_LAUNCH_DEBUG=1 names it on stderr); a stale dist/ stops the benchmark with `npm run build` advice.
 * Wall time on a loaded machine mostly measures the wait for a core, so the CPU time (user + system) each process
 * used is printed too: for `kapacitor version` until it exits (reported by the process itself at exit), for
 * kapacitord until the 204 (read from /proc/<pid>/stat, Linux only, 10 ms ticks).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { freePort } from '../test/helpers/influxd.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 10;
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs wants a positive integer, got ${process.argv[runsArg + 1]}`);

type Mode = 'dist' | 'sources';

function uptime(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `load average: ${loadavg().map((l) => l.toFixed(2)).join(', ')}`;
  }
}

function env(mode: Mode, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, TICKSTREAM_LAUNCH_DEBUG: '1', ...extra };
  delete e['TICKSTREAM_FROM_SOURCES'];
  if (mode === 'sources') e['TICKSTREAM_FROM_SOURCES'] = '1';
  return e;
}

function checkRan(mode: Mode, stderr: string, what: string): void {
  const ranDist = /: running dist\//.test(stderr);
  const ranSources = /: running \S+\.ts through tsx/.test(stderr);
  if (mode === 'dist' && !ranDist) {
    throw new Error(`${what} did not run dist/ (${stderr.split('\n')[0] || 'no launch line'}): run \`npm run build\` first`);
  }
  if (mode === 'sources' && !ranSources) throw new Error(`${what} did not run the sources: ${stderr.split('\n')[0]}`);
}

/** loaded first in the measured process: writes its total CPU time to stderr as it exits */
const CPU_AT_EXIT = 'data:text/javascript,' + encodeURIComponent(
  "import { writeSync } from 'node:fs'; process.on('exit', () => { const u = process.cpuUsage(); " +
  "writeSync(2, `\\ncpu-us ${u.user + u.system}\\n`); });");

/** ms from spawn to exit and the CPU ms the process used; rejects when the process fails */
function timeProcess(args: string[], processEnv: NodeJS.ProcessEnv, what: string): Promise<{ ms: number; cpuMs: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--import', CPU_AT_EXIT, ...args], { cwd: ROOT, env: processEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const cpu = /\ncpu-us (\d+)\n/.exec(stderr);
      if (code !== 0) reject(new Error(`${what} exited with ${code}:\n${stderr}`));
      else if (!cpu) reject(new Error(`${what} did not report its CPU time:\n${stderr}`));
      else resolve({ ms, cpuMs: Number(cpu[1]) / 1000, stderr });
    });
  });
}

/** CPU ms a running process has used so far (Linux /proc), NaN elsewhere */
function procCpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd on: utime is the 14th overall
    return (Number(f[11]) + Number(f[12])) * 10; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

/** ms from spawn to the first 204 from /kapacitor/v1/ping (polled every 5 ms) and CPU ms used until then; then SIGTERM */
async function timeServer(mode: Mode): Promise<{ ms: number; cpuMs: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tickstream-startup-'));
  const port = await freePort();
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [join(ROOT, 'bin/kapacitord.mjs')], {
    cwd: ROOT,
    env: env(mode, {
      KAPACITOR_DATA_DIR: dataDir, KAPACITOR_HTTP_BIND_ADDRESS: `127.0.0.1:${port}`, KAPACITOR_HOSTNAME: 'bench',
      KAPACITOR_LOGGING_LEVEL: 'ERROR',
    }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  let exited: number | null | undefined;
  const gone = new Promise<void>((r) => child.once('exit', (code) => { exited = code; r(); }));
  try {
    for (;;) {
      if (exited !== undefined) throw new Error(`kapacitord exited with ${exited} before answering:\n${stderr}`);
      if (Number(process.hrtime.bigint() - t0) > 60e9) throw new Error(`kapacitord did not answer /kapacitor/v1/ping within 60 s:\n${stderr}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/kapacitor/v1/ping`);
        await res.arrayBuffer();
        if (res.status === 204) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpuMs = procCpuMs(child.pid);
    checkRan(mode, stderr, 'kapacitord');
    return { ms, cpuMs };
  } finally {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(killer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function summary(name: string, ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return `${name.padEnd(38)} median ${median.toFixed(0).padStart(6)} ms   min ${s[0]!.toFixed(0).padStart(6)} ms   max ${s[s.length - 1]!.toFixed(0).padStart(6)} ms`;
}

async function main(): Promise<void> {
  console.log(`startup benchmark, ${RUNS} runs each, node ${process.version}`);
  console.log(`before: ${uptime()}`);
  const results: [string, number[]][] = [];
  const record = (name: string, runs: { ms: number; cpuMs: number }[]): void => {
    results.push([`${name} wall`, runs.map((r) => r.ms)], [`${name} cpu`, runs.map((r) => r.cpuMs)]);
  };
  const floor: { ms: number; cpuMs: number }[] = [];
  for (let i = 0; i < RUNS; i++) floor.push(await timeProcess(['-e', '0'], process.env, 'node -e 0'));
  record('node -e 0 (floor)', floor);
  for (const mode of ['dist', 'sources'] as const) {
    const cli: { ms: number; cpuMs: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await timeProcess([join(ROOT, 'bin/kapacitor.mjs'), 'version'], env(mode), 'kapacitor version');
      checkRan(mode, r.stderr, 'kapacitor version');
      cli.push(r);
    }
    record(`kapacitor version (${mode})`, cli);
  }
  for (const mode of ['dist', 'sources'] as const) {
    const srv: { ms: number; cpuMs: number }[] = [];
    for (let i = 0; i < RUNS; i++) srv.push(await timeServer(mode));
    record(`kapacitord → ping 204 (${mode})`, srv);
  }
  for (const [name, ms] of results) console.log(summary(name, ms));
  console.log(`after:  ${uptime()}`);
  console.log('targets on an idle machine: kapacitor version < 100 ms, kapacitord ping < 1000 ms (dist)');
}

await main();
