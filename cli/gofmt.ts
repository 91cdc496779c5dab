/**
 * Go `fmt` behaviours the real CLI's output depends on: `%v` of JSON-decoded values (floats via gocompat's goFloat),
 * `%-Nv` padding, and time.RFC822 dates in the zone the server's timestamp carries. Float formatting and `%q`
 * quoting live in gocompat/format.ts, shared with alert templates and the line-protocol errors.
 */
import { goFloat } from '../gocompat/format.ts';

/** Go's `%v` of a JSON-decoded value (numbers are float64, lists print as `[a b]`, nil as `<nil>`). */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'number') return goFloat(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return '[' + v.map(goValue).join(' ') + ']';
  return 'map[' + Object.keys(v).sort().map((k) => `${k}:${goValue((v as Record<string, unknown>)[k])}`).join(' ') + ']';
}

/** `%-Nv`: left-justify to N characters (never truncates). */
export function padRight(s: string, n: number): string {
  const len = Array.from(s).length;
  return len >= n ? s : s + ' '.repeat(n - len);
}

/** `%Nv`: right-justify to N characters. */
export function padLeft(s: string, n: number): string {
  const len = Array.from(s).length;
  return len >= n ? s : ' '.repeat(n - len) + s;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * time.RFC822 (`02 Jan 06 15:04 MST`) of an RFC3339 timestamp, in the zone written in the timestamp itself
 * (Go keeps the parsed offset): `Z` → `UTC`, `+01:00` → `+0100` (a fixed zone has no abbreviation).
 * Returns the input unchanged when it is not RFC3339.
 */
export function rfc822(ts: string): string {
  const m = /^(-?\d{4,})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):\d{2}(?:\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(ts);
  if (!m) return ts;
  const year = m[1]!;
  const month = MONTHS[Number(m[2]) - 1] ?? m[2]!;
  const zone = m[6] === 'Z' || m[6] === 'z' ? 'UTC' : m[6]!.replace(':', '');
  return `${m[3]} ${month} ${year.slice(-2)} ${m[4]}:${m[5]} ${zone}`;
}
