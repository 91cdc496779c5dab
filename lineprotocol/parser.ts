/**
 * InfluxDB 1.x line protocol → Points, as Kapacitor's /write accepts it (SPEC Appendix C).
 *
 * Two paths per line, one result:
 * - a fast path for the common shape (no backslashes; numbers without exponent; strings without escapes or
 *   newlines) that reads the line once over the Buffer's char codes, reuses the `{name, tags}` of series it has
 *   seen (keyed by the raw `measurement,tag=…` bytes, compared byte for byte), interns field keys, and builds int
 *   fields and timestamps as exact bigints from number halves;
 * - a reference path (lp-scan.ts, a decision-for-decision port of models/points.go) for everything else and for
 *   every error, so error texts are InfluxDB's: `unable to parse '<line>': <reason>`.
 * The fast path only ever accepts lines the reference path accepts with the same result (the fuzz test checks
 * this by running both); whenever it is unsure it hands the line over.
 *
 * Points share their series' frozen tags object; points themselves are never mutated after parsing.
 */
import { NO_DIMENSIONS, type Fields, type FieldValue, type Point, type Tags } from '../model/point.ts';
import { attachSeriesMemo } from '../model/series.ts';
import { precisionMultiplier, truncateTime } from '../model/time.ts';
import {
  MAX_KEY_LENGTH, ScanResult, latin1, parseGoFloat, parseInt64, scanBoolean, scanFields, scanFieldValue,
  scanKey, scanLine, scanTime, scanToEquals, skipWhitespace,
} from './scan.ts';
import { receiveTimeNs } from '../model/receive-clock.ts';
import { FIELD_KEY_ESCAPES, MEASUREMENT_ESCAPES, STRING_ESCAPES, TAG_ESCAPES, unescape } from './unescape.ts';
import { goQuote } from '../gocompat/format.ts';

export interface ParseOptions {
  db: string;
  rp: string;
  /** write `precision` parameter: '' / n / ns (default), u / us / µ, ms, s, m, h */
  precision?: string;
  /** receive time in ns for lines without a timestamp (truncated to the precision here); default: now */
  now?: bigint;
  /** route every line through the reference scanners (tests compare both paths) */
  forceSlow?: boolean;
}

export interface ParseResult {
  points: Point[];
  /** one `unable to parse '<line>': <reason>` per bad line, in input order */
  errors: string[];
}

/** models.MinNanoTime / MaxNanoTime */
const MIN_NANO = -9223372036854775806n;
const MAX_NANO = 9223372036854775806n;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
// Byte values, local so the hot loops read constants rather than imported bindings.
const NL = 10;
const SP = 32;
const QUOTE = 34;
const HASH = 35;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const EQ = 61;
const BS = 92;

export const TIME_RANGE_ERROR = `time outside range ${MIN_NANO} - ${MAX_NANO}`;

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
const POW10N = [1n, 10n, 100n, 1000n, 10000n];

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

interface Series {
  readonly key: Buffer;
  readonly name: string;
  readonly tags: Tags;
  /** `key` as a DataView (the next-series guess compares four bytes at a time) */
  readonly view: DataView<ArrayBufferLike>;
  /** next entry with the same hash */
  next: Series | undefined;
  /** the series of the line that followed this one last time (fast path only; a guess, see fastSeries) */
  follower: Series | undefined;
}

interface FieldKey {
  readonly key: Buffer;
  readonly name: string;
  readonly proto: boolean;
  next: FieldKey | undefined;
}

function sameBytes(a: Buffer, buf: Buffer, s: number, e: number): boolean {
  const len = e - s;
  if (a.length !== len) return false;
  for (let i = 0; i < len; i++) if (a[i] !== buf[s + i]) return false;
  return true;
}

function hashBytes(buf: Buffer, s: number, e: number): number {
  let h = FNV_OFFSET;
  for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i]!, FNV_PRIME);
  return h;
}

