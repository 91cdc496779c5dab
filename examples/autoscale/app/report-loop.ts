/**
 * Runs the report schedule (report-schedule.ts) on a clock: sleeps until the next report is due, asks the
 * schedule what the wake-up means, and calls `report` once per slot. Every wake-up re-reads the clock and derives
 * the next due time from it, so late timers never accumulate into drift.
 */
import { realClock, type Clock } from './clock.ts';
import { firstReportAt, onWake, type ReportTiming, type WakeDecision } from './report-schedule.ts';

export interface ReportLoopOptions {
  timing: ReportTiming;
  clock?: Clock;
  /** Sends the report for `slot`; `now` is the wake-up time. */
  report: (slot: number, now: number) => void;
  /** Called for a wake-up that sends nothing (too late in its slot, or the slot already reported); `dueAt` is
   *  when the timer was meant to wake. */
  skipped?: (decision: WakeDecision, now: number, dueAt: number) => void;
}

export class ReportLoop {
  /** The slot of the last report sent (undefined before the first). */
  lastReported: number | undefined;
  private timer: unknown;
  private dueAt = 0;
  private running = false;
  private readonly clock: Clock;
  // Bound once: the timer callback is the same function every second.
  private readonly wake = (): void => { this.onTimer(); };

  constructor(private readonly opts: ReportLoopOptions) {
    this.clock = opts.clock ?? realClock;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.sleepUntil(firstReportAt(this.clock.now(), this.opts.timing));
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private onTimer(): void {
    this.timer = undefined;
    if (!this.running) return;
    const now = this.clock.now();
    const d = onWake(now, this.lastReported, this.opts.timing);
    if (d.outcome === 'report') {
      this.lastReported = d.slot;
      this.opts.report(d.slot, now);
    } else {
      this.opts.skipped?.(d, now, this.dueAt);
    }
    // `report` may have stopped the loop.
    if (this.running) this.sleepUntil(d.nextAt);
  }

  private sleepUntil(at: number): void {
    this.dueAt = at;
    this.timer = this.clock.setTimeout(this.wake, Math.max(0, at - this.clock.now()));
  }
}
