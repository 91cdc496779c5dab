/**
 * A small line-protocol parser for tests and benchmarks (the server uses server/ingest). Supports measurement,
 * escaped tags, float/int(i)/string/bool fields and an optional timestamp scaled by `precision`. Points of one
 * series share one frozen tags object, as the ingest parser does.
 */
import { NO_DIMENSIONS, type Fields, type FieldValue, type Point, type Tags } from '../point.ts';
import { precisionMultiplier } from '../time.ts';

export class LineParser {
  private readonly series = new Map<string, { name: string; tags: Tags }>();

  /** Parse newline-separated lines; `now` stamps lines without a timestamp. Throws naming the bad line. */
  parse(text: string, db: string, rp: string, precision = '', now = 0n): Point[] {
    const mult = precisionMultiplier(precision);
    if (mult === undefined) throw new Error(`invalid precision "${precision}"`);
    const out: Point[] = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === '' || line[0] === '#') continue;
      try {
        out.push(this.parseLine(line, db, rp, mult, now));
      } catch (err) {
        throw new Error(`line ${i + 1}: ${(err as Error).message}: ${line}`);
      }
    }
    return out;
  }

  private parseLine(line: string, db: string, rp: string, mult: bigint, now: bigint): Point {
    const keyEnd = unescapedIndex(line, ' ', 0);
    if (keyEnd < 0) throw new Error('missing fields');
    const key = line.slice(0, keyEnd);
    let s = this.series.get(key);
    if (!s) {
      const parts = splitUnescaped(key, ',');
      const name = unescape(parts[0]!);
      if (name === '') throw new Error('missing measurement');
      const tags: Tags = {};
      for (const kv of parts.slice(1).sort()) {
        const eq = unescapedIndex(kv, '=', 0);
        if (eq <= 0) throw new Error(`bad tag "${kv}"`);
        tags[unescape(kv.slice(0, eq))] = unescape(kv.slice(eq + 1));
      }
      s = { name, tags: Object.freeze(tags) };
      this.series.set(key, s);
    }
    let rest = line.slice(keyEnd + 1);
    let time = now;
    const sp = lastUnquotedSpace(rest);
    if (sp >= 0) {
      const ts = rest.slice(sp + 1);
      if (!/^-?\d+$/.test(ts)) throw new Error(`bad timestamp "${ts}"`);
      time = BigInt(ts) * mult;
      rest = rest.slice(0, sp);
    }
    const fields: Fields = {};
    for (const kv of splitUnescaped(rest, ',')) {
      const eq = unescapedIndex(kv, '=', 0);
      if (eq <= 0) throw new Error(`bad field "${kv}"`);
      fields[unescape(kv.slice(0, eq))] = fieldValue(kv.slice(eq + 1));
    }
    return { name: s.name, db, rp, tags: s.tags, fields, time, dims: NO_DIMENSIONS, group: '' };
  }
}

function fieldValue(v: string): FieldValue {
  if (v.length >= 2 && v[0] === '"' && v[v.length - 1] === '"') return v.slice(1, -1).replace(/\\(["\\])/g, '$1');
  if (/^[tT](rue)?$|^TRUE$|^True$/.test(v)) return true;
  if (/^[fF](alse)?$|^FALSE$|^False$/.test(v)) return false;
  if (/^-?\d+i$/.test(v)) return BigInt.asIntN(64, BigInt(v.slice(0, -1)));
  const f = Number(v);
  if (v === '' || Number.isNaN(f)) throw new Error(`bad field value "${v}"`);
  return f;
}

function unescapedIndex(s: string, ch: string, from: number): number {
  let inQuote = false;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') { i++; continue; }
    if (c === '"') inQuote = !inQuote;
    if (!inQuote && c === ch) return i;
  }
  return -1;
}

function splitUnescaped(s: string, ch: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const i = unescapedIndex(s, ch, start);
    if (i < 0) { out.push(s.slice(start)); return out; }
    out.push(s.slice(start, i));
    start = i + 1;
  }
}

function lastUnquotedSpace(s: string): number {
  let inQuote = false;
  let last = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') { i++; continue; }
    if (c === '"') inQuote = !inQuote;
    else if (!inQuote && c === ' ') last = i;
  }
  return last;
}

function unescape(s: string): string {
  return s.replace(/\\([ ,="\\])/g, '$1');
}
