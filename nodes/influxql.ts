/**
 * The InfluxQL aggregation nodes `sum mean count min max first last spread stddev median mode percentile`
 * (SPEC 3.6, Kapacitor `influxql.go`). They share this runtime and differ only in their reducer (reducers.ts).
 *
 * Stream edge, per group: a context collects the points sharing one timestamp; a point with a different time
 * emits the context (if it aggregated anything) and opens a new one — results come one step late and the last
 * timestamp is never emitted. Batch edge: one point per batch at tmax; empty batches give count → 0, sum → 0.0.
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { makePoint } from '../model/build.ts';
import { groupTags, type Batch, type Dimensions, type FieldValue, type Fields, type Point, type Tags } from '../model/point.ts';
import { plain } from '../tickscript/pipeline.ts';
import { settingsOf } from '../tickscript/catalog/index.ts';
import { REDUCERS, type Reducer, type ReducerSpec, type Selected, type ValueType } from './reducers.ts';
import { registerNode } from './registry.ts';
import { fieldArgument, outputName } from './support/field-arguments.ts';
import { contextType, contextValue, INFLUXQL_CANNOT_APPLY as CANNOT_APPLY } from './support/reduce-context.ts';
import { as, dimsFrom, dimsState, type Snapshottable, type SnapshotValue } from '../runtime/snapshot.ts';

/** Per-group state on a stream edge. */
interface StreamGroup {
  time: bigint;
  name: string;
  readonly tags: Tags;
  readonly dims: Dimensions;
  rc: Reducer | null;
  type: ValueType | undefined;
}

export class InfluxQLNode extends Node implements Snapshottable {
  private readonly method: string;
  private readonly spec: ReducerSpec;
  private readonly field: string;
  private readonly as: string;
  private readonly usePointTimes: boolean;
  private readonly extraArgs: readonly unknown[];
  private readonly groups = this.groupState<StreamGroup>();

  constructor(ctx: NodeContext) {
    super(ctx);
    const d = ctx.def;
    this.method = d.kind;
    this.spec = REDUCERS[d.kind]!;
    this.field = fieldArgument(d);
    const s = settingsOf('influxqlFunction', d);
    this.as = outputName(d, s.as ?? d.kind);
    this.usePointTimes = s.usePointTimes;
    this.extraArgs = d.args.slice(1).map((a) => (a.type === 'int' ? Number(a.value) : plain(a)));
    if (d.kind === 'percentile') {
      const p = this.extraArgs[0];
      if (typeof p !== 'number' || !(p >= 0 && p <= 100)) throw new Error(`${d.name}: percentile must be a number within [0, 100]`);
    }
  }

  /** Stream edge, per group: the open context (time, name, tags, dims, reducer type and state). Batch: none. */
  snapshot(): SnapshotValue {
    const out: SnapshotValue[] = [];
    for (const [k, g] of this.groups) {
      out.push([k, g.time, g.name, g.tags, dimsState(g.dims), g.type, g.rc === null ? null : g.rc.state()]);
    }
    return out;
  }

  restore(s: SnapshotValue): void {
    for (const [k, time, name, tags, dims, type, rc] of as<[string, bigint, string, Tags, SnapshotValue, ValueType | undefined, SnapshotValue][]>(s)) {
      let r: Reducer | null = null;
      if (rc !== null && type !== undefined) { r = this.spec.create(type, this.extraArgs); r.load(rc); }
      this.groups.set(k, { time, name, tags, dims: dimsFrom(dims), rc: r, type });
    }
  }

  /** Kapacitor's createReduceContext: the reducer for the type of the context's first value. */
  private realize(v: FieldValue | undefined, group: string): { rc: Reducer; type: ValueType } | undefined {
    const t = contextType(v, this.field, this.method, this.spec.types, CANNOT_APPLY);
    if (t instanceof Error) {
      this.reportError('failed to realize reduce context from fields', group, t);
      return undefined;
    }
    return { rc: this.spec.create(t, this.extraArgs), type: t };
  }

  /** Add one point's value (convertXPoint checks: present, same type as the context). */
  private aggregate(rc: Reducer, type: ValueType, p: Selected, group: string): void {
    const v = contextValue(p.fields[this.field], this.field, type);
    if (v instanceof Error) {
      this.reportError('failed to aggregate point', group, v);
      return;
    }
    rc.add(v, p);
  }

  /** Output fields/tags/time for a finished context, or undefined when the reducer yields nothing. */
  private output(rc: Reducer, tags: Tags, time: bigint): { fields: Fields; tags: Tags; time: bigint } | undefined {
    const value = rc.result();
    if (value === undefined) return undefined;
    if (!this.spec.selector) return { fields: { [this.as]: value }, tags, time };
    // Selectors keep the selected point's tags and all its fields, the field renamed to <as> (SPEC 3.6).
    const sel = rc.selected()!;
    const fields: Fields = {};
    for (const k in sel.fields) if (k !== this.field) fields[k] = sel.fields[k]!;
    fields[this.as] = value;
    return { fields, tags: sel.tags, time: this.usePointTimes ? sel.time : time };
  }

  protected override onPoint(p: Point): void {
    let g = this.groups.forPoint(p);
    if (g === undefined) {
      g = { time: p.time, name: p.name, tags: groupTags(p.tags, p.dims), dims: p.dims, rc: null, type: undefined };
      this.groups.set(p.group, g);
    } else if (g.rc !== null && p.time !== g.time) {
      this.emitContext(g, p.group);
    }
    if (g.rc === null) {
      const r = this.realize(p.fields[this.field], p.group);
      if (r === undefined) return;
      g.rc = r.rc; g.type = r.type; g.time = p.time; g.name = p.name;
    }
    this.aggregate(g.rc, g.type!, p, p.group);
  }

  private emitContext(g: StreamGroup, group: string): void {
    const o = this.output(g.rc!, g.tags, g.time);
    g.rc = null;
    if (o !== undefined) this.emitPoint(makePoint(g.name, '', '', o.tags, o.fields, o.time, g.dims, group));
  }

  protected override onBatch(b: Batch): void {
    let rc: Reducer | null = null;
    let type: ValueType | undefined;
    let size = 0;
    for (const bp of b.points) {
      if (rc === null) {
        const r = this.realize(bp.fields[this.field], b.group);
        if (r === undefined) continue;
        rc = r.rc; type = r.type;
      }
      size++;
      this.aggregate(rc, type!, bp, b.group);
    }
    if (size === 0) {
      // Empty batch: only count and sum emit, 0 and 0.0 (no type is known) — influxql.go EndBatch.
      let v: FieldValue;
      if (this.method === 'count') v = 0n;
      else if (this.method === 'sum') v = 0;
      else return;
      this.emitPoint(makePoint(b.name, '', '', b.tags, { [this.as]: v }, b.tmax, b.dims, b.group));
      return;
    }
    const o = this.output(rc!, b.tags, b.tmax);
    if (o !== undefined) this.emitPoint(makePoint(b.name, '', '', o.tags, o.fields, o.time, b.dims, b.group));
  }
}


for (const kind of Object.keys(REDUCERS)) registerNode(kind, (ctx) => new InfluxQLNode(ctx));
