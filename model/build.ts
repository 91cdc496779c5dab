/**
 * Point constructors for node authors. Every point built by the runtime goes through these so all points share
 * one object shape (property order), which keeps V8's property access monomorphic along the pipeline.
 */
import type { Batch, BatchPoint, Dimensions, Fields, Point, Tags } from './point.ts';

export function makePoint(
  name: string, db: string, rp: string, tags: Tags, fields: Fields, time: bigint, dims: Dimensions, group: string,
): Point {
  return { name, db, rp, tags, fields, time, dims, group };
}

/** The same point with other fields. */
export function withFields(p: Point, fields: Fields): Point {
  return { name: p.name, db: p.db, rp: p.rp, tags: p.tags, fields, time: p.time, dims: p.dims, group: p.group };
}

export function makeBatchPoint(time: bigint, fields: Fields, tags: Tags): BatchPoint {
  return { time, fields, tags };
}

export function makeBatch(
  name: string, db: string, rp: string, tags: Tags, dims: Dimensions, group: string, tmax: bigint,
  points: readonly BatchPoint[],
): Batch {
  return { name, db, rp, tags, dims, group, tmax, points };
}

/** The same batch header with other points. */
export function withPoints(b: Batch, points: readonly BatchPoint[]): Batch {
  return { name: b.name, db: b.db, rp: b.rp, tags: b.tags, dims: b.dims, group: b.group, tmax: b.tmax, points };
}

/** A copy of `fields` with `name` set to `value` (fields objects are never mutated after emission). */
export function setField(fields: Fields, name: string, value: Fields[string]): Fields {
  // for-in copy: measured 17 ns for a one-field object; `{ ...fields }` followed by a property add was 600+ ns.
  const out: Fields = {};
  for (const k in fields) out[k] = fields[k]!;
  out[name] = value;
  return out;
}