/** `__proto__` must become an own property, not the prototype. */
function setField(fields: Fields, name: string, proto: boolean, value: FieldValue): void {
  if (proto) Object.defineProperty(fields, name, { value, enumerable: true, writable: true, configurable: true });
  else fields[name] = value;
}

export interface ParserOptions {
  /** distinct series kept in the cache before it is cleared (bounds memory under high cardinality) */
  maxSeries?: number;
}

export class LineProtocolParser {
  /** the scanners' results for the line being parsed (lineprotocol/scan.ts ScanResult), reused line after line */
  private readonly scan = new ScanResult();
  private series = new Map<number, Series>();
  private seriesCount = 0;
  private readonly maxSeries: number;
  private readonly fieldKeys = new Map<number, FieldKey>();
  /** the buffer being parsed, as a DataView (set per parse) */
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  /** series of the last fast-path line (across requests: writers repeat their order) */
  private prevSeries: Series | undefined = undefined;
  private fieldKeyCount = 0;

  // per-parse state (one parse at a time: parsing is synchronous)
  private points: Point[] = [];
  private errors: string[] = [];
  private db = '';
  private rp = '';
  private mult = 1n;
  private defaultTime = 0n;
  // last parsed timestamp: lines of one request usually repeat it
  private lastNeg = false;
  private lastDigits = -1;
  private lastHi = 0;
  private lastLo = 0;
  private lastTime = 0n;

  constructor(opts: ParserOptions = {}) {
    this.maxSeries = opts.maxSeries ?? 100_000;
  }

  /** Number of cached series (for stats and tests). */
  get cachedSeries(): number {
    return this.seriesCount;
  }

  parse(buf: Buffer, opts: ParseOptions): ParseResult {
    const mult = precisionMultiplier(opts.precision ?? '');
    if (mult === undefined) throw new RangeError(`invalid precision ${JSON.stringify(opts.precision)}`);
    this.points = [];
    this.errors = [];
    this.db = opts.db;
    this.rp = opts.rp;
    this.mult = mult;
    this.defaultTime = truncateTime(opts.now ?? receiveTimeNs(), mult);
    this.lastDigits = -1;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
    const forceSlow = opts.forceSlow === true;
    const n = buf.length;
    let pos = 0;
    while (pos < n) {
      const start = skipWhitespace(buf, pos, n);
      if (start >= n) break;
      const c = buf[start]!;
      if (c === NL) { pos = start + 1; continue; }
      if (c === HASH) { pos = scanLine(buf, start, n) + 1; continue; }
      let end = forceSlow ? -1 : this.fastLine(buf, start, n);
      if (end < 0) end = this.referenceLine(buf, start, n);
      pos = end + 1;
    }
    const result = { points: this.points, errors: this.errors };
    this.points = [];
    this.errors = [];
    return result;
  }

  // ---------------------------------------------------------------- fast path

