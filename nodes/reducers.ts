/**
 * The InfluxQL reducers behind the aggregation nodes (SPEC 3.6; influxdb `query/functions.go`,
 * `query/call_iterator.go`). One reducer instance aggregates one context (one timestamp of a stream group, or one
 * batch). Floats are `number`, ints `bigint` (int64 arithmetic wraps as in Go).
 */
import type { FieldValue, Fields, Tags } from '../model/point.ts';
import { as, batchPointFrom, batchPointState, type SnapshotValue } from '../runtime/snapshot.ts';

export type ValueType = 'float' | 'int' | 'string' | 'bool';

/** The input point a selector picked (its time, fields and tags travel to the output). */
export interface Selected {
  readonly time: bigint;
  readonly fields: Fields;
  readonly tags: Tags;
}

export interface Reducer {
  add(v: FieldValue, p: Selected): void;
  /** the aggregate, or undefined when the reducer yields nothing (e.g. stddev of one value) */
  result(): FieldValue | undefined;
  /** selectors: the selected point */
  selected(): Selected | undefined;
  /** the context so far, exactly (runtime/snapshot.ts) */
  state(): SnapshotValue;
  /** on a fresh reducer of the same spec and type: continue from `state()` */
  load(s: SnapshotValue): void;
}

const selState = (p: Selected | undefined): SnapshotValue => (p === undefined ? null : batchPointState(p));
const selFrom = (s: SnapshotValue): Selected | undefined => (s === null ? undefined : batchPointFrom(s));

export interface ReducerSpec {
  readonly selector: boolean;
  readonly types: readonly ValueType[];
  /** `args` = extra chaining-method arguments (percentile's p) */
  create(type: ValueType, args: readonly unknown[]): Reducer;
}

export function valueType(v: FieldValue | undefined): ValueType | undefined {
  switch (typeof v) {
    case 'number': return 'float';
    case 'bigint': return 'int';
    case 'string': return 'string';
    case 'boolean': return 'bool';
    default: return undefined;
  }
}

const i64 = (v: bigint): bigint => BigInt.asIntN(64, v);

abstract class NoSelection {
  selected(): Selected | undefined { return undefined; }
}

class FloatSum extends NoSelection implements Reducer {
  private s = 0;
  add(v: FieldValue): void { this.s += v as number; }
  result(): FieldValue { return this.s; }
  state(): SnapshotValue { return this.s; }
  load(s: SnapshotValue): void { this.s = as<number>(s); }
}
class IntSum extends NoSelection implements Reducer {
  private s = 0n;
  add(v: FieldValue): void { this.s = i64(this.s + (v as bigint)); }
  result(): FieldValue { return this.s; }
  state(): SnapshotValue { return this.s; }
  load(s: SnapshotValue): void { this.s = as<bigint>(s); }
}
class FloatMean extends NoSelection implements Reducer {
  private s = 0; private n = 0;
  add(v: FieldValue): void { this.s += v as number; this.n++; }
  result(): FieldValue { return this.s / this.n; }
  state(): SnapshotValue { return [this.s, this.n]; }
  load(s: SnapshotValue): void { [this.s, this.n] = as<[number, number]>(s); }
}
class IntMean extends NoSelection implements Reducer {
  private s = 0n; private n = 0;
  add(v: FieldValue): void { this.s = i64(this.s + (v as bigint)); this.n++; }
  result(): FieldValue { return Number(this.s) / this.n; }
  state(): SnapshotValue { return [this.s, this.n]; }
  load(s: SnapshotValue): void { [this.s, this.n] = as<[bigint, number]>(s); }
}
class Count extends NoSelection implements Reducer {
  private n = 0;
  add(): void { this.n++; }
  result(): FieldValue { return BigInt(this.n); }
  state(): SnapshotValue { return this.n; }
  load(s: SnapshotValue): void { this.n = as<number>(s); }
}
class Spread extends NoSelection implements Reducer {
  private min: number | bigint | undefined; private max: number | bigint | undefined;
  constructor(private readonly int: boolean) { super(); }
  add(v: FieldValue): void {
    const x = v as number | bigint;
    if (this.min === undefined || x < this.min) this.min = x;
    if (this.max === undefined || x > this.max) this.max = x;
  }
  result(): FieldValue | undefined {
    if (this.min === undefined) return undefined;
    return this.int ? i64((this.max as bigint) - (this.min as bigint)) : (this.max as number) - (this.min as number);
  }
  state(): SnapshotValue { return [this.min, this.max]; }
  load(s: SnapshotValue): void { [this.min, this.max] = as<[number | bigint | undefined, number | bigint | undefined]>(s); }
}

