/**
 * Time helpers. Times are bigint nanoseconds since the Unix epoch (UTC); durations are bigint nanoseconds.
 * Formatting follows Go, because Kapacitor's output is Go's: RFC3339Nano for times, time.Duration.String
 * for durations shown in DOT stats.
 */

export const NS_PER_US = 1000n;
export const NS_PER_MS = 1000000n;
export const NS_PER_S = 1000000000n;
export const NS_PER_M = 60n * NS_PER_S;
export const NS_PER_H = 60n * NS_PER_M;

/** Seconds between Go's zero time (0001-01-01T00:00:00Z) and the Unix epoch. */
const GO_ZERO_OFFSET_NS = 62135596800n * NS_PER_S;

/** Go's zero time (0001-01-01T00:00:00Z) in Unix nanoseconds. */
export const GO_ZERO_TIME = -GO_ZERO_OFFSET_NS;

/** Nanoseconds per unit of a write `precision` query parameter ('' and 'n'/'ns' mean nanoseconds). */
export function precisionMultiplier(precision: string): bigint | undefined {
  switch (precision) {
    case '': case 'n': case 'ns': return 1n;
    case 'u': case 'us': case 'µ': return NS_PER_US;
    case 'ms': return NS_PER_MS;
    case 's': return NS_PER_S;
    case 'm': return NS_PER_M;
    case 'h': return NS_PER_H;
    default: return undefined;
  }
}

/** Current wall-clock time in ns (millisecond resolution is enough for receive stamps, exact as bigint). */
export function nowNs(): bigint {
  return BigInt(Date.now()) * NS_PER_MS;
}

function floorMod(a: bigint, d: bigint): bigint {
  const r = a % d;
  return r < 0n ? r + d : r;
}

/** Go's Time.Truncate: round down to a multiple of d since Go's zero time (so 1w aligns to Mondays). */
export function truncateTime(t: bigint, d: bigint): bigint {
  if (d <= 0n) return t;
  return t - floorMod(t + GO_ZERO_OFFSET_NS, d);
}

/** Go's Time.Round: nearest multiple of d since Go's zero time, halves rounded up. */
export function roundTime(t: bigint, d: bigint): bigint {
  if (d <= 0n) return t;
  const r = floorMod(t + GO_ZERO_OFFSET_NS, d);
  return r + r < d ? t - r : t + (d - r);
}

const pad2 = (n: number): string => (n < 10 ? '0' + n : '' + n);

/**
 * Go's time.RFC3339Nano in UTC: `2016-11-08T18:21:07Z`, `2016-11-08T18:21:07.5Z` — fractional seconds only
 * when non-zero, trailing zeros trimmed (unlike Date.toISOString, which always prints `.000`).
 */
export function formatRFC3339Nano(t: bigint): string {
  let sec = t / NS_PER_S;
  let nsec = t % NS_PER_S;
  if (nsec < 0n) { nsec += NS_PER_S; sec -= 1n; }
  const d = new Date(Number(sec) * 1000);
  const y = d.getUTCFullYear();
  const year = y >= 0 && y <= 9999 ? String(y).padStart(4, '0') : String(y);
  let s = year + '-' + pad2(d.getUTCMonth() + 1) + '-' + pad2(d.getUTCDate()) + 'T' +
    pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes()) + ':' + pad2(d.getUTCSeconds());
  if (nsec !== 0n) {
    s += '.' + String(nsec).padStart(9, '0').replace(/0+$/, '');
  }
  return s + 'Z';
}

/** Parse an RFC3339 / RFC3339Nano timestamp (Z or ±hh:mm) into ns. Returns undefined when malformed. */
export function parseRFC3339(s: string): bigint | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return undefined;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  if (Number.isNaN(ms)) return undefined;
  let ns = BigInt(ms) * NS_PER_MS;
  if (m[7]) ns += BigInt(m[7].padEnd(9, '0'));
  const z = m[8]!;
  if (z !== 'Z' && z !== 'z') {
    const sign = z[0] === '-' ? -1n : 1n;
    const off = BigInt(+z.slice(1, 3) * 3600 + +z.slice(4, 6) * 60) * NS_PER_S;
    ns -= sign * off;
  }
  return ns;
}

