// Task-list patterns are Go's path/filepath.Match (SPEC 5.3 `?pattern=<glob>`, SPEC 6.3 enable/disable/delete
// treat arguments as globs). Expected results are the table of Go's own path/filepath/match_test.go.
// The end-to-end test drives the CLI (`list tasks`, `enable`, `delete tasks`) against the API on 127.0.0.1:0:
// task IDs may contain '-', '.', '_' (SPEC 5.3 create rule), and patterns using them must work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGlob, globMatcher, BadPatternError } from '../../gocompat/glob.ts';
import { run } from '../../cli/main.ts';
import { apiFixture } from '../api/fakes.ts';

// [pattern, name, match, badPattern] — Go 1.21 path/filepath/match_test.go (matchTests)
const GO_TABLE: [string, string, boolean, boolean][] = [
  ['abc', 'abc', true, false],
  ['*', 'abc', true, false],
  ['*c', 'abc', true, false],
  ['a*', 'a', true, false],
  ['a*', 'abc', true, false],
  ['a*', 'ab/c', false, false],
  ['a*/b', 'abc/b', true, false],
  ['a*/b', 'a/c/b', false, false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true, false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true, false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false, false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false, false],
  ['a*b?c*x', 'abxbbxdbxebxczzx', true, false],
  ['a*b?c*x', 'abxbbxdbxebxczzy', false, false],
  ['ab[c]', 'abc', true, false],
  ['ab[b-d]', 'abc', true, false],
  ['ab[e-g]', 'abc', false, false],
  ['ab[^c]', 'abc', false, false],
  ['ab[^b-d]', 'abc', false, false],
  ['ab[^e-g]', 'abc', true, false],
  ['a\\*b', 'a*b', true, false],
  ['a\\*b', 'ab', false, false],
  ['a?b', 'a☺b', true, false],
  ['a[^a]b', 'a☺b', true, false],
  ['a???b', 'a☺b', false, false],
  ['a[^a][^a][^a]b', 'a☺b', false, false],
  ['[a-ζ]*', 'α', true, false],
  ['*[a-ζ]', 'A', false, false],
  ['a?b', 'a/b', false, false],
  ['a*b', 'a/b', false, false],
  ['[\\]a]', ']', true, false],
  ['[\\-]', '-', true, false],
  ['[x\\-]', 'x', true, false],
  ['[x\\-]', '-', true, false],
  ['[x\\-]', 'z', false, false],
  ['[\\-x]', 'x', true, false],
  ['[\\-x]', '-', true, false],
  ['[\\-x]', 'a', false, false],
  ['[]a]', ']', false, true],
  ['[-]', '-', false, true],
  ['[x-]', 'x', false, true],
  ['[x-]', '-', false, true],
  ['[x-]', 'z', false, true],
  ['[-x]', 'x', false, true],
  ['[-x]', '-', false, true],
  ['[-x]', 'a', false, true],
  ['\\', 'a', false, true],
  ['[a-b-c]', 'a', false, true],
  ['[', 'a', false, true],
  ['[^', 'a', false, true],
  ['[^bc', 'a', false, true],
  ['a[', 'a', false, true],
  ['a[', 'ab', false, true],
  ['a[', 'x', false, true],
  ['a/b[', 'x', false, true],
  ['*x', 'xxx', true, false],
];

test("Go's filepath.Match table", () => {
  for (const [pattern, name, match, bad] of GO_TABLE) {
    if (bad) {
      assert.throws(() => compileGlob(pattern), BadPatternError, pattern);
      continue;
    }
    assert.equal(globMatcher(pattern)(name), match, `Match(${JSON.stringify(pattern)}, ${JSON.stringify(name)})`);
  }
});