/** Reducers that need every value (influxdb *ReduceSlice). */
abstract class SliceReducer extends NoSelection implements Reducer {
  protected readonly vals: (number | bigint)[] = [];
  add(v: FieldValue): void { this.vals.push(v as number | bigint); }
  abstract result(): FieldValue | undefined;
  state(): SnapshotValue { return this.vals.slice(); }
  load(s: SnapshotValue): void { this.vals.push(...as<(number | bigint)[]>(s)); }
}
const byValue = (a: number | bigint, b: number | bigint): number => (a < b ? -1 : a > b ? 1 : 0);

class Stddev extends SliceReducer {
  /** FloatStddevReduceSlice: incremental mean, then the sample variance; fewer than 2 values → nil. */
  result(): FieldValue | undefined {
    const n = this.vals.length;
    if (n < 2) return undefined;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += (Number(this.vals[i]!) - mean) / (i + 1);
    let variance = 0;
    for (let i = 0; i < n; i++) { const d = Number(this.vals[i]!) - mean; variance += d * d; }
    return Math.sqrt(variance / (n - 1));
  }
}
class Median extends SliceReducer {
  /** FloatMedianReduceSlice / IntegerMedianReduceSlice: always a float. */
  result(): FieldValue | undefined {
    const a = this.vals;
    const n = a.length;
    if (n === 0) return undefined;
    if (n === 1) return Number(a[0]!);
    a.sort(byValue);
    if (n % 2 !== 0) return Number(a[n >> 1]!);
    const lo = a[n / 2 - 1]!; const hi = a[n / 2]!;
    if (typeof lo === 'bigint') return Number(lo) + Number(i64((hi as bigint) - lo)) / 2;
    return lo + ((hi as number) - lo) / 2;
  }
}
class Mode implements Reducer {
  private readonly vals: { v: FieldValue; t: bigint }[] = [];
  add(v: FieldValue, p: Selected): void { this.vals.push({ v, t: p.time }); }
  selected(): Selected | undefined { return undefined; }
  state(): SnapshotValue { return this.vals.map((x) => [x.v, x.t]); }
  load(s: SnapshotValue): void { for (const [v, t] of as<[FieldValue, bigint][]>(s)) this.vals.push({ v, t }); }
  /** FloatModeReduceSlice, literally (its tie rule depends on point times): type preserved. */
  result(): FieldValue | undefined {
    const a = this.vals;
    if (a.length === 0) return undefined;
    if (a.length === 1) return a[0]!.v;
    a.sort((x, y) => (x.v < y.v ? -1 : x.v > y.v ? 1 : 0));
    let mostFreq = 0; let currFreq = 0;
    let currMode = a[0]!.v; let mostMode = a[0]!.v;
    let mostTime = a[0]!.t; let currTime = a[0]!.t;
    for (const p of a) {
      if (p.v !== currMode) { currFreq = 1; currMode = p.v; currTime = p.t; continue; }
      currFreq++;
      if (mostFreq > currFreq || (mostFreq === currFreq && currTime > mostTime)) continue;
      mostFreq = currFreq; mostMode = p.v; mostTime = p.t;
    }
    return mostMode;
  }
}

type Better = (v: FieldValue, t: bigint, bv: FieldValue, bt: bigint) => boolean;

