/**
 * Go's `path/filepath.Match` (Kapacitor filters task and template lists with it): `*` any run of characters,
 * `?` one character, `[a-z]`/`[^a-z]` classes, `\` escapes. IDs never contain '/', so the separator rule of
 * filepath.Match does not matter here. An empty pattern matches everything (Kapacitor skips matching then).
 */

export class BadPatternError extends Error {
  override name = 'BadPatternError';
}

/** Compiles a Go glob into a RegExp; throws BadPatternError for a malformed pattern (Go's ErrBadPattern). */
export function compileGlob(pattern: string): RegExp {
  let re = '^';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\') {
      i++;
      if (i >= chars.length) throw new BadPatternError(`syntax error in pattern ${JSON.stringify(pattern)}: trailing backslash`);
      re += escapeRe(chars[i]!);
    } else if (c === '[') {
      i++;
      let cls = '[';
      if (chars[i] === '^') { cls += '^'; i++; }
      let n = 0;
      for (;; n++) {
        if (i >= chars.length) throw new BadPatternError(`syntax error in pattern ${JSON.stringify(pattern)}: unterminated '['`);
        if (chars[i] === ']' && n > 0) break;
        let lo = chars[i]!;
        if (lo === '\\') { i++; lo = chars[i] ?? ''; }
        if (lo === '' || (lo === ']' && n === 0 && chars[i - 1] !== '\\')) {
          throw new BadPatternError(`syntax error in pattern ${JSON.stringify(pattern)}: empty character class`);
        }
        cls += escapeClass(lo);
        if (chars[i + 1] === '-' && chars[i + 2] !== undefined && chars[i + 2] !== ']') {
          let hi = chars[i + 2]!;
          i += 2;
          if (hi === '\\') { i++; hi = chars[i] ?? ''; if (hi === '') break; }
          if (hi < lo) throw new BadPatternError(`syntax error in pattern ${JSON.stringify(pattern)}: bad range ${lo}-${hi}`);
          cls += '-' + escapeClass(hi);
        }
        i++;
      }
      re += cls + ']';
    } else re += escapeRe(c);
  }
  return new RegExp(re + '$', 'u');
}

function escapeRe(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? '\\' + c : c;
}

function escapeClass(c: string): string {
  return /[\\\]^-]/.test(c) ? '\\' + c : c;
}

/** A matcher for `pattern` ('' matches everything). */
export function globMatcher(pattern: string): (id: string) => boolean {
  if (pattern === '') return () => true;
  const re = compileGlob(pattern);
  return (id) => re.test(id);
}
