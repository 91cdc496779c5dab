/**
 * `changeDetect(fields...)` (pipeline/change_detect.go, change_detect.go): per group, passes a point only when one
 * of the named fields differs from the last passed point (the first point of a group always differs). Values
 * compare with their type (Go interface equality): float 1 and int 1 differ. A named field missing from a point is
 * a counted error `expected field f not found` and is skipped for the comparison. On a batch edge the comparison
 * restarts with every batch and the batch keeps only the changed points.
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { withPoints } from '../model/build.ts';
import type { Batch, BatchPoint, Fields, Point } from '../model/point.ts';
import { plain } from '../tickscript/pipeline.ts';
import { registerNode } from './registry.ts';

export class ChangeDetectNode extends Node {
  private readonly fields: readonly string[];
  /** group → fields of the last passed point */
  private readonly previous = this.groupState<Fields>();

  constructor(ctx: NodeContext) {
    super(ctx);
    this.fields = ctx.def.args.map((a) => String(plain(a)));
  }

  /** change_detect.go changeDetect: the first field that differs decides; missing fields are reported and skipped. */
  private changed(prev: Fields | undefined, curr: Fields, group: string): boolean {
    for (const f of this.fields) {
      const v = curr[f];
      if (v === undefined) {
        this.reportError('Invalid field in change detect', group, new Error(`expected field ${f} not found`));
        continue;
      }
      if (prev === undefined || prev[f] !== v) return true;
    }
    return false;
  }

  protected override onPoint(p: Point): void {
    if (!this.changed(this.previous.forPoint(p), p.fields, p.group)) return;
    this.previous.set(p.group, p.fields);
    this.emitPoint(p);
  }

  protected override onBatch(b: Batch): void {
    let prev: Fields | undefined;
    const out: BatchPoint[] = [];
    for (const bp of b.points) {
      if (!this.changed(prev, bp.fields, b.group)) continue;
      prev = bp.fields;
      out.push(bp);
    }
    this.emitBatch(out.length === b.points.length ? b : withPoints(b, out));
  }
}

registerNode('changeDetect', (ctx) => new ChangeDetectNode(ctx));
