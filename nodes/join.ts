/**
 * `a|join(b, …)` (pipeline/join.go, join.go): pairs each parent's points (or batches) that fall on the same time
 * (rounded to `.tolerance`) in the same group, and emits one point whose fields are every parent's fields
 * prefixed with its `.as()` name and `.delimiter`. Semantics in docs/nodes.md; the algorithm mirrors join.go:
 *
 * - per group, *join sets* are kept per rounded time; a message goes into the first set at its time that lacks
 *   its parent, or a new one. Each parent's *head* is the rounded time of its last message (or barrier);
 * - after every message the sets at the oldest time are emitted from the front while they are complete, or all of
 *   them (complete or not) once every head has moved past that time; incomplete sets are inner-join drops unless
 *   `.fill()` is null or a number;
 * - `.on(tags…)`: points with more dimensions than `on` ("specific") are joined with the less specific point of
 *   the same `on` group and time, which is cached per on-group until every parent's low mark passes it.
 *
 * Memory bound (tickstream; Kapacitor's join grows without limit when a parent stops sending for some groups):
 * `[join] max-groups` bounds the groups a join node keeps (join groups and `.on` groups each), `[join]
 * max-pending` the points/batches it holds waiting for a partner. Past a bound the oldest goes first — the group
 * created first, or the group whose held points have waited longest — its held points are dropped, counted in
 * the node's `evicted_groups` / `evicted_points` stats (which appear at the first eviction) and logged.
 */
import { BarrierMessage, type Counter, type DeleteGroupMessage, type NodeContext } from '../runtime/node.ts';
import { makeBatch, makeBatchPoint, makePoint } from '../model/build.ts';
import { groupId, groupTags, makeDimensions, type Batch, type BatchPoint, type Dimensions, type Fields, type Point, type Tags } from '../model/point.ts';
import { roundTime } from '../model/time.ts';
import { settingsOf } from '../tickscript/catalog/index.ts';
import { MultiParentNode } from './multi-parent.ts';
import { registerNode } from './registry.ts';

/** `[join] max-groups` / `max-pending` defaults (config/schema.ts): 10^6 groups or held points per join node. */
export const DEFAULT_MAX_GROUPS = 1_000_000;
export const DEFAULT_MAX_PENDING = 1_000_000;

type Msg = Point | Batch;
interface SrcMsg { readonly src: number; readonly msg: Msg }

const isBatch = (m: Msg): m is Batch => 'points' in m;
const timeOf = (m: Msg): bigint => (isBatch(m) ? m.tmax : m.time);
/** Go's `a.Before(b)` where undefined is Go's zero time (before every real time). */
const before = (a: bigint | undefined, b: bigint | undefined): boolean => (b === undefined ? false : a === undefined ? true : a < b);

/** What a join needs from its definition, resolved once. */
interface JoinConfig {
  readonly prefixes: readonly string[];
  readonly delimiter: string;
  readonly tolerance: bigint;
  readonly fill: 'none' | 'null' | 'number';
  readonly fillValue: number | bigint;
  readonly streamName: string;
}

/** The points/batches of one rounded time, at most one per parent. */
class JoinSet {
  readonly values: (Msg | undefined)[];
  size = 0;
  first: number;
  constructor(readonly time: bigint, n: number) {
    this.values = new Array<Msg | undefined>(n).fill(undefined);
    this.first = n;
  }
  get ready(): boolean { return this.size === this.values.length; }
  has(i: number): boolean { return this.values[i] !== undefined; }
  set(i: number, m: Msg): void {
    if (i < this.first) this.first = i;
    this.values[i] = m;
    this.size++;
  }
}

/** join.go joinGroup: the sets of one group and every parent's head. */
class JoinGroup {
  readonly sets = new Map<bigint, JoinSet[]>();
  readonly head: (bigint | undefined)[];
  oldest: bigint | undefined;
  /** messages held in `sets` */
  pending = 0;
  /** which entry of the node's eviction queue stands for this group's current pending stretch */
  seq = 0;
  constructor(private readonly node: JoinNode, readonly id: string, n: number) {
    this.head = new Array<bigint | undefined>(n).fill(undefined);
  }

