/**
 * The wall clock for work scheduled in data-independent time (batch query runs, barrier idle/period timers, stats
 * intervals, influxDBOut flushes): injected through `RuntimeServices.clock` so tests drive timers with a manual
 * clock (test/helpers/manual-clock.ts) instead of sleeping. Nodes never read Date.now() or set timers directly for
 * such work. Default: the system clock (Date.now, setTimeout/setInterval), whose timers are `unref()`ed: scheduled
 * background work never by itself keeps the process alive (the server's listeners do).
 */
export interface ClockTimer {
  cancel(): void;
}

export interface Clock {
  /** now, ns since the Unix epoch */
  now(): bigint;
  /** calls `fn` once, `ms` milliseconds from now */
  setTimer(fn: () => void, ms: number): ClockTimer;
  /** calls `fn` every `ms` milliseconds (first after `ms`) until cancelled */
  setInterval(fn: () => void, ms: number): ClockTimer;
}

export const systemClock: Clock = {
  now: () => BigInt(Date.now()) * 1_000_000n,
  setTimer(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
  setInterval(fn, ms) {
    const t = setInterval(fn, ms);
    t.unref();
    return { cancel: () => clearInterval(t) };
  },
};
