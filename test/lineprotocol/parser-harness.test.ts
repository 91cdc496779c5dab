// The line-protocol front tests and benchmarks use (test/helpers/runtime/line-protocol.ts) must follow the same
// rules as `/write` (SPEC Appendix C): it is the server's parser, not a second, laxer one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineParser } from '../helpers/runtime/line-protocol.ts';

test('an empty tag value is rejected: missing tag value (Appendix C)', () => {
  assert.throws(() => new LineParser().parse('cpu,t= f=1', 'db', 'rp'), /^Error: unable to parse 'cpu,t= f=1': missing tag value$/);
  assert.throws(() => new LineParser().parse('cpu,=a f=1', 'db', 'rp'), /missing tag key/);
});

test('other Appendix C rules the old test parser got wrong', () => {
  const p = new LineParser();
  assert.throws(() => p.parse('m f=1\r', 'db', 'rp', '', 1n), /invalid number/); // \r is not stripped
  assert.throws(() => p.parse('m f=tRue', 'db', 'rp', '', 1n), /invalid boolean/);
  assert.throws(() => p.parse('m f=9223372036854775808i', 'db', 'rp', '', 1n), /unable to parse integer/);
  assert.throws(() => p.parse('m,a=1,a=2 f=1', 'db', 'rp', '', 1n), /duplicate tags/);
  assert.throws(() => p.parse('m f=1', 'db', 'rp', 'x', 1n), /invalid precision/);
});

test('points: sorted tags shared per series, typed fields, precision, receive time truncated to the precision', () => {
  const p = new LineParser();
  const pts = p.parse('cpu,host=b,dc=x v=1.5,n=2i,s="a b",ok=T 3\ncpu,host=b,dc=x v=2 4\nmem free=1', 'db', 'rp', 's', 7_500_000_000n);
  assert.equal(pts.length, 3);
  const [a, b, c] = pts as [typeof pts[0], typeof pts[0], typeof pts[0]];
  assert.deepEqual(Object.keys(a.tags), ['dc', 'host']);
  assert.equal(a.tags, b.tags);
  assert.deepEqual(a.fields, { v: 1.5, n: 2n, s: 'a b', ok: true });
  assert.equal(a.time, 3_000_000_000n);
  assert.equal(b.time, 4_000_000_000n);
  assert.equal(c.time, 7_000_000_000n); // Appendix C: receive time truncated to the precision
  assert.equal(a.db, 'db');
  assert.equal(a.rp, 'rp');
});