  /** Drop every held message (eviction); returns how many. */
  evict(): number {
    const n = this.pending;
    this.sets.clear();
    this.oldest = undefined;
    this.pending = 0;
    return n;
  }

  collect(src: number, m: Msg): void {
    const t = roundTime(timeOf(m), this.node.cfg.tolerance);
    if (this.oldest === undefined || t < this.oldest) this.oldest = t;
    let q = this.sets.get(t);
    if (q === undefined) { q = [new JoinSet(t, this.head.length)]; this.sets.set(t, q); }
    let set: JoinSet | undefined;
    for (const x of q) if (!x.has(src)) { set = x; break; }
    if (set === undefined) { set = new JoinSet(t, this.head.length); q.push(set); }
    set.set(src, m);
    if (this.pending++ === 0) this.node.startedPending(this);
    this.node.pendingPoints++;
    this.head[src] = t;
    this.emit(this.onlyReadySets());
  }

  barrier(src: number, time: bigint): void {
    const t = roundTime(time, this.node.cfg.tolerance);
    if (this.oldest === undefined || t < this.oldest) this.oldest = t;
    this.head[src] = t;
    this.emit(this.onlyReadySets());
  }

  /** true while some parent's head has not passed the oldest time (then only complete sets may leave). */
  private onlyReadySets(): boolean {
    for (const h of this.head) if (!(h !== undefined && (this.oldest === undefined || h > this.oldest))) return true;
    return false;
  }

  private emit(onlyReady: boolean): void {
    for (;;) {
      if (this.sets.size === 0) return;
      const q = this.oldest === undefined ? undefined : this.sets.get(this.oldest);
      if (q !== undefined) {
        let i = 0;
        for (; i < q.length; i++) {
          const set = q[i]!;
          if (set.ready || !onlyReady) {
            this.pending -= set.size;
            this.node.pendingPoints -= set.size;
            this.node.emitSet(set);
          } else break;
        }
        // nothing left the oldest time: the oldest time and the flags are unchanged (the common waiting case)
        if (i === 0 && onlyReady) return;
        if (i === q.length) this.sets.delete(this.oldest!);
        else q.splice(0, i);
      }
      let oldest: bigint | undefined;
      for (const t of this.sets.keys()) if (oldest === undefined || t < oldest) oldest = t;
      this.oldest = oldest;
      // parents that skipped a stretch of time: once every head is past the oldest time, flush incomplete sets too
      if (onlyReady) return;
      onlyReady = this.onlyReadySets();
    }
  }
}

export class JoinNode extends MultiParentNode {
  readonly cfg: JoinConfig;
  private readonly on: readonly string[];
  private readonly deleteAll: boolean;
  private readonly groups = this.groupState<JoinGroup>();
  // join.on state (join.go matchPoints)
  /** on-group → per parent the rounded time of its last message there (undefined = never) */
  private readonly lowMarks = new Map<string, (bigint | undefined)[]>();
  private readonly matchBuf = new Map<string, SrcMsg[]>();
  private readonly specificBuf = new Map<string, SrcMsg[]>();
  private readonly reported = new Set<number>();
  private allReported = false;
  // ---- memory bound ----
  private readonly maxGroups: number;
  private readonly maxPending: number;
  /** messages held in join sets (JoinGroup.pending summed) */
  pendingPoints = 0;
  /** messages held in the `.on` buffers */
  private onPending = 0;
  /** groups in the order their current pending stretch began (entries of drained groups are stale: seq differs) */
  private evictGroups: JoinGroup[] = [];
  /** beside evictGroups (two arrays: no object per entry on the hot path) */
  private evictSeqs: number[] = [];
  private evictHead = 0;
  private seq = 0;
  private evictedGroups: Counter | undefined;
  private evictedPoints: Counter | undefined;
  private evictions = 0;
  /** on-dimensions by input byName flag */
  private readonly onDims: readonly [Dimensions, Dimensions];
  /** per parent: field name → `<as><delimiter><field>` (built once per name, not per point) */
  private readonly prefixed: Map<string, string>[];
  /** last output tags/group computed (joinPoints) */
  private readonly outMemo: { tags: Tags | undefined; dims: Dimensions | undefined; name: string; outTags: Tags; group: string } =
    { tags: undefined, dims: undefined, name: '', outTags: {}, group: '' };

