/**
 * `default()` (SPEC 3.11, `default.go`): `.field(name, value)` sets a field that is absent; `.tag(name, value)` sets
 * a tag that is absent or the empty string. Counts `fields_defaulted` / `tags_defaulted` per value set. The
 * point's group is unchanged (Kapacitor does not regroup). Objects are copied only when something is set; the
 * point/batch plumbing is in field-tag-rewrite.ts.
 */
import type { NodeContext } from '../runtime/node.ts';
import type { Fields, FieldValue, Tags } from '../model/point.ts';
import { allCalls, type PipelineNode } from '../tickscript/pipeline.ts';
import { FieldTagRewriteNode, type TagRewrite } from './field-tag-rewrite.ts';
import { registerNode } from './registry.ts';
import type { Snapshottable, SnapshotValue } from '../runtime/snapshot.ts';

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

export class DefaultNode extends FieldTagRewriteNode implements Snapshottable {
  /** stateless: its counters travel with the node statistics (runtime/snapshot.ts) */
  snapshot(): SnapshotValue { return null; }
  restore(): void {}

  private readonly fields: [string, FieldValue][];
  private readonly tagRules: [string, string][];
  private readonly fieldsDefaulted = this.counter('fields_defaulted');

  constructor(ctx: NodeContext) {
    super(ctx);
    this.fields = fieldDefaults(ctx.def);
    this.tagRules = tagDefaults(ctx.def);
    this.useTagRules(this.counter('tags_defaulted'), this.tagRules.length > 0);
  }

  protected rewriteFields(f: Fields): Fields {
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

  protected rewriteTags(t: Tags): TagRewrite {
    let out: Tags | undefined;
    let n = 0;
    for (let i = 0; i < this.tagRules.length; i++) {
      const [k, v] = this.tagRules[i]!;
      const cur = t[k];
      if (cur !== undefined && cur !== '') continue;
      if (out === undefined) out = copy(t);
      out[k] = v;
      n++;
    }
    return { out: out ?? t, n };
  }
}

/** for-in copy: much cheaper than `{ ...o }` followed by a property add (see model/build.ts setField) */
function copy<T extends Record<string, unknown>>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const k in o) out[k] = o[k];
  return out as T;
}

registerNode('default', (ctx) => new DefaultNode(ctx));
