// default(), delete(), shift(), sample(), log() (SPEC 3.11) on stream and batch edges; their stats (SPEC 7.2).
// Expected rows follow the httpOut row format (SPEC 3.12).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PipelineBuilder, dur } from '../helpers/runtime/pipeline-builder.ts';
import { startTask } from '../helpers/runtime/replay.ts';
import { capture, T0, ts } from './capture.ts';

const S = 1_000_000_000n;

/** stream|from('cpu')[.groupBy(host)]|<kind>(args)<props>|testCapture */
function task(kind: string, args: unknown[], props: [string, ...unknown[]][], opts: { window?: bigint; groupBy?: boolean } = {}) {
  const b = new PipelineBuilder();
  let n = b.stream().chain('from').prop('measurement', 'cpu');
  if (opts.groupBy) n.prop('groupBy', 'host');
  if (opts.window) n = n.chain('window').prop('period', dur(opts.window)).prop('every', dur(opts.window));
  const x = n.chain(kind, ...args);
  for (const [m, ...a] of props) x.prop(m, ...a);
  x.chain('testCapture');
  return startTask(b.build());
}

test('default: a field is set when absent, a tag when absent or empty; counters count each value set', (t) => {
  const h = task('default', [], [['field', 'value', 0], ['field', 'n', 7n], ['tag', 'dc', 'eu'], ['tag', 'host', 'unknown']]);
  t.after(() => h.stop());
  h.write([
    `cpu,host=a value=1.5 ${T0}`, // value present: n and dc defaulted
    `cpu,host=a,dc=us n=2i ${T0 + 1}`, // value defaulted; dc kept
    `cpu n=3i ${T0 + 2}`, // value, dc, host defaulted
  ], 's');
  assert.deepEqual(capture(h).seen, [
    `{"name":"cpu","tags":{"dc":"eu","host":"a"},"columns":["time","n","value"],"values":[["${ts(0)}",7,1.5]]}`,
    `{"name":"cpu","tags":{"dc":"us","host":"a"},"columns":["time","n","value"],"values":[["${ts(1)}",2,0]]}`,
    `{"name":"cpu","tags":{"dc":"eu","host":"unknown"},"columns":["time","n","value"],"values":[["${ts(2)}",3,0]]}`,
  ]);
  const st = h.task.stats()['node-stats']['default2']!;
  assert.equal(st['fields_defaulted'], 3);
  assert.equal(st['tags_defaulted'], 3);
});

test('default: bad property values fail the task start with a clear message', () => {
  assert.throws(() => task('default', [], [['field', 'x', dur(S)]]), /default2: unsupported type duration for default field x/);
  assert.throws(() => task('default', [], [['field', 'x', 1], ['field', 'x', 2]]), /duplicate field x/);
  assert.throws(() => task('default', [], [['tag', 'x', 1n]]), /\.tag\('x'\) expects a string value, got int/);
});

test('delete: removes fields and tags; counters count only what was present', (t) => {
  const h = task('delete', [], [['field', 'secret'], ['field', 'absent'], ['tag', 'dc']]);
  t.after(() => h.stop());
  h.write([`cpu,host=a,dc=us value=1,secret="x" ${T0}`, `cpu,host=b value=2 ${T0 + 1}`], 's');
  assert.deepEqual(capture(h).seen, [
    `{"name":"cpu","tags":{"host":"a"},"columns":["time","value"],"values":[["${ts(0)}",1]]}`,
    `{"name":"cpu","tags":{"host":"b"},"columns":["time","value"],"values":[["${ts(1)}",2]]}`,
  ]);
  const st = h.task.stats()['node-stats']['delete2']!;
  assert.equal(st['fields_deleted'], 1);
  assert.equal(st['tags_deleted'], 1);
});

