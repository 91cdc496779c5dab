/**
 * Hand-built JSON the way Go's encoding/json writes it (Kapacitor's httpOut / httpPost bodies): compact,
 * HTML-safe string escaping, shortest round-trip floats, int64 as integers, times as RFC3339Nano.
 * No JSON.stringify: it cannot print bigints and escapes differently.
 */
import type { FieldValue, Tags } from '../model/point.ts';
import { formatRFC3339Nano } from '../model/time.ts';

const HEX = '0123456789abcdef';

/** A JSON string literal as encoding/json writes it (escapes <, >, &, U+2028, U+2029; \b \f \n \r \t). */
export function goJsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20) {
      switch (c) {
        case 0x08: esc = '\\b'; break;
        case 0x0c: esc = '\\f'; break;
        case 0x0a: esc = '\\n'; break;
        case 0x0d: esc = '\\r'; break;
        case 0x09: esc = '\\t'; break;
        default: esc = '\\u00' + HEX[c >> 4]! + HEX[c & 15]!;
      }
    } else if (c === 0x22) esc = '\\"';
    else if (c === 0x5c) esc = '\\\\';
    else if (c === 0x3c) esc = '\\u003c';
    else if (c === 0x3e) esc = '\\u003e';
    else if (c === 0x26) esc = '\\u0026';
    else if (c === 0x2028) esc = '\\u2028';
    else if (c === 0x2029) esc = '\\u2029';
    else if (c >= 0xd800 && c <= 0xdfff) {
      // A valid surrogate pair passes through; a lone surrogate is invalid UTF-8 in Go → U+FFFD.
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) { i++; continue; }
      esc = '\ufffd';
    }
    if (esc !== undefined) {
      if (i > start) out += s.slice(start, i);
      out += esc;
      start = i + 1;
    }
  }
  if (start === 0) return out + s + '"';
  return out + s.slice(start) + '"';
}

/**
 * A float64 as encoding/json prints it: shortest representation, `%f` style within [1e-6, 1e21), exponent form
 * outside with a two-digit minimum exponent trimmed (`1e-07` → `1e-7`) — which is exactly what JavaScript's
 * Number#toString prints, except for -0. Go refuses NaN and ±Inf (an error); we print null instead so one bad
 * value does not make the whole endpoint unreadable.
 */
export function jsonFloat(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  if (n === 0 && 1 / n < 0) return '-0';
  return String(n);
}

export function fieldValueJson(v: FieldValue | undefined): string {
  switch (typeof v) {
    case 'number': return jsonFloat(v);
    case 'bigint': return String(v);
    case 'string': return goJsonString(v);
    case 'boolean': return v ? 'true' : 'false';
    default: return 'null';
  }
}

/** Go's sort.Strings order: byte-wise UTF-8, which equals code-point order. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** `{"k":"v",…}` with keys sorted (Go marshals maps sorted by key). */
export function tagsJson(tags: Tags): string {
  const keys = Object.keys(tags).sort(compareGoStrings);
  let s = '{';
  for (let i = 0; i < keys.length; i++) {
    if (i) s += ',';
    s += goJsonString(keys[i]!) + ':' + goJsonString(tags[keys[i]!]!);
  }
  return s + '}';
}

export function timeJson(t: bigint): string {
  return '"' + formatRFC3339Nano(t) + '"';
}
