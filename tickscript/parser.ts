/**
 * parse(script) → Program. Lexes with tickscript/lexer.ts, then runs the peggy parser generated from
 * tickscript/grammar/tickscript.peggy over the token classes; the builder below turns token indexes into AST nodes
 * and reports errors in Kapacitor's format (SPEC 2.7):
 *   parser: unexpected <TOKEN> line <L> char <C> in "<CONTEXT>". expected: <"tok1","tok2",...>
 */
import { parse as pegParse } from './grammar/parser.generated.js';
import { lex, TOKEN_CHARS, type Token } from './lexer.ts';
import { TickscriptError } from './errors.ts';
import { compileGoRegex, RegexSyntaxError } from './regex.ts';
import { DEFAULT_SCRIPT_LIMITS, checkScriptSize, tooDeepError, tooDeepToken, type ScriptLimits } from './limits.ts';
import type * as A from './ast.ts';
import { parseInfluxqlDuration } from '../gocompat/duration.ts';

/** Kapacitor's `primary()` default case (verified example in SPEC 2.7). */
const PRIMARY_EXPECTED = ['number', 'string', 'duration', 'identifier', 'TRUE', 'FALSE', '==', '(', '-', '!'];

const INT64_MAX = (1n << 63n) - 1n;

/** Parse a duration literal as the lexer produced it (`10s`, `5ms`, `1w`). */
export function durationLiteralNs(lit: string): bigint {
  // the lexer's shape (one count, one unit); the value is influxql.ParseDuration's (gocompat/duration.ts)
  const ns = /^(\d+)(ms|u|µ|s|m|h|d|w)$/.test(lit) ? parseInfluxqlDuration(lit) : undefined;
  if (ns === undefined) throw new TickscriptError(`parser: invalid duration string "${lit}"`);
  // durations are int64 nanoseconds (influxql.ParseDuration reports overflow)
  if (ns > INT64_MAX) throw new TickscriptError(`parser: overflowed duration "${lit}"`);
  return ns;
}

/** Go strconv.ParseInt(text, 0, 64) for the digits-only literals the lexer produces (leading 0 = octal). */
export function parseIntLiteral(text: string): bigint | undefined {
  let v: bigint;
  if (text.length > 1 && text[0] === '0') {
    if (!/^[0-7]+$/.test(text)) return undefined;
    v = BigInt('0o' + text.slice(1));
  } else {
    v = BigInt(text);
  }
  return v > INT64_MAX ? undefined : v;
}

class Builder {
  readonly PRIMARY_EXPECTED = PRIMARY_EXPECTED;
  private readonly lineStarts: number[] = [0];

  constructor(private readonly src: string, private readonly tokens: Token[]) {
    for (let i = 0; i < src.length; i++) if (src.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  private tok(i: number): Token {
    return this.tokens[Math.min(i, this.tokens.length - 1)]!;
  }

  /** line/char of a UTF-16 index; char counts bytes since the last newline, like Kapacitor */
  posOfIndex(index: number): A.Pos {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= index) lo = mid; else hi = mid - 1;
    }
    const start = this.lineStarts[lo]!;
    const column = Buffer.byteLength(this.src.slice(start, index)) + 1;
    return { line: lo + 1, column, index };
  }

  pos(i: number): A.Pos {
    return this.posOfIndex(this.tok(i).index);
  }

  private comments(i: number): readonly string[] | undefined {
    return this.tok(i).comments;
  }

