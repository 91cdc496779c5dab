// Barrier and DeleteGroup messages (SPEC 3.1, 3.6, 3.12, 3.16): delete drops per-group state downstream and the
// httpOut slot; barriers are forwarded, not counted on edges, and do not flush stream aggregations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Node, BarrierMessage, DeleteGroupMessage, type NodeContext } from '../../runtime/node.ts';
import { groupTags, type Point } from '../../model/point.ts';
import { nodeFactory, registerNode } from '../../nodes/registry.ts';
import { PipelineBuilder } from '../helpers/runtime/pipeline-builder.ts';
import { startTask } from '../helpers/runtime/replay.ts';

/** Turns points with a string field ctl = barrier | delete into control messages for their group. */
class TestControlNode extends Node {
  protected override onPoint(p: Point): void {
    const ctl = p.fields['ctl'];
    if (ctl === 'barrier') this.emitControl(new BarrierMessage(p.group, p.name, groupTags(p.tags, p.dims), p.dims, p.time));
    else if (ctl === 'delete') this.emitControl(new DeleteGroupMessage(p.group, p.name, groupTags(p.tags, p.dims), p.dims));
    else this.emitPoint(p);
  }
}
if (!nodeFactory('testControl')) registerNode('testControl', (ctx: NodeContext) => new TestControlNode(ctx));

test('DeleteGroup removes group state and the httpOut slot; control messages are not counted on edges', (t) => {
  const b = new PipelineBuilder();
  const ctl = b.stream().chain('from').prop('groupBy', 'host').chain('testControl');
  ctl.chain('derivative', 'v').chain('httpOut', 'd');
  ctl.chain('httpOut', 'raw');
  const h = startTask(b.build(), { timingSampleRate: 0 });
  t.after(() => h.stop());
  h.write(['m,host=a v=1 1', 'm,host=b v=1 1', 'm,host=a v=3 2'], 's');
  assert.equal(h.task.stats()['node-stats']['derivative3']!['working_cardinality'], 2);
  h.write(['m,host=a ctl="delete" 3'], 's');
  const st = h.task.stats()['node-stats'];
  assert.equal(st['derivative3']!['working_cardinality'], 1);
  assert.equal(st['http_out5']!['working_cardinality'], 1);
  assert.equal(st['testControl2']!['emitted'], 6, 'three points on each of two edges; the delete is not counted');
  assert.equal(h.httpOut('raw'), '{"series":[{"name":"m","tags":{"host":"b"},"columns":["time","v"],"values":[["1970-01-01T00:00:01Z",1]]}]}');
  assert.equal(h.httpOut('d'), '{"series":null}');
  // a's derivative state is gone: its next point is a first point again (no output)
  h.write(['m,host=a v=10 4'], 's');
  assert.equal(h.httpOut('d'), '{"series":null}');
});

test('barriers pass through and do not flush a stream sum (3.6 step 4)', (t) => {
  const b = new PipelineBuilder();
  b.stream().chain('from').chain('testControl').chain('sum', 'v').chain('httpOut', 'out');
  const h = startTask(b.build());
  t.after(() => h.stop());
  h.write(['m v=1 1', 'm v=2 1', 'm ctl="barrier" 5'], 's');
  assert.equal(h.httpOut('out'), '{"series":null}');
  h.write(['m v=1 2'], 's');
  assert.equal(h.httpOut('out'), '{"series":[{"name":"m","columns":["time","sum"],"values":[["1970-01-01T00:00:01Z",3]]}]}');
});