  constructor(ctx: NodeContext) {
    super(ctx);
    const d = ctx.def;
    const s = settingsOf('join', d); // the catalog's defaults: delimiter '.', tolerance 0
    const prefixes = [...(s.as.at(-1) ?? [])];
    if (prefixes.length !== d.parents.length) {
      throw new Error('number of prefixes specified by join.as() must match the number of joined streams');
    }
    this.cfg = {
      prefixes, delimiter: s.delimiter, tolerance: s.tolerance, ...fillOption(s.fill), streamName: s.streamName ?? '',
    };
    if (this.cfg.tolerance < 0n) throw new Error(`${d.name}: tolerance must be >= 0, got ${this.cfg.tolerance}`);
    this.on = [...(s.on.at(-1) ?? [])];
    this.onDims = [makeDimensions(this.on, false), makeDimensions(this.on, true)];
    this.prefixed = prefixes.map(() => new Map());
    this.deleteAll = s.deleteAll === true;
    const limits = ctx.services.joinLimits;
    this.maxGroups = limits?.maxGroups || DEFAULT_MAX_GROUPS;
    this.maxPending = limits?.maxPending || DEFAULT_MAX_PENDING;
  }

  // ---- memory bound -------------------------------------------------------------------------------------

  /** A group went from nothing held to something held: it joins the back of the eviction queue. */
  startedPending(g: JoinGroup): void {
    g.seq = ++this.seq;
    this.evictGroups.push(g);
    this.evictSeqs.push(g.seq);
    // one entry per pending stretch: drop the stale ones once they outnumber the groups (amortised O(1))
    if (this.evictGroups.length - this.evictHead > 2 * this.groups.size + 1024) this.compactEvictQueue(true);
  }

  /** Drop the consumed head of the queue, and with `stale` the entries of drained or removed groups. */
  private compactEvictQueue(stale: boolean): void {
    const gs: JoinGroup[] = [];
    const seqs: number[] = [];
    for (let i = this.evictHead; i < this.evictGroups.length; i++) {
      const g = this.evictGroups[i]!;
      const seq = this.evictSeqs[i]!;
      if (stale && (g.seq !== seq || g.pending === 0 || this.groups.get(g.id) !== g)) continue;
      gs.push(g);
      seqs.push(seq);
    }
    this.evictGroups = gs;
    this.evictSeqs = seqs;
    this.evictHead = 0;
  }

  /** After each message: evict the oldest until both bounds hold again. */
  private enforceBounds(): void {
    while (this.groups.size > this.maxGroups) {
      const first = this.groups.keys().next().value as string;
      const g = this.groups.get(first)!;
      this.groups.delete(first);
      const n = g.evict();
      this.pendingPoints -= n;
      this.evicted(1, n, first, 'max-groups');
    }
    while (this.pendingPoints > this.maxPending && this.evictHead < this.evictGroups.length) {
      const g = this.evictGroups[this.evictHead]!;
      const seq = this.evictSeqs[this.evictHead++]!;
      if (g.seq !== seq || g.pending === 0 || this.groups.get(g.id) !== g) continue; // drained or gone since
      const n = g.evict();
      this.pendingPoints -= n;
      this.evicted(0, n, g.id, 'max-pending');
    }
    // stale entries are compacted away once they are the larger part of the queue
    if (this.evictHead > 1024 && this.evictHead * 2 > this.evictGroups.length) this.compactEvictQueue(false);
    while (this.lowMarks.size > this.maxGroups) this.evictOnGroup(this.lowMarks.keys().next().value as string, 'max-groups');
    while (this.onPending > this.maxPending) {
      const oldest = this.matchBuf.keys().next().value ?? this.specificBuf.keys().next().value;
      if (oldest === undefined) break;
      this.evictOnGroup(oldest, 'max-pending');
    }
  }

