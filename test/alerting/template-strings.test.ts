// String literals in alert templates (SPEC 3.15: Go text/template, which unquotes them with strconv.Unquote).
// Expected values follow the Go language specification, "String literals" / "Rune literals": escapes \a \b \f
// \n \r \t \v \\ \" ; \xHH and \ooo are single bytes; \uHHHH and \UHHHHHHHH are UTF-8 encoded code points
// (surrogates and values above U+10FFFF are illegal); \' is legal only in rune literals; raw strings are verbatim
// except that carriage returns are discarded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertTemplate, GoStruct, goUnquote } from '../../alerting/template.ts';

const render = (src: string): string => AlertTemplate.compile('t', src, new Set(['Name']), false).render(new GoStruct({ Name: 'cpu' }));

test('interpreted string escapes', () => {
  assert.equal(goUnquote('"\\x41"'), 'A');
  assert.equal(goUnquote('"\\101\\102"'), 'AB');
  assert.equal(goUnquote('"\\a\\b\\f\\n\\r\\t\\v\\\\\\""'), '\x07\b\f\n\r\t\v\\"');
  assert.equal(goUnquote('"\\u00e9\\U0001F600"'), 'é😀');
  assert.equal(goUnquote('"\\xc3\\xa9"'), 'é'); // two bytes of one UTF-8 sequence
  assert.equal(goUnquote('"\\303\\251"'), 'é');
  assert.equal(goUnquote('"\\xff"'), '\ufffd'); // a byte that is not UTF-8
  assert.equal(goUnquote('"日本"'), '日本');
  assert.equal(goUnquote('""'), '');
});

test('illegal escapes are errors naming the escape', () => {
  const cases: [string, RegExp][] = [
    ['"\\\'"', /unknown escape \\'/],
    ['"\\z"', /unknown escape \\z/],
    ['"\\x4"', /invalid escape \\x4: want 2 hex digits/],
    ['"\\xg0"', /invalid escape \\xg0/],
    ['"\\400"', /invalid escape \\400: octal value above 255/],
    ['"\\12"', /invalid escape \\12: want 3 octal digits/],
    ['"\\u12"', /invalid escape \\u12: want 4 hex digits/],
    ['"\\ud800"', /invalid escape \\ud800: not a Unicode code point/],
    ['"\\U00110000"', /invalid escape \\U00110000: not a Unicode code point/],
    ['"a\nb"', /unexpected newline/],
    ['"abc', /unterminated/],
  ];
  for (const [lit, re] of cases) assert.throws(() => goUnquote(lit), re, lit);
});

test('raw strings are verbatim, carriage returns dropped', () => {
  assert.equal(goUnquote('`\\x41\\n`'), '\\x41\\n');
  assert.equal(goUnquote('`a\r\nb`'), 'a\nb');
});

test('in templates: {{ "\\x41" }} renders A; bad literals are compile errors', () => {
  assert.equal(render('{{ "\\x41" }}'), 'A');
  assert.equal(render('{{ printf "%s\\t%s" .Name "\\u00e9" }}'), 'cpu\té');
  assert.equal(render('{{ `\\t` }}'), '\\t');
  assert.throws(() => render('{{ "\\q" }}'), /^Error: template: t: invalid string literal "\\q": unknown escape \\q$/);
});
