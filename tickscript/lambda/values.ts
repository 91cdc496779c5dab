/**
 * Runtime values inside lambdas (SPEC 2.5): float = number, int = bigint, string, boolean, Duration, TimeValue,
 * RegExp, and the MISSING marker for references that name neither a field nor a tag.
 */
import { Duration, LambdaError, TimeValue } from '../lambda-contract.ts';

export const MISSING: unique symbol = Symbol('missing');
export type Missing = typeof MISSING;
export type Val = number | bigint | string | boolean | Duration | TimeValue | RegExp | Missing;

/** Type names as Kapacitor prints them (SPEC 2.5). */
export type TypeName = 'float' | 'int' | 'string' | 'boolean' | 'duration' | 'time' | 'regex' | 'missing';

export function typeOf(v: Val): TypeName {
  switch (typeof v) {
    case 'number': return 'float';
    case 'bigint': return 'int';
    case 'string': return 'string';
    case 'boolean': return 'boolean';
    case 'symbol': return 'missing';
    default:
      if (v instanceof Duration) return 'duration';
      if (v instanceof TimeValue) return 'time';
      return 'regex';
  }
}

/** bit per type, for signature checks without string hashing */
export const TYPE_BIT: Readonly<Record<TypeName, number>> = {
  float: 1, int: 2, string: 4, boolean: 8, duration: 16, time: 32, regex: 64, missing: 128,
};

export function typeBit(v: Val): number {
  switch (typeof v) {
    case 'number': return 1;
    case 'bigint': return 2;
    case 'string': return 4;
    case 'boolean': return 8;
    case 'symbol': return 128;
    default:
      if (v instanceof Duration) return 16;
      if (v instanceof TimeValue) return 32;
      return 64;
  }
}

export function wrap64(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

/** Go strconv.FormatFloat(f, 'f', -1, 64): shortest round-trip digits, never an exponent. */
export function formatFloatF(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const s = String(f);
  if (!s.includes('e')) return Object.is(f, -0) ? '-0' : s;
  const neg = s.startsWith('-');
  const [mant, expS] = (neg ? s.slice(1) : s).split('e') as [string, string];
  const exp = Number(expS);
  const [ip, fp = ''] = mant.split('.') as [string, string?];
  const digits = ip + fp;
  const point = ip.length + exp;
  let out: string;
  if (point <= 0) out = '0.' + '0'.repeat(-point) + digits;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = digits.slice(0, point) + '.' + digits.slice(point);
  return (neg ? '-' : '') + out;
}

/** Go strconv.ParseInt(s, 10, 64) */
export function parseGoInt(s: string): bigint {
  if (!/^[+-]?\d+$/.test(s)) throw new LambdaError(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
  const v = BigInt(s);
  if (v !== wrap64(v)) throw new LambdaError(`strconv.ParseInt: parsing ${JSON.stringify(s)}: value out of range`);
  return v;
}

/** Go strconv.ParseFloat(s, 64) for decimal syntax, Inf and NaN */
export function parseGoFloat(s: string): number {
  if (/^[+-]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s) && !s.includes('_')) return Number(s);
  const m = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (m) return m[2]!.toLowerCase() === 'nan' ? NaN : m[1] === '-' ? -Infinity : Infinity;
  throw new LambdaError(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
}

/** Go strconv.ParseBool */
export function parseGoBool(s: string): boolean {
  switch (s) {
    case '1': case 't': case 'T': case 'TRUE': case 'true': case 'True': return true;
    case '0': case 'f': case 'F': case 'FALSE': case 'false': case 'False': return false;
  }
  throw new LambdaError(`strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax`);
}

/** Go int64(f) for a float: truncation toward zero; NaN/±Inf/out of range give math.MinInt64 like amd64 */
export function floatToInt(f: number): bigint {
  if (!Number.isFinite(f) || f >= 9223372036854775808 || f < -9223372036854775808) return -9223372036854775808n;
  return BigInt(Math.trunc(f));
}

/** Go time.Duration(float64) conversion: truncation toward zero */
export function floatToDuration(f: number): bigint {
  return floatToInt(f);
}

/** a lambda result as a plain field value (missing → error) */
export function render(v: Val): string {
  switch (typeof v) {
    case 'bigint': return v.toString();
    case 'number': return formatFloatF(v);
    case 'string': return JSON.stringify(v);
    case 'boolean': return String(v);
    case 'symbol': return 'missing';
    default:
      if (v instanceof Duration) return `${v.ns}ns`;
      if (v instanceof TimeValue) return `time(${v.ns})`;
      return `/${v.source}/`;
  }
}
