/**
 * Group IDs and dimensions for nodes that set them (from, groupBy). Points of one series share one tags object
 * (the parser caches it per series key), so results are cached per tags object: the group ID string is built
 * once per series and grouping, not once per point. Parser-built tags carry a memo (model/series.ts) read with
 * one property load; other tags objects use a per-grouper WeakMap.
 */
import { NO_DIMENSIONS, groupId, makeDimensions, type Dimensions, type Tags } from '../model/point.ts';
import { memoSlot, seriesMemo } from '../model/series.ts';

export interface GroupKey {
  readonly dims: Dimensions;
  readonly group: string;
}

/** A cached group ID plus the measurement it was computed for (byName groupings depend on it). */
interface Named<V> {
  readonly name: string;
  readonly value: V;
}

/**
 * `group(name, tags)` returns the group ID and leaves the matching dimensions in `dims` (no result object per
 * call; for fixed tag names `dims` never changes).
 */
export interface Grouper {
  group(name: string, tags: Tags): string;
  readonly dims: Dimensions;
}

/** Fixed tag names (`groupBy('host', 'replicaset')`). */
export class FixedGrouper implements Grouper {
  readonly dims: Dimensions;
  private readonly byName: boolean;
  private readonly slot: number;
  private readonly cache = new WeakMap<Tags, Named<string>>();

  constructor(tagNames: readonly string[], byName: boolean) {
    this.dims = makeDimensions(tagNames, byName);
    this.byName = byName;
    this.slot = memoSlot('fixed\u0000' + (byName ? '1' : '0') + '\u0000' + this.dims.tagNames.join('\u0000'));
  }

  group(name: string, tags: Tags): string {
    const memo = seriesMemo(tags);
    // The memo's value was computed with the series' own measurement; byName IDs are only valid for that name.
    if (memo !== undefined && this.slot >= 0 && (!this.byName || memo.name === name)) {
      const id = memo.slots[this.slot] as string | undefined;
      if (id !== undefined) return id;
      return (memo.slots[this.slot] = groupId(name, tags, this.dims));
    }
    const e = this.cache.get(tags);
    if (e !== undefined && (!this.byName || e.name === name)) return e.value;
    const id = groupId(name, tags, this.dims);
    this.cache.set(tags, { name, value: id });
    return id;
  }
}

/** One Dimensions object per (excluded set, byName, key set), shared by all star groupers of that signature. */
const starDims = new Map<string, Dimensions>();
const MAX_STAR_DIMS = 10000;

/** `groupBy(*)` with optional `.exclude(...)`: all tag keys of each point, sorted. */
export class StarGrouper implements Grouper {
  /** dimensions of the last `group` call */
  dims: Dimensions = NO_DIMENSIONS;
  private readonly excluded: ReadonlySet<string>;
  private readonly signature: string;
  private readonly slot: number;
  private readonly cache = new WeakMap<Tags, Named<GroupKey>>();

  constructor(exclude: readonly string[], private readonly byName: boolean) {
    this.excluded = new Set(exclude);
    this.signature = 'star\u0000' + (byName ? '1' : '0') + '\u0000' + [...this.excluded].sort().join('\u0000');
    this.slot = memoSlot(this.signature);
  }

  group(name: string, tags: Tags): string {
    const k = this.key(name, tags);
    this.dims = k.dims;
    return k.group;
  }

  key(name: string, tags: Tags): GroupKey {
    const memo = seriesMemo(tags);
    if (memo !== undefined && this.slot >= 0 && (!this.byName || memo.name === name)) {
      const k = memo.slots[this.slot] as GroupKey | undefined;
      if (k !== undefined) return k;
      return (memo.slots[this.slot] = this.compute(name, tags));
    }
    const e = this.cache.get(tags);
    if (e !== undefined && (!this.byName || e.name === name)) return e.value;
    const key = this.compute(name, tags);
    this.cache.set(tags, { name, value: key });
    return key;
  }

  private compute(name: string, tags: Tags): GroupKey {
    const names = Object.keys(tags).filter((k) => !this.excluded.has(k)).sort();
    const sig = this.signature + '\u0001' + names.join('\u0000');
    let dims = starDims.get(sig);
    if (!dims) {
      dims = makeDimensions(names, this.byName);
      if (starDims.size < MAX_STAR_DIMS) starDims.set(sig, dims);
    }
    return { dims, group: groupId(name, tags, dims) };
  }
}

/** Group key of a point through any grouper (batch paths; allocates, unlike `group`). */
export function groupKey(g: Grouper, name: string, tags: Tags): GroupKey {
  const group = g.group(name, tags);
  return { dims: g.dims, group };
}

/** Tag-name arguments of groupBy (strings, `*`, lists of them), validated as pipeline/group_by.go does. */
export function parseGroupByArgs(args: readonly unknown[]): { star: boolean; names: string[] } {
  let star = false;
  const names: string[] = [];
  const add = (v: unknown): void => {
    if (v === '*') { star = true; return; }
    if (Array.isArray(v)) { for (const x of v) add(x); return; }
    if (typeof v !== 'string') throw new Error(`invalid groupBy dimension ${String(v)}: must be a string or *`);
    if (v === '') throw new Error('dimensions cannot not be the empty string');
    names.push(v);
  };
  for (const a of args) add(a);
  if (star && names.length > 0) throw new Error("cannot group by both '*' and named dimensions.");
  return { star, names };
}
