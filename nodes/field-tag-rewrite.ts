/**
 * The shape default() and delete() share (SPEC 3.11): each point's fields and tags go through a rewrite; the point
 * passes through untouched when neither changed, otherwise a new point with the same name, time and group is
 * emitted (neither node regroups). Batches get the rewrite per point and on the header's tags.
 *
 * Tags objects are shared by every point of a series, so the tags rewrite is computed once per input tags object
 * (WeakMap) and its count re-added for each point; the header's tags are rewritten but not counted (Kapacitor
 * counts per point only).
 *
 * Groups follow the tags as in Kapacitor's edge messages: a point whose tags changed gets its group ID recomputed
 * (`pointMessage.SetTags`), over dimensions the subclass may narrow (`rewriteDims`: delete drops deleted dimension
 * tags); a batch header whose tags changed takes those tags' names as its dimensions (`beginBatchMessage.SetTags`).
 */
import { Node, type Counter } from '../runtime/node.ts';
import { makeBatch, makeBatchPoint, makePoint } from '../model/build.ts';
import { groupId, makeDimensions, type Batch, type BatchPoint, type Dimensions, type Fields, type Point, type Tags } from '../model/point.ts';

/** The tags after a rewrite (the input object when nothing changed) and how many tags were changed. */
export interface TagRewrite {
  readonly out: Tags;
  readonly n: number;
}

/** A cached tags rewrite plus the group it gave for the last (name, dims) seen with it. */
interface CachedRewrite extends TagRewrite {
  name: string | undefined;
  dimsIn: Dimensions | undefined;
  dimsOut: Dimensions | undefined;
  group: string;
}

export abstract class FieldTagRewriteNode extends Node {
  private readonly tagCache = new WeakMap<Tags, CachedRewrite>();
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

  /** Dimensions after this node (delete drops deleted tags); must return the same object for the same input. */
  protected rewriteDims(d: Dimensions): Dimensions {
    return d;
  }

  private rewrite(t: Tags, count: boolean): CachedRewrite | undefined {
    if (!this.rewritesTags) return undefined;
    let c = this.tagCache.get(t);
    if (c === undefined) {
      const r = this.rewriteTags(t);
      const out = r.out === t ? t : Object.freeze(r.out);
      c = { out, n: r.n, name: undefined, dimsIn: undefined, dimsOut: undefined, group: '' };
      this.tagCache.set(t, c);
    }
    if (count && c.n > 0) this.tagsCounter!.add(c.n);
    return c;
  }

  protected override onPoint(p: Point): void {
    const fields = this.rewriteFields(p.fields);
    const c = this.rewrite(p.tags, true);
    const dims = this.rewriteDims(p.dims);
    if ((c === undefined || c.out === p.tags) && dims === p.dims) {
      if (fields === p.fields) this.emitPoint(p);
      else this.emitPoint(makePoint(p.name, p.db, p.rp, p.tags, fields, p.time, p.dims, p.group));
      return;
    }
    if (c === undefined || c.out === p.tags) {
      // dimensions narrowed although this point lacked the tag (rare): no memo
      this.emitPoint(makePoint(p.name, p.db, p.rp, p.tags, fields, p.time, dims, groupId(p.name, p.tags, dims)));
      return;
    }
    if (c.dimsIn !== p.dims || c.name !== p.name) {
      c.dimsIn = p.dims;
      c.name = p.name;
      c.dimsOut = dims;
      c.group = groupId(p.name, c.out, dims);
    }
    this.emitPoint(makePoint(p.name, p.db, p.rp, c.out, fields, p.time, dims, c.group));
  }

  protected override onBatch(b: Batch): void {
    const pts: BatchPoint[] = new Array<BatchPoint>(b.points.length);
    for (let i = 0; i < b.points.length; i++) {
      const bp = b.points[i]!;
      const fields = this.rewriteFields(bp.fields);
      const c = this.rewrite(bp.tags, true);
      const tags = c === undefined ? bp.tags : c.out;
      pts[i] = fields === bp.fields && tags === bp.tags ? bp : makeBatchPoint(bp.time, fields, tags);
    }
    const h = this.rewrite(b.tags, false);
    if (h === undefined || h.out === b.tags) {
      this.emitBatch(makeBatch(b.name, b.db, b.rp, b.tags, b.dims, b.group, b.tmax, pts));
      return;
    }
    // beginBatchMessage.SetTags: the header's tags become its dimensions
    const dims = makeDimensions(Object.keys(h.out), b.dims.byName);
    this.emitBatch(makeBatch(b.name, b.db, b.rp, h.out, dims, groupId(b.name, h.out, dims), b.tmax, pts));
  }
}
