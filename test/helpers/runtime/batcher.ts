/**
 * A test-only node kind `testBatcher` (stream → batch) so batch paths can be tested before window/query exist:
 * it buffers points per group and, on a point carrying the boolean field `flush`, emits the buffer (without the
 * flush point) as one batch with tmax = the flush point's time. Import this module to register the kind.
 */
import { Node } from '../../../runtime/node.ts';
import { makeBatch, makeBatchPoint } from '../../../model/build.ts';
import { groupTags, type BatchPoint, type Point } from '../../../model/point.ts';
import { nodeFactory, registerNode } from '../../../nodes/registry.ts';

interface Buf { name: string; points: BatchPoint[] }

export class TestBatcherNode extends Node {
  private readonly bufs = this.groupState<Buf>();

  protected override onPoint(p: Point): void {
    let b = this.bufs.get(p.group);
    if (!b) { b = { name: p.name, points: [] }; this.bufs.set(p.group, b); }
    if (p.fields['flush'] === true) {
      this.emitBatch(makeBatch(b.name, p.db, p.rp, groupTags(p.tags, p.dims), p.dims, p.group, p.time, b.points));
      b.points = [];
      return;
    }
    b.points.push(makeBatchPoint(p.time, p.fields, p.tags));
  }
}

if (!nodeFactory('testBatcher')) registerNode('testBatcher', (ctx) => new TestBatcherNode(ctx));