test('delete and default on batches apply to every batch point', (t) => {
  const h = task('delete', [], [['field', 'secret']], { window: 10n * S });
  t.after(() => h.stop());
  h.write([`cpu,host=a value=1,secret=1 ${T0}`, `cpu,host=a value=2,secret=2 ${T0 + 5}`, `cpu,host=a value=3 ${T0 + 10}`], 's');
  assert.deepEqual(capture(h).seen, [
    `tmax=${ts(10)} {"name":"cpu","columns":["time","host","value"],"values":[["${ts(0)}","a",1],["${ts(5)}","a",2]]}`,
  ]);
  assert.equal(h.task.stats()['node-stats']['delete3']!['fields_deleted'], 2);
});

test('default and delete tags on batches: every point is counted (also repeats of one series), the header tags are rewritten but not counted', (t) => {
  // SPEC 3.11: a tag is defaulted when absent or empty and counted per value set; delete counts names present.
  // The batch header (BeginBatch) carries the group tags and gets the same rewrite; the counts are per point.
  const h = task('default', [], [['tag', 'dc', 'eu']], { window: 10n * S, groupBy: true });
  t.after(() => h.stop());
  h.write([`cpu,host=a value=1 ${T0}`, `cpu,host=a value=2 ${T0 + 5}`, `cpu,host=a value=3 ${T0 + 10}`], 's');
  assert.deepEqual(capture(h).seen, [
    `tmax=${ts(10)} {"name":"cpu","tags":{"dc":"eu","host":"a"},"columns":["time","value"],"values":[["${ts(0)}",1],["${ts(5)}",2]]}`,
  ]);
  assert.equal(h.task.stats()['node-stats']['default3']!['tags_defaulted'], 2);

  const d = task('delete', [], [['tag', 'host'], ['tag', 'absent']], { window: 10n * S, groupBy: true });
  t.after(() => d.stop());
  d.write([`cpu,host=a,dc=us value=1 ${T0}`, `cpu,host=a,dc=us value=2 ${T0 + 5}`, `cpu,host=a,dc=us value=3 ${T0 + 10}`], 's');
  assert.deepEqual(capture(d).seen, [
    `tmax=${ts(10)} {"name":"cpu","columns":["time","dc","value"],"values":[["${ts(0)}","us",1],["${ts(5)}","us",2]]}`,
  ]);
  assert.equal(d.task.stats()['node-stats']['delete3']!['tags_deleted'], 2);
});

test('shift: adds the duration (possibly negative) to point times, batch tmax and batch point times', (t) => {
  const h = task('shift', [dur(-5n * S)], []);
  t.after(() => h.stop());
  h.write([`cpu value=1 ${T0 + 10}`], 's');
  assert.deepEqual(capture(h).seen, [`{"name":"cpu","columns":["time","value"],"values":[["${ts(5)}",1]]}`]);
  const hb = task('shift', [dur(60n * S)], [], { window: 10n * S });
  t.after(() => hb.stop());
  hb.write([`cpu value=1 ${T0}`, `cpu value=2 ${T0 + 10}`], 's');
  assert.deepEqual(capture(hb).seen, [`tmax=${ts(70)} {"name":"cpu","columns":["time","value"],"values":[["${ts(60)}",1]]}`]);
});

test('sample(n): per group keep the first, n+1-th, … message', (t) => {
  const h = task('sample', [3n], [], { groupBy: true });
  t.after(() => h.stop());
  const lines: string[] = [];
  for (let i = 0; i < 7; i++) lines.push(`cpu,host=a value=${i} ${T0 + i}`, `cpu,host=b value=${10 + i} ${T0 + i}`);
  h.write(lines, 's');
  const vals = capture(h).raw.map((p) => `${(p as { tags: Record<string, string> }).tags['host']}${(p as { fields: Record<string, number> }).fields['value']}`);
  // counters 0, 3, 6 of each group are kept
  assert.deepEqual(vals, ['a0', 'b10', 'a3', 'b13', 'a6', 'b16']);
  assert.equal(h.task.stats()['node-stats']['sample2']!['working_cardinality'], 2);
});

