// Task vars in API bodies (SPEC 5.3 `vars`; client/v1 Var). Regex vars are Go regexes like script regexes
// (SPEC 2.1), int and duration vars are int64 (Kapacitor's client/v1 Vars.UnmarshalJSON decodes them with
// json.Number.Int64, which fails outside [-2^63, 2^63)).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeVar, varToTickValue, VarError } from '../../server/api/vars.ts';
import type { TickValue } from '../../tickscript/pipeline.ts';
import { apiFixture } from './fakes.ts';

const noLambda = (): TickValue => { throw new Error('no lambda here'); };
const regexOf = (source: string): RegExp => {
  const v = varToTickValue(normalizeVar('r', { type: 'regex', value: source }), noLambda);
  assert.equal(v.type, 'regex');
  return (v as { value: RegExp }).value;
};

test('regex vars accept what scripts accept and mean the same', () => {
  // (?i) is RE2's leading flag group (plain JS RegExp rejects it: "Invalid group")
  assert.equal(regexOf('(?i)web').test('WEB-1'), true);
  // \pL is a Unicode letter class in RE2 (plain JS reads it as the letters "pL")
  assert.equal(regexOf('^\\pL+$').test('héllo'), true);
  assert.equal(regexOf('^\\pL+$').test('1'), false);
  assert.equal(regexOf('^\\x{41}$').test('A'), true);
  assert.equal(regexOf('(?P<h>\\w+)').exec('srv')?.groups?.['h'], 'srv');
});

test('regex vars RE2 rejects are rejected, naming the var', () => {
  for (const bad of ['a(?=b)', '(a)\\1', '\\e', '(']) {
    assert.throws(() => normalizeVar('r', { type: 'regex', value: bad }),
      (e: unknown) => e instanceof VarError && /^invalid var "r": error parsing regexp: /.test(e.message), bad);
  }
});

test('int vars must be int64', () => {
  assert.equal(normalizeVar('n', { type: 'int', value: -(2 ** 63) }).value, -(2 ** 63)); // int64 min is exact
  assert.equal(normalizeVar('n', { type: 'int', value: 2 ** 53 }).value, 2 ** 53);
  for (const v of [1e300, 2 ** 63, -(2 ** 64)]) {
    assert.throws(() => normalizeVar('n', { type: 'int', value: v }),
      (e: unknown) => e instanceof VarError && e.message === `invalid var "n": value ${JSON.stringify(v)} is out of the int64 range`, String(v));
  }
});

test('duration vars must fit int64 nanoseconds', () => {
  assert.equal(normalizeVar('d', { type: 'duration', value: '2562047h' }).value, 2562047 * 3600e9); // < 2^63 ns (≈ 2562047.8h)
  assert.equal(normalizeVar('d', { type: 'duration', value: '1h30m' }).value, 5400e9);
  for (const v of ['99999999999999999h', '2562048h', '-2562048h', '9223372036854775807ns', 1e19, -1e300]) {
    assert.throws(() => normalizeVar('d', { type: 'duration', value: v }),
      (e: unknown) => e instanceof VarError && e.message === `invalid var "d": duration ${JSON.stringify(v)} is out of the int64 nanosecond range (about ±292 years)`, String(v));
  }
});

test('through the API: out-of-range and Go-regex vars on task create', async (t) => {
  const f = await apiFixture();
  t.after(() => f.app.close());
  const create = (id: string, vars: unknown) => f.app.inject({
    method: 'POST', url: '/kapacitor/v1/tasks',
    payload: JSON.stringify({ id, dbrps: [{ db: 'a', rp: 'b' }], script: 'stream\n|from()\n', vars }),
  });
  const big = await f.app.inject({
    method: 'POST', url: '/kapacitor/v1/tasks',
    payload: '{"id":"x","dbrps":[{"db":"a","rp":"b"}],"script":"stream\\n|from()\\n","vars":{"n":{"type":"int","value":1e300}}}',
  });
  assert.equal(big.statusCode, 400);
  assert.equal(big.json().error, 'invalid var "n": value 1e+300 is out of the int64 range');
  const dur = await create('y', { w: { type: 'duration', value: '99999999999999999h' } });
  assert.equal(dur.statusCode, 400);
  assert.match(dur.json().error, /^invalid var "w": duration "99999999999999999h" is out of the int64 nanosecond range/);
  assert.equal(f.store.listTasks().length, 0); // a rejected request changes nothing
  const ok = await create('z', { r: { type: 'regex', value: '(?i)web' } });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.deepEqual(ok.json().vars, { r: { type: 'regex', value: '(?i)web', description: '' } });
});
