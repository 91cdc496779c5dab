/**
 * The value checks every InfluxQL reduce context makes (Kapacitor influxql.go): which reducer type a context's
 * first value starts (realizeReduceContext) and whether a later value may join it (convertXPoint). Shared by the
 * single-value nodes (nodes/influxql.ts), the multi-point ones (nodes/influxql-multi.ts) and the stream
 * transformations (nodes/stream-transform.ts); a failed check is
 * returned as the Error the node reports, so the point is counted and skipped there, never thrown.
 */
import type { FieldValue } from '../../model/point.ts';
import { goTypeName } from '../../model/values.ts';
import { valueType, type ValueType } from '../reducers.ts';

/** Go's names of the value types, as Kapacitor's messages print them. */
export const GO_TYPES: Readonly<Record<ValueType, string>> = { float: 'float64', int: 'int64', string: 'string', bool: 'bool' };

/** The numeric types (difference, cumulativeSum, movingAverage, most reducers). */
export const NUMERIC: readonly ValueType[] = ['float', 'int'];

/** Every type (elapsed: the field only selects the points). */
export const ANY_TYPE: readonly ValueType[] = ['float', 'int', 'string', 'bool'];

/** How a node words "cannot apply": its message prefix and its name for each value type (they differ by node). */
export interface CannotApply {
  readonly prefix: string;
  readonly typeNames: Readonly<Record<ValueType, string>>;
}

/** influxql.go's own wording: no prefix, Go's type names but "boolean" (influxql, stream transforms). */
export const INFLUXQL_CANNOT_APPLY: CannotApply = { prefix: '', typeNames: { float: 'float', int: 'int', string: 'string', bool: 'boolean' } };

/** The reducer type a context's first value starts, or why none can start (the field is missing or of a type the method refuses). */
export function contextType(v: FieldValue | undefined, field: string, method: string, accepts: readonly ValueType[], wording: CannotApply): ValueType | Error {
  if (v === undefined) return new Error(`field "${field}" missing from point`);
  const t = valueType(v)!;
  if (!accepts.includes(t)) return new Error(`${wording.prefix}cannot apply ${method} to ${wording.typeNames[t]} field`);
  return t;
}

/**
 * The value a point adds to a context of type `type` (undefined: a context not started yet takes any type), or why
 * it cannot (missing, or another type).
 */
export function contextValue(v: FieldValue | undefined, field: string, type: ValueType | undefined): FieldValue | Error {
  if (v === undefined) return new Error(`field ${field} missing from point cannot aggregate`);
  if (type !== undefined && valueType(v) !== type) return new Error(`field ${field} has wrong type: got ${goTypeName(v)} exp ${GO_TYPES[type]}`);
  return v;
}
