/**
 * Group IDs and dimensions for nodes that set them (from, groupBy). Points of one series share one tags object
 * (the parser caches it per series key), so results are cached per tags object: the group ID string is built
 * once per series and grouping, not once per point. Parser-built tags carry a memo (runtime/series.ts) read with
 * one property load; other tags objects use a per-grouper WeakMap.
 */
import { groupId, makeDimensions, type Dimensions, type Tags } from './point.ts';
import { memoSlot, seriesMemo } from './series.ts';

export interface GroupKey {
  readonly dims: Dimensions;
  readonly group: string;
}

/** A cached key plus the measurement it was computed for (byName groupings depend on it). */
interface NamedKey {
  readonly name: string;
  readonly key: GroupKey;
}

export interface Grouper {
  /** dimensions and group ID of a point with this measurement and tags */
  key(name: string, tags: Tags): GroupKey;
}

/** Fixed tag names (`groupBy('host', 'replicaset')`). */
export class FixedGrouper implements Grouper {
  readonly dims: Dimensions;
  private readonly byName: boolean;
  private readonly slot: number;
  private readonly cache = new WeakMap<Tags, NamedKey>();

  constructor(tagNames: readonly string[], byName: boolean) {
    this.dims = makeDimensions(tagNames, byName);
    this.byName = byName;
    this.slot = memoSlot('fixed\u0000' + (byName ? '1' : '0') + '\u0000' + this.dims.tagNames.join('\u0000'));
  }

  key(name: string, tags: Tags): GroupKey {
    const memo = seriesMemo(tags);
    // The memo's value was computed with the series' own measurement; byName IDs are only valid for that name.
    if (memo !== undefined && this.slot >= 0 && (!this.byName || memo.name === name)) {
      const k = memo.slots[this.slot] as GroupKey | undefined;
      if (k !== undefined) return k;
      const nk: GroupKey = { dims: this.dims, group: groupId(name, tags, this.dims) };
      memo.slots[this.slot] = nk;
      return nk;
    }
    const e = this.cache.get(tags);
    if (e !== undefined && (!this.byName || e.name === name)) return e.key;
    const key: GroupKey = { dims: this.dims, group: groupId(name, tags, this.dims) };
    this.cache.set(tags, { name, key });
    return key;
  }

  /** The group ID alone. */
  group(name: string, tags: Tags): string {
    return this.key(name, tags).group;
  }
}

/** One Dimensions object per (excluded set, byName, key set), shared by all star groupers of that signature. */
const starDims = new Map<string, Dimensions>();
const MAX_STAR_DIMS = 10000;

/** `groupBy(*)` with optional `.exclude(...)`: all tag keys of each point, sorted. */
export class StarGrouper implements Grouper {
  private readonly excluded: ReadonlySet<string>;
  private readonly signature: string;
  private readonly slot: number;
  private readonly cache = new WeakMap<Tags, NamedKey>();

  constructor(exclude: readonly string[], private readonly byName: boolean) {
    this.excluded = new Set(exclude);
    this.signature = 'star\u0000' + (byName ? '1' : '0') + '\u0000' + [...this.excluded].sort().join('\u0000');
    this.slot = memoSlot(this.signature);
  }

  key(name: string, tags: Tags): GroupKey {
    const memo = seriesMemo(tags);
    if (memo !== undefined && this.slot >= 0 && (!this.byName || memo.name === name)) {
      const k = memo.slots[this.slot] as GroupKey | undefined;
      if (k !== undefined) return k;
      const nk = this.compute(name, tags);
      memo.slots[this.slot] = nk;
      return nk;
    }
    const e = this.cache.get(tags);
    if (e !== undefined && (!this.byName || e.name === name)) return e.key;
    const key = this.compute(name, tags);
    this.cache.set(tags, { name, key });
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
