// Two Kapacitor 1.8 behaviours the stream integration cases pin (issue 13):
// - eval.go `.keep()`: kept names resolve through the lambda scope, so a tag result (or a referenced tag) is kept
//   as its *string* value (TestStream_Eval_Tags_Keep expects "0", not 0);
// - delete.go Point: deleting a tag that is a group dimension drops it from the dimensions and the group ID is
//   recomputed (edge/messages.go SetTags/SetDimensions), so downstream windows/aggregates see one group per host
//   (TestStream_Delete_GroupBy).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startScript, startTask } from '../helpers/runtime/replay.ts';
import { appendChild } from '../helpers/runtime/splice.ts';
import { evaluateScript } from '../../tickscript/index.ts';
import type { Batch } from '../../model/point.ts';
import { capture } from './capture.ts';

type T = { after(fn: () => void): void };
function run(t: T, script: string) {
  const h = startScript(script);
  t.after(() => h.stop());
  return h;
}
const out = (h: ReturnType<typeof run>) => JSON.parse(h.httpOut('out') ?? 'null') as { series: { tags?: Record<string, string>; columns: string[]; values: unknown[][] }[] };

test('eval .tags().keep(): the tag result is also kept as a string field (eval.go keep-all copies every as name)', (t) => {
  const h = run(t, `stream
    |from().measurement('types')
    |eval(lambda: string("value")).as('value').tags('value').keep()
    |groupBy('value')
    |httpOut('out')`);
  h.write(['types value=0,another=2 31536000', 'types value=1,another=2 31536000'], 's');
  const s = out(h).series;
  assert.deepEqual(s.map((r) => [r.tags, r.columns, r.values]), [
    [{ value: '0' }, ['time', 'another', 'value'], [['1971-01-01T00:00:00Z', 2, '0']]],
    [{ value: '1' }, ['time', 'another', 'value'], [['1971-01-01T00:00:00Z', 2, '1']]],
  ]);
});

test('eval .keep(list): a referenced tag is kept as its string value; an unreferenced tag is an error', (t) => {
  const h = run(t, `stream
    |from().measurement('m')
    |eval(lambda: "host" + '-x').as('hx').keep('host', 'hx')
    |httpOut('out')`);
  h.write(['m,host=a v=1 1'], 's');
  assert.deepEqual(out(h).series[0]!.values, [['1970-01-01T00:00:01Z', 'a', 'a-x']]);
  // `dc` is not read by the expression: not in the lambda scope, not a field → eval.go's error, point dropped
  const e = run(t, `stream|from().measurement('m')|eval(lambda: "v" * 2.0).as('d').keep('dc', 'd')|httpOut('out')`);
  e.write(['m,dc=x v=1 1'], 's');
  assert.equal(e.task.stats()['node-stats']['eval2']!['errors'], 1);
  assert.equal((e.logs[0]!['err'] as { message: string }).message, 'cannot keep field "dc", field does not exist');
});

test('delete().tag(dimension) after groupBy: dimension dropped, groups merge, series produced (TestStream_Delete_GroupBy)', (t) => {
  const h = run(t, `stream
    |from().measurement('cpu').groupBy('host', 'type')
    |delete().field('anothervalue').tag('type')
    |window().period(2s).every(2s)
    |sum('value').as('value')
    |httpOut('out')`);
  const lines: string[] = [];
  for (const s of [0, 1, 2]) {
    for (const [host, base] of [['serverA', 1], ['serverB', 10]] as const) {
      lines.push(`cpu,host=${host},type=idle value=${base},anothervalue=7 ${s}`);
      lines.push(`cpu,host=${host},type=user value=${base * 2},anothervalue=7 ${s}`);
    }
  }
  h.write(lines, 's');
  // window [0s,2s) per host holds idle+user at 0s and 1s: A = 2*(1+2) = 6, B = 2*(10+20) = 60; emitted when the
  // 2s point arrives, stamped with the window end (SPEC 3.10), tags = remaining group tags only.
  assert.deepEqual(out(h).series.map((r) => [r.tags, r.columns, r.values]), [
    [{ host: 'serverA' }, ['time', 'value'], [['1970-01-01T00:00:02Z', 6]]],
    [{ host: 'serverB' }, ['time', 'value'], [['1970-01-01T00:00:02Z', 60]]],
  ]);
  assert.equal(h.task.stats()['node-stats']['delete2']!['tags_deleted'], 12);
  assert.equal(h.task.stats()['node-stats']['window3']!['working_cardinality'], 2);
});

test('batches: a changed header tag set becomes the batch dimensions (beginBatchMessage.SetTags), for delete and default', (t) => {
  const cap = (script: string, node: string) => {
    const { pipeline } = appendChild(evaluateScript(script), node, 'testCapture');
    const h = startTask(pipeline);
    t.after(() => h.stop());
    return h;
  };
  const h = cap(`stream|from().measurement('cpu').groupBy('host', 'type')|window().period(2s).every(2s).align()|delete().tag('type')`, 'delete3');
  h.write(['cpu,host=a,type=idle value=1 0', 'cpu,host=a,type=idle value=2 2'], 's');
  // the header's tags {host, type} lose type: dimensions = [host], group "host=a"; the point tags lose type too
  const b = capture(h).raw[0] as Batch;
  assert.deepEqual([b.tags, b.dims.tagNames, b.group, b.points[0]!.tags], [{ host: 'a' }, ['host'], 'host=a', { host: 'a' }]);
  const d = cap(`stream|from().measurement('cpu').groupBy('host')|window().period(2s).every(2s).align()|default().tag('dc', 'x')`, 'default3');
  d.write(['cpu,host=a value=1 0', 'cpu,host=a value=2 2'], 's');
  // the defaulted tag joins the header's tags and so the dimensions
  const e = capture(d).raw[0] as Batch;
  assert.deepEqual([e.tags, e.dims.tagNames, e.group], [{ host: 'a', dc: 'x' }, ['dc', 'host'], 'dc=x,host=a']);
});
