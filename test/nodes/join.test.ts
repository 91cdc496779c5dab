// join (pipeline/join.go, join.go): sets per group and rounded time, prefixes/delimiter, streamName, tolerance,
// fill none/null/number, N-way, join.on across measurements, batch joins, DeleteGroup/deleteAll, define-time
// validation texts. Expected outputs are worked out by hand from join.go (the trace is written beside each case).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateScript } from '../../tickscript/index.ts';
import { DeleteGroupMessage, type Node } from '../../runtime/node.ts';
import { NO_DIMENSIONS, type Batch, type Point } from '../../model/point.ts';
import { capture, nodeOf, runCap } from './capture.ts';

const sec = (ns: bigint) => Number(ns / 1_000_000n) / 1000;
const points = (h: ReturnType<typeof runCap>) =>
  (capture(h).raw as Point[]).map((p) => ({ name: p.name, tags: p.tags, t: sec(p.time), fields: p.fields, group: p.group }));

const EV = `
var errors = stream|from().measurement('errors').groupBy('service')
var views = stream|from().measurement('views').groupBy('service')
`;

test('join: inner join on group and time, fields prefixed with as() names, streamName, group tags only', (t) => {
  const h = runCap(t, EV + `errors|join(views).as('errors', 'views').streamName('error_view')`, 'join3');
  // errors (parent 0) arrive first and wait in sets; each views point completes its set, which leaves at once
  h.write(['errors,service=cart,host=h1 value=1 0', 'errors,service=cart,host=h1 value=2 1', 'errors,service=login value=3 1',
    'views,service=cart value=10 0', 'views,service=cart value=20 1', 'views,service=login value=30i 1'], 's');
  assert.deepEqual(points(h), [
    { name: 'error_view', tags: { service: 'cart' }, t: 0, fields: { 'errors.value': 1, 'views.value': 10 }, group: 'service=cart' },
    { name: 'error_view', tags: { service: 'cart' }, t: 1, fields: { 'errors.value': 2, 'views.value': 20 }, group: 'service=cart' },
    { name: 'error_view', tags: { service: 'login' }, t: 1, fields: { 'errors.value': 3, 'views.value': 30n }, group: 'service=login' },
  ]);
  assert.equal(h.task.stats()['node-stats']['join3']!['working_cardinality'], 2);
  // without streamName the first present parent's measurement names the point; delimiter '' is allowed
  const d = runCap(t, EV + `errors|join(views).as('e', 'v').delimiter('')`, 'join3');
  d.write(['errors,service=a value=1 0', 'views,service=a value=2 0'], 's');
  assert.deepEqual(points(d).map((p) => [p.name, p.fields]), [['errors', { evalue: 1, vvalue: 2 }]]);
});

test('join: tolerance rounds times to the nearest multiple (Go Time.Round, halves up) and stamps the result', (t) => {
  const h = runCap(t, EV + `errors|join(views).as('e', 'v').tolerance(1s)`, 'join3');
  // e: 0.9 → 1, 2.5 → 3 (half up); v: 1.3 → 1, 2.6 → 3
  h.write(['errors,service=a value=1 900', 'errors,service=a value=2 2500', 'views,service=a value=10 1300', 'views,service=a value=20 2600'], 'ms');
  assert.deepEqual(points(h).map((p) => [p.t, p.fields]), [[1, { 'e.value': 1, 'v.value': 10 }], [3, { 'e.value': 2, 'v.value': 20 }]]);
});

test('join: a parent missing a time — inner join drops the set, fill(number) fills its fields from the first point, fill(null) leaves them out', (t) => {
  const lines = ['errors,service=a value=1,n=5i 0', 'errors,service=a value=2,n=6i 1', 'errors,service=a value=3,n=7i 2',
    'views,service=a value=10 0', 'views,service=a value=30 2'];
  // trace: views@2 moves every head past time 1, so the incomplete set at 1 is flushed (filled or dropped), then
  // the complete set at 2 leaves
  const inner = runCap(t, EV + `errors|join(views).as('e', 'v')`, 'join3');
  inner.write(lines, 's');
  assert.deepEqual(points(inner).map((p) => p.t), [0, 2]);
  const num = runCap(t, EV + `errors|join(views).as('e', 'v').fill(0.0)`, 'join3');
  num.write(lines, 's');
  assert.deepEqual(points(num).map((p) => [p.t, p.fields]), [
    [0, { 'e.value': 1, 'e.n': 5n, 'v.value': 10 }],
    [1, { 'e.value': 2, 'e.n': 6n, 'v.value': 0, 'v.n': 0 }],
    [2, { 'e.value': 3, 'e.n': 7n, 'v.value': 30 }],
  ]);
  const intFill = runCap(t, EV + `errors|join(views).as('e', 'v').fill(-1)`, 'join3');
  intFill.write(lines, 's');
  assert.deepEqual(points(intFill)[1]!.fields, { 'e.value': 2, 'e.n': 6n, 'v.value': -1n, 'v.n': -1n });
  const nul = runCap(t, EV + `errors|join(views).as('e', 'v').fill('null')`, 'join3');
  nul.write(lines, 's');
  assert.deepEqual(points(nul)[1]!.fields, { 'e.value': 2, 'e.n': 6n });
});

