/**
 * Why tickstream parses line protocol itself instead of using `influx-line-protocol-parser` (npm, 0.2.0): that
 * package splits lines on spaces and converts timestamps with parseInt, so (local check, ../shared/ECOSYSTEM.md
 * §4.4) `1700000000000000001` becomes `1700000000000000000`, an escaped space in a tag (`host=a\ b`) breaks the
 * line apart and a quoted string with a space (`message="hello world"`) loses its fields. The package is not
 * installed; these are the correct results for exactly those inputs (SPEC Appendix C), which ours produces.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { LineProtocolParser } from '../../lineprotocol/parser.ts';

const parse = (text: string) => new LineProtocolParser().parse(Buffer.from(text), { db: 'd', rp: 'r' });

it('keeps a 19-digit nanosecond timestamp exact (npm parser: ...000)', () => {
  const { points, errors } = parse('m value=1 1700000000000000001');
  assert.deepEqual(errors, []);
  assert.equal(points[0]!.time, 1700000000000000001n);
  assert.notEqual(points[0]!.time, 1700000000000000000n);
});

it('reads an escaped space inside a tag value (npm parser: broken tags, lost fields)', () => {
  const { points, errors } = parse('cpu,host=a\\ b value=2 1');
  assert.deepEqual(errors, []);
  assert.deepEqual({ ...points[0]!.tags }, { host: 'a b' });
  assert.deepEqual({ ...points[0]!.fields }, { value: 2 });
});

it('keeps a quoted string with a space as one field (npm parser: empty fields)', () => {
  const { points, errors } = parse('log,app=x message="hello world",level=3i 1');
  assert.deepEqual(errors, []);
  assert.deepEqual({ ...points[0]!.fields }, { message: 'hello world', level: 3n });
});
