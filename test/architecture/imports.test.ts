/**
 * One direction of dependency (docs/ARCHITECTURE.md): every product folder imports only folders below it in
 * LAYERS, and no two files import each other, directly or around a loop. The import lines are read with
 * TypeScript's own pre-processor (ts.preProcessFile), which sees `import`, `import type`, `export … from`,
 * side-effect imports, dynamic `import('…')` and `import('…').Type` in type positions, and skips comments and
 * strings. Type-only imports count: a type cycle still means two files that cannot be read one without the other.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Top to bottom, as the table in docs/ARCHITECTURE.md. A file belongs to the first entry its path starts with.
 * Keep the two in step: the table is what a newcomer reads, this list is what the test enforces.
 */
export const LAYERS: readonly string[] = [
  'cli/',
  'fixtures-runner/',
  'server/',
  'whatif/',
  'nodes/',
  'runtime/',
  'udf/',
  'alerting/',
  'influxdb/',
  'kube/',
  'swarm/',
  'ec2/',
  'autoscale/',
  'recordings/',
  'config/',
  'tickscript/',
  'outbound/',
  'lineprotocol/',
  'gocompat/',
  'model/',
];

/** Outside the table: may import anything; nothing in the table may import them. */
const OUTSIDE = ['test/', 'bench/', 'examples/', 'fixtures/', 'scripts/', 'bin/'];
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'deploy', 'docs']);

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (SKIP_DIRS.has(name) || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(relative(root, p).split(sep).join('/'));
  }
  return out;
}

/** Index in LAYERS (0 = top), -1 for a file outside the table. */
function layerOf(file: string): number {
  return LAYERS.findIndex((l) => file.startsWith(l));
}

/** Relative imports of one file, resolved to repository paths (package imports are not layered). */
function importsOf(file: string): { spec: string; target: string }[] {
  const info = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
  const out: { spec: string; target: string }[] = [];
  for (const { fileName: spec } of info.importedFiles) {
    if (!spec.startsWith('.')) continue;
    let target = relative(root, resolve(root, dirname(file), spec)).split(sep).join('/');
    // `.js` for generated JS with a `.d.ts` beside it: the layer is the folder's either way
    if (!existsSync(join(root, target)) && existsSync(join(root, target + '.ts'))) target += '.ts';
    out.push({ spec, target });
  }
  return out;
}

const files = walk(root);
const graph = new Map(files.map((f) => [f, importsOf(f)] as const));

test('every product file is in a layer of docs/ARCHITECTURE.md (or outside it, as tests and benchmarks are)', () => {
  const homeless = files.filter((f) => layerOf(f) < 0 && !OUTSIDE.some((o) => f.startsWith(o)));
  assert.deepEqual(homeless, [], 'add the folder to LAYERS and to the table in docs/ARCHITECTURE.md');
});

test('no upward import: a folder imports only folders below it', () => {
  const bad: string[] = [];
  for (const [file, imports] of graph) {
    const from = layerOf(file);
    if (from < 0) continue;
    for (const { spec, target } of imports) {
      const to = layerOf(target);
      if (to < 0) bad.push(`${file}: import '${spec}' reaches outside the product folders (${target})`);
      else if (to < from) bad.push(`${file}: import '${spec}' goes up from ${LAYERS[from]} to ${LAYERS[to]}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('no import cycle between files', () => {
  // Tarjan's strongly connected components: every component of more than one file (or a file importing itself)
  // is a cycle; one path around it is printed so the fix is findable.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[] = [];
  let next = 0;
  const edges = (f: string): string[] => (graph.get(f) ?? []).map((i) => i.target).filter((t) => graph.has(t));
  function visit(v: string): void {
    index.set(v, next); low.set(v, next); next++;
    stack.push(v); onStack.add(v);
    for (const w of edges(v)) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do { w = stack.pop()!; onStack.delete(w); scc.push(w); } while (w !== v);
    if (scc.length > 1 || edges(v).includes(v)) cycles.push(describe(new Set(scc)));
  }
  /** A path around the component: from its first file, follow imports that stay inside until one repeats. */
  function describe(scc: Set<string>): string {
    const start = [...scc].sort()[0]!;
    const path = [start];
    let cur = start;
    for (;;) {
      const nxt = edges(cur).find((t) => scc.has(t))!;
      const at = path.indexOf(nxt);
      if (at >= 0) return [...path.slice(at), nxt].join(' → ') + (scc.size > path.length - at ? ` (${scc.size} files in the cycle)` : '');
      path.push(nxt); cur = nxt;
    }
  }
  for (const f of files) if (!index.has(f)) visit(f);
  assert.deepEqual(cycles, []);
});
