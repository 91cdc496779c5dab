/**
 * Shared shape of the InfluxQL "stream transformations" difference, cumulativeSum and elapsed (SPEC 3.7,
 * `influxqlStreamingTransformGroup`): per group, one reducer fed point by point; each result is emitted as a
 * point named after the group's first point, with the group tags only and the single field `<as>`, stamped with
 * the current point's time. On batch edges each batch is its own series and becomes a batch of results.
 * Subclasses implement the reducer; this file owns grouping, output shape and error reporting.
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { makeBatchPoint, makePoint, withPoints } from '../model/build.ts';
import { groupTags, type Batch, type BatchPoint, type FieldValue, type Point, type Tags } from '../model/point.ts';
import { settingsOf } from '../tickscript/catalog/index.ts';
import type { ValueType } from './reducers.ts';
import { contextType, contextValue, INFLUXQL_CANNOT_APPLY as CANNOT_APPLY } from './support/reduce-context.ts';
import { fieldArgument, outputName } from './support/field-arguments.ts';

/** One group's reducer state. `add` returns the value to emit or undefined. */
export interface Reducer {
  add(v: FieldValue, time: bigint): FieldValue | undefined;
}

interface Group {
  readonly name: string;
  readonly tags: Tags;
  /** the type of the first value: later values must match (influxql reducers are typed) */
  readonly type: ValueType;
  readonly r: Reducer;
}

export abstract class StreamTransformNode extends Node {
  protected readonly field: string;
  private readonly as: string;
  /** null: the group was seen but has no reducer yet (its type comes from its first valid value); a group exists
   * from its first message, as with Kapacitor's grouped consumer (working_cardinality) */
  private readonly groups = this.groupState<Group | null>();

  /** the node kind ("cannot apply <kind> …") and the value types its reducers take */
  private readonly kind: string;
  private readonly accepts: readonly ValueType[];

  constructor(ctx: NodeContext, defaultAs: string, accepts: readonly ValueType[]) {
    super(ctx);
    this.kind = ctx.def.kind;
    this.accepts = accepts;
    const d = ctx.def;
    this.field = fieldArgument(d);
    this.as = outputName(d, settingsOf('influxqlFunction', d).as ?? defaultAs);
  }

  /** A new reducer for a series whose first value is of type `type` (one of the accepted types). */
  protected abstract newReducer(type: ValueType): Reducer;

  /** The value to feed, or undefined after reporting why (missing, unsupported or changed type). */
  private value(v: FieldValue | undefined, type: ValueType | undefined, group: string): FieldValue | undefined {
    const c = contextValue(v, this.field, type);
    if (c instanceof Error) {
      this.reportError('failed to aggregate point', group, c);
      return undefined;
    }
    return c;
  }

  private start(v: FieldValue, name: string, tags: Tags, group: string): Group | undefined {
    const type = contextType(v, this.field, this.kind, this.accepts, CANNOT_APPLY);
    if (type instanceof Error) {
      this.reportError('failed to realize reduce context from fields', group, type);
      return undefined;
    }
    return { name, tags, type, r: this.newReducer(type) };
  }

  protected override onPoint(p: Point): void {
    let g = this.groups.get(p.group);
    if (g === undefined) { g = null; this.groups.set(p.group, null); }
    const v = this.value(p.fields[this.field], g?.type, p.group);
    if (v === undefined) return;
    if (g === null) {
      const started = this.start(v, p.name, groupTags(p.tags, p.dims), p.group);
      if (started === undefined) return;
      g = started;
      this.groups.set(p.group, g);
    }
    const out = g.r.add(v, p.time);
    if (out !== undefined) this.emitPoint(makePoint(g.name, '', '', g.tags, { [this.as]: out }, p.time, p.dims, p.group));
  }

  protected override onBatch(b: Batch): void {
    let g: Group | undefined;
    const pts: BatchPoint[] = [];
    for (const bp of b.points) {
      const v = this.value(bp.fields[this.field], g?.type, b.group);
      if (v === undefined) continue;
      if (g === undefined) {
        g = this.start(v, b.name, b.tags, b.group);
        if (g === undefined) break;
      }
      const out = g.r.add(v, bp.time);
      if (out !== undefined) pts.push(makeBatchPoint(bp.time, { [this.as]: out }, b.tags));
    }
    this.emitBatch(withPoints(b, pts));
  }
}
