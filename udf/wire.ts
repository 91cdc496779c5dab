/**
 * Protocol-buffers wire format, only what udf.proto needs (proto3): varints (uint32 lengths and enums, int64 as
 * bigint two's complement), fixed64 doubles, length-delimited strings/bytes/messages. No zigzag: the proto has no
 * sint fields. Hand-written instead of a protobuf library because the schema is ~20 small messages and the
 * encoder sits on the per-point hot path (one reusable buffer, no intermediate objects per field).
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

const MASK64 = (1n << 64n) - 1n;
const TEXT = new TextEncoder();

/**
 * Appends to one growing buffer. Nested messages reserve one length byte and, if the body turns out longer than
 * 127 bytes, shift it right to make room for the longer varint (one copyWithin instead of a second sizing pass).
 */
export class ProtoWriter {
  buf: Uint8Array;
  pos = 0;
  private readonly f64 = new Float64Array(1);
  private readonly f64b = new Uint8Array(this.f64.buffer);

  constructor(initial = 1024) {
    this.buf = new Uint8Array(initial);
  }

  reset(): void { this.pos = 0; }

  /** A copy of what was written since `from`. */
  bytes(from = 0): Uint8Array { return this.buf.slice(from, this.pos); }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Unsigned varint of a non-negative safe integer (lengths, tags, enums, bools). */
  uvarint(v: number): void {
    this.ensure(10);
    const b = this.buf;
    while (v > 0x7f) {
      b[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    b[this.pos++] = v;
  }

  /**
   * int64 as protobuf encodes it: the 64-bit two's complement as an unsigned varint (negative = 10 bytes). Split
   * into a low 28-bit and a high 36-bit number so the bytes come from number arithmetic, not per-byte bigint ops.
   */
  int64(v: bigint): void {
    if (v >= 0n && v <= 0x1fffffffffffffn) { this.uvarint(Number(v)); return; }
    const u = BigInt.asUintN(64, v);
    const lo = Number(u & 0xfffffffn);
    const hi = Number(u >> 28n);
    this.ensure(10);
    const b = this.buf;
    b[this.pos++] = (lo & 0x7f) | 0x80;
    b[this.pos++] = ((lo >>> 7) & 0x7f) | 0x80;
    b[this.pos++] = ((lo >>> 14) & 0x7f) | 0x80;
    b[this.pos++] = ((lo >>> 21) & 0x7f) | 0x80;
    this.uvarint(hi); // hi > 0 here: v needs more than 53 bits or is negative
  }

  tag(field: number, wire: number): void { this.uvarint(field * 8 + wire); }

  double(v: number): void {
    this.ensure(8);
    this.f64[0] = v;
    this.buf.set(this.f64b, this.pos);
    this.pos += 8;
  }

  string(s: string): void {
    // worst case 3 bytes per UTF-16 unit; encodeInto writes in place
    const max = s.length * 3;
    this.ensure(max + 5);
    const start = this.beginLen();
    if (max > 0) {
      const r = TEXT.encodeInto(s, this.buf.subarray(this.pos));
      this.pos += r.written;
    }
    this.endLen(start);
  }

  rawBytes(v: Uint8Array): void {
    this.uvarint(v.length);
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  /** Reserve one length byte; returns its offset for endLen. */
  beginLen(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Write the length of everything after the reserved byte, moving the body when the varint needs more bytes. */
  endLen(at: number): void {
    const len = this.pos - at - 1;
    if (len < 0x80) { this.buf[at] = len; return; }
    let extra = 0;
    for (let v = len >>> 7; v > 0; v >>>= 7) extra++;
    this.ensure(extra);
    this.buf.copyWithin(at + 1 + extra, at + 1, this.pos);
    this.pos += extra;
    let v = len;
    let p = at;
    while (v > 0x7f) { this.buf[p++] = (v & 0x7f) | 0x80; v >>>= 7; }
    this.buf[p] = v;
  }
}

/** Thrown for bytes that are not a valid encoding of the expected message. */
export class ProtoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtoError';
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Reads one message's bytes; every read checks bounds and throws ProtoError on truncated or invalid input. */
export class ProtoReader {
  pos: number;
  private readonly view: DataView;

  /** `view` is shared with embedded-message readers (one DataView per message, not per nested field) */
  constructor(readonly buf: Uint8Array, start = 0, readonly end = buf.length, view?: DataView) {
    this.pos = start;
    this.view = view ?? new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  done(): boolean { return this.pos >= this.end; }

  /** Unsigned varint up to 2^53 (tags, lengths, enums, bools). */
  uvarint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtoError('truncated varint');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) {
        if (result > Number.MAX_SAFE_INTEGER) throw new ProtoError('varint too large');
        return result;
      }
      mul *= 128;
    }
    throw new ProtoError('varint longer than 10 bytes');
  }

  /** int64 (two's complement in 64 bits): bits 0–27 and 28–63 gathered as numbers, one bigint at the end. */
  int64(): bigint {
    let lo = 0;
    let hi = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtoError('truncated varint');
      const b = this.buf[this.pos++]!;
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else { hi += (b & 0x7f) * mul; mul *= 128; }
      if (b < 0x80) {
        if (hi === 0) return BigInt(lo);
        return BigInt.asIntN(64, BigInt(lo) + (BigInt(hi) << 28n));
      }
    }
    throw new ProtoError('varint longer than 10 bytes');
  }

  bool(): boolean { return this.int64() !== 0n; }

  double(): number {
    if (this.pos + 8 > this.end) throw new ProtoError('truncated double');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Bounds of a length-delimited field: [start, end). */
  lenBounds(): [number, number] {
    const len = this.uvarint();
    const start = this.pos;
    if (start + len > this.end) throw new ProtoError(`length ${len} runs past the end of the message`);
    this.pos = start + len;
    return [start, start + len];
  }

  string(): string {
    const [s, e] = this.lenBounds();
    // short ASCII (names, tags, field keys): built directly; anything else through the validating decoder
    if (e - s <= 32) {
      let out = '';
      let i = s;
      for (; i < e; i++) {
        const c = this.buf[i]!;
        if (c >= 0x80) break;
        out += String.fromCharCode(c);
      }
      if (i === e) return out;
    }
    try {
      return UTF8.decode(this.buf.subarray(s, e));
    } catch {
      throw new ProtoError('string field is not valid UTF-8');
    }
  }

  bytes(): Uint8Array {
    const [s, e] = this.lenBounds();
    return new Uint8Array(this.buf.subarray(s, e)); // a copy, and a plain Uint8Array even when buf is a Buffer
  }

  /** A reader over an embedded message. */
  sub(): ProtoReader {
    const [s, e] = this.lenBounds();
    return new ProtoReader(this.buf, s, e, this.view);
  }

  /** Skip a field of an unknown number (forward compatibility, as protobuf decoders do). */
  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT: this.int64(); return;
      case WIRE_FIXED64: this.advance(8); return;
      case WIRE_LEN: this.lenBounds(); return;
      case WIRE_FIXED32: this.advance(4); return;
      default: throw new ProtoError(`unsupported wire type ${wire}`);
    }
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw new ProtoError('truncated field');
    this.pos += n;
  }
}

/** Checks that a known field arrived with the wire type the schema gives it. */
export function expectWire(field: number, got: number, want: number, msg: string): void {
  if (got !== want) throw new ProtoError(`${msg} field ${field}: wire type ${got}, expected ${want}`);
}
