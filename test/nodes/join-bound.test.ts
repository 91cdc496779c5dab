// join's memory bound ([join] max-groups / max-pending, docs/nodes.md): a parent that never sends for most groups
// makes the other parent's points wait; past the bounds the oldest group goes, its held points are dropped and
// counted (evicted_groups / evicted_points, which appear only then) and logged; below them nothing changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateScript } from '../../tickscript/index.ts';
import { startTask, type Harness } from '../helpers/runtime/replay.ts';

const SCRIPT = `
var a = stream|from().measurement('a').groupBy('host')
var b = stream|from().measurement('b').groupBy('host')
a|join(b).as('a', 'b')|httpOut('out')
`;
// and the same with .on(): match points (by region) are cached per on-group until every parent's low mark passes
const ON_SCRIPT = `
var a = stream|from().measurement('a').groupBy('region', 'host')
var b = stream|from().measurement('b').groupBy('region')
a|join(b).as('a', 'b').on('region')|httpOut('out')
`;

function run(t: { after(fn: () => void): void }, script: string, maxGroups: number, maxPending: number): Harness {
  const h = startTask(evaluateScript(script), { services: { joinLimits: { maxGroups, maxPending } } });
  t.after(() => h.stop());
  return h;
}

const stats = (h: Harness) => h.task.stats()['node-stats']['join3']!;

test('join bound: 5·10^4 groups waiting for a parent that never sends stay within max-groups/max-pending, evictions counted', (t) => {
  const h = run(t, SCRIPT, 1000, 300);
  const N = 50_000;
  for (let start = 0; start < N; start += 10_000) {
    const lines: string[] = [];
    for (let i = start; i < start + 10_000; i++) lines.push(`a,host=h${i} v=${i}i 1`);
    h.write(lines, 's');
    // the bound holds after every write, not only at the end
    assert.ok((stats(h)['working_cardinality'] as number) <= 1000);
  }
  const s = stats(h);
  // max-pending (300) is the tighter bound: 300 groups hold one point each; every other point was evicted once
  assert.equal(s['evicted_points'], N - 300);
  // groups: 5·10^4 created, at most 1000 kept; the ones evicted for max-pending stay (empty) until max-groups drops them
  assert.equal(s['working_cardinality'], 1000);
  assert.equal(s['evicted_groups'], N - 1000);
  // the newest 300 still join when their partner arrives; an evicted one does not
  h.write([`b,host=h${N - 1} v=1i 1`, `b,host=h${N - 300} v=1i 1`, `b,host=h${N - 301} v=1i 1`, `b,host=h0 v=1i 1`], 's');
  h.write(['a,host=late v=0i 2', 'b,host=late v=0i 2'], 's');
  const out = JSON.parse(h.httpOut('out')!) as { series: { tags: { host: string } }[] };
  assert.deepEqual(out.series.map((x) => x.tags.host).sort(), [`h${N - 1}`, `h${N - 300}`, 'late'].sort());
  // logged at the 1st, 10th, 100th, … eviction, naming the bound
  const warns = h.logs.filter((l) => String(l['msg']).startsWith('join memory bound'));
  assert.equal(warns[0]!['msg'], "join memory bound [join] max-pending reached: evicted the oldest group's held points");
  assert.ok(warns.length >= 5 && warns.length <= 12, `${warns.length} warnings`);
});

test('join bound: below the bounds nothing is evicted and no eviction stats appear (DOT stays Kapacitor\'s)', (t) => {
  const h = run(t, SCRIPT, 10, 10);
  for (let s = 0; s < 50; s++) h.write(Array.from({ length: 10 }, (_, i) => `a,host=h${i} v=1i ${s}\nb,host=h${i} v=2i ${s}`), 's');
  const st = stats(h);
  assert.equal(st['evicted_points'], undefined);
  assert.equal(st['evicted_groups'], undefined);
  assert.equal(st['emitted'], 500);
});

test('join bound: .on() caches are bounded too', (t) => {
  const h = run(t, ON_SCRIPT, 50, 20);
  // b (match points, one per region) for 1000 regions; a never sends: the match cache would hold all of them
  h.write(Array.from({ length: 1000 }, (_, i) => `b,region=r${i} v=1i 1`), 's');
  const s = stats(h);
  assert.ok((s['evicted_points'] as number) >= 980, String(s['evicted_points']));
  assert.ok((s['evicted_groups'] as number) >= 950, String(s['evicted_groups']));
  // the newest regions still join
  h.write('a,region=r999,host=x v=5i 1', 's');
  const out = JSON.parse(h.httpOut('out')!) as { series: { tags: Record<string, string>; values: unknown[][] }[] };
  assert.deepEqual(out.series.map((x) => x.tags), [{ region: 'r999', host: 'x' }]);
});

test('join bound: [join] keys, defaults 10^6, values below 1 refused naming the key', async () => {
  const { loadConfig } = await import('../../config/index.ts');
  const env = { KAPACITOR_DATA_DIR: '/tmp/tickstream-test-unused' };
  assert.deepEqual(loadConfig({ env }).join, { maxGroups: 1_000_000, maxPending: 1_000_000 });
  assert.deepEqual(loadConfig({ env: { ...env, KAPACITOR_JOIN_MAX_PENDING: '5000' } }).join, { maxGroups: 1_000_000, maxPending: 5000 });
  assert.throws(() => loadConfig({ env: { ...env, KAPACITOR_JOIN_MAX_GROUPS: '0' } }), { message: /join\.max-groups.*must be >= 1, got 0/ });
});
