/**
 * `delete()` (SPEC 3.11, `delete.go`): removes `.field(name)` / `.tag(name)` (repeatable). `fields_deleted` /
 * `tags_deleted` count only names that were present. Objects are copied only when something is removed.
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { makeBatch, makeBatchPoint, makePoint } from '../runtime/build.ts';
import type { Batch, BatchPoint, Fields, Point, Tags } from '../runtime/point.ts';
import { allCalls, type PipelineNode } from '../tickscript/pipeline.ts';
import { registerNode } from './registry.ts';

function names(d: PipelineNode, method: 'field' | 'tag'): string[] {
  const out: string[] = [];
  for (const args of allCalls(d, method)) {
    for (const a of args) {
      if (a.type !== 'string' || a.value === '') throw new Error(`${d.name}: .${method}() expects a non-empty ${method} name, got ${a.type}`);
      out.push(a.value);
    }
  }
  return out;
}

export class DeleteNode extends Node {
  private readonly fields: string[];
  private readonly tags: string[];
  private readonly fieldSet: ReadonlySet<string>;
  private readonly tagSet: ReadonlySet<string>;
  /** tags objects are shared per series: the reduced tags are computed once per input tags object */
  private readonly tagCache = new WeakMap<Tags, { readonly out: Tags; readonly n: number }>();
  private readonly fieldsDeleted = this.counter('fields_deleted');
  private readonly tagsDeleted = this.counter('tags_deleted');

  constructor(ctx: NodeContext) {
    super(ctx);
    this.fields = names(ctx.def, 'field');
    this.tags = names(ctx.def, 'tag');
    this.fieldSet = new Set(this.fields);
    this.tagSet = new Set(this.tags);
  }

  /** `obj` without the names in `drop` (the same object when none is present) and how many were removed. */
  private without<T extends Record<string, unknown>>(obj: T, keys: string[], drop: ReadonlySet<string>): [T, number] {
    let n = 0;
    for (let i = 0; i < keys.length; i++) if (Object.hasOwn(obj, keys[i]!)) n++;
    if (n === 0) return [obj, 0];
    // a fresh object without the keys (`delete` would turn the copy into a slow dictionary-mode object)
    const out: Record<string, unknown> = {};
    for (const k in obj) if (!drop.has(k)) out[k] = obj[k];
    return [out as T, n];
  }

  private dropFields(f: Fields): Fields {
    if (this.fields.length === 0) return f;
    const [out, n] = this.without(f, this.fields, this.fieldSet);
    if (n > 0) this.fieldsDeleted.add(n);
    return out;
  }

  private dropTags(t: Tags, count: boolean): Tags {
    if (this.tags.length === 0) return t;
    let c = this.tagCache.get(t);
    if (c === undefined) {
      const [out, n] = this.without(t, this.tags, this.tagSet);
      c = { out: n > 0 ? Object.freeze(out) : t, n };
      this.tagCache.set(t, c);
    }
    if (count && c.n > 0) this.tagsDeleted.add(c.n);
    return c.out;
  }

  protected override onPoint(p: Point): void {
    const fields = this.dropFields(p.fields);
    const tags = this.dropTags(p.tags, true);
    if (fields === p.fields && tags === p.tags) this.emitPoint(p);
    else this.emitPoint(makePoint(p.name, p.db, p.rp, tags, fields, p.time, p.dims, p.group));
  }

  protected override onBatch(b: Batch): void {
    const pts: BatchPoint[] = new Array<BatchPoint>(b.points.length);
    for (let i = 0; i < b.points.length; i++) {
      const bp = b.points[i]!;
      const fields = this.dropFields(bp.fields);
      const tags = this.dropTags(bp.tags, true);
      pts[i] = fields === bp.fields && tags === bp.tags ? bp : makeBatchPoint(bp.time, fields, tags);
    }
    this.emitBatch(makeBatch(b.name, b.db, b.rp, this.dropTags(b.tags, false), b.dims, b.group, b.tmax, pts));
  }
}

registerNode('delete', (ctx) => new DeleteNode(ctx));
