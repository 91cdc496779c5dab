/**
 * `movingAverage(field, n)` (SPEC 3.7; influxdb FloatMovingAverageReducer / IntegerMovingAverageReducer): per
 * group, a ring buffer of the last n values and a running sum (updated as `sum -= old; sum += new`, like Go, so
 * results are bit-identical). Nothing is emitted until n values were seen; then every point emits sum/n (float)
 * at its own time, with the group's tags only. Batches become batches of transformed points.
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { makeBatchPoint, makePoint, withPoints } from '../model/build.ts';
import { groupTags, type Batch, type BatchPoint, type FieldValue, type Point, type Tags } from '../model/point.ts';
import { settingsOf } from '../tickscript/catalog/index.ts';
import { registerNode } from './registry.ts';
import { fieldArgument, outputName } from './support/field-arguments.ts';
import { contextType, contextValue, INFLUXQL_CANNOT_APPLY, NUMERIC } from './support/reduce-context.ts';
import { as, type Snapshottable, type SnapshotValue } from '../runtime/snapshot.ts';

/** One group's window. Ints are summed as int64 (bigint) and divided as floats, as influxdb does. */
class Window {
  readonly name: string;
  readonly tags: Tags;
  readonly isInt: boolean;
  private readonly fbuf: Float64Array | undefined;
  private readonly ibuf: bigint[] | undefined;
  private len = 0;
  private pos = 0;
  private fsum = 0;
  private isum = 0n;

  constructor(name: string, tags: Tags, isInt: boolean, private readonly cap: number) {
    this.name = name;
    this.tags = tags;
    this.isInt = isInt;
    if (isInt) this.ibuf = []; else this.fbuf = new Float64Array(cap);
  }

  /** The window as saved in a snapshot: the values in buffer order, fill, position and running sum. */
  state(): SnapshotValue {
    const buf: (number | bigint)[] = this.isInt ? this.ibuf!.slice() : Array.from(this.fbuf!.subarray(0, this.len));
    return [this.name, this.tags, this.isInt, buf, this.len, this.pos, this.fsum, this.isum];
  }

  static fromState(s: SnapshotValue, cap: number): Window {
    const [name, tags, isInt, buf, len, pos, fsum, isum] = as<[string, Tags, boolean, (number | bigint)[], number, number, number, bigint]>(s);
    const w = new Window(name, tags, isInt, cap);
    if (isInt) w.ibuf!.push(...(buf as bigint[]));
    else w.fbuf!.set(buf as number[]);
    w.len = len; w.pos = pos; w.fsum = fsum; w.isum = isum;
    return w;
  }

  /** Add a value; returns the average once the window is full, else undefined. */
  push(v: number | bigint): number | undefined {
    const cap = this.cap;
    if (this.isInt) {
      const buf = this.ibuf!;
      if (this.len < cap) { buf.push(v as bigint); this.len++; }
      else { this.isum = BigInt.asIntN(64, this.isum - buf[this.pos]!); buf[this.pos] = v as bigint; }
      this.isum = BigInt.asIntN(64, this.isum + (v as bigint));
    } else {
      const buf = this.fbuf!;
      if (this.len < cap) this.len++;
      else this.fsum -= buf[this.pos]!;
      buf[this.pos] = v as number;
      this.fsum += v as number;
    }
    this.pos++;
    if (this.pos >= cap) this.pos = 0;
    if (this.len !== cap) return undefined;
    return this.isInt ? Number(this.isum) / cap : this.fsum / cap;
  }
}

export class MovingAverageNode extends Node implements Snapshottable {
  private readonly field: string;
  private readonly n: number;
  private readonly as: string;
  /** null: the group was seen but no value yet (the window's type comes from its first value) */
  private readonly groups = this.groupState<Window | null>();

  constructor(ctx: NodeContext) {
    super(ctx);
    const d = ctx.def;
    this.field = fieldArgument(d);
    const w = d.args[1];
    if (!w || w.type !== 'int') throw new Error(`${d.name}: movingAverage needs an int window size, got ${w ? w.type : 'nothing'}`);
    if (w.value < 1n || w.value > 10_000_000n) throw new Error(`${d.name}: movingAverage window size must be within [1, 10000000], got ${w.value}`);
    this.n = Number(w.value);
    this.as = outputName(d, settingsOf('influxqlFunction', d).as ?? 'movingAverage');
  }

  /** Per group its window (null: seen, no value yet). */
  snapshot(): SnapshotValue {
    const out: SnapshotValue[] = [];
    for (const [g, w] of this.groups) out.push([g, w === null ? null : w.state()]);
    return out;
  }

  restore(s: SnapshotValue): void {
    for (const [g, w] of as<[string, SnapshotValue][]>(s)) this.groups.set(g, w === null ? null : Window.fromState(w, this.n));
  }

  /** The value to add, or undefined after reporting why (missing field, wrong type for this window). */
  private value(v: FieldValue | undefined, isInt: boolean | undefined, group: string): number | bigint | undefined {
    // a string or bool is refused as a new context would be, even when the window exists (checked before the type)
    const refused = v === undefined ? undefined : contextType(v, this.field, 'movingAverage', NUMERIC, INFLUXQL_CANNOT_APPLY);
    if (refused instanceof Error) {
      this.reportError('failed to realize reduce context from fields', group, refused);
      return undefined;
    }
    const c = contextValue(v, this.field, isInt === undefined ? undefined : isInt ? 'int' : 'float');
    if (c instanceof Error) {
      this.reportError('failed to aggregate point', group, c);
      return undefined;
    }
    return c as number | bigint;
  }

  protected override onPoint(p: Point): void {
    let w = this.groups.get(p.group);
    if (w === undefined) { w = null; this.groups.set(p.group, null); }
    const v = this.value(p.fields[this.field], w?.isInt, p.group);
    if (v === undefined) return;
    if (w === null) {
      w = new Window(p.name, groupTags(p.tags, p.dims), typeof v === 'bigint', this.n);
      this.groups.set(p.group, w);
    }
    const avg = w.push(v);
    if (avg !== undefined) this.emitPoint(makePoint(w.name, '', '', w.tags, { [this.as]: avg }, p.time, p.dims, p.group));
  }

  protected override onBatch(b: Batch): void {
    // Each batch is its own series (influxqlStreamingTransformGroup resets at BeginBatch).
    let w: Window | undefined;
    const out: BatchPoint[] = [];
    for (const bp of b.points) {
      const v = this.value(bp.fields[this.field], w?.isInt, b.group);
      if (v === undefined) continue;
      if (w === undefined) w = new Window(b.name, b.tags, typeof v === 'bigint', this.n);
      const avg = w.push(v);
      if (avg !== undefined) out.push(makeBatchPoint(bp.time, { [this.as]: avg }, b.tags));
    }
    this.emitBatch(withPoints(b, out));
  }
}

registerNode('movingAverage', (ctx) => new MovingAverageNode(ctx));
