/**
 * TICKscript regexes match in linear time, as Go's RE2 does (issue 17): patterns a backtracking engine could
 * blow up on run on RE2 (re2js); quantifier-free and start-anchored single-quantifier patterns keep V8's engine.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileGoRegex } from '../../tickscript/regex.ts';
import { LinearRegExp, backtrackingSafe } from '../../tickscript/linear-regex.ts';
import { compileLambda, parse } from '../../tickscript/index.ts';
import type * as A from '../../tickscript/ast.ts';
import { goReplaceAll } from '../../tickscript/lambda/gore.ts';

function timed<T>(fn: () => T): { value: T; ms: number } {
  const t = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t };
}

test('catastrophic patterns against long inputs finish fast', () => {
  const long = 'a'.repeat(100_000) + 'b';
  for (const src of ['(a+)+$', '(a|aa)+$', '(a*)*b$', '(?:a?){40}a{40}', '(\\w+\\s?)+$', '(.*a){20}']) {
    const re = compileGoRegex(src);
    assert.ok(re instanceof LinearRegExp, `${src} runs on RE2`);
    const { ms } = timed(() => re.test(long));
    assert.ok(ms < 2000, `${src} took ${ms} ms`);
  }
  assert.equal(compileGoRegex('(a+)+$').test(long), false);
  assert.equal(compileGoRegex('(a+)+$').test('xaaa'), true);
});

test('which patterns keep the backtracking engine (fast path)', () => {
  const safe = ['cpu', '^cpu$', 'host-(a|b)', '^cpu\\d+$', '^web-.*', '\\Aserver[0-9]', '[a-z]', '(?i)^CPU.*'];
  const linear = ['cpu\\d+', '.*foo.*', '^(a+)+$', '^a+b+$', '^(ab)*$', '^a|b+', '(?m)^a+$', '^a*?b', '^x{2,}y?', '\\Qa+\\E'];
  for (const s of safe) assert.ok(!(compileGoRegex(s) instanceof LinearRegExp), `${s}: fast path`);
  for (const s of linear) assert.ok(compileGoRegex(s) instanceof LinearRegExp, `${s}: RE2`);
  assert.equal(backtrackingSafe('[+*?]', ''), true, 'quantifier characters inside a class are literals');
  assert.equal(backtrackingSafe('a\\+b\\*', ''), true, 'escaped quantifier characters are literals');
});

test('RE2 matching keeps Go semantics: flags, classes, named groups, leftmost-first', () => {
  const cases: [string, string, boolean][] = [
    ['(?i)^(ab)+$', 'ABab', true],
    ['(?s)a.+b', 'a\nb', true],
    ['a.+b', 'a\nb', false],
    ['(?m)^x+$', 'y\nxx\nz', true],
    ['[[:digit:]]+x', 'ab12x', true],
    ['\\pL+\\d', 'é1', true],
    ['(?P<n>a+)b', 'caab', true],
  ];
  for (const [src, input, want] of cases) assert.equal(compileGoRegex(src).test(input), want, `${src} on ${JSON.stringify(input)}`);
  const m = compileGoRegex('(?P<n>a+)(b*)x').exec('zaabbx');
  assert.equal(m?.[0], 'aabbx');
  assert.equal(m?.groups?.['n'], 'aa');
  assert.equal(m?.index, 1);
});

test('RE2 refuses what Go refuses: lookarounds, backreferences, repeat counts over 1000', () => {
  assert.throws(() => compileGoRegex('a(?=b)+'), /error parsing regexp: invalid or unsupported Perl syntax: `\(\?=`/);
  assert.throws(() => compileGoRegex('(a)+\\1'), /error parsing regexp: invalid escape sequence: `\\1`/);
  assert.throws(() => compileGoRegex('(ab){1001}'), /error parsing regexp: invalid repeat count: `\{1001\}`/);
});

test('regexReplace and =~ in lambdas use RE2 for backtracking-prone patterns', () => {
  assert.equal(goReplaceAll(compileGoRegex('(a+)+(?P<tail>b)'), 'xaab-ab', '[${tail}$1]'), 'x[baa]-[ba]', 'the greedy inner a+ takes both a: $1 is aa');
  assert.equal(goReplaceAll(compileGoRegex('a*'), 'baaac', '-'), '-b-c-', 'empty matches advance as in Go');
  const st = parse('var l = lambda: "s" =~ /(a+)+$/\n').statements[0] as A.DeclarationNode;
  const lambda = compileLambda(st.value as A.LambdaNode).newEvaluator();
  const { value, ms } = timed(() => lambda.eval({ time: 0n, fields: { s: 'a'.repeat(50_000) + 'b' }, tags: {} } as never));
  assert.equal(value, false);
  assert.ok(ms < 2000, `lambda took ${ms} ms`);
});
