/**
 * Byte-level scanners that reproduce InfluxDB 1.x `models/points.go` (ParsePointsWithPrecision, which Kapacitor's
 * /write uses) decision for decision, including its error texts. They are the reference ("slow") path of the
 * parser: line-protocol.ts runs a faster scanner for the common shape and falls back to these for anything
 * unusual and for every error, so error messages always come from here.
 *
 * Conventions: positions are absolute indexes into `buf`; `n` is the exclusive end of the region (the line);
 * a function that fails returns -1 and leaves the reason in `r.error` of the ScanResult it was given. Where Go compares the previous byte with
 * a backslash (rather than skipping escape pairs) we do the same, because that is what decides odd inputs such as
 * `m\\ f=1`.
 */
import { goQuote } from '../gocompat/format.ts';

export const NL = 10;
export const SP = 32;
export const TAB = 9;
export const QUOTE = 34;
export const HASH = 35;
export const COMMA = 44;
export const MINUS = 45;
export const DOT = 46;
export const EQ = 61;
export const BS = 92;

/** models.MaxKeyLength */
export const MAX_KEY_LENGTH = 65535;

/**
 * What the scanners report besides the position they return. One object per parser, reused for every line: the
 * scanners write into it instead of returning a fresh object, so scanning allocates nothing, and nothing is kept
 * in module state (two parsers never share it).
 */
export class ScanResult {
  /** reason of the last failed scan (valid right after a function returned -1) */
  error = '';
  /** tag boundaries found by the last successful scanKey: tag j spans [tagStarts[j], tagStarts[j+1] - 1) */
  readonly tagStarts: number[] = [];
  tagCount = 0;
  /** set by scanFields on success: where the field section starts */
  fieldsStart = 0;
  /** set by scanTime on success: the timestamp text is [timeStart, return value) */
  timeStart = 0;
}

function fail(r: ScanResult, reason: string): -1 {
  r.error = reason;
  return -1;
}

/** Go's skipWhitespace: spaces, tabs and NUL bytes. */
export function skipWhitespace(buf: Uint8Array, i: number, n: number): number {
  while (i < n) {
    const c = buf[i]!;
    if (c !== SP && c !== TAB && c !== 0) break;
    i++;
  }
  return i;
}

/**
 * Go's scanLine: the end of the line starting at `i` (index of the terminating `\n`, or `n`). Newlines inside a
 * quoted field value, or right after a backslash, do not end the line.
 */
export function scanLine(buf: Uint8Array, i: number, n: number): number {
  let quoted = false;
  let fields = false;
  let equals = 0;
  let commas = 0;
  while (i < n) {
    const c = buf[i]!;
    if (c === BS && i + 2 < n) {
      i += 2;
      continue;
    }
    if (c === SP) fields = true;
    if (fields) {
      if (!quoted && c === EQ) { i++; equals++; continue; }
      if (!quoted && c === COMMA) { i++; commas++; continue; }
      if (c === QUOTE && equals > commas) { i++; quoted = !quoted; continue; }
    }
    if (c === NL && !quoted) break;
    i++;
  }
  return i;
}


const TAG_KEY_STATE = 1;
const FIELDS_STATE = 2;

/** Go's scanKey (measurement and tags, duplicate check): returns the key end (the separating space) or -1. */
export function scanKey(r: ScanResult, buf: Uint8Array, start: number, n: number): number {
  let i = start;
  r.tagCount = 0;
  // scanMeasurement
  if (i >= n || buf[i] === COMMA) return fail(r, 'missing measurement');
  let state = 0;
  for (;;) {
    i++;
    if (i >= n) return fail(r, 'missing fields');
    if (buf[i - 1] === BS) continue;
    if (buf[i] === COMMA) { state = TAG_KEY_STATE; i++; break; }
    if (buf[i] === SP) { state = FIELDS_STATE; break; }
  }
  if (state === TAG_KEY_STATE) {
    // scanTags
    for (;;) {
      r.tagStarts[r.tagCount++] = i;
      // scanTagsKey
      let c = i < n ? buf[i]! : -1;
      if (i >= n || c === SP || c === COMMA || c === EQ) return fail(r, 'missing tag key');
      for (;;) {
        i++;
        if (i >= n) return fail(r, 'missing tag value');
        c = buf[i]!;
        if ((c === SP || c === COMMA) && buf[i - 1] !== BS) return fail(r, 'missing tag value');
        if (c === EQ && buf[i - 1] !== BS) { i++; break; }
      }
      // scanTagsValue
      if (i >= n || buf[i] === COMMA || buf[i] === SP) return fail(r, 'missing tag value');
      let next = 0;
      for (;;) {
        i++;
        if (i >= n) return fail(r, 'missing fields');
        c = buf[i]!;
        if (c === EQ && buf[i - 1] !== BS) return fail(r, 'invalid tag format');
        if (c === COMMA && buf[i - 1] !== BS) { next = TAG_KEY_STATE; i++; break; }
        if (c === SP && buf[i - 1] !== BS) { next = FIELDS_STATE; break; }
      }
      if (next === FIELDS_STATE) break;
    }
    r.tagStarts[r.tagCount] = i + 1;
    if (hasDuplicateTagKeys(r, buf)) return fail(r, 'duplicate tags');
  }
  return i;
}

