/**
 * `delete()` (SPEC 3.11, `delete.go`): removes `.field(name)` / `.tag(name)` (repeatable). `fields_deleted` /
 * `tags_deleted` count only names that were present. Objects are copied only when something is removed.
 */
import type { NodeContext } from '../runtime/node.ts';
import { makeDimensions, type Dimensions, type Fields, type Tags } from '../model/point.ts';
import { settingsOf, type Settings } from '../tickscript/catalog/index.ts';
import { FieldTagRewriteNode, type TagRewrite } from './field-tag-rewrite.ts';
import { registerNode } from './registry.ts';

/** every `.field(name)` / `.tag(name)` call's name, in script order */
function names(node: string, method: 'field' | 'tag', calls: Settings<'delete'>['field']): string[] {
  const out: string[] = [];
  for (const [name] of calls) {
    if (name === '') throw new Error(`${node}: .${method}() expects a non-empty ${method} name, got string`);
    out.push(name);
  }
  return out;
}

export class DeleteNode extends FieldTagRewriteNode {
  private readonly fields: string[];
  private readonly tagNames: string[];
  private readonly fieldSet: ReadonlySet<string>;
  private readonly tagSet: ReadonlySet<string>;
  private readonly fieldsDeleted = this.counter('fields_deleted');
  /** last input dimensions and their rewrite (delete.go deleteDimensions); upstream nodes reuse one object */
  private dimsIn: Dimensions | undefined;
  private dimsOut: Dimensions | undefined;

  constructor(ctx: NodeContext) {
    super(ctx);
    const s = settingsOf('delete', ctx.def);
    this.fields = names(ctx.def.name, 'field', s.field);
    this.tagNames = names(ctx.def.name, 'tag', s.tag);
    this.fieldSet = new Set(this.fields);
    this.tagSet = new Set(this.tagNames);
    this.useTagRules(this.counter('tags_deleted'), this.tagNames.length > 0);
  }

  protected rewriteFields(f: Fields): Fields {
    if (this.fields.length === 0) return f;
    const [out, n] = without(f, this.fields, this.fieldSet);
    if (n > 0) this.fieldsDeleted.add(n);
    return out;
  }

  protected override rewriteDims(d: Dimensions): Dimensions {
    if (d === this.dimsIn) return this.dimsOut!;
    const tagSet = this.tagSet;
    const out = d.tagNames.some((n) => tagSet.has(n)) ? makeDimensions(d.tagNames.filter((n) => !tagSet.has(n)), d.byName) : d;
    this.dimsIn = d;
    this.dimsOut = out;
    return out;
  }

  protected rewriteTags(t: Tags): TagRewrite {
    const [out, n] = without(t, this.tagNames, this.tagSet);
    return { out, n };
  }
}

/** `obj` without the names in `drop` (the same object when none is present) and how many were removed. */
function without<T extends Record<string, unknown>>(obj: T, keys: string[], drop: ReadonlySet<string>): [T, number] {
  let n = 0;
  for (let i = 0; i < keys.length; i++) if (Object.hasOwn(obj, keys[i]!)) n++;
  if (n === 0) return [obj, 0];
  // a fresh object without the keys (`delete` would turn the copy into a slow dictionary-mode object)
  const out: Record<string, unknown> = {};
  for (const k in obj) if (!drop.has(k)) out[k] = obj[k];
  return [out as T, n];
}

registerNode('delete', (ctx) => new DeleteNode(ctx));
