/**
 * When a `query()` node runs (Kapacitor batch.go timeTicker / cronTicker): `.every(d)` — every d from the task's
 * start, or with `.align()` on multiples of d — or `.cron('…')` (model/cron.ts, local time zone as Kapacitor).
 * The same ticker answers both questions: the live schedule (`first`, `after`) and the runs over a past range that
 * `record batch` and `/replays/batch` make (`next`, Kapacitor's ticker.Next).
 */
import type { CronExpression } from '../../model/cron.ts';

export interface QueryTicker {
  /** Kapacitor's ticker.Next(t): the run after time t (every: t + d, rounded to d with align); undefined = none left */
  next(t: bigint): bigint | undefined;
  /** the first live run when the node starts at `now` */
  first(now: bigint): bigint | undefined;
  /** the live run after the one due at `at`, at clock time `now` ≥ at: runs already missed are skipped (Go's ticker drops them) */
  after(at: bigint, now: bigint): bigint | undefined;
}

/** Go's Time.Round for durations dividing a day: the nearest multiple of d (halves up). */
function roundTo(t: bigint, d: bigint): bigint {
  const r = ((t % d) + d) % d;
  return r + r < d ? t - r : t - r + d;
}

export function everyTicker(every: bigint, align: boolean): QueryTicker {
  return {
    next: (t) => (align ? roundTo(t + every, every) : t + every),
    // aligned: the first multiple of every after now (Kapacitor: now.Truncate(every).Add(every))
    first: (now) => (align ? (now / every + 1n) * every : now + every),
    after: (at, now) => {
      let n = at + every;
      if (n <= now) n += ((now - n) / every + 1n) * every;
      return n;
    },
  };
}

export function cronTicker(expr: CronExpression): QueryTicker {
  return {
    next: (t) => expr.next(t),
    first: (now) => expr.next(now),
    after: (at, now) => expr.next(at > now ? at : now),
  };
}
