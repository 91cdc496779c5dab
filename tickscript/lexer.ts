/**
 * TICKscript lexer, modelled on Kapacitor's `tick/ast/lex.go` (SPEC 2.1).
 *
 * The lexer is stateful like Kapacitor's: binary operators (and `=`) are only recognised right after an operand
 * (identifier/keyword, number, duration, string, reference, `)`), and `/` starts a regex only where an operand may
 * start. A lexer error becomes an `error` token (the parser reports it as the unexpected token) and ends lexing.
 *
 * Every token gets a one-character *class* (TOKEN_CHARS); the peggy grammar parses the string of classes.
 */

export type TokenType =
  | 'EOF' | 'error' | 'identifier' | 'number' | 'string' | 'duration' | 'reference' | 'regex'
  | 'var' | 'dbrp' | 'lambda' | 'TRUE' | 'FALSE' | 'AND' | 'OR'
  | '|' | '.' | '@' | '=' | '(' | ')' | ',' | '[' | ']' | '!'
  | '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '=~' | '!~';

/** token type → the single character the grammar matches on */
export const TOKEN_CHARS: Readonly<Record<Exclude<TokenType, 'EOF'>, string>> = {
  error: 'X', identifier: 'i', number: 'n', string: 's', duration: 'd', reference: 'r', regex: 'x',
  var: 'v', dbrp: 'b', lambda: 'l', TRUE: 'T', FALSE: 'F', AND: 'A', OR: 'O',
  '|': '|', '.': '.', '@': '@', '=': '=', '(': '(', ')': ')', ',': ',', '[': '[', ']': ']', '!': '!',
  '+': '+', '-': '-', '*': '*', '/': '/', '%': '%', '==': 'e', '!=': 'E', '<': '<', '<=': 'L', '>': '>',
  '>=': 'G', '=~': '~', '!~': 'N',
};

export interface Token {
  readonly type: TokenType;
  /** raw text (for `error` tokens: the lexer message) */
  readonly text: string;
  /** decoded value for strings, references, regexes (escapes processed) */
  readonly value: string;
  /** byte offset (UTF-8) of the first byte, as Kapacitor counts positions */
  readonly pos: number;
  /** UTF-16 index of the first character in the source string */
  readonly index: number;
  /** UTF-16 index one past the last character */
  readonly end: number;
  /** the `//` comment block directly before this token (each line without `//`), if any */
  readonly comments: readonly string[] | undefined;
  /** string tokens: written as '''…''' */
  readonly triple?: boolean;
}

const UNITS_1 = new Set(['u', 'µ', 's', 'm', 'h', 'd', 'w']);
const KEYWORDS: Readonly<Record<string, TokenType>> = { var: 'var', dbrp: 'dbrp', TRUE: 'TRUE', FALSE: 'FALSE', AND: 'AND', OR: 'OR' };

/** Single-quoted strings, field references and regexes: one scanner, told apart by their quote character. */
const QUOTED: Readonly<Record<string, { type: TokenType; unterminated: string; operand: boolean }>> = {
  "'": { type: 'string', unterminated: 'unterminated string', operand: true },
  '"': { type: 'reference', unterminated: 'unterminated field reference', operand: true },
  // binary operators are not recognised after a regex (SPEC 2.1 operators row)
  '/': { type: 'regex', unterminated: 'unterminated regex', operand: false },
};

/**
 * The quoted text from the opening `quote` at `start`: its value (the only escape is a backslash before the
 * quote character; any other backslash stays) and the index past the closing quote, or undefined if unclosed.
 */
function scanQuoted(src: string, start: number, quote: string): { value: string; end: number } | undefined {
  let j = start + 1;
  let value = '';
  for (;;) {
    if (j >= src.length) return undefined;
    const d = src[j]!;
    if (d === '\\' && src[j + 1] === quote) { value += quote; j += 2; continue; }
    if (d === quote) return { value, end: j + 1 };
    value += d; j++;
  }
}

function isLetter(ch: string): boolean {
  return /\p{L}/u.test(ch);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isSpace(ch: string): boolean {
  return /\s/u.test(ch);
}

/** Go's %q rendering of a rune, as in `unknown state, last char: '#'`. */
export function goQuoteRune(ch: string): string {
  const cp = ch.codePointAt(0)!;
  if (ch === "'") return "'\\''";
  if (ch === '\\') return "'\\\\'";
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };
  if (named[cp]) return `'${named[cp]}'`;
  if (cp < 0x20 || cp === 0x7f) return `'\\x${cp.toString(16).padStart(2, '0')}'`;
  if (/[\p{C}]/u.test(ch)) return cp > 0xffff ? `'\\U${cp.toString(16).padStart(8, '0')}'` : `'\\u${cp.toString(16).padStart(4, '0')}'`;
  return `'${ch}'`;
}

/** UTF-8 byte offsets for every UTF-16 index (positions in messages are byte based, like Go). */
export function byteOffsets(src: string): Uint32Array {
  const out = new Uint32Array(src.length + 1);
  let b = 0;
  for (let i = 0; i < src.length; i++) {
    out[i] = b;
    const c = src.charCodeAt(i);
    if (c < 0x80) b += 1;
    else if (c < 0x800) b += 2;
    else if (c >= 0xd800 && c <= 0xdbff) { out[i + 1] = b; b += 4; i++; }
    else b += 3;
  }
  out[src.length] = b;
  return out;
}

