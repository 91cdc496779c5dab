// Canonical formatter (SPEC 2.8) and the tickfmt command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatScript, TickscriptError } from '../../tickscript/index.ts';
import { runTickfmt } from '../../cli/tickfmt.ts';

const seedPath = fileURLToPath(new URL('../../../shared/seed/autoscale.tick', import.meta.url));

test('the seed script formats to itself byte for byte (SPEC 1.6)', { skip: !existsSync(seedPath) && 'seed absent' }, () => {
  const src = readFileSync(seedPath, 'utf8');
  assert.equal(formatScript(src), src);
});

// [rule, input, canonical output] — SPEC 2.8
const rules: [string, string, string][] = [
  ['statements end with a newline, separated by one blank line', 'var a = 1 var b = 2', 'var a = 1\n\nvar b = 2\n'],
  ['chain: | indented 4, .property indented 8', "stream|from().measurement('m')|log()",
    "stream\n    |from()\n        .measurement('m')\n    |log()\n"],
  ['typed var and dbrp', 'dbrp "db"."rp"\nvar  x   duration', 'dbrp "db"."rp"\n\nvar x duration\n'],
  ['floats: shortest form with .0 when integral', 'var a = 5.\nvar b = .5\nvar c = 1.250', 'var a = 5.0\n\nvar b = 0.5\n\nvar c = 1.25\n'],
  ['ints keep their base (octal)', 'var a = 010', 'var a = 010\n'],
  ['durations keep their literal', 'var a = 90s', 'var a = 90s\n'],
  ['strings re-quoted with escaped quotes', "var a = 'it\\'s'", "var a = 'it\\'s'\n"],
  ['triple-quoted strings kept', "var a = '''x\ny'''", "var a = '''x\ny'''\n"],
  ['regex re-emitted with / escaped', 'var r = /a\\/b/', 'var r = /a\\/b/\n'],
  ['references re-quoted', 'var l = lambda: "a\\"b" > 1', 'var l = lambda: "a\\"b" > 1\n'],
  ['binary operators with single spaces', 'var l = lambda: "a">1  AND"b"<2', 'var l = lambda: "a" > 1 AND "b" < 2\n'],
  ['parens kept around binary expressions, dropped around operands', 'var l = lambda: ("a" > 1) AND (("b"))',
    'var l = lambda: ("a" > 1) AND "b"\n'],
  ['multi-line binary breaks after the operator', 'var l = lambda: "a" > 1 AND\n"b" < 2', 'var l = lambda: "a" > 1 AND\n    "b" < 2\n'],
  ['args comma+space, trailing comma dropped', "stream|from().groupBy('a','b',)", "stream\n    |from()\n        .groupBy('a', 'b')\n"],
  ['multi-line calls: one arg per line, indented 4 more', "stream|eval(lambda: 1,\nlambda: 2)",
    'stream\n    |eval(\n        lambda: 1,\n        lambda: 2\n    )\n'],
  ['comments on their own lines, single space after //', '//a\n//   b\nvar x = 1\nstream|from()\n//c\n.measurement(\'m\')',
    "// a\n// b\nvar x = 1\n\nstream\n    |from()\n        // c\n        .measurement('m')\n"],
  ['comments before arguments of multi-line calls are kept', 'stream|eval(\n// first\nlambda: 1,\n  //second\n"x")',
    'stream\n    |eval(\n        // first\n        lambda: 1,\n        // second\n        "x"\n    )\n'],
  ['string lists', "var l = ['a',b , *]", "var l = ['a', b, *]\n"],
  ['unary operators', 'var l = lambda: !"a" AND -"b" < -1', 'var l = lambda: !"a" AND -"b" < -1\n'],
  ['booleans', 'var t = TRUE', 'var t = TRUE\n'],
];
for (const [name, input, want] of rules) {
  test(`format: ${name}`, () => {
    assert.equal(formatScript(input), want);
    assert.equal(formatScript(want), want, 'idempotent');
  });
}

test('formatScript throws TickscriptError on parse errors', () => {
  assert.throws(() => formatScript('stream|'), TickscriptError);
});

function io(stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { readStdin: () => stdin, stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) }, out, err };
}

test('tickfmt: stdin to stdout, exit 0', () => {
  const t = io("stream|from()|log()");
  assert.equal(runTickfmt([], t.io), 0);
  assert.equal(t.out.join(''), 'stream\n    |from()\n    |log()\n');
  const u = io("stream|from()|log()");
  assert.equal(runTickfmt(['-'], u.io), 0);
  assert.equal(u.out.join(''), t.out.join(''));
});

test('tickfmt: parse error → nothing on stdout, message on stderr, exit 1', () => {
  const t = io('stream|from(');
  assert.equal(runTickfmt([], t.io), 1);
  assert.equal(t.out.join(''), '');
  assert.match(t.err.join(''), /parser: unexpected EOF line 1 char 13/);
});

test('tickfmt: -w rewrites in place, -b keeps <file>.orig', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tickfmt-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const f = join(dir, 'a.tick');
  writeFileSync(f, 'stream|from()|log()');
  const r = io();
  assert.equal(runTickfmt(['-w', '-b', f], r.io), 0);
  assert.equal(r.out.join(''), '');
  assert.equal(readFileSync(f, 'utf8'), 'stream\n    |from()\n    |log()\n');
  assert.equal(readFileSync(`${f}.orig`, 'utf8'), 'stream|from()|log()');
  // without -w the file is printed and left alone
  const g = join(dir, 'b.tick');
  writeFileSync(g, 'stream|from()|log()');
  const p = io();
  assert.equal(runTickfmt([g], p.io), 0);
  assert.equal(readFileSync(g, 'utf8'), 'stream|from()|log()');
  assert.equal(existsSync(`${g}.orig`), false);
});
