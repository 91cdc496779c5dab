/**
 * `default()` (SPEC 3.11, `default.go`): `.field(name, value)` sets a field that is absent; `.tag(name, value)` sets
 * a tag that is absent or the empty string. Counts `fields_defaulted` / `tags_defaulted` per value set. The
 * point's group is unchanged (Kapacitor does not regroup). Objects are copied only when something is set.
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { makeBatchPoint, makePoint, makeBatch } from '../runtime/build.ts';
import type { Batch, BatchPoint, Fields, FieldValue, Point, Tags } from '../runtime/point.ts';
import { allCalls, type PipelineNode } from '../tickscript/pipeline.ts';
import { registerNode } from './registry.ts';

function fieldDefaults(d: PipelineNode): [string, FieldValue][] {
  const out: [string, FieldValue][] = [];
  const seen = new Set<string>();
  for (const args of allCalls(d, 'field')) {
    const [k, v] = args;
    if (!k || k.type !== 'string' || k.value === '') throw new Error(`${d.name}: .field() expects a field name as first argument`);
    if (seen.has(k.value)) throw new Error(`${d.name}: duplicate field ${k.value}`);
    seen.add(k.value);
    if (!v) throw new Error(`${d.name}: .field('${k.value}') needs a default value`);
    switch (v.type) {
      case 'float': case 'int': case 'string': case 'bool': out.push([k.value, v.value]); break;
      default: throw new Error(`${d.name}: unsupported type ${v.type} for default field ${k.value}: must be float, int, string or bool`);
    }
  }
  return out;
}

function tagDefaults(d: PipelineNode): [string, string][] {
  const out: [string, string][] = [];
  for (const args of allCalls(d, 'tag')) {
    const [k, v] = args;
    if (!k || k.type !== 'string' || k.value === '') throw new Error(`${d.name}: .tag() expects a tag name as first argument`);
    if (!v || v.type !== 'string') throw new Error(`${d.name}: .tag('${k.value}') expects a string value, got ${v ? v.type : 'nothing'}`);
    out.push([k.value, v.value]);
  }
  return out;
}

export class DefaultNode extends Node {
  private readonly fields: [string, FieldValue][];
  private readonly tags: [string, string][];
  /** tags objects are shared per series: the defaulted tags are computed once per input tags object */
  private readonly tagCache = new WeakMap<Tags, { readonly out: Tags; readonly n: number }>();
  private readonly fieldsDefaulted = this.counter('fields_defaulted');
  private readonly tagsDefaulted = this.counter('tags_defaulted');

  constructor(ctx: NodeContext) {
    super(ctx);
    this.fields = fieldDefaults(ctx.def);
    this.tags = tagDefaults(ctx.def);
  }

  private defFields(f: Fields): Fields {
    let out: Fields | undefined;
    for (let i = 0; i < this.fields.length; i++) {
      const [k, v] = this.fields[i]!;
      if (f[k] !== undefined) continue;
      if (out === undefined) out = copy(f);
      out[k] = v;
      this.fieldsDefaulted.inc();
    }
    return out ?? f;
  }

  private defTags(t: Tags, count: boolean): Tags {
    if (this.tags.length === 0) return t;
    let c = this.tagCache.get(t);
    if (c === undefined) {
      let out: Tags | undefined;
      let n = 0;
      for (let i = 0; i < this.tags.length; i++) {
        const [k, v] = this.tags[i]!;
        const cur = t[k];
        if (cur !== undefined && cur !== '') continue;
        if (out === undefined) out = copy(t);
        out[k] = v;
        n++;
      }
      c = { out: out === undefined ? t : Object.freeze(out), n };
      this.tagCache.set(t, c);
    }
    if (count && c.n > 0) this.tagsDefaulted.add(c.n);
    return c.out;
  }

  protected override onPoint(p: Point): void {
    const fields = this.defFields(p.fields);
    const tags = this.defTags(p.tags, true);
    if (fields === p.fields && tags === p.tags) this.emitPoint(p);
    else this.emitPoint(makePoint(p.name, p.db, p.rp, tags, fields, p.time, p.dims, p.group));
  }

  protected override onBatch(b: Batch): void {
    const pts: BatchPoint[] = new Array<BatchPoint>(b.points.length);
    for (let i = 0; i < b.points.length; i++) {
      const bp = b.points[i]!;
      const fields = this.defFields(bp.fields);
      const tags = this.defTags(bp.tags, true);
      pts[i] = fields === bp.fields && tags === bp.tags ? bp : makeBatchPoint(bp.time, fields, tags);
    }
    // The batch header's tags get the defaults too (BeginBatch), counted only per point.
    this.emitBatch(makeBatch(b.name, b.db, b.rp, this.defTags(b.tags, false), b.dims, b.group, b.tmax, pts));
  }
}

/** for-in copy: much cheaper than `{ ...o }` followed by a property add (see runtime/build.ts setField) */
function copy<T extends Record<string, unknown>>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const k in o) out[k] = o[k];
  return out as T;
}

registerNode('default', (ctx) => new DefaultNode(ctx));
