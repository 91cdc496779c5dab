#!/usr/bin/env node
// Runs the test files under test/ through node:test with tsx.
// Two sets, told apart by file name: `*.e2e.test.ts` are the end-to-end files (they start kapacitord, the demo,
// a cluster of processes, … and take tens of seconds each); every other `*.test.ts` is the fast set.
//   npm test                 the fast set            (node scripts/run-tests.mjs)
//   npm run test:e2e         the end-to-end set      (node scripts/run-tests.mjs --e2e)
//   npm run test:all         both, in one run        (node scripts/run-tests.mjs --all)
// Extra arguments are file or substring filters: `npm test -- test/nodes/window` runs the matching files of both sets
// (naming a file runs it, whichever set it is in); with --e2e only end-to-end files match.
// The files are listed explicitly: on Node 20 `node --test test/` silently finds zero .ts files.
// The test processes run on this script's node (process.execPath): `<other node> scripts/run-tests.mjs` tests that node.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const E2E = '.e2e.test.ts';
function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}
const args = process.argv.slice(2);
const set = args.includes('--all') ? 'all' : args.includes('--e2e') ? 'e2e' : 'fast';
const filters = args.filter((a) => a !== '--all' && a !== '--e2e');
const all = walk(join(root, 'test'));
const e2e = all.filter((f) => f.endsWith(E2E));
const fast = all.filter((f) => !f.endsWith(E2E));
// the long end-to-end files start first so they overlap with the many short ones instead of trailing them
let files = set === 'e2e' ? e2e : set === 'all' || filters.length > 0 ? [...e2e, ...fast] : fast;
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error(`no ${set === 'e2e' ? 'end-to-end ' : ''}test files matched ${filters.join(' ')}`);
  process.exit(1);
}
// Files run in parallel in a few long-lived worker processes (scripts/test-worker.mjs), each taking the next file from
// a shared queue and running it as one suite: starting node + tsx + the product modules costs about a second of CPU
// per process, which one process per file paid 160 times. Every server a test starts listens on a port chosen at
// runtime and every file has its own temp dirs, so files never collide; files that change process-wide state (TZ)
// restore it in their own after hooks. The queue is ordered longest first, from the durations of the previous run
// (node_modules/.cache/tickstream-tests/times.tsv), so no long file starts last. The fast files mostly wait on
// sockets and in-process servers, so twice as many workers as cores run; an end-to-end file starts several node
// processes of its own, so at most one per core of those runs at a time.
//   TEST_CONCURRENCY=N   N workers          TEST_ISOLATION=process   one process per file (node --test's own way)
const cores = Math.max(2, availableParallelism());
const workers = Number(process.env.TEST_CONCURRENCY ?? cores * 2);
if (!Number.isInteger(workers) || workers < 1) {
  console.error(`TEST_CONCURRENCY wants a positive integer, got ${process.env.TEST_CONCURRENCY}`);
  process.exit(1);
}
const env = { ...process.env, TICKSTREAM_TEST: '1' };
const nodeTest = (entries, concurrency) => spawnSync(process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...entries],
  { cwd: root, stdio: 'inherit', env });

if (process.env.TEST_ISOLATION === 'process') {
  const r = nodeTest(files, files.some((f) => f.endsWith(E2E)) ? cores : workers);
  process.exit(r.status ?? 1);
}

const cacheDir = join(root, 'node_modules', '.cache', 'tickstream-tests');
const cacheFile = join(cacheDir, 'times.tsv');
/** [wall ms, CPU ms] per file from earlier runs (the newest figures win); lines are `wall<TAB>cpu<TAB>file` */
function readTimes(path) {
  const times = new Map();
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  for (const line of text.split('\n')) {
    const [wall, cpu, file] = line.split('\t');
    if (file !== undefined) times.set(file, [Number(wall), Number(cpu)]);
  }
  return times;
}
const before = readTimes(cacheFile);
// never measured: most files take a second or two; the end-to-end ones tens of seconds
const guess = (f) => before.get(f)?.[0] ?? (f.endsWith(E2E) ? 30_000 : 2_000);
const ordered = [...files].sort((a, b) => guess(b) - guess(a) || (a < b ? -1 : 1));
const queue = mkdtempSync(join(tmpdir(), 'tickstream-tests-'));
try {
  writeFileSync(join(queue, 'plan.json'), JSON.stringify({
    root, e2eSlots: cores, files: ordered.map((file) => ({ file, e2e: file.endsWith(E2E) })),
  }));
  const n = Math.min(workers, files.length);
  const entries = [];
  for (let i = 0; i < n; i++) {
    // node --test runs each entry file in its own process; every entry is the same worker
    const entry = join(queue, `worker-${i}.mjs`);
    writeFileSync(entry, `import ${JSON.stringify(pathToFileURL(join(root, 'scripts', 'test-worker.mjs')).href)};\n`);
    entries.push(entry);
  }
  env.TICKSTREAM_TEST_QUEUE = queue;
  const r = nodeTest(entries, n);
  for (const name of readdirSync(queue).filter((f) => f.startsWith('running-'))) {
    console.error(`a test worker died while running ${readFileSync(join(queue, name), 'utf8')} (its remaining files ran in the other workers)`);
    process.exitCode = 1;
  }
  const measured = readTimes(join(queue, 'times.tsv'));
  if (measured.size > 0) {
    for (const [f, figures] of measured) before.set(f, figures);
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(cacheFile, [...before].map(([f, [wall, cpu]]) => `${wall}\t${cpu}\t${f}\n`).join(''));
  }
  if (r.status !== 0) process.exitCode = r.status ?? 1;
} finally {
  rmSync(queue, { recursive: true, force: true });
}
