/**
 * Go's and InfluxQL's durations, parsed and printed, in one place (they were implemented four times):
 *  - parseDuration: Go's time.ParseDuration (configuration values, `1m30s`, `1.5h`), plus `d` and `w`;
 *  - parseInfluxqlDuration: influxql.ParseDuration (`1h30m`, `10s`: TICKscript literals, duration(), task vars,
 *    CLI flags);
 *  - formatGoDuration: time.Duration.String; formatInfluxqlDuration: influxql.FormatDuration.
 *
 * Duration strings in the configuration file. Kapacitor's config uses influxdb's toml.Duration, which is Go's
 * time.ParseDuration (`10s`, `1m30s`, `1.5h`, `300ms`, `-1h`, `0`); we also accept InfluxQL's `d` and `w` units so
 * `7d` works. Values are exact bigint nanoseconds (fractions below 1ns are truncated, as in Go).
 */
import { NS_PER_H, NS_PER_M, NS_PER_MS, NS_PER_S, NS_PER_US } from '../model/time.ts';

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

const UNIT_NS: Record<string, bigint> = {
  ns: 1n, u: 1000n, 'µ': 1000n, ms: 1000000n, s: 1000000000n, m: 60000000000n, h: 3600000000000n, d: 86400000000000n, w: 604800000000000n,
};

/** influxql.ParseDuration: sequences of <int><unit>, e.g. 1h30m, 10s, 5ms (a bare 0 is allowed) */
export function parseInfluxqlDuration(s: string): bigint | undefined {
  if (s === '0') return 0n;
  let rest = s;
  let neg = false;
  if (rest.startsWith('-')) { neg = true; rest = rest.slice(1); }
  if (rest === '') return undefined;
  let total = 0n;
  const re = /^(\d+)(ns|ms|u|µ|s|m|h|d|w)/;
  while (rest !== '') {
    const m = re.exec(rest);
    if (!m) return undefined;
    total += BigInt(m[1]!) * UNIT_NS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return neg ? -total : total;
}

/** Go's time.Duration.String: `0s`, `1.5ms`, `12.345µs`, `2m3.5s`, `1h0m0s`. */
export function formatGoDuration(d: bigint): string {
  if (d === 0n) return '0s';
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < NS_PER_S) {
    let unit: string; let prec: bigint;
    if (u < NS_PER_US) return (neg ? '-' : '') + u + 'ns';
    else if (u < NS_PER_MS) { unit = 'µs'; prec = NS_PER_US; }
    else { unit = 'ms'; prec = NS_PER_MS; }
    out = fmtFrac(u, prec) + unit;
  } else {
    const h = u / NS_PER_H; u -= h * NS_PER_H;
    const m = u / NS_PER_M; u -= m * NS_PER_M;
    const s = fmtFrac(u, NS_PER_S) + 's';
    if (h > 0n) out = h + 'h' + m + 'm' + s;
    else if (m > 0n) out = m + 'm' + s;
    else out = s;
  }
  return (neg ? '-' : '') + out;
}

function fmtFrac(v: bigint, unit: bigint): string {
  const whole = v / unit;
  const frac = v % unit;
  if (frac === 0n) return String(whole);
  const digits = String(unit).length - 1;
  return whole + '.' + String(frac).padStart(digits, '0').replace(/0+$/, '');
}

/**
 * InfluxQL's FormatDuration (used by `string(duration)` in lambdas and by the formatter for computed
 * durations): the largest unit that divides the value exactly: `1w`, `1d`, `1h`, `1m`, `90s`, `1500ms`,
 * `15u`, `7` (ns have no unit); zero is `0s`.
 */
export function formatInfluxqlDuration(d: bigint): string {
  if (d === 0n) return '0s';
  const neg = d < 0n;
  const u = neg ? -d : d;
  const sign = neg ? '-' : '';
  const W = 7n * 24n * NS_PER_H; const D = 24n * NS_PER_H;
  if (u % W === 0n) return sign + u / W + 'w';
  if (u % D === 0n) return sign + u / D + 'd';
  if (u % NS_PER_H === 0n) return sign + u / NS_PER_H + 'h';
  if (u % NS_PER_M === 0n) return sign + u / NS_PER_M + 'm';
  if (u % NS_PER_S === 0n) return sign + u / NS_PER_S + 's';
  if (u % NS_PER_MS === 0n) return sign + u / NS_PER_MS + 'ms';
  if (u % NS_PER_US === 0n) return sign + u / NS_PER_US + 'u';
  return sign + u + 'ns';
}
