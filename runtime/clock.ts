/**
 * The wall clock that schedules work in data-independent time (batch query runs): injected through
 * `RuntimeServices.clock` so tests drive schedules with a manual clock instead of sleeping. Default: the system
 * clock (Date.now, setTimeout).
 */
export interface ClockTimer {
  cancel(): void;
}

export interface Clock {
  /** now, ns since the Unix epoch */
  now(): bigint;
  /** calls `fn` once, `ms` milliseconds from now */
  setTimer(fn: () => void, ms: number): ClockTimer;
}

export const systemClock: Clock = {
  now: () => BigInt(Date.now()) * 1_000_000n,
  setTimer(fn, ms) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};