export function lex(src: string): Token[] {
  const tokens: Token[] = [];
  const bytes = byteOffsets(src);
  let i = 0;
  /** true right after an operand: binary operators are recognised only here */
  let afterOperand = false;
  let pending: string[] | undefined;

  const push = (type: TokenType, start: number, end: number, value: string, extra?: { triple?: boolean }): void => {
    tokens.push({ type, text: src.slice(start, end), value, pos: bytes[start]!, index: start, end, comments: pending, ...extra });
    pending = undefined;
  };
  const fail = (msg: string, start: number): Token[] => {
    tokens.push({ type: 'error', text: msg, value: msg, pos: bytes[start]!, index: start, end: start, comments: pending });
    return tokens;
  };

  while (i < src.length) {
    const ch = String.fromCodePoint(src.codePointAt(i)!);
    const c = src.charCodeAt(i);
    if (isSpace(ch)) { i += ch.length; continue; }
    // comments: `//` to end of line, in both lexer states
    if (ch === '/' && src[i + 1] === '/') {
      let e = src.indexOf('\n', i);
      if (e < 0) e = src.length;
      (pending ??= []).push(src.slice(i + 2, e).replace(/\r$/, ''));
      i = e;
      continue;
    }
    if (afterOperand) {
      // operator state (lexOperator)
      const two = src.slice(i, i + 2);
      if (two === '==' || two === '!=' || two === '<=' || two === '>=' || two === '=~' || two === '!~') {
        push(two as TokenType, i, i + 2, two); i += 2; afterOperand = false; continue;
      }
      if ('+-*/%<>='.includes(ch)) {
        push(ch as TokenType, i, i + 1, ch); i += 1; afterOperand = false; continue;
      }
      afterOperand = false; // not an operator: lex as a token
    }
    const start = i;
    if (isLetter(ch)) {
      let j = i + ch.length;
      while (j < src.length) {
        const d = String.fromCodePoint(src.codePointAt(j)!);
        if (isLetter(d) || isDigit(d.charCodeAt(0)) || d === '_') j += d.length; else break;
      }
      const word = src.slice(i, j);
      if (word === 'lambda' && src[j] === ':') {
        push('lambda', i, j + 1, word); i = j + 1;
        // verified: directly after `lambda:` a `/` is division, i.e. the lexer is in operator state
        afterOperand = true; continue;
      }
      const t = KEYWORDS[word] ?? 'identifier';
      push(t, i, j, word); i = j;
      afterOperand = t !== 'AND' && t !== 'OR';
      continue;
    }
    if (isDigit(c) || (ch === '.' && isDigit(src.charCodeAt(i + 1)))) {
      let j = i;
      let dots = 0;
      while (j < src.length) {
        const d = src.charCodeAt(j);
        if (isDigit(d)) { j++; continue; }
        if (d === 46) {
          if (dots === 1) return fail('multiple decimals in number', start);
          dots++; j++; continue;
        }
        break;
      }
      if (dots === 0) {
        // duration: integer digits + exactly one unit (ms before m)
        const u2 = src.slice(j, j + 2);
        const u1 = src[j] ?? '';
        if (u2 === 'ms') { push('duration', i, j + 2, src.slice(i, j + 2)); i = j + 2; afterOperand = true; continue; }
        if (UNITS_1.has(u1)) { push('duration', i, j + 1, src.slice(i, j + 1)); i = j + 1; afterOperand = true; continue; }
      }
      push('number', i, j, src.slice(i, j)); i = j; afterOperand = true;
      continue;
    }
    if (ch === "'" && src.startsWith("'''", i)) {
      const e = src.indexOf("'''", i + 3);
      if (e < 0) return fail('unterminated string', start);
      push('string', i, e + 3, src.slice(i + 3, e), { triple: true }); i = e + 3; afterOperand = true; continue;
    }
    const quoted = QUOTED[ch];
    if (quoted !== undefined) {
      const q = scanQuoted(src, i, ch);
      if (q === undefined) return fail(quoted.unterminated, start);
      push(quoted.type, i, q.end, q.value); i = q.end; afterOperand = quoted.operand;
      continue;
    }
    if ('|.@(),[]*-!'.includes(ch)) {
      if (ch === '!' && (src[i + 1] === '=' || src[i + 1] === '~')) {
        // `!=`/`!~` at operand position: Kapacitor's token state only knows unary `!`
        push('!', i, i + 1, ch); i += 1; continue;
      }
      push(ch as TokenType, i, i + 1, ch); i += 1;
      afterOperand = ch === ')';
      continue;
    }
    return fail(`unknown state, last char: ${goQuoteRune(ch)}`, start);
  }
  tokens.push({ type: 'EOF', text: '', value: '', pos: bytes[src.length]!, index: src.length, end: src.length, comments: pending });
  return tokens;
}
