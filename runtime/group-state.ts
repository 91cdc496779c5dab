/**
 * Per-group node state (`Node.groupState()`): a Map from group ID to state that also knows how to find a point's
 * state without hashing the group ID.
 *
 * Why: at 10^4 groups a `Map.get` by group ID costs 40–70 ns per point (cache misses in the hash table), the largest
 * single cost in derivative and the reducers. Points of one series share their parser-built tags object, and a
 * series always maps to the same group for a given node, so `forPoint` keeps a (group → state) entry on the
 * series memo (model/series.ts) and checks it with pointer compares. The Map stays the source of truth:
 * any `set` that replaces a state, `delete` or `clear` bumps a generation that invalidates every memo entry.
 *
 * Bounded ([limits] max-groups-per-node, issue 17): with `maxGroups` set, adding a group to a full map first
 * evicts the oldest group (Map order = creation order, so this is O(1) and costs nothing on the per-point path)
 * and reports it through `onEvict`, which the node counts as `groups_evicted`.
 */
import type { Point } from '../model/point.ts';
import { acquireSlot, releaseSlot, seriesMemo } from '../model/series.ts';

/** What a map leaves on a series memo (mutable: reused when the same series meets a new generation). */
interface StateMemo<S> {
  owner: number;
  gen: number;
  group: string;
  state: S;
}

/** Owner IDs are numbers, so memo entries never keep a stopped node's map alive. */
let nextOwner = 1;

export class GroupStateMap<S> extends Map<string, S> {
  private readonly owner = nextOwner++;
  private gen = 0;
  /** -2: not acquired yet; -1: no slot (memo not used) */
  private slot = -2;

  /** `maxGroups` 0 = unbounded; `onEvict` hears of every group dropped to make room */
  constructor(private readonly maxGroups = 0, private readonly onEvict?: (group: string) => void) {
    super();
  }

  override set(group: string, state: S): this {
    if (super.has(group)) this.gen++;
    else if (this.maxGroups > 0 && this.size >= this.maxGroups) this.evictOldest();
    return super.set(group, state);
  }

  private evictOldest(): void {
    const oldest = this.keys().next();
    if (oldest.done) return;
    this.delete(oldest.value);
    this.onEvict?.(oldest.value);
  }

  override delete(group: string): boolean {
    const had = super.delete(group);
    if (had) this.gen++;
    return had;
  }

  override clear(): void {
    this.gen++;
    super.clear();
  }

  /** `get(p.group)`, answered from the point's series memo when possible. */
  forPoint(p: Point): S | undefined {
    const memo = seriesMemo(p.tags);
    let slot = this.slot;
    if (memo === undefined || slot === -1) return this.get(p.group);
    if (slot === -2) {
      slot = this.slot = acquireSlot();
      if (slot < 0) return this.get(p.group);
    }
    const group = p.group;
    const e = memo.slots[slot] as StateMemo<S> | undefined;
    if (e !== undefined && e.owner === this.owner) {
      if (e.gen === this.gen && e.group === group) return e.state;
      const s = this.get(group);
      if (s !== undefined) { e.gen = this.gen; e.group = group; e.state = s; }
      return s;
    }
    const s = this.get(group);
    if (s !== undefined) memo.slots[slot] = { owner: this.owner, gen: this.gen, group, state: s } satisfies StateMemo<S>;
    return s;
  }

  /** The owner goes away: give the memo slot back (stale entries are recognised by their owner ID). */
  release(): void {
    if (this.slot >= 0) releaseSlot(this.slot);
    this.slot = -1;
  }
}