  private evictOnGroup(gid: string, bound: string): void {
    const held = (this.matchBuf.get(gid)?.length ?? 0) + (this.specificBuf.get(gid)?.length ?? 0);
    const wasGroup = this.lowMarks.delete(gid);
    this.matchBuf.delete(gid);
    this.specificBuf.delete(gid);
    this.onPending -= held;
    this.evicted(wasGroup ? 1 : 0, held, gid, bound);
  }

  private evicted(groups: number, points: number, group: string, bound: string): void {
    if (this.evictedGroups === undefined) {
      this.evictedGroups = this.counter('evicted_groups');
      this.evictedPoints = this.counter('evicted_points');
    }
    this.evictedGroups.add(groups);
    this.evictedPoints!.add(points);
    // logged at the 1st, 10th, 100th … eviction: enough to see it, never a flood
    const n = ++this.evictions;
    if (Number.isInteger(Math.log10(n))) {
      this.log.warn({ group, bound, evicted_groups: this.evictedGroups.value, evicted_points: this.evictedPoints!.value },
        `join memory bound [join] ${bound} reached: evicted the oldest group's held points`);
    }
  }

  protected override onPoint(p: Point): void {
    this.doMessage(this.src, p);
  }

  protected override onBatch(b: Batch): void {
    this.doMessage(this.src, b);
  }

  protected override onBarrier(m: BarrierMessage): void {
    this.group(m.group).barrier(this.src, m.time);
    if (this.groups.size > this.maxGroups) this.enforceBounds();
    this.emitControl(m);
  }

  /** join.go Delete: the group's sets and on-buffers go; low marks of this parent (all of them with deleteAll). */
  protected override onDeleteGroup(m: DeleteGroupMessage): void {
    const g = this.groups.get(m.group);
    if (g !== undefined) this.pendingPoints -= g.evict();
    this.groups.delete(m.group);
    this.onPending -= (this.matchBuf.get(m.group)?.length ?? 0) + (this.specificBuf.get(m.group)?.length ?? 0);
    this.matchBuf.delete(m.group);
    this.specificBuf.delete(m.group);
    if (this.deleteAll) this.lowMarks.clear();
    else {
      const lm = this.lowMarks.get(m.group);
      if (lm !== undefined) lm[this.src] = undefined;
    }
    this.emitControl(m);
  }

  private group(id: string): JoinGroup {
    let g = this.groups.get(id);
    if (g === undefined) { g = new JoinGroup(this, id, this.sourceCount); this.groups.set(id, g); }
    return g;
  }

  private doMessage(src: number, m: Msg): void {
    if (this.on.length > 0) this.matchPoints({ src, msg: m });
    else if (isBatch(m)) this.group(m.group).collect(src, m);
    else (this.groups.forPoint(m) ?? this.group(m.group)).collect(src, m);
    if (this.groups.size > this.maxGroups || this.pendingPoints > this.maxPending || this.onPending > this.maxPending
      || this.lowMarks.size > this.maxGroups) this.enforceBounds();
  }

  // ---- join.on ------------------------------------------------------------------------------------------

