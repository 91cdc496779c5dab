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
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
// Files run in parallel: every server a test starts listens on a port chosen at runtime and every file has its own
// temp dirs, so files never collide. The fast files mostly wait on sockets and in-process servers, so twice as many
// as cores run at once; an end-to-end file starts several node processes of its own, so those run one per core.
// TEST_CONCURRENCY overrides.
const cores = Math.max(2, availableParallelism());
const concurrency = process.env.TEST_CONCURRENCY ?? String(files.some((f) => f.endsWith(E2E)) ? cores : cores * 2);
const r = spawnSync(process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, TICKSTREAM_TEST: '1' } });
process.exit(r.status ?? 1);
