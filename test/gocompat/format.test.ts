// Go's %v of a float64 and %q (gocompat/format.ts): the cases of the copies it replaced, in alert templates
// (fmt %v of template values, SPEC 3.15) and the CLI (%v of JSON numbers, Appendix D), plus the quoting the CLI
// and the line-protocol errors rely on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goFloat, goQuote } from '../../gocompat/format.ts';

test('goFloat: %v of a float64, as alert templates print field values', () => {
  assert.equal(goFloat(1e6), '1e+06');
  assert.equal(goFloat(123456), '123456');
  assert.equal(goFloat(1234567.5), '1.2345675e+06');
  assert.equal(goFloat(0.0001), '0.0001');
  assert.equal(goFloat(0.00001), '1e-05');
  assert.equal(goFloat(-2.5), '-2.5');
  assert.equal(goFloat(NaN), 'NaN');
  assert.equal(goFloat(-Infinity), '-Inf');
});

test('goFloat: %v of a float64, as the CLI prints JSON numbers', () => {
  assert.equal(goFloat(100), '100');
  assert.equal(goFloat(60000000000), '6e+10');
  assert.equal(goFloat(1.5), '1.5');
  assert.equal(goFloat(123456), '123456');
  assert.equal(goFloat(1234567), '1.234567e+06');
  assert.equal(goFloat(0.00001), '1e-05');
});

test('goQuote: strconv.Quote of task names, dbrps and line-protocol number texts', () => {
  assert.equal(goQuote('cpu'), '"cpu"');
  assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(goQuote('99999999999999999999'), '"99999999999999999999"');
  assert.equal(goQuote('tab\there'), '"tab\\there"');
  assert.equal(goQuote('\u0001'), '"\\x01"');
});