/** first/last/min/max: keeps the best point by a comparison (influxdb Float*Reduce functions). */
class Select implements Reducer {
  private bv: FieldValue | undefined;
  private bp: Selected | undefined;
  constructor(private readonly better: Better) {}
  add(v: FieldValue, p: Selected): void {
    if (this.bp === undefined || this.better(v, p.time, this.bv!, this.bp.time)) { this.bv = v; this.bp = p; }
  }
  result(): FieldValue | undefined { return this.bv; }
  selected(): Selected | undefined { return this.bp; }
  state(): SnapshotValue { return [this.bv, selState(this.bp)]; }
  load(s: SnapshotValue): void { const [bv, bp] = as<[FieldValue | undefined, SnapshotValue]>(s); this.bv = bv; this.bp = selFrom(bp); }
}
// Tie rules (SPEC 3.6): max/min ties → earlier time; first/last ties → larger value.
const maxBetter: Better = (v, t, bv, bt) => v > bv || (v === bv && t < bt);
const minBetter: Better = (v, t, bv, bt) => v < bv || (v === bv && t < bt);
const firstBetter: Better = (v, t, bv, bt) => t < bt || (t === bt && v > bv);
const lastBetter: Better = (v, t, bv, bt) => t > bt || (t === bt && v > bv);

/** percentile(field, p): the point at index floor(n*p/100 + 0.5) − 1 of the points sorted by value; no interpolation. */
class Percentile implements Reducer {
  private readonly pts: { v: number | bigint; p: Selected }[] = [];
  private picked: { v: number | bigint; p: Selected } | undefined | null = null;
  constructor(private readonly pct: number) {}
  add(v: FieldValue, p: Selected): void { this.pts.push({ v: v as number | bigint, p }); this.picked = null; }
  private pick(): { v: number | bigint; p: Selected } | undefined {
    if (this.picked !== null) return this.picked;
    const n = this.pts.length;
    const i = Math.floor((n * this.pct) / 100 + 0.5) - 1;
    if (i < 0 || i >= n) return (this.picked = undefined);
    const sorted = this.pts.slice().sort((a, b) => byValue(a.v, b.v) || (a.p.time < b.p.time ? -1 : a.p.time > b.p.time ? 1 : 0));
    return (this.picked = sorted[i]);
  }
  result(): FieldValue | undefined { return this.pick()?.v; }
  selected(): Selected | undefined { return this.pick()?.p; }
  state(): SnapshotValue { return this.pts.map((x) => [x.v, batchPointState(x.p)]); }
  load(s: SnapshotValue): void {
    for (const [v, p] of as<[number | bigint, SnapshotValue][]>(s)) this.pts.push({ v, p: batchPointFrom(p) });
    this.picked = null;
  }
}

const NUMERIC: readonly ValueType[] = ['float', 'int'];
const ALL: readonly ValueType[] = ['float', 'int', 'string', 'bool'];

export const REDUCERS: Readonly<Record<string, ReducerSpec>> = {
  sum: { selector: false, types: NUMERIC, create: (t) => (t === 'int' ? new IntSum() : new FloatSum()) },
  mean: { selector: false, types: NUMERIC, create: (t) => (t === 'int' ? new IntMean() : new FloatMean()) },
  count: { selector: false, types: ALL, create: () => new Count() },
  spread: { selector: false, types: NUMERIC, create: (t) => new Spread(t === 'int') },
  stddev: { selector: false, types: NUMERIC, create: () => new Stddev() },
  median: { selector: false, types: NUMERIC, create: () => new Median() },
  mode: { selector: false, types: ALL, create: () => new Mode() },
  min: { selector: true, types: NUMERIC, create: () => new Select(minBetter) },
  max: { selector: true, types: NUMERIC, create: () => new Select(maxBetter) },
  first: { selector: true, types: ALL, create: () => new Select(firstBetter) },
  last: { selector: true, types: ALL, create: () => new Select(lastBetter) },
  percentile: { selector: true, types: NUMERIC, create: (_t, args) => new Percentile(args[0] as number) },
};
