/**
 * A virtual clock for pacing tests: time moves only when the test runs the next timer, so a schedule can be
 * checked exactly, independent of how busy the machine is. `stallAt` makes the first timer due at or after a
 * given time fire late, the way a busy event loop wakes a timer late.
 */
import type { PacerClock } from '../../examples/autoscale/ramp/pacer.ts';

interface Timer { id: number; at: number; fn: () => void }

export class VirtualClock implements PacerClock {
  private t: number;
  private nextId = 1;
  private timers: Timer[] = [];
  private stalls: { at: number; by: number }[] = [];

  /** `start`: the initial time, e.g. a wall-clock epoch time for code that works on whole seconds. */
  constructor(start = 0) { this.t = start; }

  now(): number { return this.t; }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { id: this.nextId++, at: this.t + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }

  /** The first timer due at or after `at` fires `by` ms late. */
  stallAt(at: number, by: number): void { this.stalls.push({ at, by }); }

  /** Runs the earliest timer, moving the time to its due time (plus a stall). False when none is pending. */
  runNext(): boolean {
    if (this.timers.length === 0) return false;
    let i = 0;
    for (let j = 1; j < this.timers.length; j++) if (this.timers[j]!.at < this.timers[i]!.at) i = j;
    const [timer] = this.timers.splice(i, 1);
    let at = Math.max(this.t, timer!.at);
    const s = this.stalls.findIndex((x) => at >= x.at);
    if (s >= 0) { at += this.stalls[s]!.by; this.stalls.splice(s, 1); }
    this.t = at;
    timer!.fn();
    return true;
  }

  /** Timers not yet run. */
  pending(): number { return this.timers.length; }

  /** Runs timers until `work` settles; promise callbacks run between timers (a real setImmediate flushes them). */
  async drive<T>(work: Promise<T>, maxTimers = 100_000): Promise<T> {
    let done = false;
    const p = work.finally(() => { done = true; });
    for (let n = 0; ; n++) {
      await new Promise((r) => setImmediate(r));
      if (done) return p;
      if (n >= maxTimers) throw new Error(`virtual clock: still running after ${maxTimers} timers`);
      if (!this.runNext()) throw new Error(`virtual clock: no timer pending at ${this.t} ms and the work is not done`);
    }
  }
}
