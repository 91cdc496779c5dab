/**
 * Points on the wire between `/write` and the partition owners: InfluxDB line protocol with nanosecond
 * timestamps (every line carries its time, so the owner never stamps receive time). Decoding goes through the
 * ingest parser, so a point comes out exactly as it went in: float64 as the shortest decimal that round-trips,
 * int64 with `i`, strings and booleans, tags sorted, escapes as InfluxDB's.
 *
 * A message (header `Tickstream-Format: 2`) is a sequence of records, one per (write, partition) — several
 * concurrent writes to one partition share a message:
 *
 *     u32 id length, id (ASCII; '' = no de-duplication), u32 db length, db, u32 rp length, rp (UTF-8),
 *     u32 lines length, lines (line protocol, `\n`-terminated)          (lengths big-endian)
 *
 * The record id is the hash of subject, db, rp and lines: the same write retried within the duplicate window is
 * skipped by the partition's consumer (RecordDedup). Messages without the format header (written before) carry
 * one record's lines as the body with db and rp in the `Tickstream-Db` / `Tickstream-Rp` headers.
 */
import type { FieldValue, Point, Tags } from '../../model/point.ts';
import { LineProtocolParser } from '../../lineprotocol/parser.ts';

export const DB_HEADER = 'Tickstream-Db';
export const RP_HEADER = 'Tickstream-Rp';
export const FORMAT_HEADER = 'Tickstream-Format';
export const FORMAT_RECORDS = '2';

/** Series keys (`name,tag=v,…`) by the tags object the parser shares between points of one series. */
const seriesKeys = new WeakMap<Tags, { name: string; key: string }>();

const MEASUREMENT_ESC = /[, ]/g;
const TAG_ESC = /[,= ]/g;
const STRING_ESC = /["\\]/g;

function esc(s: string, re: RegExp): string {
  re.lastIndex = 0;
  return re.test(s) ? s.replace(re, (c) => '\\' + c) : s;
}

/** `name,k=v,…` for a point; cached per (shared) tags object. */
export function seriesKey(p: Point): string {
  const hit = seriesKeys.get(p.tags);
  if (hit !== undefined && hit.name === p.name) return hit.key;
  let key = esc(p.name, MEASUREMENT_ESC);
  for (const k of Object.keys(p.tags).sort()) key += ',' + esc(k, TAG_ESC) + '=' + esc(p.tags[k]!, TAG_ESC);
  seriesKeys.set(p.tags, { name: p.name, key });
  return key;
}

function fieldValue(v: FieldValue): string {
  switch (typeof v) {
    case 'number': return numberText(v);
    case 'bigint': return v.toString() + 'i';
    case 'boolean': return v ? 'true' : 'false';
    default: return '"' + esc(v, STRING_ESC) + '"';
  }
}

/** JavaScript's shortest round-trip text, in the forms the line-protocol parser reads (`1e+21` → `1e21`). */
function numberText(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`cannot encode the float ${v} in line protocol`);
  if (Object.is(v, -0)) return '-0';
  const s = String(v);
  return s.includes('e+') ? s.replace('e+', 'e') : s;
}

/** One point as a line (with `\n`). */
export function encodePoint(p: Point): string {
  let line = seriesKey(p) + ' ';
  let first = true;
  for (const k in p.fields) {
    if (!first) line += ',';
    first = false;
    line += esc(k, TAG_ESC) + '=' + fieldValue(p.fields[k]!);
  }
  return line + ' ' + p.time.toString() + '\n';
}

/** Decodes a message body; throws on a body that does not parse (not something an instance publishes). */
export function decodePoints(parser: LineProtocolParser, body: Uint8Array, db: string, rp: string): Point[] {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const { points, errors } = parser.parse(buf, { db, rp, precision: 'n', now: 0n });
  if (errors.length > 0) throw new Error(`undecodable cluster message: ${errors[0]}`);
  return points;
}

/** Bytes of the escaped series key plus the space before the fields, by the tags object shared per series. */
const seriesBytes = new WeakMap<Tags, { name: string; bytes: Buffer }>();
/** `key=` per field key (escaped); bounded. */
const fieldKeyBytes = new Map<string, Buffer>();
const MAX_FIELD_KEYS = 10_000;

