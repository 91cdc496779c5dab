#!/usr/bin/env node
// Compiles the product code (server, CLI, tickfmt and everything they import) to dist/ with tsc
// (tsconfig.build.json), so bin/*.mjs start plain JavaScript instead of compiling TypeScript through tsx at
// every start. Runs as `prepare` on `npm ci` / `npm install`, and as `npm run build`.
//
// Steps:
//   1. note the size and mtime of every source file BEFORE compiling, so a source saved while tsc runs makes the
//      result stale rather than current;
//   2. tsc -p tsconfig.build.json into a scratch directory under .tmp/ (--listFiles: which files it read);
//   3. copy the hand-declared JavaScript modules the program imports (a project `x.d.ts` next to `x.js`: the
//      peggy-generated TICKscript parser) and link package.json and .git into the output, because
//      server/version.ts and cli/version.ts read `../package.json` and `../.git/…` relative to their own module;
//   4. check every relative import in the output resolves to a file in it;
//   5. write dist/build-info.json (what bin/launch.mjs compares against) and swap the scratch directory in as
//      dist/ (a process starting meanwhile sees the old dist/ or the new one, never a half-written one).
// Exits non-zero naming the problem when any step fails; dist/ is then left as it was.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const config = join(root, 'tsconfig.build.json');
const quiet = process.argv.includes('--quiet');

function fail(message) {
  process.stderr.write(`build: ${message}\n`);
  process.exit(1);
}

let tsc;
try {
  tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  // `npm ci --omit=dev` (or a production image) has no compiler: the executables then run the sources through
  // tsx, a runtime dependency. Not an error, but say so.
  process.stderr.write('build: typescript is not installed (dev dependencies omitted?); skipping the build: ' +
    'bin/*.mjs will run the TypeScript sources through tsx\n');
  process.exit(0);
}

const started = Date.now();

// 1. stamp every file the build could read BEFORE compiling (the compile itself says which ones it read)
const skip = new Set(['node_modules', 'dist', '.git', '.tmp', 'coverage', 'data']);
const before = new Map();
(function stampAll(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) stampAll(p);
    else if (/\.(?:ts|js|json)$/.test(entry.name)) {
      const st = statSync(p);
      before.set(p, [st.mtimeMs, st.size]);
    }
  }
})(root);

// 2. compile into a scratch directory
const scratch = join(root, '.tmp', `dist-build-${process.pid}`);
rmSync(scratch, { recursive: true, force: true });
mkdirSync(dirname(scratch), { recursive: true });
const compiled = spawnSync(process.execPath, [tsc, '-p', config, '--outDir', scratch, '--listFiles'], { cwd: root, encoding: 'utf8' });
if (compiled.status !== 0) {
  rmSync(scratch, { recursive: true, force: true });
  fail(`tsc -p tsconfig.build.json failed (dist/ left as it was):\n${compiled.stdout}${compiled.stderr}`);
}
const inputs = compiled.stdout.split('\n').map((l) => l.trim()).filter(Boolean)
  .map((f) => resolve(root, f))
  .filter((f) => !f.split(sep).includes('node_modules'));
/** project `x.d.ts` files whose `x.js` is imported at run time and must be copied next to the compiled code */
const jsModules = inputs.filter((f) => f.endsWith('.d.ts')).map((f) => f.slice(0, -'.d.ts'.length) + '.js');
const stamps = {};
for (const f of [...inputs.filter((f) => !f.endsWith('.d.ts')), ...jsModules, join(root, 'package.json'), join(root, 'tsconfig.json'), config]) {
  const stamp = before.get(f);
  if (!stamp) {
    rmSync(scratch, { recursive: true, force: true });
    fail(existsSync(f) ? `${relative(root, f)} appeared while compiling; run the build again`
      : `${relative(root, f)} is missing (it is imported); for the TICKscript parser run \`npm run build:grammar\``);
  }
  stamps[relative(root, f).split(sep).join('/')] = stamp;
}

// 3. hand-written/generated JavaScript modules, and the files the version modules read relative to themselves
for (const js of jsModules) {
  const out = join(scratch, relative(root, js));
  mkdirSync(dirname(out), { recursive: true });
  copyFileSync(js, out);
}
for (const name of ['package.json', '.git']) {
  // relative links: they stay right when the scratch directory is renamed to dist/
  if (existsSync(join(root, name))) symlinkSync(join('..', name), join(scratch, name));
}

// 4. every relative import in the output resolves inside it
const importRe = /(?:^|[^.\w$])(?:import|export)\s*(?:[^'";]*?\sfrom\s*)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/gm;
const problems = [];
let emitted = 0;
(function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p);
    else if (entry.name.endsWith('.js')) {
      emitted++;
      const text = readFileSync(p, 'utf8');
      for (const m of text.matchAll(importRe)) {
        const spec = m[1] ?? m[2];
        if (spec.endsWith('.ts')) problems.push(`${relative(scratch, p)}: import '${spec}' was not rewritten to .js`);
        else if (!existsSync(resolve(dirname(p), spec))) problems.push(`${relative(scratch, p)}: import '${spec}' has no file in dist/`);
      }
    }
  }
})(scratch);
if (problems.length) {
  rmSync(scratch, { recursive: true, force: true });
  fail(`the compiled output is incomplete (dist/ left as it was):\n  ${problems.join('\n  ')}`);
}

// 5. the record bin/launch.mjs checks, then the swap
writeFileSync(join(scratch, 'build-info.json'), JSON.stringify({
  builtAt: new Date(started).toISOString(),
  node: process.version,
  // path → [mtimeMs, size] of every file the build read, taken before compiling
  inputs: stamps,
}) + '\n');
rmSync(dist, { recursive: true, force: true });
renameSync(scratch, dist);
if (!quiet) {
  process.stdout.write(`build: ${emitted} modules from ${Object.keys(stamps).length} inputs → dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