  /**
   * The series of the line at `start` (its key ends at the first space, plain bytes only), or undefined to defer
   * the line to the reference path. Writers tend to send their series in the same order every time, so the series
   * that followed the previous line's series last time is tried first: a byte comparison instead of hashing the
   * key and probing the cache. A wrong guess costs the comparison up to the first differing byte.
   */
  private fastSeries(buf: Buffer, start: number, n: number): Series | undefined {
    const prev = this.prevSeries;
    const guess = prev === undefined ? undefined : prev.follower;
    if (guess !== undefined) {
      const key = guess.key;
      const len = key.length;
      // the guessed key has no space, newline or backslash, so a match followed by a space is the whole key
      if (start + len < n && buf[start + len] === SP) {
        // four bytes at a time (DataView reads are unaligned-safe and inlined by V8), then the tail
        const kv = guess.view;
        const bv = this.view;
        let j = 0;
        while (j + 4 <= len && kv.getInt32(j) === bv.getInt32(start + j)) j += 4;
        if (j + 4 > len) while (j < len && key[j] === buf[start + j]) j++;
        if (j === len) {
          this.prevSeries = guess;
          return guess;
        }
      }
    }
    let i = start;
    let h = FNV_OFFSET;
    for (;;) {
      if (i >= n) return undefined;
      const c = buf[i]!;
      if (c === SP) break;
      if (c === NL || c === BS) return undefined;
      h = Math.imul(h ^ c, FNV_PRIME);
      i++;
    }
    const keyEnd = i;
    if (keyEnd - start > MAX_KEY_LENGTH) return undefined;
    let series = this.series.get(h);
    while (series !== undefined && !sameBytes(series.key, buf, start, keyEnd)) series = series.next;
    if (series === undefined) {
      // new series: the reference scanner validates it (and must end where we did)
      if (scanKey(this.scan, buf, start, n) !== keyEnd) return undefined;
      series = this.addSeries(buf, start, keyEnd, h);
    }
    // only keys seen here (plain bytes) ever become guesses; addSeries may have cleared the cache (prevSeries too)
    if (this.prevSeries !== undefined) this.prevSeries.follower = series;
    this.prevSeries = series;
    return series;
  }

