/**
 * `flatten()` (pipeline/flatten.go, flatten.go): folds the points of one group that share a (rounded) time into
 * one point whose field names carry the `.on(tags…)` values: `<tagv1><delim><tagv2><delim><field>` (or just the tag
 * values with `.dropOriginalFieldName()`). A time's point is emitted when the group's next time arrives (stream),
 * at a later barrier, or at the end of the batch. Semantics in docs/nodes.md.
 */
import { Node, type BarrierMessage, type NodeContext } from '../runtime/node.ts';
import { makeBatch, makeBatchPoint, makePoint } from '../model/build.ts';
import { groupTags, type Batch, type BatchPoint, type Dimensions, type Fields, type Point, type Tags } from '../model/point.ts';
import { roundTime } from '../model/time.ts';
import { settingsOf } from '../tickscript/catalog/index.ts';
import { registerNode } from './registry.ts';

interface Item { readonly fields: Fields; readonly tags: Tags }

/** flatten.go flattenBuffer: the current time's points of one group. */
interface Buffer {
  time: bigint | undefined;
  name: string;
  readonly tags: Tags;
  readonly dims: Dimensions;
  points: Item[];
}

export class FlattenNode extends Node {
  private readonly on: readonly string[];
  private readonly delimiter: string;
  private readonly tolerance: bigint;
  private readonly dropOriginal: boolean;
  private readonly groups = this.groupState<Buffer>();

  constructor(ctx: NodeContext) {
    super(ctx);
    const d = ctx.def;
    const s = settingsOf('flatten', d); // the catalog's defaults: delimiter '.', tolerance 0
    this.on = [...(s.on.at(-1) ?? [])];
    this.delimiter = s.delimiter;
    this.tolerance = s.tolerance;
    // .dropOriginalFieldName() = true, .dropOriginalFieldName(b) = b (flatten.go DropOriginalFieldName)
    const drop = s.dropOriginalFieldName.at(-1);
    this.dropOriginal = drop === undefined ? false : drop.length === 1 ? drop[0] === true : true;
  }

  private buffer(group: string, name: string, tags: Tags, dims: Dimensions, time: bigint | undefined): Buffer {
    let b = this.groups.get(group);
    if (b === undefined) {
      b = { time, name, tags, dims, points: [] };
      this.groups.set(group, b);
    }
    return b;
  }

  protected override onPoint(p: Point): void {
    const t = roundTime(p.time, this.tolerance);
    const b = this.buffer(p.group, p.name, groupTags(p.tags, p.dims), p.dims, t);
    const prev = b.time;
    const fields = this.add(b, t, p, p.group);
    if (fields === undefined) return;
    this.emitPoint(makePoint(b.name, '', '', b.tags, fields, prev!, b.dims, p.group));
  }

  protected override onBatch(batch: Batch): void {
    const b = this.buffer(batch.group, batch.name, batch.tags, batch.dims, undefined);
    b.name = batch.name;
    b.time = undefined;
    const out: BatchPoint[] = [];
    for (const bp of batch.points) {
      const t = roundTime(bp.time, this.tolerance);
      const prev = b.time;
      const fields = this.add(b, t, bp, batch.group);
      if (fields !== undefined) out.push(makeBatchPoint(prev!, fields, b.tags));
    }
    if (b.points.length > 0) {
      const fields = this.flatten(b.points, batch.group);
      if (Object.keys(fields).length > 0) out.push(makeBatchPoint(b.time!, fields, b.tags));
      b.points = [];
    }
    this.emitBatch(makeBatch(batch.name, batch.db, batch.rp, batch.tags, batch.dims, batch.group, batch.tmax, out));
  }

  /** A later barrier emits the pending time's point first (flatten.go Barrier). */
  protected override onBarrier(m: BarrierMessage): void {
    const b = this.groups.get(m.group);
    if (b !== undefined && !this.batchInput && b.time !== undefined && m.time > b.time && b.points.length > 0) {
      const fields = this.flatten(b.points, m.group);
      this.emitPoint(makePoint(b.name, '', '', b.tags, fields, b.time, b.dims, m.group));
      b.points = [];
    }
    this.emitControl(m);
  }

  /** flatten.go addPoint: a new time flattens what the previous one collected (returned when it has fields). */
  private add(b: Buffer, t: bigint, it: Item, group: string): Fields | undefined {
    let out: Fields | undefined;
    if (t !== b.time) {
      if (b.points.length > 0) {
        const f = this.flatten(b.points, group);
        b.points = [];
        if (Object.keys(f).length > 0) out = f;
      }
      b.time = t;
    }
    b.points.push(it);
    return out;
  }

  /**
   * flatten.go flatten: field names prefixed with the `on` tag values. A point missing an `on` tag is skipped and
   * reported; as in Kapacitor, the tag values already written for it stay in the prefix of the next point.
   */
  private flatten(points: readonly Item[], group: string): Fields {
    const fields: Fields = {};
    const d = this.delimiter;
    let prefix = '';
    points: for (const p of points) {
      for (let i = 0; i < this.on.length; i++) {
        const tag = this.on[i]!;
        const v = p.tags[tag];
        if (v === undefined) {
          this.reportError('point missing tag for flatten operation', group, new Error(`tag ${tag} is missing from point`));
          continue points;
        }
        prefix += (i > 0 ? d : '') + v;
      }
      for (const f in p.fields) {
        const key = this.dropOriginal ? prefix : prefix + (prefix.length > 0 ? d : '') + f;
        fields[key] = p.fields[f]!;
      }
      prefix = '';
    }
    return fields;
  }
}

registerNode('flatten', (ctx) => new FlattenNode(ctx));
