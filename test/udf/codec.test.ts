/**
 * The udf.proto codec against encodings derived by hand from the proto's field numbers and the protobuf wire
 * format (tag = field << 3 | wire type; varints 7 bits per byte, low group first; doubles little-endian fixed64;
 * int64 two's complement), then round trips of every message kind and the length-prefix framing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appendRequest, appendResponse, appendStreamPoint, appendBatch, decodeRequest, decodeResponse } from '../../udf/codec.ts';
import { FrameReader, MAX_MESSAGE_BYTES } from '../../udf/framing.ts';
import type { Request, Response } from '../../udf/messages.ts';
import { ProtoWriter } from '../../udf/wire.ts';
import { makeDimensions, type Point } from '../../model/point.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(s.trim() === '' ? [] : s.trim().split(/\s+/).map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

function req(r: Request): string {
  const w = new ProtoWriter(4);
  appendRequest(w, r);
  return toHex(w.bytes());
}

function res(r: Response): string {
  const w = new ProtoWriter(4);
  appendResponse(w, r);
  return toHex(w.bytes());
}

describe('encoding, byte for byte', () => {
  it('InfoRequest: Request.info (1) is an empty message, framed by its length', () => {
    assert.equal(req({ kind: 'info' }), '02 0a 00');
  });

  it('KeepaliveRequest: field 3 wrapping time (1) = 1; time -1 takes ten varint bytes', () => {
    assert.equal(req({ kind: 'keepalive', time: 1n }), '04 1a 02 08 01');
    assert.equal(req({ kind: 'keepalive', time: -1n }), '0d 1a 0b 08 ff ff ff ff ff ff ff ff ff 01');
    // time 0 is proto3's default: omitted
    assert.equal(req({ kind: 'keepalive', time: 0n }), '02 1a 00');
  });

  it('InitRequest: an INT option, a BOOL false option (oneof member written although zero), task and node ids', () => {
    // Option{name "size", values [OptionValue{type INT(1), intValue(3) 3}]}
    assert.equal(req({ kind: 'init', init: { options: [{ name: 'size', values: [{ type: 'INT', value: 3n }] }], taskID: 't', nodeID: 'n1' } }),
      '17 12 15 0a 0c 0a 04 73 69 7a 65 12 04 08 01 18 03 12 01 74 1a 02 6e 31');
    // OptionValue{type BOOL = 0 omitted, boolValue(2) = false written}
    assert.equal(req({ kind: 'init', init: { options: [{ name: 'b', values: [{ type: 'BOOL', value: false }] }], taskID: '', nodeID: '' } }),
      '0b 12 09 0a 07 0a 01 62 12 02 10 00');
    // DOUBLE 1.5 = 0x3ff8000000000000, fixed64 little-endian; DURATION 10s = 10_000_000_000 ns (5 varint bytes);
    // Option = name 3 + value 2+11 + value 2+8 = 26 bytes
    assert.equal(req({ kind: 'init', init: { options: [{ name: 'x', values: [{ type: 'DOUBLE', value: 1.5 }, { type: 'DURATION', value: 10_000_000_000n }] }], taskID: '', nodeID: '' } }),
      '1e 12 1c 0a 1a 0a 01 78 12 0b 08 02 21 00 00 00 00 00 00 f8 3f 12 08 08 04 30 80 c8 af a0 25');
  });

  it('a stream point: time, name, db, rp, tags and typed field maps (Point = Request field 17)', () => {
    const p: Point = {
      name: 'm', db: 'db', rp: 'rp', tags: { h: 'a' }, fields: { v: 1.5, n: 300n }, time: 1_000_000_000n,
      dims: makeDimensions([], false), group: '',
    };
    const w = new ProtoWriter(4);
    appendStreamPoint(w, p);
    assert.equal(toHex(w.bytes()), [
      '32', '8a 01 2f', // frame length 50; tag 17 (two varint bytes), length 47
      '08 80 94 eb dc 03', // time 1e9
      '12 01 6d', '1a 02 64 62', '22 02 72 70', // name, database, retentionPolicy
      '3a 06 0a 01 68 12 01 61', // tags {h: a}
      '42 0c 0a 01 76 11 00 00 00 00 00 00 f8 3f', // fieldsDouble {v: 1.5}
      '4a 06 0a 01 6e 10 ac 02', // fieldsInt {n: 300}
    ].join(' '));
  });

  it('a batch: BeginBatch (16), points with time/group/tags/fields only (17), EndBatch (18) with tmax', () => {
    const dims = makeDimensions(['h'], false);
    const w = new ProtoWriter(4);
    appendBatch(w, { name: 'm', db: 'db', rp: 'rp', tags: { h: 'a' }, dims, group: 'h=a', tmax: 2n, points: [{ time: 1n, tags: { h: 'a' }, fields: { b: true } }] });
    const frames = new FrameReader().push(Buffer.from(w.bytes())).map((f) => toHex(f));
    assert.deepEqual(frames, [
      // BeginBatch{name m, group "h=a", tags {h:a}, size 1}
      '82 01 12 0a 01 6d 12 03 68 3d 61 1a 06 0a 01 68 12 01 61 20 01',
      // Point{time 1, group "h=a", tags {h:a}, fieldsBool (12, tag 0x62) {b: true}}: 2 + 5 + 8 + 7 = 22 bytes
      '8a 01 16 08 01 2a 03 68 3d 61 3a 06 0a 01 68 12 01 61 62 05 0a 01 62 10 01',
      // EndBatch{name m, group "h=a", tmax 2, tags {h:a}}
      '92 01 12 0a 01 6d 12 03 68 3d 61 18 02 22 06 0a 01 68 12 01 61',
    ]);
  });

  it('a body over 127 bytes gets a two-byte length (the writer moves the body to make room)', () => {
    const e = 'e'.repeat(200);
    const hexed = res({ kind: 'error', error: e });
    const body = Array(200).fill('65').join(' ');
    // ErrorResponse{error(1)} = 0a c8 01 + 200 bytes = 203 (cb 01); Response.error (6) tag 32; frame 206 (ce 01)
    assert.equal(hexed, `ce 01 32 cb 01 0a c8 01 ${body}`);
  });
});

describe('decoding, from bytes written by hand', () => {
  it('InfoResponse: provides BATCH, option size [INT] packed, and the unpacked form', () => {
    const packed = hex('0a 0f 10 01 1a 0b 0a 04 73 69 7a 65 12 03 0a 01 01');
    assert.deepEqual(decodeResponse(packed), { kind: 'info', info: { wants: 'stream', provides: 'batch', options: { size: ['INT'] } } });
    const unpacked = hex('0a 12 08 01 10 01 1a 0c 0a 04 73 69 7a 65 12 04 08 01 08 03');
    assert.deepEqual(decodeResponse(unpacked), { kind: 'info', info: { wants: 'batch', provides: 'batch', options: { size: ['INT', 'STRING'] } } });
  });

  it('EndBatch with tmax and tags; ErrorResponse; InitResponse failure', () => {
    assert.deepEqual(decodeResponse(hex('92 01 0d 0a 01 6d 18 05 22 06 0a 01 61 12 01 62')),
      { kind: 'end', end: { name: 'm', group: '', tmax: 5n, tags: { a: 'b' }, byName: false } });
    assert.deepEqual(decodeResponse(hex('32 03 0a 01 78')), { kind: 'error', error: 'x' });
    assert.deepEqual(decodeResponse(hex('12 05 12 03 62 61 64')), { kind: 'init', success: false, error: 'bad' });
  });

  it('a point with int64 extremes and a negative time stays exact', () => {
    const min = -(1n << 63n);
    const max = (1n << 63n) - 1n;
    const w = new ProtoWriter();
    const point = {
      time: -5n, name: 'm', database: '', retentionPolicy: '', group: '', dimensions: ['a', 'b'], tags: {},
      fieldsDouble: { f: -0.1 }, fieldsInt: { lo: min, hi: max }, fieldsString: { s: 'ü' }, fieldsBool: { t: true }, byName: true,
    };
    appendResponse(w, { kind: 'point', point });
    const [frame] = new FrameReader().push(Buffer.from(w.bytes()));
    assert.deepEqual(decodeResponse(frame!), { kind: 'point', point });
  });

  it('int64 varints at the 28-, 53- and 64-bit edges, both signs', () => {
    // 2^53 = bit 53 set: seven groups of zero bits then bit 4 of the eighth group (0x10)
    assert.equal(req({ kind: 'keepalive', time: 1n << 53n }), '0b 1a 09 08 80 80 80 80 80 80 80 10');
    // 2^63 − 1: nine groups of seven ones (63 bits)
    assert.equal(req({ kind: 'keepalive', time: (1n << 63n) - 1n }), '0c 1a 0a 08 ff ff ff ff ff ff ff ff 7f');
    // −2^63: 63 zero bits then bit 63 = the 10th byte's lowest bit
    assert.equal(req({ kind: 'keepalive', time: -(1n << 63n) }), '0d 1a 0b 08 80 80 80 80 80 80 80 80 80 01');
    const edges = [0n, 1n, 127n, 128n, (1n << 28n) - 1n, 1n << 28n, (1n << 53n) - 1n, 1n << 53n, (1n << 53n) + 1n, 1n << 56n,
      (1n << 63n) - 1n, -1n, -2n, -(1n << 31n), -(1n << 53n) - 1n, -(1n << 63n), 1_478_629_267_123_456_789n];
    for (const time of edges) {
      const w = new ProtoWriter(2);
      appendRequest(w, { kind: 'keepalive', time });
      assert.deepEqual(decodeRequest(new FrameReader().push(Buffer.from(w.bytes()))[0]!), { kind: 'keepalive', time }, String(time));
    }
  });

  it('unknown fields are skipped; the last oneof member wins', () => {
    // field 99 varint 7, then keepalive{time 9}
    assert.deepEqual(decodeResponse(hex('98 06 07 1a 02 08 09')), { kind: 'keepalive', time: 9n });
    assert.deepEqual(decodeResponse(hex('32 00 1a 02 08 09')), { kind: 'keepalive', time: 9n });
  });

  it('malformed bytes are errors that say what is wrong', () => {
    assert.throws(() => decodeResponse(hex('ff')), /truncated varint/);
    assert.throws(() => decodeResponse(hex('1a 05 08 01')), /length 5 runs past the end/);
    assert.throws(() => decodeResponse(hex('')), /Response has no message set/);
    assert.throws(() => decodeResponse(hex('18 01')), /Response field 3: wire type 0, expected 2/);
    assert.throws(() => decodeResponse(hex('0a 02 08 07')), /unknown EdgeType 7/);
    assert.throws(() => decodeResponse(hex('32 03 0a 01 ff')), /not valid UTF-8/);
    assert.throws(() => decodeResponse(hex('9f 06')), /unsupported wire type 7/); // unknown field 99, wire type 7
  });
});

describe('round trips', () => {
  const tags = { host: 'a', 'sp ace': 'x,y' };
  const requests: Request[] = [
    { kind: 'info' },
    { kind: 'init', init: { options: [{ name: 'o', values: [{ type: 'STRING', value: '' }, { type: 'INT', value: -1n }, { type: 'BOOL', value: true }] }], taskID: 'task', nodeID: 'n2' } },
    { kind: 'keepalive', time: 1_700_000_000_123_456_789n },
    { kind: 'snapshot' },
    { kind: 'restore', snapshot: Uint8Array.from([0, 1, 255]) },
    { kind: 'begin', begin: { name: 'cpu', group: 'host=a', tags, size: 3n, byName: true } },
    { kind: 'end', end: { name: 'cpu', group: 'host=a', tmax: 42n, tags, byName: false } },
  ];
  for (const r of requests) {
    it(`Request ${r.kind}`, () => {
      const w = new ProtoWriter(2);
      appendRequest(w, r);
      const frames = new FrameReader().push(Buffer.from(w.bytes()));
      assert.equal(frames.length, 1);
      assert.deepEqual(decodeRequest(frames[0]!), r);
    });
  }
  const responses: Response[] = [
    { kind: 'info', info: { wants: 'batch', provides: 'stream', options: { a: [], b: ['DURATION', 'DOUBLE'] } } },
    { kind: 'init', success: true, error: '' },
    { kind: 'snapshot', snapshot: Uint8Array.from([9]) },
    { kind: 'restore', success: false, error: 'no' },
  ];
  for (const r of responses) {
    it(`Response ${r.kind}`, () => {
      const w = new ProtoWriter(2);
      appendResponse(w, r);
      assert.deepEqual(decodeResponse(new FrameReader().push(Buffer.from(w.bytes()))[0]!), r);
    });
  }
});

describe('framing', () => {
  it('messages split across chunks at every byte come out whole and in order', () => {
    const w = new ProtoWriter();
    for (let i = 0; i < 3; i++) appendResponse(w, { kind: 'keepalive', time: BigInt(i) * 1_000_000_007n });
    appendResponse(w, { kind: 'error', error: 'z'.repeat(300) });
    const all = Buffer.from(w.bytes());
    const r = new FrameReader();
    const got: Response[] = [];
    for (let i = 0; i < all.length; i++) for (const f of r.push(all.subarray(i, i + 1))) got.push(decodeResponse(f));
    assert.deepEqual(got.map((g) => g.kind), ['keepalive', 'keepalive', 'keepalive', 'error']);
    assert.equal((got[2] as { time: bigint }).time, 2_000_000_014n);
    assert.equal(r.pending, 0);
  });

  it('a length over the limit is refused at once instead of buffered', () => {
    const len = MAX_MESSAGE_BYTES + 1; // as uvarint
    const bytes: number[] = [];
    for (let v = len; ; v = Math.floor(v / 128)) { if (v < 128) { bytes.push(v); break; } bytes.push((v % 128) | 0x80); }
    assert.throws(() => new FrameReader().push(Buffer.from(bytes)), /exceeds the limit/);
    assert.throws(() => new FrameReader().push(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01])), /longer than 5 bytes/);
  });
});
