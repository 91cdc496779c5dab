/**
 * The InfluxQL functions that produce several points per context: `distinct(field)`, `top(n, field, ...)`,
 * `bottom(n, field, ...)`, `holtWinters(field, h, m, interval)`, `holtWintersWithFit(...)` (pipeline/influxql.go,
 * influxql.go, influxdb query/functions*.go; the forecaster is nodes/holt-winters.ts). They emit a *batch*
 * per context: on a stream edge a context is one timestamp of a group (emitted when the group's next timestamp
 * arrives, like the other InfluxQL nodes); on a batch edge it is one batch (an empty batch emits nothing).
 *
 * Output batch (influxql.gen.go EmitBatch): the group's name, group tags and dimensions; one point per selected
 * value with fields `{<as>: value}`; point time = the context time (the batch end, or the stream timestamp), or with
 * `.usePointTimes()` the selected point's own time (always for holtWinters: forecast times), and then the batch
 * time is the latest of them. distinct's and holtWinters' points carry the group tags; top/bottom's carry the
 * selected point's tags (merged over the group tags).
 * top/bottom's extra field/tag arguments do not change the output (Kapacitor only copies them into unused aux data).
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { makeBatch, makeBatchPoint } from '../model/build.ts';
import { groupTags, type Batch, type BatchPoint, type Dimensions, type FieldValue, type Point, type Tags } from '../model/point.ts';
import { plain } from '../tickscript/pipeline.ts';
import { settingsOf } from '../tickscript/catalog/index.ts';
import type { ValueType } from './reducers.ts';
import { HoltWinters } from './holt-winters.ts';
import type { PipelineNode } from '../tickscript/pipeline.ts';
import { registerNode } from './registry.ts';
import { fieldArgument } from './support/field-arguments.ts';
import { contextType, contextValue, GO_TYPES, type CannotApply } from './support/reduce-context.ts';

/** One aggregated value with the time and tags of its point. */
interface Val { readonly value: FieldValue; readonly time: bigint; readonly tags: Tags }

interface MultiReducer {
  add(v: Val): void;
  /** the selected values in output order */
  emit(): Val[];
}

/** influxdb DistinctReducer: the first point of each value; emitted by time, then value. */
class Distinct implements MultiReducer {
  private readonly seen = new Map<FieldValue, Val>();
  add(v: Val): void {
    if (!this.seen.has(v.value)) this.seen.set(v.value, v);
  }
  emit(): Val[] {
    return [...this.seen.values()].sort((a, b) => (a.time !== b.time ? (a.time < b.time ? -1 : 1) : cmpValue(a.value, b.value)));
  }
}

/**
 * influxdb Top/BottomReducer: keeps the n "greatest" points, greatest = larger value (top) or smaller value (bottom),
 * on equal values the earlier time; a new point replaces the least kept one only when strictly greater.
 * Emitted greatest first.
 */
class TopBottom implements MultiReducer {
  /** kept points, greatest first */
  private readonly kept: Val[] = [];
  constructor(private readonly n: number, private readonly top: boolean) {}
  /** a is greater than b */
  private greater(a: Val, b: Val): boolean {
    const c = cmpValue(a.value, b.value);
    if (c !== 0) return this.top ? c > 0 : c < 0;
    return a.time < b.time;
  }
  add(v: Val): void {
    const k = this.kept;
    if (k.length === this.n) {
      if (!this.greater(v, k[k.length - 1]!)) return;
      k.pop();
    }
    let i = k.length;
    while (i > 0 && this.greater(v, k[i - 1]!)) i--;
    k.splice(i, 0, v);
  }
  emit(): Val[] {
    return this.kept.slice();
  }
}

function cmpValue(a: FieldValue, b: FieldValue): number {
  if (typeof a === 'boolean') return a === b ? 0 : a ? 1 : -1; // false < true
  return a < b ? -1 : a > b ? 1 : 0;
}

/** influxdb FloatHoltWintersReducer (ints are converted to float): forecasts at their own times. */
class HoltWintersReducer implements MultiReducer {
  private readonly hw: HoltWinters;
  constructor(h: number, m: number, fit: boolean, interval: bigint) { this.hw = new HoltWinters(h, m, fit, interval); }
  add(v: Val): void { this.hw.add(v.time, typeof v.value === 'bigint' ? Number(v.value) : (v.value as number)); }
  emit(): Val[] { return this.hw.emit().map((f) => ({ value: f.value, time: f.time, tags: EMPTY })); }
}
const EMPTY: Tags = Object.freeze({});

/** What a kind's chaining-method arguments say: the field, a reducer factory, forced point times. */
interface Parsed { readonly field: unknown; readonly create: () => MultiReducer; readonly pointTimes?: boolean }

interface Spec {
  readonly types: readonly ValueType[];
  parse(d: PipelineNode): Parsed;
  /** top/bottom: output points carry the selected point's tags */
  readonly pointTags: boolean;
}

const arg = (d: PipelineNode, i: number): unknown => (d.args[i] ? plain(d.args[i]!) : undefined);
function positive(d: PipelineNode, i: number): number {
  const n = Number(arg(d, i) as bigint);
  if (!(n > 0)) throw new Error(`${d.name}: ${d.kind} needs a positive number of points, got ${n}`);
  return n;
}
function holtWinters(fit: boolean): Spec {
  return {
    types: ['float', 'int'], pointTags: false,
    parse: (d) => {
      const h = Number(arg(d, 1) as bigint);
      const m = Number(arg(d, 2) as bigint);
      const interval = arg(d, 3) as bigint;
      // influxdb divides by the interval: Kapacitor panics on 0; tickstream refuses to start the task
      if (!(interval > 0n)) throw new Error(`${d.name}: ${d.kind} interval must be greater than zero, got ${interval}ns`);
      return { field: arg(d, 0), create: () => new HoltWintersReducer(h, m, fit, interval), pointTimes: true };
    },
  };
}

