/**
 * `delete()` (SPEC 3.11, `delete.go`): removes `.field(name)` / `.tag(name)` (repeatable). `fields_deleted` /
 * `tags_deleted` count only names that were present. Objects are copied only when something is removed.
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { makeBatch, makeBatchPoint, makePoint } from '../runtime/build.ts';
import type { Batch, BatchPoint, Point } from '../runtime/point.ts';
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
  private readonly fieldsDeleted = this.counter('fields_deleted');
  private readonly tagsDeleted = this.counter('tags_deleted');

  constructor(ctx: NodeContext) {
    super(ctx);
    this.fields = names(ctx.def, 'field');
    this.tags = names(ctx.def, 'tag');
  }

  /** `obj` without `keys` (same object when none present); counts removals when `c` is given. */
  private drop<T extends object>(obj: T, keys: string[], c: { inc(): void } | undefined): T {
    let out: Record<string, unknown> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (!Object.hasOwn(out ?? obj, k)) continue;
      if (out === undefined) out = { ...obj } as Record<string, unknown>;
      delete out[k];
      c?.inc();
    }
    return (out as T | undefined) ?? obj;
  }

  protected override onPoint(p: Point): void {
    const fields = this.drop(p.fields, this.fields, this.fieldsDeleted);
    const tags = this.drop(p.tags, this.tags, this.tagsDeleted);
    if (fields === p.fields && tags === p.tags) this.emitPoint(p);
    else this.emitPoint(makePoint(p.name, p.db, p.rp, tags, fields, p.time, p.dims, p.group));
  }

  protected override onBatch(b: Batch): void {
    const pts: BatchPoint[] = new Array<BatchPoint>(b.points.length);
    for (let i = 0; i < b.points.length; i++) {
      const bp = b.points[i]!;
      const fields = this.drop(bp.fields, this.fields, this.fieldsDeleted);
      const tags = this.drop(bp.tags, this.tags, this.tagsDeleted);
      pts[i] = fields === bp.fields && tags === bp.tags ? bp : makeBatchPoint(bp.time, fields, tags);
    }
    this.emitBatch(makeBatch(b.name, b.db, b.rp, this.drop(b.tags, this.tags, undefined), b.dims, b.group, b.tmax, pts));
  }
}

registerNode('delete', (ctx) => new DeleteNode(ctx));