/**
 * Encodes points as line protocol straight into a reusable byte buffer (no per-line strings): the bytes are those
 * encodePoint gives.
 */
export class LineEncoder {
  private buf: Buffer;
  len = 0;
  private lastTime = -1n;
  private lastTimeText = '';

  constructor(initial = 16 * 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  reset(): void {
    this.len = 0;
  }

  /** The encoded bytes so far, as a view of the internal buffer (valid until the next write or reset). */
  view(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = Buffer.allocUnsafe(size);
    this.buf.copy(b, 0, 0, this.len);
    this.buf = b;
  }

  private bytes(b: Buffer): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** an ASCII string (digits, `true`, …) */
  private ascii(s: string): void {
    const n = s.length;
    this.ensure(n);
    const buf = this.buf;
    let at = this.len;
    for (let i = 0; i < n; i++) buf[at++] = s.charCodeAt(i);
    this.len = at;
  }

  private utf8(s: string): void {
    this.ensure(s.length * 3);
    this.len += this.buf.write(s, this.len, 'utf8');
  }

  /** non-negative safe integer or negative: its decimal digits */
  private int(n: number): void {
    this.ensure(17);
    const buf = this.buf;
    let at = this.len;
    if (n < 0) { buf[at++] = 0x2d; n = -n; }
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    at += digits;
    this.len = at;
    for (let i = 1; i <= digits; i++) {
      const q = Math.floor(n / 10);
      buf[at - i] = 0x30 + (n - q * 10);
      n = q;
    }
  }

  /** Bytes as they are (a cached series key, see seriesBytes). */
  raw(b: Buffer): void {
    this.bytes(b);
  }

  write(p: Point): void {
    let sk = seriesBytes.get(p.tags);
    if (sk === undefined || sk.name !== p.name) {
      sk = { name: p.name, bytes: Buffer.from(seriesKey(p) + ' ') };
      seriesBytes.set(p.tags, sk);
    }
    this.bytes(sk.bytes);
    this.fieldsAndTime(p);
  }

  /** The fields and the time of a point, after its series key (raw). */
  fieldsAndTime(p: Point): void {
    let first = true;
    const fields = p.fields;
    for (const k in fields) {
      if (!first) { this.ensure(1); this.buf[this.len++] = 0x2c; }
      first = false;
      let kb = fieldKeyBytes.get(k);
      if (kb === undefined) {
        if (fieldKeyBytes.size >= MAX_FIELD_KEYS) fieldKeyBytes.clear();
        kb = Buffer.from(esc(k, TAG_ESC) + '=');
        fieldKeyBytes.set(k, kb);
      }
      this.bytes(kb);
      const v = fields[k]!;
      switch (typeof v) {
        case 'number':
          // integers below 2^53 print as their digits (String(v) does the same); -0 keeps its sign
          if (Number.isSafeInteger(v) && !Object.is(v, -0)) this.int(v);
          else this.ascii(numberText(v));
          break;
        case 'bigint':
          if (v >= MIN_SAFE && v <= MAX_SAFE) this.int(Number(v));
          else this.ascii(v.toString());
          this.ensure(1);
          this.buf[this.len++] = 0x69;
          break;
        case 'boolean': this.ascii(v ? 'true' : 'false'); break;
        default: this.utf8('"' + esc(v, STRING_ESC) + '"');
      }
    }
    if (p.time !== this.lastTime) {
      this.lastTime = p.time;
      this.lastTimeText = ' ' + p.time.toString() + '\n';
    }
    this.ascii(this.lastTimeText);
  }
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * What the publisher needs per series, cached by the tags object the parser shares between the points of a
 * series: the partition (for one db, rp and partition count) and the series key bytes.
 */
export interface SeriesRoute {
  readonly name: string;
  readonly db: string;
  readonly rp: string;
  readonly partitions: number;
  readonly tag: string;
  readonly partition: number;
  readonly bytes: Buffer;
}

const routes = new WeakMap<Tags, SeriesRoute>();

export function seriesRoute(p: Point, db: string, rp: string, partitions: number, partitionTag: string,
  partitionOf: (partitions: number, db: string, rp: string, measurement: string, tagValue: string | undefined) => number): SeriesRoute {
  let r = routes.get(p.tags);
  if (r === undefined || r.name !== p.name || r.db !== db || r.rp !== rp || r.partitions !== partitions || r.tag !== partitionTag) {
    r = {
      name: p.name, db, rp, partitions, tag: partitionTag, partition: partitionOf(partitions, db, rp, p.name, p.tags[partitionTag]),
      bytes: Buffer.from(seriesKey(p) + ' '),
    };
    routes.set(p.tags, r);
  }
  return r;
}

/** One record of a message (see the top of this file). */
export interface WireRecord {
  readonly id: string;
  readonly db: string;
  readonly rp: string;
  readonly lines: Buffer;
}

/** The record's framing before its lines. */
export function recordHeader(id: string, db: string, rp: string, linesLength: number): Buffer {
  const idb = Buffer.from(id, 'latin1');
  const dbb = Buffer.from(db);
  const rpb = Buffer.from(rp);
  const h = Buffer.allocUnsafe(16 + idb.length + dbb.length + rpb.length);
  let at = 0;
  at = h.writeUInt32BE(idb.length, at); at += idb.copy(h, at);
  at = h.writeUInt32BE(dbb.length, at); at += dbb.copy(h, at);
  at = h.writeUInt32BE(rpb.length, at); at += rpb.copy(h, at);
  h.writeUInt32BE(linesLength, at);
  return h;
}

/** Splits a format-2 body into its records (views of the body); throws on a truncated body. */
export function decodeRecords(body: Uint8Array): WireRecord[] {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const out: WireRecord[] = [];
  let at = 0;
  const field = (): [number, number] => {
    if (at + 4 > buf.length) throw new Error('undecodable cluster message: truncated record');
    const n = buf.readUInt32BE(at);
    const start = at + 4;
    at = start + n;
    if (at > buf.length) throw new Error('undecodable cluster message: truncated record');
    return [start, at];
  };
  while (at < buf.length) {
    const [i0, i1] = field();
    const [d0, d1] = field();
    const [r0, r1] = field();
    const [l0, l1] = field();
    out.push({ id: buf.toString('latin1', i0, i1), db: buf.toString('utf8', d0, d1), rp: buf.toString('utf8', r0, r1), lines: buf.subarray(l0, l1) });
  }
  return out;
}

/**
 * De-duplication of records by id within a window of stream time (the time JetStream stored each message), as
 * JetStream's own duplicate window does: a record whose id was first seen less than `windowNs` before is a
 * duplicate. Driven by stored timestamps only, so a replay of the partition skips exactly the same records.
 */
export class RecordDedup {
  private readonly seen = new Map<string, bigint>();
  private readonly order: { id: string; t: bigint }[] = [];
  private head = 0;

  constructor(private readonly windowNs: bigint) {}

  get size(): number {
    return this.seen.size;
  }

  /** The ids remembered, oldest first, as [id, stream time] (a checkpoint carries them: server/cluster/checkpoint.ts). */
  entries(): [string, bigint][] {
    const out: [string, bigint][] = [];
    for (let i = this.head; i < this.order.length; i++) {
      const e = this.order[i]!;
      if (this.seen.get(e.id) === e.t) out.push([e.id, e.t]);
    }
    return out;
  }

  /** On an empty window: remember `entries()` of another one. */
  load(entries: readonly (readonly [string, bigint])[]): void {
    for (const [id, t] of entries) { this.seen.set(id, t); this.order.push({ id, t }); }
  }

  /** true when `id` was seen within the window before `t`; otherwise records it at `t` */
  duplicate(id: string, t: bigint): boolean {
    if (id === '' || this.windowNs <= 0n) return false;
    const cutoff = t - this.windowNs;
    const order = this.order;
    while (this.head < order.length && order[this.head]!.t <= cutoff) {
      const e = order[this.head++]!;
      if (this.seen.get(e.id) === e.t) this.seen.delete(e.id);
    }
    if (this.head > 1024 && this.head * 2 > order.length) { order.splice(0, this.head); this.head = 0; }
    const first = this.seen.get(id);
    if (first !== undefined && first > cutoff) return true;
    this.seen.set(id, t);
    order.push({ id, t });
    return false;
  }
}
