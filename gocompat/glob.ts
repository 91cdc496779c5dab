/**
 * Go's `path/filepath.Match` (Kapacitor filters task and template lists with it): `*` any run of characters,
 * `?` one character, `[a-z]`/`[^a-z]` classes, `\` escapes. IDs never contain '/', so the separator rule of
 * filepath.Match does not matter here. An empty pattern matches everything (Kapacitor skips matching then).
 *
 * The pattern is translated to a RegExp with the `u` flag (so `?` and classes work on code points, like Go's
 * runes). Under `u` only syntax characters may be escaped (`\-` outside a class is a SyntaxError), so literal
 * characters are escaped only when they are RegExp syntax, and class members as `\u{…}` code points.
 */

export class BadPatternError extends Error {
  override name = 'BadPatternError';
}

/** RegExp syntax characters: the only ones that may (and must) be escaped outside a class under the `u` flag. */
const SYNTAX = /[\\^$.*+?()[\]{}|/]/;

/** Compiles a Go glob into a RegExp; throws BadPatternError for a malformed pattern (Go's ErrBadPattern). */
export function compileGlob(pattern: string): RegExp {
  const bad = (why: string): BadPatternError => new BadPatternError(`syntax error in pattern ${JSON.stringify(pattern)}: ${why}`);
  const chars = Array.from(pattern);
  let re = '^';
  let i = 0;
  // Go's getEsc: one class member, `\` escapes the next character; '-' and ']' must be escaped; the class
  // must not end right after a member (Go reports ErrBadPattern when nothing follows).
  const member = (): number => {
    let c = chars[i];
    if (c === undefined) throw bad("unterminated '['");
    if (c === '-' || c === ']') throw bad(`unescaped '${c}' in character class`);
    if (c === '\\') {
      i++;
      c = chars[i];
      if (c === undefined) throw bad('trailing backslash');
    }
    i++;
    if (i >= chars.length) throw bad("unterminated '['");
    return c.codePointAt(0)!;
  };
  while (i < chars.length) {
    const c = chars[i]!;
    if (c === '*') { re += '[^/]*'; i++; continue; }
    if (c === '?') { re += '[^/]'; i++; continue; }
    if (c === '\\') {
      i++;
      const e = chars[i];
      if (e === undefined) throw bad('trailing backslash');
      re += literal(e);
      i++;
      continue;
    }
    if (c !== '[') { re += literal(c); i++; continue; }
    i++;
    let negated = false;
    if (chars[i] === '^') { negated = true; i++; }
    let cls = '';
    for (let n = 0; ; n++) {
      if (chars[i] === ']' && n > 0) { i++; break; }
      const lo = member();
      let hi = lo;
      if (chars[i] === '-') { i++; hi = member(); }
      // Go accepts a reversed range (it simply matches nothing); a JS class would throw on it
      if (lo <= hi) cls += lo === hi ? cp(lo) : `${cp(lo)}-${cp(hi)}`;
    }
    // `[]` matches nothing and `[^]` everything, as an all-reversed Go class does
    re += `[${negated ? '^' : ''}${cls}]`;
  }
  return new RegExp(re + '$', 'u');
}

function literal(c: string): string {
  return SYNTAX.test(c) ? '\\' + c : c;
}

function cp(code: number): string {
  return `\\u{${code.toString(16)}}`;
}

/** A matcher for `pattern` ('' matches everything). */
export function globMatcher(pattern: string): (id: string) => boolean {
  if (pattern === '') return () => true;
  const re = compileGlob(pattern);
  return (id) => re.test(id);
}
