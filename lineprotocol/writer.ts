/**
 * Points → InfluxDB 1.x line protocol, as Kapacitor's InfluxDB client writes them (models.Point.String with a
 * precision): escaped measurement, tags sorted by key, typed fields (`7i` int64, `1.5` float64, `"s"` string,
 * `true`), the time divided by the precision (Go integer division: truncation toward zero).
 *
 * Rejected (a thrown Error, so the caller counts and drops that one point): no fields, NaN/±Inf floats (InfluxDB
 * cannot store them), newlines in names or keys (line protocol cannot escape them).
 */
import type { Fields, Tags } from '../model/point.ts';

/** nanoseconds per unit of each write precision InfluxDB 1.x accepts (models.Point.PrecisionString) */
const PRECISION_NS: Readonly<Record<string, bigint>> = {
  '': 1n, n: 1n, ns: 1n, u: 1_000n, us: 1_000n, 'µ': 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n,
};

/** ns per unit of `precision`, or undefined for an unknown precision. */
export function precisionDivisor(precision: string): bigint | undefined {
  return PRECISION_NS[precision];
}

const MEASUREMENT_SPECIAL = /[, ]/g;
const KEY_SPECIAL = /[,= ]/g;
const STRING_SPECIAL = /["\\]/g;
const escapeWith = (c: string): string => '\\' + c;

function checkName(what: string, s: string): void {
  if (s.includes('\n')) throw new Error(`${what} ${JSON.stringify(s)} contains a newline, which line protocol cannot carry`);
}

export function escapeMeasurement(name: string): string {
  checkName('measurement', name);
  return name.replace(MEASUREMENT_SPECIAL, escapeWith);
}

export function escapeKey(key: string): string {
  checkName('key', key);
  return key.replace(KEY_SPECIAL, escapeWith);
}

/** `,k=v,k2=v2` for the non-empty tag values, keys sorted (InfluxDB's series key order). */
export function encodeTags(tags: Tags): string {
  const keys = Object.keys(tags).sort();
  let out = '';
  for (const k of keys) {
    const v = tags[k]!;
    if (v === '') continue; // an empty tag value means "no such tag" to InfluxDB
    checkName('tag value', v);
    out += ',' + escapeKey(k) + '=' + v.replace(KEY_SPECIAL, escapeWith);
  }
  return out;
}

export function encodeFields(fields: Fields): string {
  let out = '';
  for (const k in fields) {
    const v = fields[k]!;
    let text: string;
    switch (typeof v) {
      case 'number':
        if (!Number.isFinite(v)) throw new Error(`field ${JSON.stringify(k)}: ${v} is an unsupported value (InfluxDB stores finite floats only)`);
        // shortest round-trip form; without an `i` suffix InfluxDB reads it as float64 even when it is whole.
        // String(-0) is "0": Go's strconv.AppendFloat writes "-0", and the sign must survive a round trip
        text = v === 0 && 1 / v < 0 ? '-0' : String(v);
        break;
      case 'bigint': text = v.toString() + 'i'; break;
      case 'boolean': text = v ? 'true' : 'false'; break;
      default: text = '"' + v.replace(STRING_SPECIAL, escapeWith) + '"';
    }
    out += (out === '' ? '' : ',') + escapeKey(k) + '=' + text;
  }
  if (out === '') throw new Error('point has no fields');
  return out;
}

/** One line (with its trailing newline). `divisor` comes from precisionDivisor(). */
export function encodeLine(name: string, tags: Tags, fields: Fields, time: bigint, divisor: bigint): string {
  return escapeMeasurement(name) + encodeTags(tags) + ' ' + encodeFields(fields) + ' ' + (time / divisor).toString() + '\n';
}
