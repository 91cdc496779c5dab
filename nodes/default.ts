/**
 * `default()` (SPEC 3.11, `default.go`): `.field(name, value)` sets a field that is absent; `.tag(name, value)` sets
 * a tag that is absent or the empty string. Counts `fields_defaulted` / `tags_defaulted` per value set. The
 * point's group is unchanged (Kapacitor does not regroup). Objects are copied only when something is set; the
 * point/batch plumbing is in field-tag-rewrite.ts.
 */
import type { NodeContext } from '../runtime/node.ts';
import type { Fields, FieldValue, Tags } from '../model/point.ts';
import { settingsOf, type Settings } from '../tickscript/catalog/index.ts';
import { FieldTagRewriteNode, type TagRewrite } from './field-tag-rewrite.ts';
import { registerNode } from './registry.ts';
import type { Snapshottable, SnapshotValue } from '../runtime/snapshot.ts';

/** `.field(name, value)` calls, in script order: names must be non-empty and distinct (default.go) */
function fieldDefaults(name: string, calls: Settings<'default'>['field']): [string, FieldValue][] {
  const out: [string, FieldValue][] = [];
  const seen = new Set<string>();
  for (const [k, v] of calls) {
    if (k === '') throw new Error(`${name}: .field() expects a field name as first argument`);
    if (seen.has(k)) throw new Error(`${name}: duplicate field ${k}`);
    seen.add(k);
    out.push([k, v]); // the catalog types the value: float, int, string or bool
  }
  return out;
}

/** `.tag(name, value)` calls, in script order */
function tagDefaults(name: string, calls: Settings<'default'>['tag']): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of calls) {
    if (k === '') throw new Error(`${name}: .tag() expects a tag name as first argument`);
    out.push([k, v]);
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
    const s = settingsOf('default', ctx.def);
    this.fields = fieldDefaults(ctx.def.name, s.field);
    this.tagRules = tagDefaults(ctx.def.name, s.tag);
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
