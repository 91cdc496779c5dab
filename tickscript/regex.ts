/**
 * Go RE2 regex syntax → JavaScript RegExp (SPEC 2.1: regexes are compiled with Go's `regexp`).
 *
 * Translated: leading inline flags `(?i)`, `(?s)`, `(?m)` (→ JS flags), named groups `(?P<name>…)` → `(?<name>…)`,
 * `\A` → `^`, `\z` → end of text, `\Q…\E` literal text, `\x{10FFFF}` and octal `\123` code points, `\a` (bell),
 * `\pL` / `\p{Greek}` / `\p{^Greek}` Unicode classes, POSIX classes `[[:alpha:]]` etc. inside brackets, and
 * escaped punctuation (RE2 lets any ASCII punctuation be escaped; JS only some of it).
 * Rejected (RE2 does not have them, JS would silently accept them): look-around `(?=` `(?!` `(?<=` `(?<!`,
 * backreferences `\1`…`\9`, unknown escapes such as `\e`; also RE2 features JS cannot reproduce faithfully:
 * `(?U)` ungreedy mode, inline flags that are not at the start of the pattern. The message follows Go's
 * `error parsing regexp: <what>: `<where>``.
 *
 * The RegExp always has JavaScript's `u` flag: RE2 matches runes (`.` and `[^a]` consume one code point, `(?i)`
 * folds Unicode case), as JS does only in `u` mode. `u` mode is strict, so every character is emitted in a form it
 * accepts (`\-` only inside classes, lone `{`, `}`, `]` escaped, escaped punctuation that JS may not escape as itself).
 *
 * Matching runs in linear time as in Go: patterns that could backtrack are matched by RE2 (tickscript/linear-regex.ts).
 */

import { linearRegex } from './linear-regex.ts';

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

/** Characters JavaScript treats as syntax: escaped with `\` (allowed in and out of classes under `u`). */
const JS_SYNTAX = '^$\\.*+?()[]{}|/';
/** Escapes RE2 and JavaScript share (outside/inside a class). */
const SHARED_OUT = 'dDwWbBfnrtv';
const SHARED_IN = 'dDwWSfnrtv'; // [\S] stays JS's (a class cannot hold a negated set)

export class RegexSyntaxError extends Error {}

/** `c` (one code point) as a literal in a `u`-mode JS pattern. */
function literal(c: string, inClass: boolean): string {
  if (JS_SYNTAX.includes(c)) return '\\' + c;
  if (c === '-') return inClass ? '\\-' : '-'; // `\-` is an "Invalid escape" outside a class under `u`
  return c;
}

/** A code point as a `u`-mode pattern escape (valid in and out of classes, also as a range end). */
function codePoint(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c);
const isOctal = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '7';

