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
      if (out === undefined) out = { ...f };
      out[k] = v;
      this.fieldsDefaulted.inc();
    }
    return out ?? f;
  }

  private defTags(t: Tags, count: boolean): Tags {
    let out: Tags | undefined;
    for (let i = 0; i < this.tags.length; i++) {
      const [k, v] = this.tags[i]!;
      const cur = t[k];
      if (cur !== undefined && cur !== '') continue;
      if (out === undefined) out = { ...t };
      out[k] = v;
      if (count) this.tagsDefaulted.inc();
    }
    return out ?? t;
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

registerNode('default', (ctx) => new DefaultNode(ctx));
