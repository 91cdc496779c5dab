/**
 * The binary point encoding of a record (message format 3, server/cluster/codec.ts): points are parsed once, at
 * `/write`; the partition owner decodes them without parsing text. Per record, series keys and field names are
 * sent once and then referred to by index:
 *
 *     point  := varint series [= number of series so far: new series, varint length + its line-protocol key
 *               `name,tag=v,…` (escaped, tags sorted)]   varint field count   field*   i64 time (LE, ns)
 *     field  := varint name [= number of names so far: new name, varint length + UTF-8]   u8 type   value
 *     value  := f64 LE (type 0, float) | i64 LE (1, int) | varint length + UTF-8 (2, string) | nothing (3 true, 4 false)
 *
 * Exact by construction (float64 and int64 bits as they are). The decoder keeps one `{name, tags}` per series key
 * (bounded), built once by the line-protocol parser, so points of a series share their frozen tags object and
 * its series memo exactly as parsed points do. Deterministic: the same points give the same bytes (the record id
 * of a retried write is the same).
 */
import type { Fields, FieldValue, Point, Tags } from '../../model/point.ts';
import { NO_DIMENSIONS } from '../../model/point.ts';
import { LineProtocolParser } from '../../lineprotocol/parser.ts';

const T_FLOAT = 0;
const T_INT = 1;
const T_STRING = 2;
const T_TRUE = 3;
const T_FALSE = 4;

/** A record is cut when it reaches this size (so that a message of one record stays below the publisher's limit). */
export const RECORD_BYTES = 256 * 1024;

/** Encodes the points of one write and partition into records (a reusable buffer, cut at RECORD_BYTES). */
export class PointEncoder {
  private buf: Buffer;
  len = 0;
  /** finished records (copies) */
  private readonly done: Buffer[] = [];
  /** series index by the series-key bytes object the publisher caches per series */
  private readonly series = new Map<Buffer, number>();
  private readonly names = new Map<string, number>();

  constructor(initial = 16 * 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  /** Drops everything encoded (a write that failed half-way). */
  reset(): void {
    this.cutNow();
    this.done.length = 0;
  }

  get empty(): boolean {
    return this.len === 0 && this.done.length === 0;
  }

  /** The records of the points encoded since the last call (copies: the buffer is reused). */
  finish(): Buffer[] {
    if (this.len > 0) this.done.push(Buffer.from(this.buf.subarray(0, this.len)));
    this.cutNow();
    return this.done.splice(0);
  }

  /** Starts a new record (indexes restart). */
  private cutNow(): void {
    this.len = 0;
    this.series.clear();
    this.names.clear();
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = Buffer.allocUnsafe(size);
    this.buf.copy(b, 0, 0, this.len);
    this.buf = b;
  }

  private varint(n: number): void {
    this.ensure(5);
    const buf = this.buf;
    while (n >= 0x80) { buf[this.len++] = (n & 0x7f) | 0x80; n >>>= 7; }
    buf[this.len++] = n;
  }

  private utf8(s: string): void {
    const n = Buffer.byteLength(s);
    this.varint(n);
    this.ensure(n);
    this.len += this.buf.write(s, this.len, 'utf8');
  }

  /** One point; `key` is its series key bytes followed by one space (SeriesRoute.bytes). */
  point(key: Buffer, p: Point): void {
    if (this.len >= RECORD_BYTES) { this.done.push(Buffer.from(this.buf.subarray(0, this.len))); this.cutNow(); }
    let si = this.series.get(key);
    if (si === undefined) {
      si = this.series.size;
      this.series.set(key, si);
      this.varint(si);
      this.varint(key.length - 1);
      this.ensure(key.length);
      this.buf.set(key.subarray(0, key.length - 1), this.len);
      this.len += key.length - 1;
    } else {
      this.varint(si);
    }
    const fields = p.fields;
    let count = 0;
    for (const _ in fields) count++;
    this.varint(count);
    for (const k in fields) {
      let ni = this.names.get(k);
      if (ni === undefined) {
        ni = this.names.size;
        this.names.set(k, ni);
        this.varint(ni);
        this.utf8(k);
      } else {
        this.varint(ni);
      }
      const v = fields[k]!;
      this.ensure(9);
      switch (typeof v) {
        case 'number': this.buf[this.len++] = T_FLOAT; this.buf.writeDoubleLE(v, this.len); this.len += 8; break;
        case 'bigint': this.buf[this.len++] = T_INT; this.buf.writeBigInt64LE(v, this.len); this.len += 8; break;
        case 'boolean': this.buf[this.len++] = v ? T_TRUE : T_FALSE; break;
        default: this.buf[this.len++] = T_STRING; this.utf8(v);
      }
    }
    this.ensure(8);
    this.buf.writeBigInt64LE(p.time, this.len);
    this.len += 8;
  }
}

interface Series {
  readonly name: string;
  readonly tags: Tags;
}

/** Decodes records of format 3 (one instance per partition consumer: its series cache is not shared). */
export class PointDecoder {
  private readonly cache = new Map<string, Series>();
  private readonly parser = new LineProtocolParser();