export function compileGoRegex(source: string): RegExp {
  let flags = '';
  let s = source;
  // leading inline flag groups, e.g. (?i) or (?is)
  for (;;) {
    const m = /^\(\?([imsU]+)\)/.exec(s);
    if (!m) break;
    for (const f of m[1]!) {
      if (f === 'U') throw new RegexSyntaxError(`error parsing regexp: ungreedy mode (?U) is not supported by tickstream: \`${source}\``);
      if (!flags.includes(f)) flags += f;
    }
    s = s.slice(m[0].length);
  }
  const invalidEscape = (text: string): RegexSyntaxError => new RegexSyntaxError(`error parsing regexp: invalid escape sequence: \`${text}\``);
  let out = '';
  let inClass = false;
  const chars = Array.from(s); // code points, as RE2 reads runes
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\') {
      const n = chars[i + 1];
      if (n === undefined) throw new RegexSyntaxError('error parsing regexp: trailing backslash at end of expression: ``');
      // octal: \0, \0d, \0dd, and \[1-7]d(d) (a single non-zero digit is a backreference RE2 does not have)
      if (n === '0' || (n >= '1' && n <= '7' && isOctal(chars[i + 2]))) {
        let j = i + 1;
        let digits = '';
        while (digits.length < 3 && isOctal(chars[j])) digits += chars[j++]!;
        out += codePoint(parseInt(digits, 8));
        i = j - 1;
        continue;
      }
      if (n >= '1' && n <= '9') throw invalidEscape(`\\${n}`);
      if (n === 'x') {
        let cp: number;
        if (chars[i + 2] === '{') {
          const close = chars.indexOf('}', i + 3);
          const hex = close < 0 ? '' : chars.slice(i + 3, close).join('');
          if (!/^[0-9A-Fa-f]+$/.test(hex) || (cp = parseInt(hex, 16)) > 0x10ffff) {
            throw invalidEscape(chars.slice(i, close < 0 ? chars.length : close + 1).join(''));
          }
          i = close;
        } else {
          if (!isHex(chars[i + 2]) || !isHex(chars[i + 3])) throw invalidEscape(chars.slice(i, i + 4).join(''));
          cp = parseInt(chars[i + 2]! + chars[i + 3]!, 16);
          i += 3;
        }
        out += codePoint(cp);
        continue;
      }
      if (n === 'p' || n === 'P') {
        let name: string;
        let end: number;
        if (chars[i + 2] === '{') {
          end = chars.indexOf('}', i + 3);
          if (end < 0) throw new RegexSyntaxError(`error parsing regexp: invalid character class range: \`${chars.slice(i).join('')}\``);
          name = chars.slice(i + 3, end).join('');
        } else {
          end = i + 2;
          name = chars[end] ?? '';
        }
        let negate = n === 'P';
        if (name.startsWith('^')) { negate = !negate; name = name.slice(1); }
        if (!/^[A-Za-z_]+$/.test(name)) {
          throw new RegexSyntaxError(`error parsing regexp: invalid character class range: \`${chars.slice(i, end + 1).join('')}\``);
        }
        // RE2 names categories (Lu), scripts (Greek) and Any directly; JavaScript needs Script=Greek
        const prop = name === 'Any' || /^[A-Z][a-z]?$/.test(name) ? name : `Script=${name}`;
        out += `\\${negate ? 'P' : 'p'}{${prop}}`;
        i = end;
        continue;
      }
      if (n === 'Q') {
        if (inClass) throw invalidEscape('\\Q');
        // \Q…\E literal text
        let e = -1;
        for (let j = i + 2; j + 1 < chars.length; j++) if (chars[j] === '\\' && chars[j + 1] === 'E') { e = j; break; }
        const lit = chars.slice(i + 2, e < 0 ? chars.length : e);
        for (const l of lit) out += literal(l, false);
        i = e < 0 ? chars.length : e + 1;
        continue;
      }
      if (!inClass && n === 'A') { out += '^'; i++; continue; }
      if (!inClass && n === 'z') { out += '$(?![\\s\\S])'; i++; continue; }
      if (n === 'a') { out += '\\x07'; i++; continue; }
      // RE2's \s is [\t\n\f\r ] (JS's also takes \v and Unicode spaces)
      if (n === 's') { out += inClass ? '\\t\\n\\f\\r ' : '[\\t\\n\\f\\r ]'; i++; continue; }
      if (n === 'S' && !inClass) { out += '[^\\t\\n\\f\\r ]'; i++; continue; }
      if ((inClass ? SHARED_IN : SHARED_OUT).includes(n)) { out += '\\' + n; i++; continue; }
      // RE2: any escaped ASCII punctuation is that character; any other escape is an error
      if (n < '\x80' && !/[0-9A-Za-z]/.test(n)) { out += literal(n, inClass); i++; continue; }
      throw invalidEscape(`\\${n}`);
    }
    if (inClass) {
      if (c === '[' && chars[i + 1] === ':') {
        const rest = chars.slice(i).join('');
        const e = rest.indexOf(':]', 2);
        if (e > 0) {
          let name = rest.slice(2, e);
          const neg = name.startsWith('^');
          if (neg) name = name.slice(1);
          const cls = POSIX[name];
          if (!cls) throw new RegexSyntaxError(`error parsing regexp: invalid character class range: \`${rest.slice(0, e + 2)}\``);
          if (neg) throw new RegexSyntaxError(`error parsing regexp: negated POSIX classes are not supported by tickstream: \`${rest.slice(0, e + 2)}\``);
          out += cls;
          i += Array.from(rest.slice(0, e + 2)).length - 1;
          continue;
        }
      }
      if (c === ']') { inClass = false; out += c; continue; }
      // a '[' inside a class is literal in RE2 and must be escaped for JS's u mode
      out += c === '[' ? '\\[' : c;
      continue;
    }
    if (c === '[') {
      inClass = true; out += c;
      if (chars[i + 1] === '^') { out += '^'; i++; }
      if (chars[i + 1] === ']') { out += '\\]'; i++; } // a leading ] is literal in RE2
      continue;
    }
    if (c === '(' && chars[i + 1] === '?') {
      const rest = chars.slice(i + 2, i + 12).join('');
      if (rest.startsWith('P<')) { out += '(?<'; i += 3; continue; }
      if (rest.startsWith(':')) { out += '(?:'; i += 2; continue; }
      const fl = /^[imsU-]+[:)]/.exec(rest);
      if (fl) {
        throw new RegexSyntaxError(`error parsing regexp: inline flags inside the pattern are not supported by tickstream: \`(?${fl[0]}\`; put them at the start of the pattern`);
      }
      if (/^(=|!|<=|<!)/.test(rest)) {
        throw new RegexSyntaxError(`error parsing regexp: invalid or unsupported Perl syntax: \`(?${rest.slice(0, rest[0] === '<' ? 2 : 1)}\``);
      }
      throw new RegexSyntaxError(`error parsing regexp: invalid or unsupported Perl syntax: \`(?${rest.slice(0, 1)}\``);
    }
    if (c === '{') {
      // RE2 reads `{` as a repetition only in the forms {n}, {n,}, {n,m}; otherwise it is a literal
      const m = /^\{\d+(,\d*)?\}/.exec(chars.slice(i, i + 24).join(''));
      if (m) { out += m[0]; i += m[0].length - 1; } else out += '\\{';
      continue;
    }
    if (c === '}' || c === ']') { out += '\\' + c; continue; } // literal in RE2, lone brackets are errors under u
    out += c;
  }
  let js: RegExp;
  try {
    js = new RegExp(out, flags + 'u');
  } catch (e) {
    const msg = (e as Error).message.replace(/^Invalid regular expression: /, '');
    throw new RegexSyntaxError(`error parsing regexp: ${msg}`);
  }
  try {
    return linearRegex(s, flags, js);
  } catch (e) {
    // RE2's own refusals beyond the checks above (a repeat count over 1000, nesting too deep), in Go's words
    const msg = (e as Error).message;
    throw new RegexSyntaxError(msg.startsWith('error parsing regexp') ? msg : `error parsing regexp: ${msg}`);
  }
}