test('join: N-way (3 parents); the set leaves when the last parent arrives', (t) => {
  const h = runCap(t, `
var a = stream|from().measurement('a')
var b = stream|from().measurement('b')
var c = stream|from().measurement('c')
c|join(a, b).as('c', 'a', 'b')`, 'join4');
  h.write(['a v=1 0', 'b v=2 0', 'c v=3 0'], 's');
  // parents: c = 0, a = 1, b = 2; the first present parent (c) names the point
  assert.deepEqual(points(h).map((p) => [p.name, p.fields]), [['c', { 'c.v': 3, 'a.v': 1, 'b.v': 2 }]]);
});

test('join.on: one building point joins every floor point of its building, across measurements', (t) => {
  const h = runCap(t, `
var building = stream|from().measurement('building_power').groupBy('building')
var floor = stream|from().measurement('floor_power').groupBy('building', 'floor')
building|join(floor).as('building', 'floor').on('building')`, 'join3');
  h.write(['building_power,building=A value=100 0', 'building_power,building=A value=200 1',
    'floor_power,building=A,floor=1 value=10 0', 'floor_power,building=A,floor=2 value=20 0',
    'floor_power,building=A,floor=1 value=11 1', 'floor_power,building=A,floor=2 value=21 1'], 's');
  // building points are "match" points cached per on-group (building=A); each floor point is "specific" and joins
  // the cached match point of its time, which takes the floor point's group tags; the match point at 0 is purged
  // once the low mark of both parents passes 0
  assert.deepEqual(points(h), [
    { name: 'building_power', tags: { building: 'A', floor: '1' }, t: 0, fields: { 'building.value': 100, 'floor.value': 10 }, group: 'building=A,floor=1' },
    { name: 'building_power', tags: { building: 'A', floor: '2' }, t: 0, fields: { 'building.value': 100, 'floor.value': 20 }, group: 'building=A,floor=2' },
    { name: 'building_power', tags: { building: 'A', floor: '1' }, t: 1, fields: { 'building.value': 200, 'floor.value': 11 }, group: 'building=A,floor=1' },
    { name: 'building_power', tags: { building: 'A', floor: '2' }, t: 1, fields: { 'building.value': 200, 'floor.value': 21 }, group: 'building=A,floor=2' },
  ]);
});

test('join.on with fill: a specific point older than every parent\'s low mark is sent alone and filled', (t) => {
  const h = runCap(t, `
var maint = stream|from().measurement('maint').groupBy('host')
stream|from().measurement('disk').groupBy('host', 'path')
    |join(maint).as('disk', 'maint').on('host').fill(0.0).streamName('disk')`, 'join3');
  // disk (parent 0) arrives first: specific points cached (not all parents reported). maint@3 reports parent 1:
  // low mark = min(disk 3, maint 3) = 3 → cached disk points at 0..2 are sent alone (filled with maint fields…
  // from the first point, i.e. disk's field names); disk@3 then matches maint@3.
  h.write(['disk,host=A,path=/ used=50 0', 'disk,host=A,path=/ used=60 1', 'disk,host=A,path=/ used=70 2', 'disk,host=A,path=/ used=80 3',
    'maint,host=A count=1 3'], 's');
  assert.deepEqual(points(h).map((p) => [p.t, p.fields]), [
    [0, { 'disk.used': 50, 'maint.used': 0 }],
    [1, { 'disk.used': 60, 'maint.used': 0 }],
    [2, { 'disk.used': 70, 'maint.used': 0 }],
    [3, { 'disk.used': 80, 'maint.count': 1 }],
  ]);
});

