// Go RE2 syntax → JS RegExp (SPEC 2.1: TICKscript regexes are compiled with Go's `regexp`). Expected matches
// follow Go's regexp/syntax documentation (https://pkg.go.dev/regexp/syntax): escapes `\x{10FFFF}`, `\123`
// octal, `\a`, `\Q…\E`, any escaped ASCII punctuation is literal, `\pN`/`\p{Greek}`/`\p{^Greek}`, `\s` is
// `[\t\n\f\r ]`, `x{` without a valid repeat is literal, `.` matches one rune; unknown escapes are errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGoRegex, RegexSyntaxError } from '../../tickscript/regex.ts';

const matches = (re: string, s: string): boolean => compileGoRegex(re).test(s);

test('\\x{…} and \\xHH are code points', () => {
  assert.equal(matches('^\\x{41}$', 'A'), true);
  assert.equal(matches('^\\x{41}$', 'x{41}'), false);
  assert.equal(matches('^\\x{1F600}$', '😀'), true);
  assert.equal(matches('^[\\x{41}-\\x{43}]+$', 'ABC'), true);
  assert.equal(matches('^\\x41\\x{0042}$', 'AB'), true);
  for (const bad of ['\\x{110000}', '\\x{}', '\\x{41', '\\x4', '\\xZZ']) {
    assert.throws(() => compileGoRegex(bad), (e: unknown) => e instanceof RegexSyntaxError && /^error parsing regexp: invalid escape sequence: `\\x/.test(e.message), bad);
  }
});

test('octal escapes and \\a', () => {
  assert.equal(matches('^\\101\\102$', 'AB'), true);
  assert.equal(matches('^\\0$', '\0'), true);
  assert.equal(matches('^\\a$', '\x07'), true);
  // a single non-zero digit is a backreference, which RE2 does not have
  assert.throws(() => compileGoRegex('(a)\\1'), /invalid escape sequence: `\\1`/);
});

test('\\- and \\Q…-…\\E stay literal when \\p needs Unicode mode', () => {
  // each threw "Invalid escape" once \p switched JS's u flag on
  assert.equal(matches('^\\pL+\\-\\d$', 'ab-1'), true);
  assert.equal(matches('^\\pL+\\-\\d$', 'ab_1'), false);
  assert.equal(matches('^\\pL\\Qa-b.c\\E$', 'xa-b.c'), true);
  assert.equal(matches('^\\pL\\Qa-b.c\\E$', 'xa-bxc'), false);
  assert.equal(matches('^[\\pL\\-]+$', 'a-b'), true);
  assert.equal(matches('^[a\\-z]+$', '-'), true);
  assert.equal(matches('^[a\\-z]+$', 'm'), false);
  assert.equal(matches('^\\Q-\\E$', '-'), true);
});

test('escaped ASCII punctuation is literal (also characters JS may not escape in Unicode mode)', () => {
  assert.equal(matches('^\\_\\ \\#\\%\\\'\\"\\,\\~\\@$', '_ #%\'",~@'), true);
  assert.equal(matches('^[\\_\\#]+$', '_#'), true);
  assert.equal(matches('^a\\.b$', 'axb'), false);
});

test('unknown escapes are errors, as in Go (JS would read \\e as "e")', () => {
  for (const [re, where] of [['\\e', '\\e'], ['a\\ksx', '\\k'], ['\\u0041', '\\u'], ['\\C', '\\C'], ['[\\b]', '\\b'], ['[\\Qa\\E]', '\\Q']]) {
    assert.throws(() => compileGoRegex(re!), (e: unknown) => e instanceof RegexSyntaxError && e.message === `error parsing regexp: invalid escape sequence: \`${where}\``, re);
  }
});

test('Unicode classes: categories, scripts, negation, Any', () => {
  assert.equal(matches('^\\pL+$', 'héllo'), true);
  assert.equal(matches('^\\pL+$', 'pL'), true);
  assert.equal(matches('^\\pL$', '1'), false);
  assert.equal(matches('^\\p{Greek}+$', 'αβγ'), true);
  assert.equal(matches('^\\p{^Greek}$', 'α'), false);
  assert.equal(matches('^\\P{Greek}$', 'a'), true);
  assert.equal(matches('^\\p{Lu}$', 'Á'), true);
  assert.equal(matches('^\\p{Any}$', '😀'), true);
  // `\\p` is a literal backslash followed by p, not a class
  assert.equal(matches('^\\\\pb$', '\\pb'), true);
});

test('literal braces and brackets outside a class', () => {
  assert.equal(matches('^a{$', 'a{'), true);
  assert.equal(matches('^a{,2}$', 'a{,2}'), true);
  assert.equal(matches('^a}$', 'a}'), true);
  assert.equal(matches('^a]$', 'a]'), true);
  assert.equal(matches('^a{2}$', 'aa'), true);
  assert.equal(matches('^a{1,}$', 'aaa'), true);
  assert.equal(matches('^a{1,2}$', 'aaa'), false);
  assert.equal(matches('^[]a]+$', ']a'), true);
  assert.equal(matches('^[[]$', '['), true);
});

test('runes and RE2 \\s', () => {
  assert.equal(matches('^.$', '😀'), true); // one rune
  assert.equal(matches('^[^a]$', '😀'), true);
  assert.equal(matches('^\\s+$', ' \t\n\f\r'), true);
  assert.equal(matches('^\\s$', '\u00a0'), false);
  assert.equal(matches('^\\s$', '\v'), false);
  assert.equal(matches('^\\S$', '\u00a0'), true);
  assert.equal(matches('^[\\s,]+$', ' ,\t'), true);
});

test('leading flags and groups still translate', () => {
  assert.equal(matches('(?i)^WEB$', 'web'), true);
  assert.equal(compileGoRegex('(?P<host>\\w+)').exec('srv1')?.groups?.['host'], 'srv1');
  assert.equal(matches('\\Aab\\z', 'ab'), true);
  assert.equal(matches('[[:digit:]-]+', '1-2'), true);
});
