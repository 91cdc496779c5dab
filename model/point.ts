/**
 * The data model every part of tickstream shares: points, batches, groups.
 *
 * Representation choices (see docs/hot-path.md):
 * - time is a `bigint` of nanoseconds since the Unix epoch (UTC): exact end to end, cheap to compare.
 * - field values keep InfluxDB's types: float64 = `number`, int64 = `bigint`, string, boolean.
 *   (`1i` is `1n`, `1` is `1`; JSON output prints them differently.)
 * - points are immutable once emitted: a node that changes tags, fields or time builds a new Point
 *   (tags objects are shared between points of the same series; never mutate one in place).
 */

/** float64 = number, int64 = bigint, string, boolean. */
export type FieldValue = number | bigint | string | boolean;
export type Fields = Record<string, FieldValue>;
export type Tags = Record<string, string>;

/** How a point is grouped: sorted tag names plus the by-measurement flag (Kapacitor's models.Dimensions). */
export interface Dimensions {
  readonly tagNames: readonly string[];
  readonly byName: boolean;
}

export const NO_DIMENSIONS: Dimensions = Object.freeze({ tagNames: Object.freeze([]) as readonly string[], byName: false });

export interface Point {
  /** measurement */
  readonly name: string;
  readonly db: string;
  readonly rp: string;
  readonly tags: Tags;
  readonly fields: Fields;
  /** nanoseconds since the epoch */
  readonly time: bigint;
  readonly dims: Dimensions;
  /** group ID derived from dims and tags (see groupId); '' when ungrouped */
  readonly group: string;
}

/** One point inside a batch: its own tags, fields and time. */
export interface BatchPoint {
  readonly time: bigint;
  readonly fields: Fields;
  readonly tags: Tags;
}

/** A whole batch (BeginBatch … EndBatch) travels as one message. */
export interface Batch {
  readonly name: string;
  readonly db: string;
  readonly rp: string;
  /** the group's tags (only the dimension tags) */
  readonly tags: Tags;
  readonly dims: Dimensions;
  readonly group: string;
  /** batch end time (window end) */
  readonly tmax: bigint;
  readonly points: readonly BatchPoint[];
}

/**
 * Kapacitor's models.ToGroupID: '' without dimensions; otherwise optional `<name>\n` (byName) then
 * `tag=value` joined by ',' over the dimension tag names in order; a missing tag contributes `tag=`.
 */
export function groupId(name: string, tags: Tags, dims: Dimensions): string {
  const names = dims.tagNames;
  if (names.length === 0 && !dims.byName) return '';
  let id = dims.byName ? name + '\n' : '';
  for (let i = 0; i < names.length; i++) {
    const k = names[i]!;
    const v = tags[k];
    id += (i === 0 ? '' : ',') + k + '=' + (v === undefined ? '' : v);
  }
  return id;
}

/** The subset of tags named by the dimensions (Kapacitor's GroupInfo tags). */
export function groupTags(tags: Tags, dims: Dimensions): Tags {
  const out: Tags = {};
  for (const k of dims.tagNames) {
    const v = tags[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Sorted, frozen dimensions; identical inputs give equal-but-distinct objects (callers cache them per node). */
export function makeDimensions(tagNames: Iterable<string>, byName: boolean): Dimensions {
  const names = [...new Set(tagNames)].sort();
  return Object.freeze({ tagNames: Object.freeze(names) as readonly string[], byName });
}

/** Type name of a field value as Kapacitor prints it in messages. */
export function fieldTypeName(v: FieldValue | undefined): string {
  switch (typeof v) {
    case 'number': return 'float';
    case 'bigint': return 'int';
    case 'string': return 'string';
    case 'boolean': return 'boolean';
    default: return 'missing';
  }
}

/**
 * Where ingest hands parsed points (runtime/task-master.ts, server/cluster/publisher.ts, CountingSink in tests):
 * declared once, here, so the server and the runtime agree on it without importing each other. Receives every
 * accepted write; the request is answered after writePoints returns, or after the promise it
 * returns resolves (a clustered instance answers once JetStream acknowledged the points, server/cluster/publisher.ts).
 */
export interface PointSink {
  writePoints(db: string, rp: string, points: Point[]): void | Promise<void>;
}