  fail(i: number, expected: readonly string[]): never {
    const t = this.tok(i);
    const p = this.posOfIndex(t.index);
    // context: up to 10 bytes either side of the token start, cut at newlines (parser.go `unexpected`)
    const buf = Buffer.from(this.src);
    let start = Math.max(0, t.pos - 10);
    const before = buf.subarray(start, t.pos);
    const nl = before.lastIndexOf(10);
    if (nl >= 0) start += nl + 1;
    let stop = Math.min(buf.length, t.pos + 10);
    const after = buf.subarray(t.pos, stop);
    const nl2 = after.indexOf(10);
    if (nl2 >= 0) stop = t.pos + nl2;
    const context = buf.subarray(start, stop).toString();
    const name = t.type === 'error' ? t.text : t.type;
    const exp = expected.map((e) => JSON.stringify(e)).join(',');
    throw new TickscriptError(`parser: unexpected ${name} line ${p.line} char ${p.column} in "${context}". expected: ${exp}`,
      { line: p.line, column: p.column, hint: hintFor(t, expected) });
  }

  program(stmts: A.Statement[]): A.Program {
    return { kind: 'program', statements: stmts, trailingComments: this.tokens[this.tokens.length - 1]!.comments };
  }

  exprStatement(e: A.Expr): A.ExpressionStatement {
    // the statement's comment is the one before its first token, i.e. on the leftmost leaf
    let leaf = e;
    while (leaf.kind === 'chain' || leaf.kind === 'binary') leaf = leaf.left;
    const c = leaf.comments;
    leaf.comments = undefined;
    return { kind: 'expression', expr: e, pos: e.pos, comments: c };
  }

  declaration(v: number, n: number, rest: { typed: number } | { value: A.Expr }): A.Statement {
    const name = this.tok(n).text;
    if ('typed' in rest) {
      return { kind: 'typeDeclaration', name, type: this.tok(rest.typed).text, typePos: this.pos(rest.typed), pos: this.pos(v), comments: this.comments(v) };
    }
    return { kind: 'declaration', name, namePos: this.pos(n), value: rest.value, pos: this.pos(v), comments: this.comments(v) };
  }

  dbrp(d: number, db: number, rp: number): A.DBRPNode {
    return { kind: 'dbrp', db: this.tok(db).value, rp: this.tok(rp).value, pos: this.pos(d), comments: this.comments(d) };
  }

  ident(i: number): A.IdentNode {
    return { kind: 'ident', name: this.tok(i).text, pos: this.pos(i), comments: this.comments(i) };
  }

  func(i: number, args: A.Expr[], close: number): A.FunctionNode {
    const multiline = this.pos(close).line !== this.pos(i).line;
    return { kind: 'function', name: this.tok(i).text, args, multiline, pos: this.pos(i), comments: this.comments(i) };
  }

  chain(head: A.Expr, links: [number, A.FunctionNode | A.IdentNode][]): A.Expr {
    let cur = head;
    for (const [o, r] of links) {
      const op = this.tok(o).type as '|' | '.' | '@';
      cur = { kind: 'chain', op, left: cur, right: r, pos: this.pos(o), comments: this.comments(o) };
    }
    return cur;
  }

  lambda(l: number, e: A.Expr): A.LambdaNode {
    return { kind: 'lambda', expr: e, pos: this.pos(l), comments: this.comments(l) };
  }

  list(s: number, items: number[]): A.ListNode {
    const nodes = items.map((i): A.StringNode | A.IdentNode | A.StarNode => {
      const t = this.tok(i);
      if (t.type === 'string') return { kind: 'string', value: t.value, triple: !!t.triple, pos: this.pos(i) };
      if (t.type === 'identifier') return this.ident(i);
      return { kind: 'star', pos: this.pos(i) };
    });
    return { kind: 'list', items: nodes, pos: this.pos(s), comments: this.comments(s) };
  }

  binary(head: A.Expr, tail: [number, A.Expr][]): A.Expr {
    let cur = head;
    for (const [o, r] of tail) {
      const t = this.tok(o);
      const op = (t.type === 'AND' || t.type === 'OR' ? t.type : t.text) as A.BinaryOp;
      const multiline = this.posOfIndex(r.pos.index).line > this.pos(o).line;
      cur = { kind: 'binary', op, left: cur, right: r, parens: false, multiline, pos: cur.pos, comments: undefined };
    }
    return cur;
  }