const SPECS: Readonly<Record<string, Spec>> = {
  distinct: { types: ['float', 'int', 'string', 'bool'], pointTags: false, parse: (d) => ({ field: arg(d, 0), create: () => new Distinct() }) },
  top: { types: ['float', 'int'], pointTags: true, parse: (d) => { const n = positive(d, 0); return { field: arg(d, 1), create: () => new TopBottom(n, true) }; } },
  bottom: { types: ['float', 'int'], pointTags: true, parse: (d) => { const n = positive(d, 0); return { field: arg(d, 1), create: () => new TopBottom(n, false) }; } },
  holtWinters: holtWinters(false),
  holtWintersWithFit: holtWinters(true),
};

/** Per-group context on a stream edge. */
interface Ctx {
  time: bigint;
  name: string;
  readonly tags: Tags;
  readonly dims: Dimensions;
  rc: MultiReducer | null;
  type: ValueType | undefined;
}

export class InfluxQLMultiNode extends Node {
  private readonly method: string;
  private readonly spec: Spec;
  private readonly field: string;
  private readonly create: () => MultiReducer;
  private readonly as: string;
  private readonly pointTimes: boolean;
  /** influxql-multi's wording names the function and the field before "cannot apply" */
  private readonly cannotApply: CannotApply;
  private readonly groups = this.groupState<Ctx>();

  constructor(ctx: NodeContext) {
    super(ctx);
    const d = ctx.def;
    this.method = d.kind;
    this.spec = SPECS[d.kind]!;
    const parsed = this.spec.parse(d);
    const f = fieldArgument(d, parsed.field);
    this.field = f;
    this.create = parsed.create;
    const s = settingsOf('influxqlFunction', d);
    this.as = s.as ?? d.kind;
    this.pointTimes = parsed.pointTimes === true || s.usePointTimes;
    this.cannotApply = { prefix: `invalid influxql func ${d.kind} with field ${f}: `, typeNames: GO_TYPES };
  }

  /** A reducer for the type of the context's first value (influxql.go realizeReduceContext), or undefined. */
  private realize(v: FieldValue | undefined, group: string): { rc: MultiReducer; type: ValueType } | undefined {
    const t = contextType(v, this.field, this.method, this.spec.types, this.cannotApply);
    if (t instanceof Error) {
      this.reportError('failed to realize reduce context from fields', group, t);
      return undefined;
    }
    return { rc: this.create(), type: t };
  }

  private aggregate(rc: MultiReducer, type: ValueType, time: bigint, fields: Readonly<Record<string, FieldValue>>, tags: Tags, group: string, msg: string): void {
    const v = contextValue(fields[this.field], this.field, type);
    if (v instanceof Error) {
      this.reportError(msg, group, v);
      return;
    }
    rc.add({ value: v, time, tags });
  }

  protected override onPoint(p: Point): void {
    let g = this.groups.forPoint(p);
    if (g === undefined) {
      g = { time: p.time, name: p.name, tags: groupTags(p.tags, p.dims), dims: p.dims, rc: null, type: undefined };
      this.groups.set(p.group, g);
    } else if (p.time !== g.time) {
      if (g.rc !== null) this.emitBatch(this.output(g.rc, g.name, g.tags, g.dims, p.group, g.time));
      g.name = p.name;
      g.time = p.time;
      g.rc = null;
    }
    if (g.rc === null) {
      const r = this.realize(p.fields[this.field], p.group);
      if (r === undefined) return;
      g.rc = r.rc;
      g.type = r.type;
    }
    this.aggregate(g.rc, g.type!, p.time, p.fields, p.tags, p.group, 'failed to aggregate point');
  }

  protected override onBatch(b: Batch): void {
    let rc: MultiReducer | null = null;
    let type: ValueType | undefined;
    let size = 0;
    for (const bp of b.points) {
      if (rc === null) {
        const r = this.realize(bp.fields[this.field], b.group);
        if (r === undefined) continue;
        rc = r.rc;
        type = r.type;
      }
      this.aggregate(rc, type!, bp.time, bp.fields, bp.tags, b.group, 'failed to aggregate point in batch');
      size++;
    }
    if (size === 0) return; // not "empty OK": no batch for an empty one
    this.emitBatch(this.output(rc!, b.name, b.tags, b.dims, b.group, b.tmax));
  }

  private output(rc: MultiReducer, name: string, tags: Tags, dims: Dimensions, group: string, time: bigint): Batch {
    const vals = rc.emit();
    const pts: BatchPoint[] = new Array<BatchPoint>(vals.length);
    let tmax = time;
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i]!;
      const t = this.pointTimes ? v.time : time;
      if (t > tmax) tmax = t;
      pts[i] = makeBatchPoint(t, { [this.as]: v.value }, this.spec.pointTags ? mergeTags(tags, v.tags) : tags);
    }
    return makeBatch(name, '', '', tags, dims, group, tmax, pts);
  }
}

function mergeTags(group: Tags, point: Tags): Tags {
  let extra = false;
  for (const k in point) if (group[k] !== point[k]) { extra = true; break; }
  if (!extra) return group;
  return { ...group, ...point };
}

for (const kind of Object.keys(SPECS)) registerNode(kind, (ctx) => new InfluxQLMultiNode(ctx));
