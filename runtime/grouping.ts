/**
 * Group IDs and dimensions for nodes that set them (from, groupBy). Points of one series share one tags object
 * (the parser caches it per series key), so results are cached per tags object: the group ID string is built
 * once per series and node, not once per point.
 */
import { groupId, makeDimensions, type Dimensions, type Tags } from './point.ts';

export interface GroupKey {
  readonly dims: Dimensions;
  readonly group: string;
}

/** Fixed tag names (`groupBy('host', 'replicaset')`). */
export class FixedGrouper {
  readonly dims: Dimensions;
  private readonly cache = new WeakMap<Tags, string>();
  private readonly named = new WeakMap<Tags, { name: string; id: string }>();

  constructor(tagNames: readonly string[], byName: boolean) {
    this.dims = makeDimensions(tagNames, byName);
  }

  group(name: string, tags: Tags): string {
    if (!this.dims.byName) {
      let id = this.cache.get(tags);
      if (id === undefined) { id = groupId(name, tags, this.dims); this.cache.set(tags, id); }
      return id;
    }
    const e = this.named.get(tags);
    if (e !== undefined && e.name === name) return e.id;
    const id = groupId(name, tags, this.dims);
    this.named.set(tags, { name, id });
    return id;
  }
}

/** `groupBy(*)` with optional `.exclude(...)`: all tag keys of each point, sorted. */
export class StarGrouper {
  private readonly excluded: ReadonlySet<string>;
  private readonly cache = new WeakMap<Tags, { name: string; key: GroupKey }>();
  /** one Dimensions object per distinct key set */
  private readonly dimsByKeys = new Map<string, Dimensions>();

  constructor(exclude: readonly string[], private readonly byName: boolean) {
    this.excluded = new Set(exclude);
  }

  key(name: string, tags: Tags): GroupKey {
    const e = this.cache.get(tags);
    if (e !== undefined && (!this.byName || e.name === name)) return e.key;
    const names = Object.keys(tags).filter((k) => !this.excluded.has(k)).sort();
    const sig = names.join('\u0000');
    let dims = this.dimsByKeys.get(sig);
    if (!dims) {
      dims = makeDimensions(names, this.byName);
      if (this.dimsByKeys.size < 10000) this.dimsByKeys.set(sig, dims);
    }
    const key = { dims, group: groupId(name, tags, dims) };
    this.cache.set(tags, { name, key });
    return key;
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