test('join of batches: points paired by rounded time inside the batches; unpaired rows dropped or filled', (t) => {
  const script = (fill: string) => `
var a = stream|from().measurement('a')|window().period(2s).every(2s)
var b = stream|from().measurement('b')|window().period(2s).every(2s)
a|join(b).as('a', 'b')${fill}`;
  const lines = ['a v=1 0', 'a v=2 1', 'b v=10 0', 'a v=3 2', 'b v=30 2'];
  // windows [0,2) end at 2s: a = {0:1, 1:2}, b = {0:10}
  const inner = runCap(t, script(''), 'join5');
  inner.write(lines, 's');
  const bi = capture(inner).raw as Batch[];
  assert.deepEqual(bi.map((b) => [b.name, sec(b.tmax), b.points.map((p) => [sec(p.time), p.fields])]), [['a', 2, [[0, { 'a.v': 1, 'b.v': 10 }]]]]);
  const filled = runCap(t, script('.fill(0.0)'), 'join5');
  filled.write(lines, 's');
  const bf = capture(filled).raw as Batch[];
  assert.deepEqual(bf[0]!.points.map((p) => [sec(p.time), p.fields]), [[0, { 'a.v': 1, 'b.v': 10 }], [1, { 'a.v': 2, 'b.v': 0 }]]);
});

test('join: DeleteGroup drops the group\'s waiting sets; deleteAll also forgets every on-group low mark', (t) => {
  const h = runCap(t, EV + `errors|join(views).as('e', 'v')`, 'join3');
  h.write(['errors,service=a value=1 0'], 's');
  const join = nodeOf<Node>(h, 'join');
  assert.equal(h.task.stats()['node-stats']['join3']!['working_cardinality'], 1);
  join.receive([new DeleteGroupMessage('service=a', 'errors', { service: 'a' }, NO_DIMENSIONS)], 1, 0, join.ins[0]);
  assert.equal(h.task.stats()['node-stats']['join3']!['working_cardinality'], 0);
  // the errors@0 set is gone: views@0 starts a new set that never completes
  h.write(['views,service=a value=10 0'], 's');
  assert.deepEqual(points(h), []);
  assert.deepEqual(capture(h).seen, ['delete group=service=a']);

  const on = (flag: string) => runCap(t, `
var maint = stream|from().measurement('maint').groupBy('host')
stream|from().measurement('disk').groupBy('host', 'path')|join(maint).as('d', 'm').on('host')${flag}`, 'join3');
  for (const [flag, left] of [['', 1], ['.deleteAll(TRUE)', 0]] as const) {
    const o = on(flag);
    o.write(['disk,host=A,path=/ u=1 0', 'maint,host=A c=1 0', 'disk,host=B,path=/ u=1 0'], 's');
    const j = nodeOf<Node>(o, 'join') as unknown as { lowMarks: Map<string, unknown[]> };
    assert.equal(j.lowMarks.size, 2);
    const n = nodeOf<Node>(o, 'join');
    // delete the on-group host=A from parent 1: only that parent's mark there is forgotten, unless deleteAll
    n.receive([new DeleteGroupMessage('host=A', 'maint', { host: 'A' }, NO_DIMENSIONS)], 1, 0, n.ins[1]);
    const marks = [...j.lowMarks.values()].flat().filter((x) => x !== undefined);
    assert.equal(marks.length, left === 1 ? 2 : 0, flag);
  }
});

test('join: define-time validation with Kapacitor 1.8 texts (pipeline/join.go validate)', () => {
  const base = EV + 'errors|join(views)';
  const err = (s: string) => { try { evaluateScript(s); return ''; } catch (e) { return (e as Error).message; } };
  assert.match(err(base), /a call to join\.as\(\) is required to specify the output stream prefixes\.$/);
  assert.match(err(base + ".as('a')"), /number of prefixes specified by join\.as\(\) must match the number of joined streams$/);
  assert.match(err(base + ".as('a', '')"), /must provide a prefix name for the join node, see \.as\(\) property method$/);
  assert.match(err(base + ".as('a.b', 'c')"), /cannot use name a\.b as field prefix, it contains the delimiter "\."\t$/);
  assert.match(err(base + ".as('a', 'a')"), /cannot use the same prefix name see \.as\(\) property method$/);
  assert.equal(err(base + ".as('a.b', 'c').delimiter('_')"), '');
});