  private matchPoints(p: SrcMsg): void {
    const n = this.sourceCount;
    if (!this.allReported) {
      this.reported.add(p.src);
      this.allReported = this.reported.size === n;
    }
    const tol = this.cfg.tolerance;
    const t = roundTime(timeOf(p.msg), tol);
    const info = groupInfo(p.msg);
    const gid = groupId(p.msg.name, info.tags, this.onDims[p.msg.dims.byName ? 1 : 0]);
    let marks = this.lowMarks.get(gid);
    if (marks === undefined) { marks = new Array<bigint | undefined>(n).fill(undefined); this.lowMarks.set(gid, marks); }
    marks[p.src] = t;
    // the oldest time per parent in this on-group (Go zero time = never seen, which is "before" everything)
    let lowMark: bigint | undefined;
    if (this.allReported) {
      for (let s = 0; s < n; s++) {
        const lm = marks[s];
        if (lowMark === undefined || before(lm, lowMark)) lowMark = lm;
      }
      // cached specific points that can no longer get a match leave alone
      const buf = this.specificBuf.get(gid);
      if (buf !== undefined) {
        let i = 0;
        for (; i < buf.length; i++) {
          const sp = buf[i]!;
          if (before(roundTime(timeOf(sp.msg), tol), lowMark)) this.sendSpecific(sp);
          else break;
        }
        buf.splice(0, i);
        this.onPending -= i;
      }
    }
    if (p.msg.dims.tagNames.length > this.on.length) {
      // a specific point: join with a cached match point, or cache it, or send it alone
      const matches = this.matchBuf.get(gid);
      let matched = false;
      if (matches !== undefined) {
        let i = 0;
        for (; i < matches.length; i++) {
          const match = matches[i]!;
          const mt = roundTime(timeOf(match.msg), tol);
          if (mt === t) { this.sendMatch(p, match); matched = true; }
          if (!before(mt, lowMark)) break;
        }
        // low marks are trustworthy only once every parent reported: only then drop match points
        if (this.allReported) { matches.splice(0, i); this.onPending -= i; }
      }
      if (!matched) {
        if (this.allReported && before(t, lowMark)) this.sendSpecific(p);
        else { pushTo(this.specificBuf, gid, p); this.onPending++; }
      }
    } else {
      pushTo(this.matchBuf, gid, p);
      this.onPending++;
      const buf = this.specificBuf.get(gid);
      if (buf !== undefined) {
        let i = 0;
        for (; i < buf.length; i++) {
          const sp = buf[i]!;
          if (roundTime(timeOf(sp.msg), tol) === t) this.sendMatch(sp, p);
          else break;
        }
        buf.splice(0, i);
        this.onPending -= i;
      }
    }
  }

  /** The match point takes the specific point's group tags and dimensions, then both join in its group. */
  private sendMatch(specific: SrcMsg, matched: SrcMsg): void {
    const info = groupInfo(specific.msg);
    const m = matched.msg;
    let re: Msg;
    if (isBatch(m)) {
      // beginBatchMessage.SetTags: the tags' names become the dimensions
      const dims = makeDimensions(Object.keys(info.tags), m.dims.byName);
      re = makeBatch(m.name, m.db, m.rp, info.tags, dims, groupId(m.name, info.tags, dims), m.tmax, m.points);
    } else {
      re = makePoint(m.name, m.db, m.rp, info.tags, m.fields, m.time, info.dims, groupId(m.name, info.tags, info.dims));
    }
    const g = this.group(specific.msg.group);
    g.collect(specific.src, specific.msg);
    g.collect(matched.src, re);
  }

  private sendSpecific(sp: SrcMsg): void {
    this.group(sp.msg.group).collect(sp.src, sp.msg);
  }

  // ---- output -------------------------------------------------------------------------------------------

  /** join.go emitJoinedSet (called by the groups). */
  emitSet(set: JoinSet): void {
    const first = set.values[set.first]!;
    const name = this.cfg.streamName !== '' ? this.cfg.streamName : first.name;
    if (this.batchInput) {
      const b = this.joinBatches(set, first as Batch, name);
      if (b !== undefined) this.emitBatch(b);
    } else {
      const p = this.joinPoints(set, first as Point, name);
      if (p !== undefined) this.emitPoint(p);
    }
  }

  /** joinset.JoinIntoPoint: prefixed fields of every parent; a missing parent is filled or drops the set. */
  private joinPoints(set: JoinSet, first: Point, name: string): Point | undefined {
    const { fill, fillValue } = this.cfg;
    const fields: Fields = {};
    for (let i = 0; i < set.values.length; i++) {
      const v = set.values[i] as Point | undefined;
      const names = this.prefixed[i]!;
      if (v === undefined) {
        if (fill === 'none') return undefined;
        // null fill: tickstream fields cannot hold null, the fields are left out (docs/nodes.md)
        if (fill === 'number') for (const k in first.fields) fields[prefixedName(names, this.cfg, i, k)] = fillValue;
      } else {
        for (const k in v.fields) fields[prefixedName(names, this.cfg, i, k)] = v.fields[k]!;
      }
    }
    // group tags and ID of the output: the same for every point of a series, memoised on the last one seen
    const memo = this.outMemo;
    if (memo.tags !== first.tags || memo.dims !== first.dims || memo.name !== name) {
      memo.tags = first.tags;
      memo.dims = first.dims;
      memo.name = name;
      memo.outTags = groupTags(first.tags, first.dims);
      memo.group = groupId(name, memo.outTags, first.dims);
    }
    return makePoint(name, '', '', memo.outTags, fields, set.time, first.dims, memo.group);
  }