  unary(o: number, p: A.Expr): A.UnaryNode {
    return { kind: 'unary', op: this.tok(o).text as '-' | '!', operand: p, pos: this.pos(o), comments: this.comments(o) };
  }

  parens(_o: number, e: A.Expr): A.Expr {
    if (e.kind === 'binary') e.parens = true;
    return e;
  }

  literal(i: number): A.Expr {
    const t = this.tok(i);
    const pos = this.pos(i);
    const comments = this.comments(i);
    switch (t.type) {
      case 'number': {
        if (t.text.includes('.')) {
          return { kind: 'number', isInt: false, int: 0n, float: Number(t.text), literal: t.text, pos, comments };
        }
        const v = parseIntLiteral(t.text);
        // literal errors carry no position in Kapacitor (SPEC 2.7)
        if (v === undefined) throw new TickscriptError(`parser: illegal number syntax: ${JSON.stringify(t.text)}`);
        return { kind: 'number', isInt: true, int: v, float: Number(v), literal: t.text, pos, comments };
      }
      case 'string': return { kind: 'string', value: t.value, triple: !!t.triple, pos, comments };
      case 'duration': return { kind: 'duration', ns: durationLiteralNs(t.text), literal: t.text, pos, comments };
      case 'regex': {
        try {
          return { kind: 'regex', source: t.value, regex: compileGoRegex(t.value), pos, comments };
        } catch (e) {
          if (e instanceof RegexSyntaxError) throw new TickscriptError(`parser: ${e.message}`);
          throw e;
        }
      }
      case 'reference': return { kind: 'reference', name: t.value, pos, comments };
      case '*': return { kind: 'star', pos, comments };
      case 'TRUE': return { kind: 'bool', value: true, pos, comments };
      case 'FALSE': return { kind: 'bool', value: false, pos, comments };
      default: throw new Error(`internal: literal() on ${t.type}`);
    }
  }
}

/** Actionable hints for the cryptic parse errors users hit most. */
function hintFor(t: Token, expected: readonly string[]): string | undefined {
  if (t.type === 'error') {
    if (t.text.includes("'&'")) return 'use AND / OR for logical operators';
    if (t.text === 'unterminated string') return "strings are written in single quotes: 'text' (''' for multi-line)";
    if (t.text === 'unterminated field reference') return 'field/tag references are written in double quotes: "field"';
    return undefined;
  }
  if (t.type === '|' && expected === PRIMARY_EXPECTED) return 'a chain must start with a node such as stream or batch, e.g. stream|from()';
  if (t.type === '=' && expected.length === 1 && expected[0] === ')') return 'compare with == (a single = only assigns in var declarations)';
  if (t.type === 'string' && expected[0] === 'reference') return 'dbrp names are double-quoted: dbrp "db"."rp"';
  return undefined;
}

export function parse(src: string, limits: ScriptLimits = DEFAULT_SCRIPT_LIMITS): A.Program {
  checkScriptSize(src, limits);
  const tokens = lex(src);
  let chars = '';
  for (const t of tokens) if (t.type !== 'EOF') chars += TOKEN_CHARS[t.type];
  const builder = new Builder(src, tokens);
  const deep = tooDeepToken(tokens, limits.maxDepth);
  if (deep) throw tooDeepError(builder.posOfIndex(deep.index), limits.maxDepth);
  try {
    return pegParse(chars, { builder } as never) as A.Program;
  } catch (e) {
    if (e instanceof TickscriptError) throw e;
    if (e instanceof RangeError) throw new TickscriptError('parser: expression nesting too deep', { hint: 'split the expression into vars' });
    // the grammar reports every failure through builder.fail; anything else is a grammar bug, still reported as a
    // TickscriptError with a position so callers never see another exception type
    const off = (e as { location?: { start: { offset: number } } }).location?.start.offset ?? tokens.length - 1;
    return builder.fail(off, []);
  }
}
