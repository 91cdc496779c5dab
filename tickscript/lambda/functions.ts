/**
 * Built-in lambda functions (SPEC 2.6; Kapacitor tick/stateful/functions.go). Each function lists its signatures;
 * the argument types are checked against them before the call (no implicit int→float), like Kapacitor 1.3+.
 */
import { Duration, LambdaError, TimeValue } from '../lambda-contract.ts';
import { formatInfluxqlDuration, parseInfluxqlDuration } from '../../gocompat/duration.ts';
import { MISSING, floatToDuration, floatToInt, formatFloatF, parseGoBool, parseGoFloat, parseGoInt, wrap64, type TypeName, type Val } from './values.ts';
import * as M from './mathx.ts';
import { goReplaceAll } from './gore.ts';

/** per-evaluator state of one stateful call site */
export interface CallState { n: number; mean: number; m2: number; min: number; max: number }
export const newCallState = (): CallState => ({ n: 0, mean: 0, m2: 0, min: Infinity, max: -Infinity });

export interface FuncDef {
  readonly sigs: readonly (readonly TypeName[])[];
  readonly stateful?: boolean;
  readonly call: (args: Val[], st: CallState | undefined) => Val;
  /** fast path for stateless one-argument calls (same semantics as call) */
  readonly call1?: (a: Val) => Val;
}

const F: TypeName = 'float';
const I: TypeName = 'int';
const S: TypeName = 'string';
const B: TypeName = 'boolean';
const D: TypeName = 'duration';
const T: TypeName = 'time';
const R: TypeName = 'regex';

const math1 = (f: (x: number) => number): FuncDef => ({ sigs: [[F]], call: (a) => f(a[0] as number), call1: f as (a: Val) => Val });
const math2 = (f: (x: number, y: number) => number): FuncDef => ({ sigs: [[F, F]], call: (a) => f(a[0] as number, a[1] as number) });

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
/** UTF-16 index → UTF-8 byte index (Go string indexes are bytes) */
const byteIndex = (s: string, i: number): bigint => (i < 0 ? -1n : BigInt(Buffer.byteLength(s.slice(0, i))));

function localDate(v: Val): Date {
  return new Date(Number((v as TimeValue).ns / 1000000n));
}

function boolOf(a: Val): boolean {
  switch (typeof a) {
    case 'boolean': return a;
    case 'string': return parseGoBool(a);
    case 'bigint':
      if (a === 0n) return false;
      if (a === 1n) return true;
      throw new LambdaError(`cannot convert ${a} to boolean`);
    default:
      if (a === 0) return false;
      if (a === 1) return true;
      throw new LambdaError(`cannot convert ${formatFloatF(a as number)} to boolean`);
  }
}

function toInt(v: Val): bigint {
  switch (typeof v) {
    case 'bigint': return v;
    case 'number': return floatToInt(v);
    case 'boolean': return v ? 1n : 0n;
    default: return parseGoInt(v as string);
  }
}

/** go-humanize Bytes (SI units) */
function humanBytes(n: bigint): string {
  if (n < 10n) return `${n} B`;
  const sizes = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  const s = Number(n);
  const e = Math.floor(Math.log(s) / Math.log(1000));
  const val = Math.floor((s / Math.pow(1000, e)) * 10 + 0.5) / 10;
  return val < 10 ? `${val.toFixed(1)} ${sizes[e]}` : `${val.toFixed(0)} ${sizes[e]}`;
}

/** Go strings.Trim family with a cutset */
function trimSet(s: string, cut: string, left: boolean, right: boolean): string {
  const set = new Set(Array.from(cut));
  const chars = Array.from(s);
  let a = 0;
  let b = chars.length;
  if (left) while (a < b && set.has(chars[a]!)) a++;
  if (right) while (b > a && set.has(chars[b - 1]!)) b--;
  return chars.slice(a, b).join('');
}

function indexAny(s: string, chars: string, last: boolean): bigint {
  const set = new Set(Array.from(chars));
  const cps = Array.from(s);
  let idx = -1;
  let u16 = 0;
  for (const c of cps) {
    if (set.has(c)) { idx = u16; if (!last) break; }
    u16 += c.length;
  }
  return byteIndex(s, idx);
}

function strCount(s: string, sub: string): bigint {
  if (sub === '') return BigInt(Array.from(s).length + 1);
  let n = 0n;
  let i = s.indexOf(sub);
  while (i >= 0) { n++; i = s.indexOf(sub, i + sub.length); }
  return n;
}

function strReplace(s: string, old: string, nw: string, n: bigint): string {
  if (n === 0n || old === nw) return s;
  if (old === '') {
    // Go inserts `new` before every rune and at the end, up to n times
    const cps = Array.from(s);
    let out = '';
    let done = 0n;
    for (let i = 0; i <= cps.length; i++) {
      if (n < 0n || done < n) { out += nw; done++; }
      if (i < cps.length) out += cps[i];
    }
    return out;
  }
  let out = '';
  let start = 0;
  let done = 0n;
  for (;;) {
    if (n >= 0n && done >= n) break;
    const i = s.indexOf(old, start);
    if (i < 0) break;
    out += s.slice(start, i) + nw;
    start = i + old.length;
    done++;
  }
  return out + s.slice(start);
}

