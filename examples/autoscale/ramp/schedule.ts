/**
 * The load ramp's schedule, as the seed's ramp.sh computes it (SPEC §1.3): qps = step × c with c = 1, 2, …;
 * after a level at or above `max` has run, c counts back down; the ramp ends when qps reaches 0.
 * So max 5000 step 10 gives 10, 20, …, 5000, 4990, …, 10; a max that is not a multiple of step is
 * overshot to the next multiple (max 55 step 10: 10, …, 60, 50, …, 10), exactly as ramp.sh does.
 */
export function rampLevels(max: number, step: number): number[] {
  if (!Number.isFinite(step) || step <= 0) throw new RangeError(`step must be a positive number of QPS, got ${step}`);
  if (!Number.isFinite(max) || max <= 0) throw new RangeError(`max must be a positive number of QPS, got ${max}`);
  const levels: number[] = [];
  let c = 1;
  let dir = 1;
  for (;;) {
    const qps = step * c;
    if (qps <= 0) return levels;
    levels.push(qps);
    if (qps >= max) dir = -1;
    c += dir;
  }
}

/**
 * Parses a step interval: a number with an optional unit ms, s or m; a bare number means seconds
 * (ramp.sh's d=5). Returns milliseconds.
 */
export function parseInterval(text: string): number {
  const m = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new RangeError(`invalid interval ${JSON.stringify(text)}: expected e.g. 5s, 500ms, 1m or 5`);
  const n = Number(m[1]);
  const ms = m[2] === 'ms' ? n : m[2] === 'm' ? n * 60000 : n * 1000;
  if (ms <= 0) throw new RangeError(`invalid interval ${JSON.stringify(text)}: must be greater than zero`);
  return ms;
}

/** `date`'s default output in UTC (`Sun Nov 29 15:54:00 UTC 2026`), which ramp.sh prints before each QPS. */
export function formatDate(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${day} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}
