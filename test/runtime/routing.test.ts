// Routing by (db, rp) and measurement (SPEC 3.3; DESIGN-NOTES "route once per series").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PipelineBuilder } from '../helpers/runtime/pipeline-builder.ts';
import { collectingLogger } from '../helpers/runtime/replay.ts';
import { LineParser } from '../helpers/runtime/line-protocol.ts';
import { captured } from '../helpers/runtime/capture.ts';
import { TaskMaster } from '../../runtime/task-master.ts';
import type { Point } from '../../model/point.ts';
import { builtinNodes } from '../../nodes/index.ts';

function task(measurements: string[], extra?: (b: PipelineBuilder) => void) {
  const b = new PipelineBuilder();
  const s = b.stream();
  if (measurements.length === 0) s.chain('from').chain('testCapture');
  for (const m of measurements) s.chain('from').prop('measurement', m).chain('testCapture');
  extra?.(b);
  return b.build();
}

const names = (pts: unknown[]): string => (pts as Point[]).map((p) => p.name + p.fields['i']).join(' ');

test('a point reaches a task iff dbrp matches and a from() selects its measurement or has none (3.3)', (t) => {
  const tm = new TaskMaster({ nodes: builtinNodes, logger: collectingLogger([]) });
  t.after(() => tm.stopAll());
  const cpu = tm.startTask('cpu', task(['cpu']), [{ db: 'db', rp: 'rp' }]);
  const mem = tm.startTask('mem', task(['mem']), [{ db: 'db', rp: 'rp' }]);
  const all = tm.startTask('all', task([]), [{ db: 'db', rp: 'rp' }]);
  const other = tm.startTask('other', task([]), [{ db: 'db', rp: 'other' }]);
  const both = tm.startTask('both', task(['cpu', 'mem']), [{ db: 'db', rp: 'rp' }, { db: 'x', rp: 'y' }]);
  const lp = new LineParser();
  tm.writePoints('db', 'rp', lp.parse('cpu i=1\nmem i=2\ndisk i=3\ncpu i=4\nmem i=5', 'db', 'rp', '', 1n));
  tm.writePoints('x', 'y', lp.parse('mem i=6', 'x', 'y', '', 2n));
  tm.writePoints('nodb', 'rp', lp.parse('cpu i=7', 'nodb', 'rp', '', 3n));
  const collected = (tk: typeof cpu) => tk.stats()['node-stats']['stream0']!['collected'];
  assert.deepEqual([cpu, mem, all, other, both].map(collected), [2, 2, 5, 0, 5]); // mem6 went to x.y: only 'both' has it
  // order within a task is write order, even when the write mixes measurements
  assert.equal(names(captured(all, 'testCapture2')), 'cpu1 mem2 disk3 cpu4 mem5');
  assert.equal(names(captured(mem, 'testCapture2')), 'mem2 mem5');
  // a task with two from() nodes gets each point once; each from keeps its own measurement
  assert.equal(names(captured(both, 'testCapture2')), 'cpu1 cpu4');
  assert.equal(names(captured(both, 'testCapture4')), 'mem2 mem5 mem6');
});

test('from() filters database / retentionPolicy; stopped tasks get nothing', (t) => {
  const tm = new TaskMaster({ nodes: builtinNodes, logger: collectingLogger([]) });
  t.after(() => tm.stopAll());
  const b = new PipelineBuilder();
  b.stream().chain('from').prop('database', 'a').prop('retentionPolicy', 'r1').chain('testCapture');
  const tk = tm.startTask('t', b.build(), [{ db: 'a', rp: 'r1' }, { db: 'b', rp: 'r1' }, { db: 'a', rp: 'r2' }]);
  const lp = new LineParser();
  tm.writePoints('a', 'r1', lp.parse('m i=1', 'a', 'r1', '', 1n));
  tm.writePoints('b', 'r1', lp.parse('m i=2', 'b', 'r1', '', 1n));
  tm.writePoints('a', 'r2', lp.parse('m i=3', 'a', 'r2', '', 1n));
  assert.equal(names(captured(tk, 'testCapture2')), 'm1');
  assert.equal(tk.stats()['node-stats']['stream0']!['collected'], 3);
  tm.stopTask('t');
  tm.writePoints('a', 'r1', lp.parse('m i=4', 'a', 'r1', '', 1n));
  assert.equal(tk.stats()['node-stats']['stream0']!['collected'], 3);
});

test('cost follows matching tasks: 1000 non-matching tasks see no points', (t) => {
  const tm = new TaskMaster({ nodes: builtinNodes, logger: collectingLogger([]) });
  t.after(() => tm.stopAll());
  const others = [];
  for (let i = 0; i < 1000; i++) others.push(tm.startTask('o' + i, task(['other' + i]), [{ db: 'db', rp: 'rp' }]));
  const tk = tm.startTask('t', task(['cpu']), [{ db: 'db', rp: 'rp' }]);
  const pts = new LineParser().parse(Array.from({ length: 1000 }, (_, i) => `cpu i=${i}`).join('\n'), 'db', 'rp', '', 1n);
  tm.writePoints('db', 'rp', pts);
  assert.equal(tk.stats()['node-stats']['stream0']!['collected'], 1000);
  // large writes are delivered in chunks: same order, same counts on every edge
  assert.deepEqual((captured(tk, 'testCapture2') as Point[]).map((p) => p.fields['i']), pts.map((p) => p.fields['i']));
  assert.equal(tk.stats()['node-stats']['from1']!['emitted'], 1000);
  assert.ok(others.every((o) => o.stats()['node-stats']['stream0']!['collected'] === 0));
});
