/**
 * Points → line protocol for InfluxDB writes (lineprotocol/writer.ts). Escapes and type suffixes follow
 * InfluxDB 1.x's line-protocol rules (SPEC Appendix C): `,` and space in measurements; `,` `=` space in tag keys,
 * tag values and field keys; `"` and `\` in string fields; `i` for int64; floats without suffix.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeLine, precisionDivisor } from '../../lineprotocol/writer.ts';

test('escapes, sorted tags, typed fields, ns time', () => {
  assert.equal(
    encodeLine('my m,x', { z: '1', 'a k': 'v=1,2', empty: '' }, { 'f k': 1.5, n: 7n, w: 2, s: 'a "q" \\ b', t: true }, 1700000000123456789n, 1n),
    'my\\ m\\,x,a\\ k=v\\=1\\,2,z=1 f\\ k=1.5,n=7i,w=2,s="a \\"q\\" \\\\ b",t=true 1700000000123456789\n',
  );
});

test('precision divides with truncation toward zero (Go integer division)', () => {
  assert.equal(precisionDivisor('s'), 1_000_000_000n);
  assert.equal(precisionDivisor('u'), 1000n);
  assert.equal(precisionDivisor('x'), undefined);
  assert.equal(encodeLine('m', {}, { v: 1n }, 1999999999n, precisionDivisor('s')!), 'm v=1i 1\n');
  assert.equal(encodeLine('m', {}, { v: 1n }, -1500000000n, precisionDivisor('s')!), 'm v=1i -1\n');
});

test('unwritable points are rejected with a reason', () => {
  assert.throws(() => encodeLine('m', {}, {}, 0n, 1n), /point has no fields/);
  assert.throws(() => encodeLine('m', {}, { v: NaN }, 0n, 1n), /field "v": NaN is an unsupported value/);
  assert.throws(() => encodeLine('m', {}, { v: Infinity }, 0n, 1n), /Infinity is an unsupported value/);
  assert.throws(() => encodeLine('m\nx', {}, { v: 1 }, 0n, 1n), /contains a newline/);
});

test('a float -0 keeps its sign, as Go strconv.AppendFloat(-0, ...) writes "-0"', () => {
  assert.equal(encodeLine('m', {}, { f: -0, g: 0 }, 1n, 1n), 'm f=-0,g=0 1\n');
});
