/**
 * Duration strings in the configuration file. Kapacitor's config uses influxdb's toml.Duration, which is Go's
 * time.ParseDuration (`10s`, `1m30s`, `1.5h`, `300ms`, `-1h`, `0`); we also accept InfluxQL's `d` and `w` units so
 * `7d` works. Values are exact bigint nanoseconds (fractions below 1ns are truncated, as in Go).
 */

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n, // U+00B5 micro sign
  'μs': 1000n, // U+03BC greek mu
  u: 1000n,
  ms: 1000000n,
  s: 1000000000n,
  m: 60000000000n,
  h: 3600000000000n,
  d: 86400000000000n,
  w: 604800000000000n,
};

const MAX_INT64 = 9223372036854775807n;

/** Parses a Go/InfluxQL duration string into nanoseconds; returns an error message instead of throwing. */
export function parseDuration(text: string): { ok: true; value: bigint } | { ok: false; error: string } {
  const bad = (): { ok: false; error: string } => ({ ok: false, error: `invalid duration ${JSON.stringify(text)}` });
  let s = text;
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return { ok: true, value: 0n };
  if (s === '') return bad();
  let total = 0n;
  const re = /(\d*)(?:\.(\d*))?([a-zµμ]+)/y;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return bad();
    const [, whole = '', frac = '', unitName = ''] = m;
    if (whole === '' && frac === '') return bad();
    const unit = UNITS[unitName];
    if (unit === undefined) return { ok: false, error: `unknown unit ${JSON.stringify(unitName)} in duration ${JSON.stringify(text)}` };
    let v = (whole === '' ? 0n : BigInt(whole)) * unit;
    if (frac !== '') v += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    total += v;
    if (total > MAX_INT64) return { ok: false, error: `invalid duration ${JSON.stringify(text)} (out of range)` };
    pos = re.lastIndex;
  }
  return { ok: true, value: neg ? -total : total };
}
