/** Go regexp.ReplaceAllString template expansion: `$1`, `${1}`, `${name}`, `$name`, `$$` (SPEC 2.6 regexReplace). */
import { LinearRegExp } from '../linear-regex.ts';

export function goReplaceAll(re: RegExp, src: string, repl: string): string {
  if (re instanceof LinearRegExp) return replaceLinear(re, src, repl);
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
  return src.replace(g, (...m: unknown[]) => {
    const last = m[m.length - 1];
    const groups = (typeof last === 'object' && last !== null ? last : undefined) as Record<string, string | undefined> | undefined;
    const nGroups = m.length - (groups ? 3 : 2);
    const captured = m.slice(0, nGroups) as (string | undefined)[];
    return expand(repl, captured, groups);
  });
}

/** goReplaceAll on RE2 (patterns that could backtrack on JavaScript's engine). */
function replaceLinear(re: LinearRegExp, src: string, repl: string): string {
  let out = '';
  let last = 0;
  let matched = false;
  for (const m of re.matches(src)) {
    const at = m.index ?? 0;
    // Go: "empty matches abutting a preceding match are ignored"
    if (m[0] === '' && matched && at === last) continue;
    matched = true;
    out += src.slice(last, at) + expand(repl, Array.from(m) as (string | undefined)[], m.groups);
    last = at + m[0].length;
  }
  return out + src.slice(last);
}

function expand(t: string, caps: (string | undefined)[], groups: Record<string, string | undefined> | undefined): string {
  let out = '';
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (c !== '$' || i + 1 >= t.length) { out += c; continue; }
    if (t[i + 1] === '$') { out += '$'; i++; continue; }
    let name: string;
    if (t[i + 1] === '{') {
      const e = t.indexOf('}', i + 2);
      if (e < 0) { out += c; continue; }
      name = t.slice(i + 2, e);
      i = e;
    } else {
      // Go takes the longest sequence of letters, digits and underscores as the name
      const m = /^[A-Za-z0-9_]+/.exec(t.slice(i + 1));
      if (!m) { out += c; continue; }
      name = m[0];
      i += name.length;
    }
    if (/^\d+$/.test(name)) out += caps[Number(name)] ?? '';
    else out += groups?.[name] ?? '';
  }
  return out;
}