  /** Parses one common-shape line; returns its end (the `\n` or buffer end), or -1 to defer to the reference path. */
  private fastLine(buf: Buffer, start: number, n: number): number {
    const series = this.fastSeries(buf, start, n);
    if (series === undefined) return -1;
    const keyEnd = start + series.key.length;
    const keyLen = series.key.length;

    let i = skipWhitespace(buf, keyEnd + 1, n);
    const fields: Fields = {};
    for (;;) {
      // field key: plain bytes up to '='
      const ks = i;
      let fh = FNV_OFFSET;
      for (;;) {
        if (i >= n) return -1;
        const c = buf[i]!;
        if (c === EQ) break;
        if (c === SP || c === COMMA || c === NL || c === BS || c === QUOTE) return -1;
        fh = Math.imul(fh ^ c, FNV_PRIME);
        i++;
      }
      if (i === ks || keyLen + 4 + (i - ks) > MAX_KEY_LENGTH) return -1;
      let fk = this.fieldKeys.get(fh);
      while (fk !== undefined && !sameBytes(fk.key, buf, ks, i)) fk = fk.next;
      if (fk === undefined) fk = this.addFieldKey(buf, ks, i, fh);
      i++;
      if (i >= n) return -1;
      const c = buf[i]!;
      let value: FieldValue;
      if ((c >= 48 && c <= 57) || c === MINUS || c === DOT) {
        let neg = false;
        if (c === MINUS) { neg = true; i++; }
        let mant = 0; // first 15 digits: exact in a double
        let lo = 0; // digits 16..19 (ints only)
        let digits = 0;
        let frac = 0;
        let dot = false;
        let isInt = false;
        for (;;) {
          if (i >= n) break;
          const d = buf[i]!;
          if (d >= 48 && d <= 57) {
            if (digits < 15) mant = mant * 10 + (d - 48);
            else lo = lo * 10 + (d - 48);
            digits++;
            if (dot) frac++;
            i++;
            continue;
          }
          if (d === DOT) {
            if (dot) return -1;
            dot = true;
            i++;
            continue;
          }
          if (d === 105 /* i */) { isInt = true; i++; break; }
          if (d === COMMA || d === SP || d === NL) break;
          return -1;
        }
        if (digits === 0) return -1;
        if (isInt) {
          if (dot || digits > 19) return -1;
          if (digits <= 15) {
            value = BigInt(neg ? -mant : mant);
          } else {
            let v = BigInt(mant) * POW10N[digits - 15]! + BigInt(lo);
            if (neg) v = -v;
            // out of int64: the reference path reports it
            if (v > INT64_MAX || v < INT64_MIN) return -1;
            value = v;
          }
        } else {
          // more than 15 digits may not be exact in a double: the reference path parses those
          if (digits > 15) return -1;
          // mant < 2^53 and 10^frac exact: one correctly rounded division = the correctly rounded decimal
          value = (neg ? -mant : mant) / POW10[frac]!;
        }
      } else if (c === QUOTE) {
        const ss = ++i;
        for (;;) {
          if (i >= n) return -1;
          const d = buf[i]!;
          if (d === QUOTE) break;
          if (d === BS || d === NL) return -1;
          i++;
        }
        value = buf.toString('utf8', ss, i);
        i++;
      } else if (c === 116 || c === 102 || c === 84 || c === 70 /* t f T F */) {
        const e = scanBoolean(this.scan, buf, i, n, NL);
        if (e < 0) return -1;
        value = c === 116 || c === 84;
        i = e;
      } else {
        return -1;
      }
      if (fk.proto) setField(fields, fk.name, true, value);
      else fields[fk.name] = value;
      if (i < n) {
        const d = buf[i]!;
        if (d === COMMA) { i++; continue; }
        if (d !== SP && d !== NL) return -1;
      }
      break;
    }

    // timestamp
    let time: bigint;
    if (i < n && buf[i] === SP) i = skipWhitespace(buf, i, n);
    if (i >= n || buf[i] === NL) {
      time = this.defaultTime;
    } else {
      let neg = false;
      if (buf[i] === MINUS) { neg = true; i++; }
      const ds = i;
      let hi = 0;
      let lo = 0;
      for (;;) {
        if (i >= n) break;
        const d = buf[i]!;
        if (d === SP || d === NL) break;
        if (d < 48 || d > 57) return -1;
        if (i - ds < 15) hi = hi * 10 + (d - 48);
        else lo = lo * 10 + (d - 48);
        i++;
      }
      const digits = i - ds;
      if (digits === 0 || digits > 19) return -1;
      if (digits === this.lastDigits && hi === this.lastHi && lo === this.lastLo && neg === this.lastNeg) {
        time = this.lastTime;
      } else {
        let t = digits <= 15 ? BigInt(neg ? -hi : hi) : BigInt(hi) * POW10N[digits - 15]! + BigInt(lo);
        if (neg && digits > 15) t = -t;
        if (digits === 19 && (t > INT64_MAX || t < INT64_MIN)) return -1;
        if (this.mult !== 1n) t *= this.mult;
        if (t < MIN_NANO || t > MAX_NANO) return -1;
        this.lastDigits = digits;
        this.lastHi = hi;
        this.lastLo = lo;
        this.lastNeg = neg;
        this.lastTime = t;
        time = t;
      }
      while (i < n && buf[i] === SP) i++;
      if (i < n && buf[i] !== NL) return -1;
    }
    this.points.push({
      name: series.name, db: this.db, rp: this.rp, tags: series.tags, fields, time, dims: NO_DIMENSIONS, group: '',
    });
    return i;
  }

  // ----------------------------------------------------------- reference path

  /** Finds the line end as Go does and parses [start, end) with the reference scanners. Returns the line end. */
  private referenceLine(buf: Buffer, start: number, n: number): number {
    const lineEnd = scanLine(buf, start, n);
    let blockEnd = lineEnd;
    // Go strips one trailing newline from the block (reachable when a quoted value runs to the buffer end).
    if (blockEnd > start && buf[blockEnd - 1] === NL) blockEnd--;
    const err = this.referencePoint(buf, start, blockEnd);
    if (err !== undefined) this.errors.push(`unable to parse '${buf.toString('utf8', start, blockEnd)}': ${err}`);
    return lineEnd;
  }

