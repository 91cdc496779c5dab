/**
 * Per-group node state (`Node.groupState()`): a Map from group ID to state that also knows how to find a point's
 * state without hashing the group ID.
 *
 * Why: at 10^4 groups a `Map.get` by group ID costs 40–70 ns per point (cache misses in the hash table), the largest
 * single cost in derivative and the reducers. Points of one series share their parser-built tags object, and a
 * series always maps to the same group for a given node, so `forPoint` keeps (stamp, group, state) in three
 * entries of the series memo (model/series.ts, an owned slot) and checks them with compares. The Map stays the
 * source of truth: any `set` that replaces a state, `delete` or `clear` takes a new stamp, which invalidates
 * every memo entry. Stamps are unique across all maps, so entries left by a previous owner of a reused slot never
 * match. (The three values sit inline in the memo rather than in an entry object: one pointer hop, and so one
 * likely cache miss per point and node, fewer.)
 *
 * Bounded ([limits] max-groups-per-node, issue 17): with `maxGroups` set, adding a group to a full map first
 * evicts the oldest group (Map order = creation order, so this is O(1) and costs nothing on the per-point path)
 * and reports it through `onEvict`, which the node counts as `groups_evicted`.
 */
import type { Point } from '../model/point.ts';
import { acquireSlot, releaseSlot, seriesMemo } from '../model/series.ts';

/**
 * Stamps are numbers, so memo entries never keep a stopped node's map alive. A counter that passes 2^53 after
 * 9·10^15 invalidations would repeat; not reachable.
 */
let nextStamp = 1;

export class GroupStateMap<S> extends Map<string, S> {
  /** this map in this generation (bumped by set-replace, delete, clear) */
  private stamp = nextStamp++;
  /** -2: not acquired yet; -1: no slot (memo not used) */
  private slot = -2;

  /** `maxGroups` 0 = unbounded; `onEvict` hears of every group dropped to make room */
  constructor(private readonly maxGroups = 0, private readonly onEvict?: (group: string) => void) {
    super();
  }

  override set(group: string, state: S): this {
    if (super.has(group)) this.stamp = nextStamp++;
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
    if (had) this.stamp = nextStamp++;
    return had;
  }

  override clear(): void {
    this.stamp = nextStamp++;
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
    const m = memo.slots;
    if (m[slot] === this.stamp && m[slot + 1] === group) return m[slot + 2] as S;
    const s = this.get(group);
    if (s !== undefined) { m[slot] = this.stamp; m[slot + 1] = group; m[slot + 2] = s; }
    return s;
  }

  /** The owner goes away: give the memo slot back (stale entries are recognised by their stamp). */
  release(): void {
    if (this.slot >= 0) releaseSlot(this.slot);
    this.slot = -1;
  }
}