/** Go's scanTo(buf, i, '='): the first `=` not preceded by a backslash, or `n`. */
export function scanToEquals(buf: Uint8Array, i: number, n: number): number {
  const start = i;
  while (i < n) {
    if (buf[i] === EQ && (i === start || buf[i - 1] !== BS)) break;
    i++;
  }
  return i;
}

function hasDuplicateTagKeys(r: ScanResult, buf: Uint8Array): boolean {
  if (r.tagCount < 2) return false;
  // Go compares the raw (escaped) key bytes of neighbours after sorting; any two equal keys end up neighbours.
  const seen = new Set<string>();
  for (let j = 0; j < r.tagCount; j++) {
    const s = r.tagStarts[j]!;
    const e = scanToEquals(buf, s, r.tagStarts[j + 1]! - 1);
    const key = Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('latin1');
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

const isNumeric = (c: number): boolean => (c >= 48 && c <= 57) || c === DOT;

/**
 * Go's scanNumber from `i` (the first byte of the value). `nl` is an extra terminator byte (10 when the caller
 * does not know the line end yet, -1 otherwise). Returns the end of the value or -1.
 */
export function scanNumber(r: ScanResult, buf: Uint8Array, i: number, n: number, nl: number): number {
  const start = i;
  let isInt = false;
  let isUnsigned = false;
  if (i < n && buf[i] === MINUS) {
    i++;
    if (i === n) return fail(r, 'invalid number');
  }
  let decimal = false;
  let scientific = false;
  for (;;) {
    if (i >= n) break;
    const c = buf[i]!;
    if (c === COMMA || c === SP || c === nl) break;
    if (c === 105 /* i */ && i > start && !(isInt || isUnsigned)) { isInt = true; i++; continue; }
    if (c === 117 /* u */ && i > start && !(isInt || isUnsigned)) { isUnsigned = true; i++; continue; }
    if (c === DOT) {
      if (decimal) return fail(r, 'invalid number');
      decimal = true;
    }
    if (i > start && (c === 101 || c === 69) /* e E */) { scientific = true; i++; continue; }
    if ((c === 43 || c === MINUS) && (buf[i - 1] === 101 || buf[i - 1] === 69)) { i++; continue; }
    if (i + 2 < n && (c === 78 || c === 110) /* N n */) return fail(r, 'invalid number');
    if (!isNumeric(c)) return fail(r, 'invalid number');
    i++;
  }
  if ((isInt || isUnsigned) && (decimal || scientific)) return fail(r, 'invalid number');
  let digits = i - start;
  if (isInt) digits--;
  if (decimal) digits--;
  if (buf[start] === MINUS) digits--;
  if (digits === 0) return fail(r, 'invalid number');
  if (isInt) {
    if (buf[i - 1] !== 105) return fail(r, 'invalid number');
    // Go checks the int64 range only when the text is long enough to overflow (>= 19 characters).
    if (i - 1 - start >= 19) {
      const text = latin1(buf, start, i - 1);
      if (parseInt64(text) === undefined) {
        return fail(r, `unable to parse integer ${text}: strconv.ParseInt: parsing ${goQuote(text)}: value out of range`);
      }
    }
  } else if (isUnsigned) {
    // uint64 support is off in Kapacitor and InfluxDB 1.x by default.
    return fail(r, 'invalid number');
  } else if (scientific || i - start >= 25) {
    if (parseGoFloat(latin1(buf, start, i)) === undefined) return fail(r, 'invalid float');
  }
  return i;
}

/** Go's scanBoolean from `i`; returns the end or -1. */
export function scanBoolean(r: ScanResult, buf: Uint8Array, i: number, n: number, nl: number): number {
  const start = i;
  if (i < n) {
    const c = buf[i]!;
    if (c !== 116 && c !== 102 && c !== 84 && c !== 70) return fail(r, 'invalid boolean');
  }
  i++;
  while (i < n) {
    const c = buf[i]!;
    if (c === COMMA || c === SP || c === nl) break;
    i++;
  }
  const len = i - start;
  if (len === 1) return i;
  const first = buf[start]!;
  if ((first === 116 || first === 84) && len !== 4) return fail(r, 'invalid boolean');
  if ((first === 102 || first === 70) && len !== 5) return fail(r, 'invalid boolean');
  const word = latin1(buf, start, i);
  const ok = first === 116 ? word === 'true'
    : first === 102 ? word === 'false'
      : first === 84 ? word === 'TRUE' || word === 'True'
        : word === 'FALSE' || word === 'False';
  return ok ? i : fail(r, 'invalid boolean');
}


/** Go's scanFields from `i` (just after the key); returns the end of the field section or -1. */
export function scanFields(r: ScanResult, buf: Uint8Array, i: number, n: number): number {
  const start = skipWhitespace(buf, i, n);
  i = start;
  let quoted = false;
  let equals = 0;
  let commas = 0;
  for (;;) {
    if (i >= n) break;
    const c = buf[i]!;
    if (c === BS && i + 1 < n) { i += 2; continue; }
    if (c === QUOTE && equals > commas) { quoted = !quoted; i++; continue; }
    if (c === EQ && !quoted) {
      equals++;
      // an '=' first in the section is an empty key too; Go's check (the byte before is a space) misses it when
      // skipWhitespace skipped a tab or NUL (`m \t=1`), and the point would have no field
      if (i === start) return fail(r, 'missing field key');
      if (buf[i - 1] === SP && buf[i - 2] !== BS) return fail(r, 'missing field key');
      if (buf[i - 1] === COMMA && buf[i - 2] !== BS) return fail(r, 'missing field key');
      if (i + 1 >= n) return fail(r, 'missing field value');
      const v = buf[i + 1]!;
      if (v === COMMA || v === SP) return fail(r, 'missing field value');
      if (isNumeric(v) || v === MINUS || v === 78 || v === 110) {
        i = scanNumber(r, buf, i + 1, n, -1);
        if (i < 0) return -1;
        continue;
      }
      if (v !== QUOTE) {
        i = scanBoolean(r, buf, i + 1, n, -1);
        if (i < 0) return -1;
        continue;
      }
    }
    if (c === COMMA && !quoted) commas++;
    if (c === SP && !quoted) break;
    i++;
  }
  if (quoted) return fail(r, 'unbalanced quotes');
  if (equals === 0 || commas !== equals - 1) return fail(r, 'invalid field format');
  r.fieldsStart = start;
  return i;
}

/** Go's scanFieldValue: the end of the value starting at `i` (a `,` outside quotes, or `n`). */
export function scanFieldValue(buf: Uint8Array, i: number, n: number): number {
  let quoted = false;
  while (i < n) {
    const c = buf[i]!;
    if (c === BS && i + 1 < n && (buf[i + 1] === QUOTE || buf[i + 1] === BS)) { i += 2; continue; }
    if (c === QUOTE) { i++; quoted = !quoted; continue; }
    if (c === COMMA && !quoted) break;
    i++;
  }
  return i;
}


/** Go's scanTime: optional signed integer; returns its end or -1 (`bad timestamp`). */
export function scanTime(r: ScanResult, buf: Uint8Array, i: number, n: number): number {
  const start = skipWhitespace(buf, i, n);
  i = start;
  while (i < n) {
    const c = buf[i]!;
    if (c === NL || c === SP) break;
    if (i === start && c === MINUS) { i++; continue; }
    if (c < 48 || c > 57) return fail(r, 'bad timestamp');
    i++;
  }
  r.timeStart = start;
  return i;
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** strconv.ParseInt(s, 10, 64) for [-]digits text: the value, or undefined when out of range. */
export function parseInt64(text: string): bigint | undefined {
  const v = BigInt(text);
  return v > INT64_MAX || v < INT64_MIN ? undefined : v;
}

const GO_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** strconv.ParseFloat for the decimal forms scanNumber lets through; undefined on syntax error or overflow. */
export function parseGoFloat(text: string): number | undefined {
  if (!GO_FLOAT.test(text)) return undefined;
  const v = Number(text);
  return Number.isFinite(v) ? v : undefined;
}

export function latin1(buf: Uint8Array, s: number, e: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('latin1');
}
