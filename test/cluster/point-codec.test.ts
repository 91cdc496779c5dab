// Issue 18, parse once: the binary point encoding of a record (server/cluster/point-codec.ts). Points parsed from
// line protocol, encoded and decoded, equal the parsed points exactly (int vs float, bigint ns times, escapes,
// UTF-8), share one tags object per series like parsed points, are cut into records at RECORD_BYTES, and the
// same points always give the same bytes (record ids of retried writes match). Bad bytes fail with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineProtocolParser } from '../../lineprotocol/parser.ts';
import { PointDecoder, PointEncoder, RECORD_BYTES } from '../../server/cluster/point-codec.ts';
import { seriesKey } from '../../server/cluster/codec.ts';
import type { Point } from '../../model/point.ts';

const LINES = [
  'cpu,host=a,region=eu\\ west usage=0.5,count=3i,ok=true,note="a \\"quoted\\" ünïcode" 1700000000000000001',
  'cpu,host=b usage=-0,count=-9223372036854775808i,ok=false 1700000000000000002',
  'cpu,host=a,region=eu\\ west usage=1e300,count=9223372036854775807i 1700000000000000003',
  'mem,host=a free=42i -5',
  'my\\,meas,t\\=ag=v\\,1 f\\ ield="" 0',
];

function parse(text: string): Point[] {
  const { points, errors } = new LineProtocolParser().parse(Buffer.from(text), { db: 'db', rp: 'rp', precision: 'n', now: 0n });
  assert.deepEqual(errors, []);
  return points;
}

function encode(points: readonly Point[]): Buffer[] {
  const e = new PointEncoder();
  const keys = new Map<string, Buffer>();
  for (const p of points) {
    const k = seriesKey(p);
    let b = keys.get(k);
    if (b === undefined) keys.set(k, b = Buffer.from(k + ' '));
    e.point(b, p);
  }
  return e.finish();
}

test('encode → decode gives the parsed points exactly, with one shared tags object per series', () => {
  const points = parse(LINES.join('\n'));
  const records = encode(points);
  assert.equal(records.length, 1);
  const back = new PointDecoder().decode(records[0]!, 'db', 'rp');
  assert.deepStrictEqual(back, points);
  assert.equal(back[0]!.tags, back[2]!.tags, 'points of one series share their tags object');
  assert.ok(Object.isFrozen(back[0]!.tags));
  assert.equal(typeof back[1]!.fields['count'], 'bigint');
  assert.ok(Object.is(back[1]!.fields['usage'], -0));
  assert.deepStrictEqual(encode(points), records, 'deterministic bytes');
});

test('large writes are cut into records of about RECORD_BYTES, each decodable on its own', () => {
  let text = '';
  for (let i = 0; i < 20_000; i++) text += `requests,host=h${i % 500},replicaset=rs${i % 50} value=${i}i,rate=${i / 7} ${1_700_000_000_000_000_000n + BigInt(i)}\n`;
  const points = parse(text);
  const records = encode(points);
  assert.ok(records.length > 1, `${records.length} records`);
  for (const r of records) assert.ok(r.length < RECORD_BYTES + 1024);
  const d = new PointDecoder();
  assert.deepStrictEqual(records.flatMap((r) => d.decode(r, 'db', 'rp')), points);
});

test('undecodable bytes are refused with a reason', () => {
  const d = new PointDecoder();
  assert.throws(() => d.decode(Buffer.from([3]), 'db', 'rp'), /series 3 before its definition/);
  const [rec] = encode(parse('m,t=1 v=1i 1'));
  assert.throws(() => d.decode(rec!.subarray(0, rec!.length - 3), 'db', 'rp'), /RangeError|truncated|out of range/i);
});
