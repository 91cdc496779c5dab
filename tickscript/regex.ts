/**
 * Go RE2 regex syntax → JavaScript RegExp (SPEC 2.1: regexes are compiled with Go's `regexp`).
 *
 * Translated: leading inline flags `(?i)`, `(?s)`, `(?m)` (→ JS flags), named groups `(?P<name>…)` → `(?<name>…)`,
 * `\A` → `^`, `\z` → end of text, POSIX classes `[[:alpha:]]` etc. inside brackets.
 * Rejected (RE2 does not have them, JS would silently accept them): look-around `(?=` `(?!` `(?<=` `(?<!`,
 * backreferences `\1`…`\9`; also RE2 features JS cannot reproduce faithfully: `(?U)` ungreedy mode,
 * inline flags that are not at the start of the pattern. The message follows Go's
 * `error parsing regexp: <what>: `<where>``.
 */

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

export class RegexSyntaxError extends Error {}

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
  let out = '';
  let inClass = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      const n = s[i + 1];
      if (n === undefined) throw new RegexSyntaxError('error parsing regexp: trailing backslash at end of expression: ``');
      if (!inClass && n >= '1' && n <= '9') {
        throw new RegexSyntaxError(`error parsing regexp: invalid escape sequence: \`\\${n}\``);
      }
      if (!inClass && n === 'A') { out += '^'; i++; continue; }
      if (!inClass && n === 'z') { out += '$(?![\\s\\S])'; i++; continue; }
      if (n === 'Q') {
        // \Q…\E literal text
        const e = s.indexOf('\\E', i + 2);
        const lit = e < 0 ? s.slice(i + 2) : s.slice(i + 2, e);
        out += lit.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = e < 0 ? s.length : e + 1;
        continue;
      }
      out += c + n; i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && s[i + 1] === ':') {
        const e = s.indexOf(':]', i + 2);
        if (e > 0) {
          let name = s.slice(i + 2, e);
          const neg = name.startsWith('^');
          if (neg) name = name.slice(1);
          const cls = POSIX[name];
          if (!cls) throw new RegexSyntaxError(`error parsing regexp: invalid character class range: \`${s.slice(i, e + 2)}\``);
          if (neg) throw new RegexSyntaxError(`error parsing regexp: negated POSIX classes are not supported by tickstream: \`${s.slice(i, e + 2)}\``);
          out += cls; i = e + 1;
          continue;
        }
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true; out += c;
      if (s[i + 1] === '^') { out += '^'; i++; }
      if (s[i + 1] === ']') { out += '\\]'; i++; } // a leading ] is literal in RE2
      continue;
    }
    if (c === '(' && s[i + 1] === '?') {
      const rest = s.slice(i + 2);
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
    out += c;
  }
  // Unicode classes (\pL, \p{Greek}) need JavaScript's u flag; without it \p would silently mean "p"
  if (/\\[pP]/.test(out)) {
    flags += 'u';
    out = out.replace(/\\([pP])([A-Za-z])/g, '\\$1{$2}')
      // RE2 names scripts directly (\p{Greek}); JavaScript needs Script=Greek (categories like Lu stay as they are)
      .replace(/\\([pP])\{(\^?)([A-Za-z_]+)\}/g, (_m, p: string, neg: string, name: string) => {
        const P = neg ? (p === 'p' ? 'P' : 'p') : p;
        return /^[A-Z][a-z]?$/.test(name) ? `\\${P}{${name}}` : `\\${P}{Script=${name}}`;
      });
  }
  try {
    return new RegExp(out, flags);
  } catch (e) {
    const msg = (e as Error).message.replace(/^Invalid regular expression: /, '');
    throw new RegexSyntaxError(`error parsing regexp: ${msg}`);
  }
}