  /** models.parsePoint over buf[s, n): pushes the point, or returns the reason it is invalid. */
  private referencePoint(buf: Buffer, s: number, n: number): string | undefined {
    const keyEnd = scanKey(this.scan, buf, s, n);
    if (keyEnd < 0) return this.scan.error;
    if (keyEnd === s) return 'missing measurement';
    if (keyEnd - s > MAX_KEY_LENGTH) return `max key length exceeded: ${keyEnd - s} > ${MAX_KEY_LENGTH}`;
    const fieldsEnd = scanFields(this.scan, buf, keyEnd, n);
    if (fieldsEnd < 0) return this.scan.error;
    const fs = this.scan.fieldsStart;
    if (fieldsEnd === fs) return 'missing fields';
    const walkErr = walkFields(buf, fs, fieldsEnd, keyEnd - s);
    if (walkErr !== undefined) return walkErr;
    const tEnd = scanTime(this.scan, buf, fieldsEnd, n);
    if (tEnd < 0) return this.scan.error;
    const ts = this.scan.timeStart;
    let time = this.defaultTime;
    if (tEnd > ts) {
      const text = latin1(buf, ts, tEnd);
      if (text === '-') return 'strconv.ParseInt: parsing "-": invalid syntax';
      const v = parseInt64(text);
      if (v === undefined) return `strconv.ParseInt: parsing ${goQuote(text)}: value out of range`;
      time = v * this.mult;
      if (time < MIN_NANO || time > MAX_NANO) return TIME_RANGE_ERROR;
      for (let p = tEnd; p < n; p++) if (buf[p] !== SP) return 'point is invalid';
    }
    const fields: Fields = {};
    const fieldErr = this.referenceFields(buf, fs, fieldsEnd, fields);
    if (fieldErr !== undefined) return fieldErr;
    const h = hashBytes(buf, s, keyEnd);
    let series = this.series.get(h);
    while (series !== undefined && !sameBytes(series.key, buf, s, keyEnd)) series = series.next;
    // scanKey above left the tag boundaries of this key in this.scan.tagStarts
    if (series === undefined) series = this.addSeries(buf, s, keyEnd, h);
    this.points.push({
      name: series.name, db: this.db, rp: this.rp, tags: series.tags, fields, time, dims: NO_DIMENSIONS, group: '',
    });
    return undefined;
  }

  /** Go's field iterator (point.Next + unmarshalBinary) over a validated field section. */
  private referenceFields(buf: Buffer, fs: number, fe: number, fields: Fields): string | undefined {
    let end = fs;
    while (end < fe) {
      const ks = end;
      const eq = scanToEquals(buf, ks, fe);
      const vs = Math.min(eq + 1, fe);
      const ve = scanFieldValue(buf, vs, fe);
      end = ve + 1;
      if (ve === vs || eq === ks) continue; // empty value or key: Go skips the field
      const key = unescape(buf, ks, eq, FIELD_KEY_ESCAPES);
      const proto = key === '__proto__';
      const c = buf[vs]!;
      if (c === QUOTE) {
        setField(fields, key, proto, ve - vs >= 2 ? unescape(buf, vs + 1, ve - 1, STRING_ESCAPES) : '');
      } else if ('0123456789-.nNiIu'.includes(String.fromCharCode(c))) {
        const last = buf[ve - 1]!;
        if (last === 105 /* i */ || last === 117 /* u */) {
          const text = latin1(buf, vs, ve - 1);
          const fn = last === 105 ? 'ParseInt' : 'ParseUint';
          if (last === 117 || !/^[+-]?\d+$/.test(text)) {
            return `unable to unmarshal field ${key}: strconv.${fn}: parsing ${goQuote(text)}: invalid syntax`;
          }
          const v = parseInt64(text);
          if (v === undefined) return `unable to unmarshal field ${key}: strconv.ParseInt: parsing ${goQuote(text)}: value out of range`;
          setField(fields, key, proto, v);
        } else {
          const text = latin1(buf, vs, ve);
          const v = parseGoFloat(text);
          if (v === undefined) return `unable to unmarshal field ${key}: strconv.ParseFloat: parsing ${goQuote(text)}: invalid syntax`;
          setField(fields, key, proto, v);
        }
      } else {
        const text = latin1(buf, vs, ve);
        const v = GO_BOOLS[text];
        if (v === undefined) return `unable to unmarshal field ${key}: strconv.ParseBool: parsing ${goQuote(text)}: invalid syntax`;
        setField(fields, key, proto, v);
      }
    }
    return undefined;
  }

