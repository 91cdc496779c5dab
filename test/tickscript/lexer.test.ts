// Lexical rules of SPEC 2.1, table-driven.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lex } from '../../tickscript/lexer.ts';

const kinds = (src: string): string[] => lex(src).filter((t) => t.type !== 'EOF').map((t) => `${t.type}:${['string', 'reference', 'regex'].includes(t.type) ? t.value : t.text}`);

const cases: [string, string, string[]][] = [
  ['identifier with digits and _', 'abc_1', ['identifier:abc_1']],
  ['leading _ is not accepted (SPEC 2.1)', '_a', ["error:unknown state, last char: '_'"]],
  ['unicode letters', 'héllo', ['identifier:héllo']],
  ['keywords are case-sensitive', 'TRUE true AND and', ['TRUE:TRUE', 'identifier:true', 'AND:AND', 'identifier:and']],
  ['lambda only before a colon', 'lambda lambda:', ['identifier:lambda', 'lambda:lambda:']],
  ['var and dbrp keywords', 'var dbrp', ['var:var', 'dbrp:dbrp']],
  ['reference with escaped quote', '"a\\"b"', ['reference:a"b']],
  ['reference keeps other backslashes', '"a\\nb"', ['reference:a\\nb']],
  ['unterminated reference', '"abc', ['error:unterminated field reference']],
  ['string with escaped quote', "'it\\'s'", ["string:it's"]],
  ['string keeps other backslashes', "'a\\tb'", ['string:a\\tb']],
  ['triple-quoted string is verbatim', "'''a 'b'\n c'''", ["string:a 'b'\n c"]],
  ['empty string', "''", ['string:']],
  ['unterminated string', "'abc", ['error:unterminated string']],
  ['int', '42', ['number:42']],
  ['float', '4.25', ['number:4.25']],
  ['leading dot float', '.5', ['number:.5']],
  ['trailing dot float', '5.', ['number:5.']],
  ['no exponent: 1e3 is 1 then e3', '1e3', ['number:1', 'identifier:e3']],
  ['multiple decimals', '1.2.3', ['error:multiple decimals in number']],
  ['durations, all units', '1u 2µ 3ms 4s 5m 6h 7d 8w', ['duration:1u', 'duration:2µ', 'duration:3ms', 'duration:4s', 'duration:5m', 'duration:6h', 'duration:7d', 'duration:8w']],
  ['no ns unit', '5ns', ['number:5', 'identifier:ns']],
  ['no decimal durations', '1.5s', ['number:1.5', 'identifier:s']],
  ['no compound durations', '1h30m', ['duration:1h', 'duration:30m']],
  ['regex at operand start', '/a\\/b/', ['regex:a/b']],
  ['regex after =~', '"a" =~ /x/', ['reference:a', '=~:=~', 'regex:x']],
  ['division after operand', 'a / b', ['identifier:a', '/:/', 'identifier:b']],
  ['division directly after lambda:', 'lambda: /a/', ['lambda:lambda:', '/:/', 'identifier:a', '/:/']],
  ['unterminated regex', '/abc', ['error:unterminated regex']],
  ['star at operand position', '(*)', ['(:(', '*:*', '):)']],
  ['comment is not a token', '// hi\nstream', ['identifier:stream']],
  ['punctuation', '|.@(),[]', ['|:|', '.:.', '@:@', '(:(', '):)', ',:,', '[:[', ']:]']],
  ['comparison operators after operands', 'a == b != c < d <= e > f >= g !~ h', [
    'identifier:a', '==:==', 'identifier:b', '!=:!=', 'identifier:c', '<:<', 'identifier:d', '<=:<=', 'identifier:e',
    '>:>', 'identifier:f', '>=:>=', 'identifier:g', '!~:!~', 'identifier:h']],
  ['unary minus and not at operand position', '-a !b', ['-:-', 'identifier:a', '!:!', 'identifier:b']],
  ['&& is a lexer error', 'a && b', ['identifier:a', "error:unknown state, last char: '&'"]],
  ['|| lexes as two pipes', 'a || b', ['identifier:a', '|:|', '|:|', 'identifier:b']],
  ['leading = is a lexer error', '= 1', ["error:unknown state, last char: '='"]],
  ['leading + is a lexer error', '+1', ["error:unknown state, last char: '+'"]],
  ['# is a lexer error', 'stream # x', ['identifier:stream', "error:unknown state, last char: '#'"]],
];

for (const [name, src, want] of cases) {
  test(`lexer: ${name}`, () => assert.deepEqual(kinds(src), want));
}

test('lexer: comments attach to the next token, consecutive lines form one block', () => {
  const toks = lex('// a\n//b\n\nstream');
  assert.deepEqual(toks[0]!.comments, [' a', 'b']);
});

test('lexer: positions are byte offsets (UTF-8)', () => {
  const toks = lex("'é' x");
  assert.equal(toks[1]!.pos, 5);
});
