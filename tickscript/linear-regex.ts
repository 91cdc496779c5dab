/**
 * Linear-time matching for TICKscript regexes (issue 17): Go's regexp is RE2, which has no catastrophic
 * backtracking, and a task author must not be able to stall the server with `/(a+)+$/`. JavaScript's RegExp
 * backtracks, so a pattern runs on it only when its shape makes backtracking harmless; every other pattern
 * runs on re2js (a JavaScript port of RE2, linear in the input).
 *
 * The fast path (V8's RegExp) is kept for the patterns that dominate real scripts and cannot blow up:
 *  - no quantifier at all (literals, classes, alternations of literals): O(input × pattern);
 *  - anchored at the start (`^` / `\A`, no top-level `|`, no `(?m)`) with exactly one quantifier, on a single
 *    character atom (`^cpu\d+$`, `^web-.*`): one match attempt whose only choice point is that quantifier.
 * Anything else — nested or repeated quantifiers, quantified groups, unanchored quantifiers (`\d+x` backtracks
 * O(n²) on a backtracking engine) — is matched by RE2.
 *
 * `LinearRegExp` is a RegExp (lambdas, `regexReplace` and the pipeline model take RegExp values) whose matching
 * methods are RE2's; the inherited backtracking engine is never run.
 */
import { RE2JS } from 're2js';

/** A RegExp whose matching is done by RE2 (re2js): linear in the input, Go's RE2 semantics. */
export class LinearRegExp extends RegExp {
  readonly re2: RE2JS;

  /** `jsSource`/`jsFlags`: the translated pattern (what `.source`/`.flags` show); `re2` the compiled Go pattern. */
  constructor(jsSource: string, jsFlags: string, re2: RE2JS) {
    super(jsSource, jsFlags);
    this.re2 = re2;
  }

  // derived RegExps (split, matchAll) must not fall back to this class's constructor signature
  static override get [Symbol.species](): RegExpConstructor { return RegExp; }

  override test(s: string): boolean {
    return this.re2.test(s);
  }

  override exec(s: string): RegExpExecArray | null {
    return this.re2.exec(s) as RegExpExecArray | null;
  }

  override [Symbol.split](s: string, limit?: number): string[] {
    return this.re2.split(s, limit);
  }

  /** Every non-overlapping match, left to right (what `regexReplace` replaces). */
  matches(s: string): IterableIterator<RegExpMatchArray> {
    return this.re2.matchAll(s);
  }
}

/** Go flag letters (leading `(?ims)`) → re2js flags. */
function re2Flags(goFlags: string): number {
  let f = 0;
  if (goFlags.includes('i')) f |= RE2JS.CASE_INSENSITIVE;
  if (goFlags.includes('s')) f |= RE2JS.DOTALL;
  if (goFlags.includes('m')) f |= RE2JS.MULTILINE;
  return f;
}

/**
 * Whether a backtracking engine runs `goBody` (the Go pattern without its leading flag group) in time linear
 * in the input, by the rules in the file comment. Conservative: unsure means false (RE2 then matches it).
 */
export function backtrackingSafe(goBody: string, goFlags: string): boolean {
  const chars = Array.from(goBody);
  let quantifiers = 0;
  let topLevelAlternation = false;
  let depth = 0;
  let inClass = false;
  let prevWasGroupEnd = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\') {
      if (chars[i + 1] === 'Q') return false; // literal runs: rare, leave them to RE2
      i++;
      prevWasGroupEnd = false;
      continue;
    }
    if (inClass) {
      if (c === '[' && chars[i + 1] === ':') { const e = goBody.indexOf(':]', i); if (e > 0) i = Array.from(goBody.slice(0, e + 1)).length; }
      else if (c === ']') inClass = false;
      continue;
    }
    const quantifier = c === '*' || c === '+' || c === '?' || (c === '{' && /^\{\d+(,\d*)?\}/.test(chars.slice(i, i + 24).join('')));
    if (quantifier) {
      if (prevWasGroupEnd) return false; // a quantified group
      quantifiers++;
      if (quantifiers > 1) return false;
      if (c === '{') i = chars.indexOf('}', i);
      continue;
    }
    prevWasGroupEnd = false;
    if (c === '[') {
      inClass = true;
      if (chars[i + 1] === '^') i++;
      if (chars[i + 1] === ']') i++;
    } else if (c === '(') depth++;
    else if (c === ')') { depth--; prevWasGroupEnd = true; }
    else if (c === '|' && depth === 0) topLevelAlternation = true;
  }
  if (quantifiers === 0) return true;
  const anchored = (goBody.startsWith('^') || goBody.startsWith('\\A')) && !topLevelAlternation && !goFlags.includes('m');
  return anchored;
}

/**
 * The RegExp a TICKscript regex literal runs as: `js` (already translated and checked by compileGoRegex) when
 * backtracking is harmless, else a LinearRegExp over RE2's compilation of the Go source. Throws RE2's own
 * `error parsing regexp: …` for what RE2 refuses beyond the translator's checks (e.g. a repeat count over 1000).
 */
export function linearRegex(goBody: string, goFlags: string, js: RegExp): RegExp {
  // RE2 validates every pattern (also those the fast path runs), so what Go refuses is refused here too
  const re2 = RE2JS.compile(goBody, re2Flags(goFlags));
  return backtrackingSafe(goBody, goFlags) ? js : new LinearRegExp(js.source, js.flags, re2);
}
