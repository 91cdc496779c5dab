/**
 * `trickle()` (pipeline/trickle.go, trickle.go): turns batches back into a stream. Every batch point becomes a point
 * with the batch's measurement and dimensions, the point's own tags, fields and time (db/rp empty); the group ID is
 * computed from them. Barriers and DeleteGroup pass through.
 * Difference: Kapacitor hands the points to its first child only; tickstream gives them to every child.
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { makePoint } from '../model/build.ts';
import { groupId, type Batch } from '../model/point.ts';
import { registerNode } from './registry.ts';

export class TrickleNode extends Node {
  constructor(ctx: NodeContext) { super(ctx); }
  protected override onBatch(b: Batch): void {
    for (const bp of b.points) {
      this.emitPoint(makePoint(b.name, '', '', bp.tags, bp.fields, bp.time, b.dims, groupId(b.name, bp.tags, b.dims)));
    }
  }
}

registerNode('trickle', (ctx) => new TrickleNode(ctx));
