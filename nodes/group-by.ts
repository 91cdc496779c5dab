/**
 * `groupBy(...)` node (SPEC 3.9, `group_by.go`). Stream: sets each point's dimensions (tags and fields untouched,
 * working_cardinality 0). Batch: re-buckets the points of incoming batches into one batch per new group; buckets
 * are emitted (points sorted by time) when a batch with a different tmax, or a barrier, arrives.
 */
import { Node, type BarrierMessage, type NodeContext } from '../runtime/node.ts';
import { makeBatch, makePoint } from '../model/build.ts';
import { FixedGrouper, StarGrouper, groupKey, parseGroupByArgs, type GroupKey, type Grouper } from '../runtime/grouping.ts';
import { groupTags, type Batch, type BatchPoint, type Point, type Tags } from '../model/point.ts';
import { plain } from '../tickscript/pipeline.ts';
import { settingsOf } from '../tickscript/catalog/index.ts';
import { registerNode } from './registry.ts';
import { as, batchPointFrom, batchPointState, headerFrom, headerState, type Snapshottable, type SnapshotValue } from '../runtime/snapshot.ts';

/** A batch being re-bucketed: the batch header of its new group plus the points collected so far. */
interface Bucket extends Omit<Batch, 'tmax' | 'points'> {
  readonly points: BatchPoint[];
}

export class GroupByNode extends Node implements Snapshottable {
  private readonly star: boolean;
  private readonly names: readonly string[];
  private readonly exclude: readonly string[];
  private readonly byMeasurement: boolean;
  /** groupers for input byName false / true (byName = previous OR byMeasurement) */
  private readonly groupers: readonly [Grouper, Grouper];
  // batch re-bucketing state
  private readonly buckets = new Map<string, Bucket>();
  private bucketTime: bigint | undefined;

  constructor(ctx: NodeContext) {
    super(ctx);
    const d = ctx.def;
    const { star, names } = parseGroupByArgs(d.args.map(plain));
    this.star = star;
    this.names = names;
    const s = settingsOf('groupBy', d);
    this.exclude = s.exclude.flat();
    if (this.exclude.length > 0 && !star) throw new Error("exclude requires '*'");
    this.byMeasurement = s.byMeasurement;
    const mk = (byName: boolean): Grouper =>
      star ? new StarGrouper(this.exclude, byName) : new FixedGrouper(names, byName);
    this.groupers = [mk(this.byMeasurement), mk(true)];
  }

  /** Stream: no state. Batch: the buckets waiting for the next tmax. */
  snapshot(): SnapshotValue {
    const buckets: SnapshotValue[] = [];
    for (const b of this.buckets.values()) buckets.push([headerState(b), b.points.map(batchPointState)]);
    return [this.bucketTime, buckets];
  }

  restore(s: SnapshotValue): void {
    const [time, buckets] = as<[bigint | undefined, [SnapshotValue, SnapshotValue[]][]]>(s);
    this.bucketTime = time;
    for (const [h, pts] of buckets) {
      const header = headerFrom(h);
      this.buckets.set(header.group, { ...header, points: pts.map(batchPointFrom) });
    }
  }

  private key(name: string, tags: Tags, prevByName: boolean): GroupKey {
    return groupKey(this.groupers[prevByName ? 1 : 0], name, tags);
  }

  protected override onPoint(p: Point): void {
    const g = this.groupers[p.dims.byName ? 1 : 0];
    const group = g.group(p.name, p.tags);
    const dims = g.dims;
    if (dims === p.dims && group === p.group) this.emitPoint(p);
    else this.emitPoint(makePoint(p.name, p.db, p.rp, p.tags, p.fields, p.time, dims, group));
  }

  protected override onBatch(b: Batch): void {
    if (this.bucketTime !== undefined && b.tmax !== this.bucketTime) this.emitBuckets();
    this.bucketTime = b.tmax;
    for (const bp of b.points) {
      const k = this.key(b.name, bp.tags, b.dims.byName);
      let bucket = this.buckets.get(k.group);
      if (!bucket) {
        bucket = { name: b.name, db: b.db, rp: b.rp, tags: groupTags(bp.tags, k.dims), dims: k.dims, group: k.group, points: [] };
        this.buckets.set(k.group, bucket);
      }
      bucket.points.push(bp);
    }
  }

  protected override onBarrier(m: BarrierMessage): void {
    if (this.batchInput) this.emitBuckets();
    this.emitControl(m);
  }

  /** Batch buckets waiting for the next tmax count as this node's groups. */
  override workingCardinality(): number {
    return this.buckets.size;
  }

  private emitBuckets(): void {
    const tmax = this.bucketTime;
    if (tmax === undefined) return;
    for (const bk of this.buckets.values()) {
      // stable sort by time: points of equal time keep arrival order
      const pts = bk.points.slice().sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
      this.emitBatch(makeBatch(bk.name, bk.db, bk.rp, bk.tags, bk.dims, bk.group, tmax, pts));
    }
    this.buckets.clear();
    this.bucketTime = undefined;
  }
}

registerNode('groupBy', (ctx) => new GroupByNode(ctx));
