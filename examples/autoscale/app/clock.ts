/**
 * The clock the app's report loop runs on: wall-clock time plus timers. A parameter so the loop can be checked
 * against a virtual clock (test/examples/virtual-clock.ts) whatever the machine's load; the app runs on
 * `realClock`. Kept inside app/ because the app's image bundles only this folder (see Dockerfile).
 */

export interface Clock {
  /** Wall-clock milliseconds since the Unix epoch (the server truncates its receive time on this scale). */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};