  /** joinset.JoinIntoBatch: batch points paired by rounded time across the parents' batches. */
  private joinBatches(set: JoinSet, first: Batch, name: string): Batch | undefined {
    const { prefixes, delimiter, fill, fillValue, tolerance } = this.cfg;
    const expected = set.values.length;
    const tags = first.tags;
    const dims = makeDimensions(Object.keys(tags), first.dims.byName);
    const out: BatchPoint[] = [];
    const empty = new Array<boolean>(expected).fill(false);
    const indexes = new Array<number>(expected).fill(0);
    let emptyCount = 0;
    let fieldNames: string[] | undefined;
    while (emptyCount < expected) {
      const row = new Array<BatchPoint | undefined>(expected).fill(undefined);
      let rowTime: bigint | undefined;
      let count = 0;
      for (let i = 0; i < expected; i++) {
        if (empty[i]) continue;
        const b = set.values[i] as Batch | undefined;
        if (b === undefined || indexes[i] === b.points.length) { emptyCount++; empty[i] = true; continue; }
        const bp = b.points[indexes[i]!]!;
        const t = roundTime(bp.time, tolerance);
        if (rowTime === undefined) rowTime = t;
        if (t < rowTime) {
          // an earlier point: back up the others already taken for this row
          rowTime = t;
          for (let j = 0; j < expected; j++) {
            if (row[j] !== undefined) indexes[j]!--;
            row[j] = undefined;
          }
          row[i] = bp;
          indexes[i]!++;
          count = 1;
        } else if (t === rowTime) {
          fieldNames ??= Object.keys(bp.fields);
          row[i] = bp;
          indexes[i]!++;
          count++;
        }
      }
      if (count === 0) continue;
      const fields: Fields = {};
      let skip = false;
      for (let i = 0; i < expected; i++) {
        const bp = row[i];
        const pre = prefixes[i]! + delimiter;
        if (bp === undefined) {
          if (fill === 'none') { skip = true; break; }
          if (fill === 'number') for (const k of fieldNames ?? []) fields[pre + k] = fillValue;
        } else {
          for (const k in bp.fields) fields[pre + k] = bp.fields[k]!;
        }
      }
      if (!skip) out.push(makeBatchPoint(rowTime!, fields, tags));
    }
    return makeBatch(name, first.db, first.rp, tags, dims, groupId(name, tags, dims), set.time, out);
  }
}

/** `<as><delimiter><field>` through a per-parent cache (bounded: field names are few; past 10^4 it stops caching). */
function prefixedName(names: Map<string, string>, cfg: JoinConfig, i: number, field: string): string {
  let n = names.get(field);
  if (n === undefined) {
    n = cfg.prefixes[i]! + cfg.delimiter + field;
    if (names.size < 10_000) names.set(field, n);
  }
  return n;
}

/** Kapacitor's GroupInfo of a message: its group tags and dimensions. */
function groupInfo(m: Msg): { tags: Tags; dims: Dimensions } {
  return isBatch(m) ? { tags: m.tags, dims: m.dims } : { tags: groupTags(m.tags, m.dims), dims: m.dims };
}

function pushTo(m: Map<string, SrcMsg[]>, k: string, v: SrcMsg): void {
  const a = m.get(k);
  if (a === undefined) m.set(k, [v]);
  else a.push(v);
}

/** join.go newJoinNode: 'null' / 'none' / a number (int or float); anything else fails the task start. */
function fillOption(v: string | bigint | number | undefined): Pick<JoinConfig, 'fill' | 'fillValue'> {
  if (v === undefined) return { fill: 'none', fillValue: 0 };
  if (typeof v === 'string') {
    if (v === 'null') return { fill: 'null', fillValue: 0 };
    if (v === 'none') return { fill: 'none', fillValue: 0 };
    throw new Error(`unexpected fill option ${v}`);
  }
  return { fill: 'number', fillValue: v }; // an int (bigint) or a float (number)
}

registerNode('join', (ctx) => new JoinNode(ctx));
