/**
 * The shape default() and delete() share (SPEC 3.11): each point's fields and tags go through a rewrite; the point
 * passes through untouched when neither changed, otherwise a new point with the same name, time and group is
 * emitted (neither node regroups). Batches get the rewrite per point and on the header's tags.
 *
 * Tags objects are shared by every point of a series, so the tags rewrite is computed once per input tags object
 * (WeakMap) and its count re-added for each point; the header's tags are rewritten but not counted (Kapacitor
 * counts per point only).
 */
import { Node, type Counter } from '../runtime/node.ts';
import { makeBatch, makeBatchPoint, makePoint } from '../runtime/build.ts';
import type { Batch, BatchPoint, Fields, Point, Tags } from '../runtime/point.ts';

/** The tags after a rewrite (the input object when nothing changed) and how many tags were changed. */
export interface TagRewrite {
  readonly out: Tags;
  readonly n: number;
}

export abstract class FieldTagRewriteNode extends Node {
  private readonly tagCache = new WeakMap<Tags, TagRewrite>();
  // Declared here rather than as abstract members: both node kinds then keep them at the same offset, which is
  // what the shared onPoint/onBatch read for every point.
  /** false: the node has no tag rules, tags pass through without a cache lookup */
  private rewritesTags = false;
  /** the `tags_*` counter, added to per point */
  private tagsCounter: Counter | undefined;

  /** Subclass constructors call this once with their `tags_*` counter, after registering the fields counter. */
  protected useTagRules(counter: Counter, any: boolean): void {
    this.tagsCounter = counter;
    this.rewritesTags = any;
  }

  /** The fields after the rewrite (the same object when nothing changed); counts its own statistic. */
  protected abstract rewriteFields(f: Fields): Fields;
  /** The rewrite of one tags object; called once per distinct input object. */
  protected abstract rewriteTags(t: Tags): TagRewrite;

  private tags(t: Tags, count: boolean): Tags {
    if (!this.rewritesTags) return t;
    let c = this.tagCache.get(t);
    if (c === undefined) {
      const r = this.rewriteTags(t);
      c = r.out === t ? r : { out: Object.freeze(r.out), n: r.n };
      this.tagCache.set(t, c);
    }
    if (count && c.n > 0) this.tagsCounter!.add(c.n);
    return c.out;
  }

  protected override onPoint(p: Point): void {
    const fields = this.rewriteFields(p.fields);
    const tags = this.tags(p.tags, true);
    if (fields === p.fields && tags === p.tags) this.emitPoint(p);
    else this.emitPoint(makePoint(p.name, p.db, p.rp, tags, fields, p.time, p.dims, p.group));
  }

  protected override onBatch(b: Batch): void {
    const pts: BatchPoint[] = new Array<BatchPoint>(b.points.length);
    for (let i = 0; i < b.points.length; i++) {
      const bp = b.points[i]!;
      const fields = this.rewriteFields(bp.fields);
      const tags = this.tags(bp.tags, true);
      pts[i] = fields === bp.fields && tags === bp.tags ? bp : makeBatchPoint(bp.time, fields, tags);
    }
    this.emitBatch(makeBatch(b.name, b.db, b.rp, this.tags(b.tags, false), b.dims, b.group, b.tmax, pts));
  }
}
