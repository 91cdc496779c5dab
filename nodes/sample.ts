/**
 * `sample(n | d)` (SPEC 3.11, `sample.go`). `n` (int): per group, keep messages whose 0-based counter % n == 0
 * (first, n+1-th, …); on batch edges the counter runs over the points of each batch and restarts at every batch.
 * `d` (duration): keep messages whose time is an exact multiple of d (Go zero-time truncation, so 1w aligns to
 * Mondays, SPEC 9.14); for batches the batch time (tmax) decides.
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { withPoints } from '../model/build.ts';
import type { Batch, BatchPoint, Point } from '../model/point.ts';
import { truncateTime } from '../model/time.ts';
import { registerNode } from './registry.ts';

interface Counter { n: number }

export class SampleNode extends Node {
  private readonly n: number;
  private readonly d: bigint;
  private readonly counts = this.groupState<Counter>();

  constructor(ctx: NodeContext) {
    super(ctx);
    const a = ctx.def.args[0];
    if (!a || (a.type !== 'int' && a.type !== 'duration')) {
      throw new Error(`${ctx.def.name}: sample needs an int count or a duration, got ${a ? a.type : 'nothing'}`);
    }
    if (a.value <= 0n) throw new Error(`${ctx.def.name}: sample rate must be positive, got ${a.value}`);
    this.n = a.type === 'int' ? Number(a.value) : 0;
    this.d = a.type === 'duration' ? a.value : 0n;
  }

  protected override onPoint(p: Point): void {
    // every group gets its receiver (working_cardinality), whichever the mode
    let c = this.counts.get(p.group);
    if (c === undefined) { c = { n: 0 }; this.counts.set(p.group, c); }
    if (this.d > 0n) {
      if (truncateTime(p.time, this.d) === p.time) this.emitPoint(p);
      return;
    }
    const keep = c.n % this.n === 0;
    c.n++;
    if (keep) this.emitPoint(p);
  }

  protected override onBatch(b: Batch): void {
    if (this.d > 0n) {
      if (truncateTime(b.tmax, this.d) === b.tmax) this.emitBatch(b);
      return;
    }
    const pts: BatchPoint[] = [];
    for (let i = 0; i < b.points.length; i++) if (i % this.n === 0) pts.push(b.points[i]!);
    this.emitBatch(withPoints(b, pts));
  }
}

registerNode('sample', (ctx) => new SampleNode(ctx));
