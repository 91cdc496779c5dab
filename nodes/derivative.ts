/**
 * `derivative(field)` (SPEC 3.8, Kapacitor 1.8 `derivative.go`): per group, the rate of change between the
 * previous and the current point, stamped with the CURRENT point (its time, tags and fields plus `<as>`).
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import { setField, withFields, withPoints, makeBatchPoint } from '../model/build.ts';
import type { Batch, BatchPoint, Fields, Point } from '../model/point.ts';
import { goTypeName, numToFloat } from '../model/values.ts';
import { settingsOf } from '../tickscript/catalog/index.ts';
import { registerNode } from './registry.ts';
import { fieldArgument, outputName } from './support/field-arguments.ts';
import { as, type Snapshottable, type SnapshotValue } from '../runtime/snapshot.ts';

/** Previous point of a group: only what the computation needs. `has` is false until a numeric value was seen. */
interface Prev {
  time: bigint;
  value: number;
  has: boolean;
}

export class DerivativeNode extends Node implements Snapshottable {
  private readonly field: string;
  private readonly as: string;
  private readonly unit: number;
  private readonly nonNegative: boolean;
  private readonly groups = this.groupState<Prev>();
  private lastT = 0n;
  private lastPrevT = 0n;
  private lastElapsed = 0;

  constructor(ctx: NodeContext) {
    super(ctx);
    const d = ctx.def;
    this.field = fieldArgument(d);
    const s = settingsOf('derivative', d);
    this.as = outputName(d, s.as ?? this.field);
    const unit = s.unit; // the catalog's default: 1s
    if (unit <= 0n) throw new Error(`${d.name}: .unit() must be a positive duration`);
    this.unit = Number(unit);
    this.nonNegative = s.nonNegative;
  }

  /** Per group, the previous point's time and value (the elapsed-time memo is a cache). */
  snapshot(): SnapshotValue {
    const out: SnapshotValue[] = [];
    for (const [g, p] of this.groups) out.push([g, p.time, p.value, p.has]);
    return out;
  }

  restore(s: SnapshotValue): void {
    for (const [g, time, value, has] of as<[string, bigint, number, boolean][]>(s)) this.groups.set(g, { time, value, has });
  }

  /** The field as float, or undefined after reporting Kapacitor's wrong-type error (previous NOT updated). */
  private value(fields: Fields, group: string): number | undefined {
    const raw = fields[this.field];
    const v = numToFloat(raw);
    if (v === undefined) {
      this.reportError('cannot perform derivative', group,
        new Error(`field ${this.field} is the wrong type: ${goTypeName(raw)}`));
    }
    return v;
  }

  /** Steps 3–5 of SPEC 3.8: the rate to emit or undefined; the current point always becomes previous. */
  private rate(prev: Prev, v: number, time: bigint, group: string): number | undefined {
    // Most points of one write share (time, previous time): reuse the last elapsed (bigint ops allocate).
    let elapsed: number;
    if (time === this.lastT && prev.time === this.lastPrevT) elapsed = this.lastElapsed;
    else {
      elapsed = Number(time - prev.time);
      this.lastT = time; this.lastPrevT = prev.time; this.lastElapsed = elapsed;
    }
    const diff = v - prev.value;
    prev.time = time;
    prev.value = v;
    if (elapsed === 0) {
      // Kapacitor's text, typo included (SPEC 3.8)
      this.reportError('cannot perform derivative', group, new Error('elaspsed time was 0'));
      return undefined;
    }
    if (this.nonNegative && diff < 0) return undefined;
    return diff / (elapsed / this.unit);
  }

  protected override onPoint(p: Point): void {
    // The group exists from its first message on, as Kapacitor's grouped consumer (working_cardinality).
    let prev = this.groups.forPoint(p);
    if (prev === undefined) {
      prev = { time: 0n, value: 0, has: false };
      this.groups.set(p.group, prev);
    }
    const v = this.value(p.fields, p.group);
    if (v === undefined) return;
    if (!prev.has) {
      prev.time = p.time; prev.value = v; prev.has = true;
      return;
    }
    const r = this.rate(prev, v, p.time, p.group);
    if (r !== undefined) this.emitPoint(withFields(p, setField(p.fields, this.as, r)));
  }

  protected override onBatch(b: Batch): void {
    // State is reset at each batch (SPEC 3.8).
    let prev: Prev | undefined;
    const out: BatchPoint[] = [];
    for (const bp of b.points) {
      const v = this.value(bp.fields, b.group);
      if (v === undefined) continue;
      if (prev === undefined) { prev = { time: bp.time, value: v, has: true }; continue; }
      const r = this.rate(prev, v, bp.time, b.group);
      if (r !== undefined) out.push(makeBatchPoint(bp.time, setField(bp.fields, this.as, r), bp.tags));
    }
    this.emitBatch(withPoints(b, out));
  }
}

registerNode('derivative', (ctx) => new DerivativeNode(ctx));
