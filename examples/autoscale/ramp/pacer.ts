/**
 * Paces the ramp's requests, independent of how a request is sent: for each level, level × interval requests
 * due at an even spacing of 1/qps from the level's start (like `hey -q … -n …` in ramp.sh, SPEC §1.3). A request
 * is never sent before it falls due; after a late wake-up, everything that fell due is sent at once (still within
 * the level, even when the wake-up is past the level's end). In-flight requests are capped; requests held back by
 * the cap until the level's interval ends are dropped and counted as `skipped`, so a slow target never stretches
 * the run or grows a queue without bound.
 *
 * The clock is a parameter so the schedule can be checked against a virtual clock (test/examples/ramp.test.ts);
 * the ramp itself runs on `realClock`.
 */

import { realClock, type Clock } from '../app/clock.ts';

/** The app's clock interface (examples/autoscale/app/clock.ts): wall-clock ms plus timers. */
export type PacerClock = Clock;

export interface PacerOptions {
  levels: number[];
  intervalMs: number;
  /** Maximum requests in flight. */
  cap: number;
  /** How long to wait at a time for the last requests to settle after the last level. */
  drainWaitMs: number;
  /** Sends one request; the sender calls `settled()` exactly once when it is answered or has failed. */
  fire: () => void;
  clock?: PacerClock;
  /** Called when a level starts (ramp.sh prints `<date> QPS <qps>` here). */
  onLevel?: (qps: number, index: number, startedAt: number) => void;
  signal?: AbortSignal;
}

export class Pacer {
  /** Requests sent and not yet settled. */
  inFlight = 0;
  /** Requests the cap kept back until their level ended. */
  skipped = 0;
  private wake: (() => void) | undefined;
  private readonly clock: PacerClock;

  constructor(private readonly opts: PacerOptions) {
    this.clock = opts.clock ?? realClock;
  }

  /** A request is over: frees its slot and wakes the loop if it was waiting for one. */
  settled(): void {
    this.inFlight -= 1;
    const w = this.wake;
    if (w) { this.wake = undefined; w(); }
  }

  async run(): Promise<void> {
    const { levels, intervalMs, cap, signal } = this.opts;
    const clock = this.clock;
    for (let i = 0; i < levels.length && !signal?.aborted; i++) {
      const qps = levels[i]!;
      const start = clock.now();
      const end = start + intervalMs;
      const total = Math.round((qps * intervalMs) / 1000);
      this.opts.onLevel?.(qps, i, start);
      let issued = 0;
      while (!signal?.aborted) {
        const now = clock.now();
        // Request k falls due at start + k/qps (all of them before the level's end); a late wake-up sends what
        // fell due at once. The due time is computed the same way here and for the wake-up below, so a timer
        // that fires exactly at it always finds the request due (no rounding gap to spin on).
        while (issued < total && this.inFlight < cap && start + (issued * 1000) / qps <= now) {
          this.inFlight += 1;
          issued += 1;
          this.opts.fire();
        }
        if (now >= end) break;
        if (issued >= total) { await this.pause(end - now); continue; }
        const nextDue = start + (issued * 1000) / qps;
        await this.pause(this.inFlight >= cap ? end - now : Math.min(nextDue - now, end - now));
      }
      // Requests the cap kept back; an abort is not a skip.
      if (!signal?.aborted) this.skipped += total - issued;
    }
    // Let the last requests finish (the sender bounds each one by its timeout).
    while (this.inFlight > 0) await this.pause(this.opts.drainWaitMs);
  }

  /** Sleeps until `ms` passes, a request settles (freeing capacity) or the run is aborted. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.opts.signal;
      const t = this.clock.setTimeout(done, Math.max(0, ms));
      const self = this;
      function done(): void {
        self.clock.clearTimeout(t);
        self.wake = undefined;
        signal?.removeEventListener('abort', done);
        resolve();
      }
      this.wake = done;
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