  constructor(private readonly maxSeries = 100_000) {}

  decode(body: Buffer, db: string, rp: string): Point[] {
    const out: Point[] = [];
    const series: Series[] = [];
    const names: string[] = [];
    let at = 0;
    const end = body.length;
    const varint = (): number => {
      let n = 0;
      let shift = 0;
      for (;;) {
        if (at >= end) throw new Error('undecodable cluster record: truncated');
        const b = body[at++]!;
        n += (b & 0x7f) * 2 ** shift;
        if (b < 0x80) return n;
        shift += 7;
      }
    };
    const text = (): string => {
      const n = varint();
      if (at + n > end) throw new Error('undecodable cluster record: truncated string');
      const s = body.toString('utf8', at, at + n);
      at += n;
      return s;
    };
    while (at < end) {
      const si = varint();
      let s = series[si];
      if (s === undefined) {
        if (si !== series.length) throw new Error(`undecodable cluster record: series ${si} before its definition`);
        const n = varint();
        s = this.series(body, at, at + n, db, rp);
        at += n;
        series.push(s);
      }
      const count = varint();
      const fields: Fields = {};
      for (let i = 0; i < count; i++) {
        const ni = varint();
        let name = names[ni];
        if (name === undefined) {
          if (ni !== names.length) throw new Error(`undecodable cluster record: field name ${ni} before its definition`);
          name = text();
          names.push(name);
        }
        const type = body[at++];
        let v: FieldValue;
        switch (type) {
          case T_FLOAT: v = body.readDoubleLE(at); at += 8; break;
          case T_INT: v = body.readBigInt64LE(at); at += 8; break;
          case T_STRING: v = text(); break;
          case T_TRUE: v = true; break;
          case T_FALSE: v = false; break;
          default: throw new Error(`undecodable cluster record: field type ${String(type)}`);
        }
        fields[name] = v;
      }
      const time = body.readBigInt64LE(at);
      at += 8;
      out.push({ name: s.name, db, rp, tags: s.tags, fields, time, dims: NO_DIMENSIONS, group: '' });
    }
    return out;
  }

  /** The `{name, tags}` of a series key: cached; a new one is parsed once by the line-protocol parser. */
  private series(body: Buffer, from: number, to: number, db: string, rp: string): Series {
    const key = body.toString('latin1', from, to);
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const line = Buffer.concat([body.subarray(from, to), Buffer.from(' x=0 0\n')]);
    const { points, errors } = this.parser.parse(line, { db, rp, precision: 'n', now: 0n });
    if (errors.length > 0 || points.length !== 1) throw new Error(`undecodable cluster record: series key: ${errors[0] ?? 'no point'}`);
    if (this.cache.size >= this.maxSeries) this.cache.clear();
    const s = { name: points[0]!.name, tags: points[0]!.tags };
    this.cache.set(key, s);
    return s;
  }
}
