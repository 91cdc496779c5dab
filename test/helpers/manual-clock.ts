/**
 * A Clock (runtime/clock.ts) that only moves when the test says so: `await advance(ms)` fires every timer that
 * falls due, in due order (timers set by a firing timer included, an interval once per period passed), with the
 * clock standing at each timer's due time; after each one the event loop turns once (setImmediate), so promises
 * the timer started (an answered query) settle before the next timer fires, as they would between two real runs.
 */
import { setImmediate as turn } from 'node:timers/promises';
import type { Clock, ClockTimer } from '../../runtime/clock.ts';

interface Pending { at: bigint; seq: number; fn: () => void; cancelled: boolean; /** interval period (ns); 0 = once */ every: bigint }

const MS = 1_000_000n;

export class ManualClock implements Clock {
  private t: bigint;
  private seq = 0;
  private pending: Pending[] = [];
  /** every delay (ms) asked for by setTimer, in order */
  readonly delays: number[] = [];
  /** every period (ms) asked for by setInterval, in order */
  readonly periods: number[] = [];

  constructor(startNs: bigint) { this.t = startNs; }

  now(): bigint { return this.t; }

  setTimer(fn: () => void, ms: number): ClockTimer {
    this.delays.push(ms);
    return this.add(fn, ms, false);
  }

  setInterval(fn: () => void, ms: number): ClockTimer {
    this.periods.push(ms);
    return this.add(fn, ms, true);
  }

  /** timers not cancelled and not fired yet (an interval counts until it is cancelled) */
  get waiting(): number { return this.pending.filter((p) => !p.cancelled).length; }

  /** Moves the clock forward by `ms`, firing what falls due on the way. */
  advance(ms: number | bigint): Promise<void> {
    return this.advanceTo(this.t + BigInt(ms) * MS);
  }

  async advanceTo(end: bigint): Promise<void> {
    for (;;) {
      this.pending = this.pending.filter((p) => !p.cancelled);
      let due: Pending | undefined;
      for (const p of this.pending) if (p.at <= end && (!due || p.at < due.at || (p.at === due.at && p.seq < due.seq))) due = p;
      if (!due) break;
      if (due.at > this.t) this.t = due.at;
      if (due.every > 0n) { due.at += due.every; due.seq = this.seq++; } // re-armed before it runs, as a ticker is
      else this.pending.splice(this.pending.indexOf(due), 1);
      due.fn();
      await turn();
    }
    this.t = end;
  }

  private add(fn: () => void, ms: number, repeat: boolean): ClockTimer {
    // like Node's timers: whole milliseconds, at least 1 for an interval (a 0 period would never let time pass)
    const d = BigInt(Math.max(repeat ? 1 : 0, Math.ceil(ms))) * MS;
    const p: Pending = { at: this.t + d, seq: this.seq++, fn, cancelled: false, every: repeat ? d : 0n };
    this.pending.push(p);
    return { cancel: () => { p.cancelled = true; } };
  }
}