function substring(s: string, start: bigint, stop: bigint): string {
  const b = utf8(s);
  if (start < 0n) throw new LambdaError(`invalid start index ${start}: must be non-negative`);
  if (stop < 0n) throw new LambdaError(`invalid stop index ${stop}: must be non-negative`);
  if (stop >= BigInt(b.length)) throw new LambdaError(`stop index ${stop} out of range for string of length ${b.length}`);
  if (start > stop) throw new LambdaError(`start index ${start} must be less than stop index ${stop}`);
  return b.subarray(Number(start), Number(stop)).toString('utf8');
}

function randInt(limit: bigint | undefined): bigint {
  // non-negative int63 (Go rand.Int63 / Int63n)
  const hi = BigInt(Math.floor(Math.random() * 2 ** 31));
  const lo = BigInt(Math.floor(Math.random() * 2 ** 32));
  const r = (hi << 32n) | lo;
  if (limit === undefined) return r;
  if (limit <= 0n) throw new LambdaError('invalid argument to Int63n');
  return r % limit;
}

export const FUNCTIONS: Readonly<Record<string, FuncDef>> = {
  // ---- conversions ----
  bool: { sigs: [[B], [S], [I], [F]], call: (a) => boolOf(a[0]!) },
  int: { sigs: [[B], [S], [I], [F]], call: (a) => toInt(a[0]!), call1: toInt },
  float: {
    sigs: [[B], [S], [I], [F]],
    call: (a) => {
      const v = a[0]!;
      switch (typeof v) {
        case 'number': return v;
        case 'bigint': return Number(v);
        case 'boolean': return v ? 1 : 0;
        default: return parseGoFloat(v as string);
      }
    },
  },
  string: {
    sigs: [[B], [S], [I], [F], [D]],
    call: (a) => {
      const v = a[0]!;
      switch (typeof v) {
        case 'string': return v;
        case 'bigint': return v.toString();
        case 'number': return formatFloatF(v);
        case 'boolean': return v ? 'true' : 'false';
        default: return formatInfluxqlDuration((v as Duration).ns);
      }
    },
  },
  duration: {
    sigs: [[D], [I, D], [F, D], [S, D]],
    call: (a) => {
      const v = a[0]!;
      if (v instanceof Duration) return v;
      const unit = (a[1] as Duration).ns;
      if (typeof v === 'bigint') return new Duration(wrap64(v * unit));
      if (typeof v === 'number') return new Duration(floatToDuration(v * Number(unit)));
      const d = parseInfluxqlDuration(v as string);
      if (d === undefined) throw new LambdaError(`invalid duration string "${v as string}"`);
      return new Duration(d);
    },
  },
  // ---- math (floats only) ----
  abs: math1(Math.abs), acos: math1(Math.acos), acosh: math1(Math.acosh), asin: math1(Math.asin),
  asinh: math1(Math.asinh), atan: math1(Math.atan), atanh: math1(Math.atanh), cbrt: math1(Math.cbrt),
  ceil: math1(Math.ceil), cos: math1(Math.cos), cosh: math1(Math.cosh), erf: math1(M.erf), erfc: math1(M.erfc),
  exp: math1(Math.exp), exp2: math1((x) => Math.pow(2, x)), expm1: math1(Math.expm1), floor: math1(Math.floor),
  gamma: math1(M.gamma), j0: math1(M.j0), j1: math1(M.j1), log: math1(Math.log), log10: math1(Math.log10),
  log1p: math1(Math.log1p), log2: math1(Math.log2), logb: math1(M.logb), sin: math1(Math.sin), sinh: math1(Math.sinh),
  sqrt: math1(Math.sqrt), tan: math1(Math.tan), tanh: math1(Math.tanh), trunc: math1(Math.trunc), y0: math1(M.y0),
  y1: math1(M.y1),
  atan2: math2(Math.atan2), hypot: math2(Math.hypot), max: math2(M.goMax), min: math2(M.goMin),
  mod: math2((x, y) => x % y), pow: math2(M.goPow),
  pow10: { sigs: [[I]], call: (a) => { const n = a[0] as bigint; return n > 308n ? Infinity : n < -323n ? 0 : Number(`1e${n}`); } },
  jn: { sigs: [[I, F]], call: (a) => M.jn(Number(a[0] as bigint), a[1] as number) },
  yn: { sigs: [[I, F]], call: (a) => M.yn(Number(a[0] as bigint), a[1] as number) },
  // ---- strings (byte semantics like Go) ----
  strContains: { sigs: [[S, S]], call: (a) => (a[0] as string).includes(a[1] as string) },
  strContainsAny: { sigs: [[S, S]], call: (a) => indexAny(a[0] as string, a[1] as string, false) >= 0n },
  strCount: { sigs: [[S, S]], call: (a) => strCount(a[0] as string, a[1] as string) },
  strHasPrefix: { sigs: [[S, S]], call: (a) => (a[0] as string).startsWith(a[1] as string) },
  strHasSuffix: { sigs: [[S, S]], call: (a) => (a[0] as string).endsWith(a[1] as string) },
  strIndex: { sigs: [[S, S]], call: (a) => byteIndex(a[0] as string, (a[0] as string).indexOf(a[1] as string)) },
  strIndexAny: { sigs: [[S, S]], call: (a) => indexAny(a[0] as string, a[1] as string, false) },
  strLastIndex: { sigs: [[S, S]], call: (a) => byteIndex(a[0] as string, (a[0] as string).lastIndexOf(a[1] as string)) },
  strLastIndexAny: { sigs: [[S, S]], call: (a) => indexAny(a[0] as string, a[1] as string, true) },
  strLength: { sigs: [[S]], call: (a) => BigInt(Buffer.byteLength(a[0] as string)) },
  strReplace: { sigs: [[S, S, S, I]], call: (a) => strReplace(a[0] as string, a[1] as string, a[2] as string, a[3] as bigint) },
  strSubstring: { sigs: [[S, I, I]], call: (a) => substring(a[0] as string, a[1] as bigint, a[2] as bigint) },
  strToLower: { sigs: [[S]], call: (a) => (a[0] as string).toLowerCase() },
  strToUpper: { sigs: [[S]], call: (a) => (a[0] as string).toUpperCase() },
  strTrim: { sigs: [[S, S]], call: (a) => trimSet(a[0] as string, a[1] as string, true, true) },
  strTrimLeft: { sigs: [[S, S]], call: (a) => trimSet(a[0] as string, a[1] as string, true, false) },
  strTrimPrefix: { sigs: [[S, S]], call: (a) => { const s = a[0] as string; const p = a[1] as string; return s.startsWith(p) ? s.slice(p.length) : s; } },
  strTrimRight: { sigs: [[S, S]], call: (a) => trimSet(a[0] as string, a[1] as string, false, true) },
  strTrimSpace: { sigs: [[S]], call: (a) => (a[0] as string).replace(/^[\s\u0085]+|[\s\u0085]+$/gu, '') },
  strTrimSuffix: { sigs: [[S, S]], call: (a) => { const s = a[0] as string; const p = a[1] as string; return p !== '' && s.endsWith(p) ? s.slice(0, s.length - p.length) : s; } },
  regexReplace: { sigs: [[R, S, S]], call: (a) => goReplaceAll(a[0] as RegExp, a[1] as string, a[2] as string) },
  // ---- presence, time, misc ----
  isPresent: { sigs: [['missing'], [B], [S], [I], [F]], call: (a) => a[0] !== MISSING },
  unixNano: { sigs: [[T]], call: (a) => (a[0] as TimeValue).ns },
  minute: { sigs: [[T]], call: (a) => BigInt(localDate(a[0]!).getMinutes()) },
  hour: { sigs: [[T]], call: (a) => BigInt(localDate(a[0]!).getHours()) },
  weekday: { sigs: [[T]], call: (a) => BigInt(localDate(a[0]!).getDay()) },
  day: { sigs: [[T]], call: (a) => BigInt(localDate(a[0]!).getDate()) },
  month: { sigs: [[T]], call: (a) => BigInt(localDate(a[0]!).getMonth() + 1) },
  year: { sigs: [[T]], call: (a) => BigInt(localDate(a[0]!).getFullYear()) },
  now: { sigs: [[]], call: () => new TimeValue(BigInt(Date.now()) * 1000000n) },
  humanBytes: {
    sigs: [[I], [F]],
    call: (a) => {
      const v = a[0]!;
      const n = typeof v === 'bigint' ? BigInt.asUintN(64, v) : BigInt.asUintN(64, floatToInt(v as number));
      return humanBytes(n);
    },
  },
  if: {
    sigs: ([F, I, S, B, R, T, D] as TypeName[]).map((t) => [B, t, t]),
    call: (a) => (a[0] ? a[1]! : a[2]!),
  },
  // ---- stateful (state per evaluator instance, SPEC 2.4) ----
  count: { sigs: [[]], stateful: true, call: (_a, st) => BigInt(++st!.n) },
  sigma: {
    sigs: [[F]], stateful: true,
    call: (a, st) => {
      // Welford's running mean/variance over every value seen, including the current one
      const x = a[0] as number;
      const s = st!;
      s.n++;
      const delta = x - s.mean;
      s.mean += delta / s.n;
      s.m2 += delta * (x - s.mean);
      if (s.n < 2) return 0;
      const variance = s.m2 / (s.n - 1);
      if (variance === 0) return 0;
      return Math.abs(x - s.mean) / Math.sqrt(variance);
    },
  },
  spread: {
    sigs: [[F]], stateful: true,
    call: (a, st) => {
      const x = a[0] as number;
      const s = st!;
      if (x < s.min) s.min = x;
      if (x > s.max) s.max = x;
      return s.max - s.min;
    },
  },
  rand: { sigs: [[], [I]], call: (a) => randInt(a[0] as bigint | undefined) },
};