test('sample(n) on a batch edge counts the points of each batch, restarting per batch', (t) => {
  const h = task('sample', [2n], [], { window: 10n * S });
  t.after(() => h.stop());
  h.write([0, 1, 2, 3, 4, 10, 11, 12, 20].map((s) => `cpu value=${s} ${T0 + s}`), 's');
  assert.deepEqual(capture(h).seen, [
    `tmax=${ts(10)} {"name":"cpu","columns":["time","value"],"values":[["${ts(0)}",0],["${ts(2)}",2],["${ts(4)}",4]]}`,
    `tmax=${ts(20)} {"name":"cpu","columns":["time","value"],"values":[["${ts(10)}",10],["${ts(12)}",12]]}`,
  ]);
});

test('sample(d): keeps messages whose time is an exact multiple of d', (t) => {
  const h = task('sample', [dur(10n * S)], []);
  t.after(() => h.stop());
  const ns = (sec: number, extra = 0n): bigint => BigInt(T0 + sec) * S + extra;
  h.write([`cpu value=1 ${ns(10, 1n)}`, `cpu value=2 ${ns(20)}`, `cpu value=3 ${ns(25)}`]); // ns precision
  assert.deepEqual(capture(h).seen, [`{"name":"cpu","columns":["time","value"],"values":[["${ts(20)}",2]]}`]);
  // 1w aligns to Mondays (Go zero time), not to the Unix epoch (a Thursday) — SPEC 9.14
  const hw = task('sample', [dur(7n * 24n * 3600n * S)], []);
  t.after(() => hw.stop());
  const thu = Date.UTC(2016, 10, 3) / 1000; // Thursday 2016-11-03, a multiple of 1w since the epoch
  const mon = Date.UTC(2016, 10, 7) / 1000; // Monday 2016-11-07
  hw.write([`cpu value=1 ${thu}`, `cpu value=2 ${mon}`], 's');
  assert.equal(capture(hw).seen.length, 1);
  assert.match(capture(hw).seen[0]!, /2016-11-07T00:00:00Z/);
  assert.throws(() => task('sample', [0n], []), /sample rate must be positive, got 0/);
});

test('log: one record per point with prefix, name, db, rp, group, dimension, tag_*, field_*, time; data passes', (t) => {
  const h = task('log', [], [['prefix', 'P'], ['level', 'ERROR']], { groupBy: true });
  t.after(() => h.stop());
  h.write([`cpu,host=a value=1.5,n=2i,s="x" ${T0}`], 's');
  const rec = h.logs.find((r) => r['msg'] === 'point');
  assert.ok(rec, 'a log record with msg "point"');
  assert.equal(rec['level'], 50); // pino error
  assert.equal(rec['task'], 'test');
  assert.equal(rec['node'], 'log2');
  assert.equal(rec['prefix'], 'P');
  assert.equal(rec['name'], 'cpu');
  assert.equal(rec['db'], 'db');
  assert.equal(rec['rp'], 'rp');
  assert.equal(rec['group'], 'host=a');
  assert.deepEqual(rec['dimension'], ['host']);
  assert.equal(rec['tag_host'], 'a');
  assert.equal(rec['field_value'], 1.5);
  assert.equal(rec['field_n'], 2);
  assert.equal(rec['field_s'], 'x');
  assert.equal(rec['time'], ts(0));
  assert.equal(capture(h).seen.length, 1);
  assert.throws(() => task('log', [], [['level', 'LOUD']]), /log2: invalid log level LOUD/);
});

test('log on batches: begin batch, one batch point per point, end batch', (t) => {
  const h = task('log', [], [], { window: 10n * S });
  t.after(() => h.stop());
  h.write([`cpu value=1 ${T0}`, `cpu value=2 ${T0 + 1}`, `cpu value=3 ${T0 + 10}`], 's');
  const msgs = h.logs.filter((r) => r['node'] === 'log3').map((r) => `${r['msg']}@${r['time']}`);
  assert.deepEqual(msgs, [`begin batch@${ts(10)}`, `batch point@${ts(0)}`, `batch point@${ts(1)}`, `end batch@${ts(10)}`]);
});