  // ------------------------------------------------------------------ caches

  /** Builds and caches {name, tags} for buf[s, keyEnd); tag boundaries come from the preceding scanKey. */
  private addSeries(buf: Buffer, s: number, keyEnd: number, h: number): Series {
    if (this.seriesCount >= this.maxSeries) {
      this.series = new Map();
      this.seriesCount = 0;
      // no guess may lead back into the dropped entries (they would stay reachable through `follower`)
      this.prevSeries = undefined;
    }
    const count = this.scan.tagCount;
    const tagStarts = this.scan.tagStarts;
    const name = unescape(buf, s, count > 0 ? tagStarts[0]! - 1 : keyEnd, MEASUREMENT_ESCAPES);
    const pairs: [string, string][] = [];
    for (let j = 0; j < count; j++) {
      const ts = tagStarts[j]!;
      const te = tagStarts[j + 1]! - 1;
      const eq = scanToEquals(buf, ts, te);
      pairs.push([unescape(buf, ts, eq, TAG_ESCAPES), unescape(buf, eq + 1, te, TAG_ESCAPES)]);
    }
    // InfluxDB keeps tags sorted; so do we (one-time cost per series)
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const tags: Tags = {};
    for (const [k, v] of pairs) {
      if (k === '__proto__') Object.defineProperty(tags, k, { value: v, enumerable: true });
      else tags[k] = v;
    }
    // group IDs etc. are computed once per series and kept on the shared tags object (model/series.ts)
    attachSeriesMemo(tags, name);
    Object.freeze(tags);
    const key = Buffer.from(buf.subarray(s, keyEnd));
    const view = new DataView(key.buffer, key.byteOffset, key.length);
    const entry: Series = { key, name, tags, view, next: this.series.get(h), follower: undefined };
    this.series.set(h, entry);
    this.seriesCount++;
    return entry;
  }

  private addFieldKey(buf: Buffer, s: number, e: number, h: number): FieldKey {
    if (this.fieldKeyCount >= 10_000) {
      this.fieldKeys.clear();
      this.fieldKeyCount = 0;
    }
    // fast-path field keys contain no backslash, so the raw bytes are the name
    const name = buf.toString('utf8', s, e);
    const entry: FieldKey = { key: Buffer.from(buf.subarray(s, e)), name, proto: name === '__proto__', next: this.fieldKeys.get(h) };
    this.fieldKeys.set(h, entry);
    this.fieldKeyCount++;
    return entry;
  }
}

/** strconv.ParseBool spellings (Go's field iterator uses it for boolean values). */
const GO_BOOLS: Record<string, boolean> = {
  '1': true, t: true, T: true, true: true, TRUE: true, True: true,
  '0': false, f: false, F: false, false: false, FALSE: false, False: false,
};

/** Go's walkFields check in parsePoint: field keys must leave room for a value; series key size limit. */
function walkFields(buf: Buffer, fs: number, fe: number, keyLen: number): string | undefined {
  let p = fs;
  while (p < fe) {
    const eq = scanToEquals(buf, p, fe);
    if (eq - p > fe - p - 2) return `invalid value: field-key=${buf.toString('utf8', p, eq)}`;
    const size = keyLen + 4 + (eq - p);
    if (size > MAX_KEY_LENGTH) return `max key length exceeded: ${size} > ${MAX_KEY_LENGTH}`;
    p = scanFieldValue(buf, eq + 1, fe);
    if (p < fe) p++;
  }
  return undefined;
}

export function isValidPrecision(precision: string): boolean {
  return precisionMultiplier(precision) !== undefined;
}
