/** Field-value helpers shared by nodes: Go type names in error texts, numeric conversion. */
import type { FieldValue } from './point.ts';

/** The Go type Kapacitor prints with `%T` for a field value. */
export function goTypeName(v: FieldValue | undefined): string {
  switch (typeof v) {
    case 'number': return 'float64';
    case 'bigint': return 'int64';
    case 'string': return 'string';
    case 'boolean': return 'bool';
    default: return '<nil>';
  }
}

/** float64 or int64 as a float (Kapacitor's numToFloat); undefined for other types. */
export function numToFloat(v: FieldValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}
