/**
 * `window()` (SPEC 3.10, Kapacitor 1.8 `window.go`): stream in, batch out. Per group, time windows
 * (`.period/.every/.align/.fillPeriod`) or count windows (`.periodCount/.everyCount`). Barriers drive time windows
 * exactly like a point with the barrier's time (without buffering anything), then are forwarded.
 */
import { Node, type BarrierMessage, type NodeContext } from '../runtime/node.ts';
import { makeBatch, makeBatchPoint } from '../model/build.ts';
import { groupTags, type Batch, type BatchPoint, type Point } from '../model/point.ts';
import { truncateTime } from '../model/time.ts';
import { settingsOf } from '../tickscript/catalog/index.ts';
import { registerNode } from './registry.ts';
import { as, batchPointFrom, batchPointState, headerFrom, headerState, type Snapshottable, type SnapshotValue } from '../runtime/snapshot.ts';

/** What every window of a group carries into its batches: the batch header without tmax and points. */
type Header = Omit<Batch, 'tmax' | 'points'>;

/** A time window of one group: buffered points in arrival order and the next emit time. */
interface TimeWindow extends Header {
  /** buffered points are buf[head..]; purged points are dropped lazily so an emit copies the buffer only once */
  buf: BatchPoint[];
  head: number;
  next: bigint;
}

/** A count window of one group: ring of the last periodCount points. */
interface CountWindow extends Header {
  readonly ring: (BatchPoint | undefined)[];
  start: number;
  size: number;
  count: number;
  nextEmit: number;
}

export class WindowNode extends Node implements Snapshottable {
  private readonly period: bigint;
  private readonly every: bigint;
  private readonly align: boolean;
  private readonly fillPeriod: boolean;
  private readonly periodCount: number;
  private readonly everyCount: number;
  private readonly times = this.groupState<TimeWindow>();
  private readonly counts = this.groupState<CountWindow>();

  constructor(ctx: NodeContext) {
    super(ctx);
    const d = ctx.def;
    const s = settingsOf('window', d); // the catalog's defaults are 0 for period, every and the counts
    this.period = s.period;
    this.every = s.every;
    const pc = s.periodCount;
    const ec = s.everyCount;
    this.align = s.align;
    this.fillPeriod = s.fillPeriod;
    // pipeline/window.go validate (same texts as tickscript/catalog/transform.ts)
    if ((this.period !== 0n || this.every !== 0n) && (pc !== 0n || ec !== 0n)) throw new Error(`${d.name}: can only use one window type: time or count`);
    if (this.period === 0n && pc === 0n) throw new Error(`${d.name}: window node must have either a non zero period or non zero period count`);
    if (this.period < 0n) throw new Error(`${d.name}: period must be > 0, got ${this.period}`);
    if (this.every < 0n) throw new Error(`${d.name}: every must be >= 0, got ${this.every}`);
    if (pc < 0n) throw new Error(`${d.name}: periodCount must be greater than zero`);
    if (pc !== 0n && ec <= 0n) throw new Error(`${d.name}: everyCount must be greater than zero`);
    if (pc !== 0n && this.align) throw new Error(`${d.name}: align not supported with count windows`);
    if (pc > 10_000_000n) throw new Error(`${d.name}: periodCount must be at most 10000000, got ${pc}`);
    this.periodCount = Number(pc);
    this.everyCount = Number(ec);
  }

  /** Per group: time windows (buffered points from head, next emit), count windows (ring in order, counts). */
  snapshot(): SnapshotValue {
    const times: SnapshotValue[] = [];
    for (const w of this.times.values()) times.push([headerState(w), w.buf.slice(w.head).map(batchPointState), w.next]);
    const counts: SnapshotValue[] = [];
    for (const w of this.counts.values()) {
      const pts: SnapshotValue[] = [];
      for (let i = 0; i < w.size; i++) pts.push(batchPointState(w.ring[(w.start + i) % this.periodCount]!));
      counts.push([headerState(w), pts, w.count, w.nextEmit]);
    }
    return [times, counts];
  }

  restore(s: SnapshotValue): void {
    const [times, counts] = as<[[SnapshotValue, SnapshotValue[], bigint][], [SnapshotValue, SnapshotValue[], number, number][]]>(s);
    for (const [h, pts, next] of times) {
      const header = headerFrom(h);
      this.times.set(header.group, { ...header, buf: pts.map(batchPointFrom), head: 0, next });
    }
    for (const [h, pts, count, nextEmit] of counts) {
      const header = headerFrom(h);
      const ring = new Array<BatchPoint | undefined>(this.periodCount);
      pts.forEach((p, i) => { ring[i] = batchPointFrom(p); });
      this.counts.set(header.group, { ...header, ring, start: 0, size: pts.length, count, nextEmit });
    }
  }

