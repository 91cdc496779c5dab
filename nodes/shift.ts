/** `shift(d)` (SPEC 3.11, `shift.go`): adds d (may be negative) to point times, batch tmax and batch point times. */
import { Node, type NodeContext } from '../runtime/node.ts';
import { makeBatch, makeBatchPoint, makePoint } from '../model/build.ts';
import type { Batch, BatchPoint, Point } from '../model/point.ts';
import { registerNode } from './registry.ts';

export class ShiftNode extends Node {
  private readonly shift: bigint;

  constructor(ctx: NodeContext) {
    super(ctx);
    const a = ctx.def.args[0];
    if (!a || a.type !== 'duration') throw new Error(`${ctx.def.name}: shift needs a duration argument, got ${a ? a.type : 'nothing'}`);
    this.shift = a.value;
  }

  protected override onPoint(p: Point): void {
    this.emitPoint(makePoint(p.name, p.db, p.rp, p.tags, p.fields, p.time + this.shift, p.dims, p.group));
  }

  protected override onBatch(b: Batch): void {
    const pts: BatchPoint[] = new Array<BatchPoint>(b.points.length);
    for (let i = 0; i < b.points.length; i++) {
      const bp = b.points[i]!;
      pts[i] = makeBatchPoint(bp.time + this.shift, bp.fields, bp.tags);
    }
    this.emitBatch(makeBatch(b.name, b.db, b.rp, b.tags, b.dims, b.group, b.tmax + this.shift, pts));
  }
}

registerNode('shift', (ctx) => new ShiftNode(ctx));