test("literal '-', '.', '_' and other RegExp punctuation compile under the u flag and match only themselves", () => {
  // each of these threw "Invalid escape" (→ HTTP 500) when '-' was escaped outside a class
  assert.equal(globMatcher('my-task')('my-task'), true);
  assert.equal(globMatcher('my-task')('my_task'), false);
  assert.equal(globMatcher('k8s-*')('k8s-autoscale'), true);
  assert.equal(globMatcher('k8s-*')('k8s_autoscale'), false);
  assert.equal(globMatcher('a.b')('a.b'), true);
  assert.equal(globMatcher('a.b')('axb'), false); // '.' is literal in a glob
  assert.equal(globMatcher('a_b?')('a_b1'), true);
  assert.equal(globMatcher('x\\-y')('x-y'), true); // Go: `\-` is the literal '-'
  assert.equal(globMatcher('(a)+{1}|$^')('(a)+{1}|$^'), true);
  // a reversed range is valid in Go and matches nothing (a JS class would throw on it)
  assert.equal(globMatcher('[z-a]')('m'), false);
  assert.equal(globMatcher('[^z-a]')('m'), true);
  assert.equal(globMatcher('')('anything'), true);
});

test('list / enable / delete tasks by patterns with - . _ [ * ? through the CLI and the API', async (t) => {
  const f = await apiFixture();
  t.after(() => f.app.close());
  const url = await f.app.listen({ host: '127.0.0.1', port: 0 });
  const ids = ['my-task', 'my_task', 'my.task', 'k8s-autoscale', 'k8s-web', 'k8s_web', 'cpu1', 'cpu2', 'cpuX'];
  for (const id of ids) {
    const res = await f.app.inject({ method: 'POST', url: '/kapacitor/v1/tasks', payload: JSON.stringify({ id, dbrps: [{ db: 'a', rp: 'b' }], script: 'stream\n|from()\n' }) });
    assert.equal(res.statusCode, 200, id);
  }
  const cli = async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await run(['-url', url, ...argv], { env: {}, io: { out: (s) => { out += s; }, err: (s) => { err += s; } } });
    return { code, out, err };
  };
  const listed = async (pattern: string): Promise<string[]> => {
    const res = await f.app.inject({ url: `/kapacitor/v1/tasks?fields=link&pattern=${encodeURIComponent(pattern)}` });
    assert.equal(res.statusCode, 200, `${pattern}: ${res.body}`);
    return (res.json().tasks as { id: string }[]).map((x) => x.id);
  };
  // list (storage order is sorted by id, SPEC 5.3)
  assert.deepEqual(await listed('my-task'), ['my-task']);
  assert.deepEqual(await listed('my.task'), ['my.task']);
  assert.deepEqual(await listed('my_task'), ['my_task']);
  assert.deepEqual(await listed('my?task'), ['my-task', 'my.task', 'my_task']);
  assert.deepEqual(await listed('my[\\-.]task'), ['my-task', 'my.task']);
  assert.deepEqual(await listed('cpu[0-9]'), ['cpu1', 'cpu2']);
  assert.deepEqual(await listed('k8s-*'), ['k8s-autoscale', 'k8s-web']);
  const listOut = await cli('list', 'tasks', 'my-task');
  assert.equal(listOut.code, 0, listOut.err);
  assert.match(listOut.out, /^my-task\s/m);
  assert.doesNotMatch(listOut.out, /my_task|my\.task/);

  // enable k8s-* enables exactly the two '-' tasks
  const en = await cli('enable', 'k8s-*', 'cpu?');
  assert.equal(en.code, 0, en.err);
  const enabled = f.store.listTasks().filter((x) => x.status === 'enabled').map((x) => x.id);
  assert.deepEqual(enabled, ['cpu1', 'cpu2', 'cpuX', 'k8s-autoscale', 'k8s-web']);

  // delete tasks with '.', '_' and a class
  const del = await cli('delete', 'tasks', 'my.task', 'k8s_*', 'cpu[12]');
  assert.equal(del.code, 0, del.err);
  assert.deepEqual(f.store.listTasks().map((x) => x.id), ['cpuX', 'k8s-autoscale', 'k8s-web', 'my-task', 'my_task']);
});

test('a malformed pattern is a 400 naming the pattern, never a 500', async (t) => {
  const f = await apiFixture();
  t.after(() => f.app.close());
  for (const p of ['[', 'a[-x]', 'x\\', '[a-b-c]']) {
    const res = await f.app.inject({ url: `/kapacitor/v1/tasks?pattern=${encodeURIComponent(p)}` });
    assert.equal(res.statusCode, 400, p);
    assert.match(res.json().error, /^invalid pattern parameter: syntax error in pattern /);
    assert.ok(res.json().error.includes(JSON.stringify(p)), res.json().error);
  }
});