  protected override onPoint(p: Point): void {
    if (this.periodCount > 0) { this.countPoint(p); return; }
    let w = this.times.get(p.group);
    if (w === undefined) {
      w = { name: p.name, db: p.db, rp: p.rp, tags: groupTags(p.tags, p.dims), dims: p.dims, group: p.group, buf: [], head: 0, next: this.firstEmit(p.time) };
      this.times.set(p.group, w);
    }
    const bp = makeBatchPoint(p.time, p.fields, p.tags);
    if (this.every === 0n) {
      // Right-aligned window (time − period, time]: buffer first, then maybe emit one batch per point.
      w.buf.push(bp);
      if (p.time >= w.next) this.emitRight(w, p.time);
    } else {
      // Left-aligned [next − period, next): the triggering point belongs to the NEXT window.
      if (p.time >= w.next) this.emitLeft(w, p.time);
      w.buf.push(bp);
    }
  }

  protected override onBarrier(m: BarrierMessage): void {
    const w = this.times.get(m.group);
    if (w !== undefined && m.time >= w.next) {
      if (this.every === 0n) this.emitRight(w, m.time);
      else this.emitLeft(w, m.time);
    }
    this.emitControl(m);
  }

  /** First emit time of a group created at t0 (SPEC 3.10). */
  private firstEmit(t0: bigint): bigint {
    if (this.fillPeriod) {
      const first = t0 + this.period;
      if (!this.align) return first;
      const next = truncateTime(first, this.every);
      return next > first ? next : next + this.every;
    }
    const next = t0 + this.every;
    return this.align ? truncateTime(next, this.every) : next;
  }

  private emitLeft(w: TimeWindow, now: bigint): void {
    const oldest = w.next - this.period;
    purge(w, oldest, true);
    this.emitWindow(w, w.next, w.buf.slice(w.head));
    const next = now + this.every;
    w.next = this.align ? truncateTime(next, this.every) : next;
  }

  private emitRight(w: TimeWindow, now: bigint): void {
    purge(w, now - this.period, false);
    this.emitWindow(w, now, w.buf.slice(w.head));
  }

  private emitWindow(h: Header, tmax: bigint, points: BatchPoint[]): void {
    this.emitBatch(makeBatch(h.name, h.db, h.rp, h.tags, h.dims, h.group, tmax, points));
  }

  private countPoint(p: Point): void {
    let w = this.counts.get(p.group);
    if (w === undefined) {
      w = {
        name: p.name, db: p.db, rp: p.rp, tags: groupTags(p.tags, p.dims), dims: p.dims, group: p.group,
        ring: new Array<BatchPoint | undefined>(this.periodCount), start: 0, size: 0, count: 0,
        nextEmit: this.fillPeriod ? this.periodCount : this.everyCount,
      };
      this.counts.set(p.group, w);
    }
    const cap = this.periodCount;
    w.ring[(w.start + w.size) % cap] = makeBatchPoint(p.time, p.fields, p.tags);
    if (w.size === cap) w.start = (w.start + 1) % cap;
    else w.size++;
    w.count++;
    if (w.count !== w.nextEmit) return;
    w.nextEmit += this.everyCount;
    const pts: BatchPoint[] = new Array<BatchPoint>(w.size);
    for (let i = 0; i < w.size; i++) pts[i] = w.ring[(w.start + i) % cap]!;
    this.emitWindow(w, p.time, pts); // tmax = the last point's time
  }
}

/** Drop buffered points from the front that are before `oldest` (inclusive: keep t ≥ oldest; else keep t > oldest). */
function purge(w: TimeWindow, oldest: bigint, inclusive: boolean): void {
  const buf = w.buf;
  let i = w.head;
  if (inclusive) while (i < buf.length && buf[i]!.time < oldest) i++;
  else while (i < buf.length && buf[i]!.time <= oldest) i++;
  if (i > 1024 && i * 2 > buf.length) { w.buf = buf.slice(i); w.head = 0; } // compact now and then
  else w.head = i;
}

registerNode('window', (ctx) => new WindowNode(ctx));
