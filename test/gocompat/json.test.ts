// Go encoding/json output rules used by httpOut (SPEC 3.12, 9.13): floats, strings, tags, times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareGoStrings, fieldValueJson, goJsonString, jsonFloat, tagsJson, timeJson } from '../../gocompat/json.ts';

test('floats: shortest form, integral without .0, exponent outside [1e-6, 1e21) with trimmed exponent', () => {
  assert.deepEqual([1, 1.5, 100, 0.1, 1e21, 1.5e-7, 0.000001, 123456789012345680000, -0, 0].map(jsonFloat),
    ['1', '1.5', '100', '0.1', '1e+21', '1.5e-7', '0.000001', '123456789012345680000', '-0', '0']);
  assert.equal(fieldValueJson(3n), '3');
  assert.equal(fieldValueJson(-9223372036854775808n), '-9223372036854775808');
  assert.equal(fieldValueJson(false), 'false');
});

test('strings: HTML-safe escapes, control characters, line separators, invalid UTF-16', () => {
  assert.equal(goJsonString('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(goJsonString('<>&'), '"\\u003c\\u003e\\u0026"');
  assert.equal(goJsonString('\n\r\t\b\f\u0001\u001f'), '"\\n\\r\\t\\b\\f\\u0001\\u001f"');
  assert.equal(goJsonString('\u2028\u2029'), '"\\u2028\\u2029"');
  assert.equal(goJsonString('é😀'), '"é😀"');
  assert.equal(goJsonString('x\ud800y'), '"x\ufffdy"');
});

test('tags sorted by byte order, times RFC3339Nano', () => {
  assert.equal(tagsJson({ b: '1', a: '2', B: '3' }), '{"B":"3","a":"2","b":"1"}');
  assert.ok(compareGoStrings('\uffff', '😀') < 0, 'U+FFFF sorts before U+1F600 in UTF-8 byte order');
  assert.equal(timeJson(1478629267000000000n), '"2016-11-08T18:21:07Z"');
  assert.equal(timeJson(1478629267100000000n), '"2016-11-08T18:21:07.1Z"');
});
