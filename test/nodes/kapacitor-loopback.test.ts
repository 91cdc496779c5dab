// kapacitorLoopback (kapacitor_loopback.go, task_master.go WriteKapacitorPoint): points written back into the
// server under another dbrp/measurement with extra tags and no dimensions, routed after the current write; a task
// writing into its own dbrp is refused; a cycle between tasks is cut after a bounded number of rounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TaskMaster } from '../../runtime/task-master.ts';
import { collectingLogger } from '../helpers/runtime/replay.ts';
import { LineParser } from '../helpers/runtime/line-protocol.ts';
import { evaluateScript } from '../../tickscript/index.ts';
import { builtinNodes } from '../../nodes/index.ts';

function master(t: { after(fn: () => void): void }) {
  const logs: Record<string, unknown>[] = [];
  const tm = new TaskMaster({ nodes: builtinNodes, logger: collectingLogger(logs) });
  t.after(() => tm.stopAll());
  const parser = new LineParser();
  const write = (db: string, lines: string[]) => tm.writePoints(db, 'autogen', parser.parse(lines.join('\n'), db, 'autogen', 's'));
  return { tm, logs, write };
}

test('kapacitorLoopback: points come back under the new dbrp and measurement with added tags, after the write', (t) => {
  const { tm, write } = master(t);
  tm.startTask('a', evaluateScript(`stream|from().measurement('cpu').groupBy('host')
    |eval(lambda: "v" * 2.0).as('v2')
    |kapacitorLoopback().database('derived').retentionPolicy('autogen').measurement('cpu2').tag('src', 'loop')`), [{ db: 'raw', rp: 'autogen' }]);
  tm.startTask('b', evaluateScript(`stream|from().measurement('cpu2').groupBy('host', 'src')|httpOut('out')`), [{ db: 'derived', rp: 'autogen' }]);
  write('raw', ['cpu,host=a v=1 1', 'cpu,host=b v=2 1']);
  assert.equal(tm.httpOut('b', 'out'), '{"series":[{"name":"cpu2","tags":{"host":"a","src":"loop"},"columns":["time","v2"],"values":[["1970-01-01T00:00:01Z",2]]},'
    + '{"name":"cpu2","tags":{"host":"b","src":"loop"},"columns":["time","v2"],"values":[["1970-01-01T00:00:01Z",4]]}]}');
  assert.equal(tm.getTask('a')!.stats()['node-stats']['kapacitor_loopback3']!['points_written'], 2);
});

test('kapacitorLoopback of batches: the batch\'s measurement is kept (Kapacitor ignores .measurement() for batches)', (t) => {
  const { tm, write } = master(t);
  tm.startTask('a', evaluateScript(`stream|from().measurement('cpu')|window().period(2s).every(2s).align()
    |kapacitorLoopback().database('derived').retentionPolicy('autogen').measurement('ignored')`), [{ db: 'raw', rp: 'autogen' }]);
  tm.startTask('b', evaluateScript(`stream|from()|httpOut('out')`), [{ db: 'derived', rp: 'autogen' }]);
  write('raw', ['cpu v=1 0', 'cpu v=2 1', 'cpu v=3 2']);
  assert.equal(tm.httpOut('b', 'out'), '{"series":[{"name":"cpu","columns":["time","v"],"values":[["1970-01-01T00:00:01Z",2]]}]}');
});

test('kapacitorLoopback: writing into the task\'s own dbrp is refused; a cycle between tasks is cut and logged', (t) => {
  const { tm, logs, write } = master(t);
  assert.throws(() => tm.startTask('self', evaluateScript(`stream|from()|kapacitorLoopback().database('raw').retentionPolicy('autogen')`),
    [{ db: 'raw', rp: 'autogen' }]), { message: 'loop detected on dbrp: {raw autogen}' });
  assert.throws(() => evaluateScript(`stream|from()|kapacitorLoopback().database('raw')`), /must specify a retention policy/);
  tm.startTask('x', evaluateScript(`stream|from()|kapacitorLoopback().database('two').retentionPolicy('autogen')`), [{ db: 'one', rp: 'autogen' }]);
  tm.startTask('y', evaluateScript(`stream|from()|kapacitorLoopback().database('one').retentionPolicy('autogen')`), [{ db: 'two', rp: 'autogen' }]);
  write('one', ['m v=1 1']);
  // the write reaches x (1 point written back); then 1000 loopback rounds are routed: y, x, y, … (y 500 times,
  // x 500 more); the point written in the last round is dropped
  assert.equal(tm.getTask('x')!.stats()['node-stats']['kapacitor_loopback2']!['points_written'], 501);
  assert.equal(tm.getTask('y')!.stats()['node-stats']['kapacitor_loopback2']!['points_written'], 500);
  assert.deepEqual(logs.filter((l) => l['level'] === 50).map((l) => [l['msg'], l['dropped']]),
    [['kapacitorLoopback: points keep looping between tasks; dropping them', 1]]);
});
