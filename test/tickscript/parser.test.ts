// Parser: verified error examples (SPEC 2.7), precedence and associativity (SPEC 2.3), leniency (SPEC 2.2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../tickscript/parser.ts';
import { TickscriptError } from '../../tickscript/errors.ts';
import type * as A from '../../tickscript/ast.ts';

const PRIMARY = 'expected: "number","string","duration","identifier","TRUE","FALSE","==","(","-","!"';

function parseError(src: string): TickscriptError {
  try {
    parse(src);
  } catch (e) {
    assert.ok(e instanceof TickscriptError, `expected TickscriptError, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected a parse error for ${JSON.stringify(src)}`);
}

// SPEC 2.7 verified examples (messages are Kapacitor's, without the 'invalid TICKscript: ' prefix)
const verified: [string, string, string][] = [
  ['EOF inside an argument list',
    "stream\n    |from()\n        .measurement('x')\n    |derivative(value",
    'parser: unexpected EOF line 4 char 22 in "tive(value". expected: ")"'],
  ['pipe as first statement', '|from()', `parser: unexpected | line 1 char 1 in "|from()". ${PRIMARY}`],
  ['single = in a lambda', 'stream|from().where(lambda: "a" = 1)',
    'parser: unexpected = line 1 char 33 in "mbda: "a" = 1)". expected: ")"'],
  ['unknown character', 'stream # x', `parser: unexpected unknown state, last char: '#' line 1 char 8 in "stream # x". ${PRIMARY}`],
  ['regex directly after lambda:', 'lambda: /a/ == "b"', `parser: unexpected / line 1 char 9 in "lambda: /a/ == "b"". ${PRIMARY}`],
  ['dbrp with single quotes (SPEC 2.2)', "dbrp 'db'.'rp'", 'parser: unexpected string line 1 char 6 in "dbrp \'db\'.\'rp\'". expected: "reference"'],
];
for (const [name, src, msg] of verified) {
  test(`parse error (verified): ${name}`, () => {
    const e = parseError(src);
    assert.equal(e.kapacitorMessage, msg);
    assert.ok(e.line !== undefined && e.column !== undefined);
  });
}

// literal errors have no position (SPEC 2.7)
const literalErrors: [string, string][] = [
  ['var x = 09', 'parser: illegal number syntax: "09"'],
  ['var x = 9223372036854775808', 'parser: illegal number syntax: "9223372036854775808"'],
  ['var d = 9999999999999999999s', 'parser: overflowed duration "9999999999999999999s"'],
];
for (const [src, msg] of literalErrors) {
  test(`literal error: ${src}`, () => assert.equal(parseError(src).kapacitorMessage, msg));
}

test('regex compile errors are parser errors without position', () => {
  assert.match(parseError('var r = /(a/').kapacitorMessage, /^parser: error parsing regexp: /);
  // look-around does not exist in RE2 and is rejected rather than silently accepted
  assert.match(parseError('var r = /a(?=b)/').kapacitorMessage, /^parser: error parsing regexp: invalid or unsupported Perl syntax/);
});

test('context is cut at newlines and limited to 10 bytes each side', () => {
  const e = parseError('var abcdefghijkl = 1\nstream|from().where(lambda: "abcdefghij" = 1)\n');
  assert.match(e.kapacitorMessage, /line 2 char 42 in "cdefghij" = 1\)"/);
});

test('lexer errors name the lexer message as the token', () => {
  assert.match(parseError("stream|from().measurement('abc").kapacitorMessage, /^parser: unexpected unterminated string line 1 char 27 /);
  assert.match(parseError('stream|from().where(lambda: "abc)').kapacitorMessage, /unexpected unterminated field reference line 1 char 29/);
  assert.match(parseError('var x = 1.2.3').kapacitorMessage, /unexpected multiple decimals in number line 1 char 9/);
});

test('expect() failures list exactly one token', () => {
  assert.equal(parseError('var 1 = 2').kapacitorMessage, 'parser: unexpected number line 1 char 5 in "var 1 = 2". expected: "identifier"');
  assert.equal(parseError('var x 1').kapacitorMessage, 'parser: unexpected number line 1 char 7 in "var x 1". expected: "="');
  assert.equal(parseError('stream|').kapacitorMessage, 'parser: unexpected EOF line 1 char 8 in "stream|". expected: "identifier"');
  assert.equal(parseError('dbrp "a" "b"').kapacitorMessage, 'parser: unexpected reference line 1 char 10 in "dbrp "a" "b"". expected: "."');
  assert.equal(parseError("var l = ['a' 'b']").kapacitorMessage, 'parser: unexpected string line 1 char 14 in " l = [\'a\' \'b\']". expected: "]"');
});

test('hints are appended after Kapacitor\'s text', () => {
  const e = parseError('stream|from().where(lambda: "a" = 1)');
  assert.ok(e.hint);
  assert.equal(e.message, `${e.kapacitorMessage}; hint: ${e.hint}`);
});

// fully parenthesised rendering of an expression tree
function shape(e: A.Expr): string {
  switch (e.kind) {
    case 'binary': return `(${shape(e.left)} ${e.op} ${shape(e.right)})`;
    case 'unary': return `${e.op}${shape(e.operand)}`;
    case 'number': return e.literal;
    case 'reference': return `"${e.name}"`;
    case 'ident': return e.name;
    case 'bool': return e.value ? 'TRUE' : 'FALSE';
    case 'string': return `'${e.value}'`;
    case 'function': return `${e.name}(${e.args.map(shape).join(', ')})`;
    case 'lambda': return `lambda: ${shape(e.expr)}`;
    default: return e.kind;
  }
}
const lambdaShape = (body: string): string => {
  const st = parse(`var l = lambda: ${body}`).statements[0] as A.DeclarationNode;
  return shape((st.value as A.LambdaNode).expr);
};

// SPEC 2.3 precedence table, one row per level pair, plus left associativity
const precedence: [string, string][] = [
  ['a OR b AND c', '(a OR (b AND c))'],
  ['a AND b OR c', '((a AND b) OR c)'],
  ['a AND b == c', '(a AND (b == c))'],
  ['a == b < c', '(a == (b < c))'],
  ['a != b =~ c', '((a != b) =~ c)'],
  ['a < b + c', '(a < (b + c))'],
  ['a + b * c', '(a + (b * c))'],
  ['a - b / c % d', '(a - ((b / c) % d))'],
  ['a - b - c', '((a - b) - c)'],
  ['a / b / c', '((a / b) / c)'],
  ['a OR b OR c', '((a OR b) OR c)'],
  ['(a + b) * c', '((a + b) * c)'],
  ['-a * b', '(-a * b)'],
  ['!"a" == "b"', '(!"a" == "b")'],
  ['- -1', '--1'],
  ['int(ceil("x" / t))', 'int(ceil(("x" / t)))'],
  ['f(1, 2 + 3,)', 'f(1, (2 + 3))'],
];
for (const [src, want] of precedence) {
  test(`precedence: ${src}`, () => assert.equal(lambdaShape(src), want));
}

test('leniency: juxtaposed tokens are separate statements (SPEC 2.2)', () => {
  const kinds = (src: string) => parse(src).statements.map((s) => (s.kind === 'expression' ? s.expr.kind : s.kind));
  assert.deepEqual(kinds('var x = 1.5s'), ['declaration', 'ident']);
  assert.deepEqual(kinds('var x = "a" and "b"'), ['declaration', 'ident', 'reference']);
  assert.deepEqual(kinds('var d = 1h30m'), ['declaration', 'duration']);
  assert.deepEqual(kinds('var t = true'), ['declaration']);
});

test('grammar: typed declarations, dbrp, string lists, chains, trailing commas, udf @', () => {
  const p = parse('dbrp "telegraf"."autogen"\nvar t duration\nvar l = [\'a\', b, *]\nstream|from().groupBy(l,)@udf().opt(1)');
  assert.deepEqual(p.statements.map((s) => s.kind), ['dbrp', 'typeDeclaration', 'declaration', 'expression']);
  const d = p.statements[0] as A.DBRPNode;
  assert.deepEqual([d.db, d.rp], ['telegraf', 'autogen']);
  const chain = (p.statements[3] as A.ExpressionStatement).expr as A.ChainNode;
  assert.equal(chain.op, '.');
  assert.equal((chain.left as A.ChainNode).op, '@');
});

test('positions: line and byte column of function identifiers', () => {
  const p = parse('stream\n    |from()');
  const c = (p.statements[0] as A.ExpressionStatement).expr as A.ChainNode;
  assert.deepEqual([c.right.pos.line, c.right.pos.column], [2, 6]);
});
