/**
 * A Clock (runtime/clock.ts) that only moves when the test says so: `await advance(ms)` fires every timer that
 * falls due, in due order (timers set by a firing timer included), with the clock standing at each timer's due
 * time; after each one the event loop turns once (setImmediate), so promises the timer started (an answered
 * query) settle before the next timer fires, as they would between two real runs.
 */
import { setImmediate as turn } from 'node:timers/promises';
import type { Clock, ClockTimer } from '../../runtime/clock.ts';

interface Pending { at: bigint; seq: number; fn: () => void; cancelled: boolean }

export class ManualClock implements Clock {
  private t: bigint;
  private seq = 0;
  private pending: Pending[] = [];
  /** every delay (ms) asked for, in order */
  readonly delays: number[] = [];

  constructor(startNs: bigint) { this.t = startNs; }

  now(): bigint { return this.t; }

  setTimer(fn: () => void, ms: number): ClockTimer {
    this.delays.push(ms);
    const p: Pending = { at: this.t + BigInt(Math.max(0, Math.ceil(ms))) * 1_000_000n, seq: this.seq++, fn, cancelled: false };
    this.pending.push(p);
    return { cancel: () => { p.cancelled = true; } };
  }

  /** timers not cancelled and not fired yet */
  get waiting(): number { return this.pending.filter((p) => !p.cancelled).length; }

  /** Moves the clock forward by `ms`, firing what falls due on the way. */
  advance(ms: number | bigint): Promise<void> {
    return this.advanceTo(this.t + BigInt(ms) * 1_000_000n);
  }

  async advanceTo(end: bigint): Promise<void> {
    for (;;) {
      this.pending = this.pending.filter((p) => !p.cancelled);
      let due: Pending | undefined;
      for (const p of this.pending) if (p.at <= end && (!due || p.at < due.at || (p.at === due.at && p.seq < due.seq))) due = p;
      if (!due) break;
      this.pending.splice(this.pending.indexOf(due), 1);
      if (due.at > this.t) this.t = due.at;
      due.fn();
      await turn();
    }
    this.t = end;
  }
}
