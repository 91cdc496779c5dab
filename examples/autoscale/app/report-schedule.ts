/**
 * When the example app reports: the scheduling decision, as pure functions of the wall-clock time.
 *
 * The server stamps each line with its receive time truncated to whole seconds (SPEC §1.2, precision=s). Two
 * reports of one replica landing in the same second give the TICKscript's derivative a zero elapsed time (an
 * error, and no rate for that second; SPEC Appendix A, §3.8); a second with none leaves a gap. A Go ticker started
 * at an arbitrary instant can sit right on a second boundary, where jitter does both. So reports are due in the
 * middle of each second (`phaseMs`), half a second away from either boundary, and:
 *  - a second gets at most one report (an early or repeated wake-up in a reported second sends nothing);
 *  - a wake-up in the last `marginMs` of a second sends nothing: that late, the POST could arrive in the next
 *    second, which will have its own report. The report moves to the start of the next second instead, which is
 *    safe: the second before it is the one just left empty.
 * With the defaults (1000/500/250) a timer up to 250 ms late changes nothing, and a stalled loop loses at most
 * the seconds it stalled through.
 *
 * "Slot" below is the index of a period since the epoch, i.e. the truncated second with the default timing.
 */

export interface ReportTiming {
  /** Length of one slot, ms: the server's timestamp precision (precision=s → 1000). */
  readonly periodMs: number;
  /** Offset within a slot at which its report is due, ms (default: the middle). */
  readonly phaseMs: number;
  /** A wake-up this close to the end of its slot sends nothing, ms (default: a quarter period). */
  readonly marginMs: number;
}

export class ReportTimingError extends Error {}

/** Fills in the defaults and checks the combination; the error names the option at fault. */
export function reportTiming(o: { periodMs?: number; phaseMs?: number; marginMs?: number } = {}): ReportTiming {
  const periodMs = o.periodMs ?? 1000;
  if (!Number.isFinite(periodMs) || periodMs <= 0) {
    throw new ReportTimingError(`report periodMs must be a positive number of milliseconds, got ${periodMs}`);
  }
  const phaseMs = o.phaseMs ?? periodMs / 2;
  const marginMs = o.marginMs ?? periodMs / 4;
  if (!Number.isFinite(marginMs) || marginMs < 0 || marginMs >= periodMs) {
    throw new ReportTimingError(`report marginMs must be at least 0 and below periodMs (${periodMs}), got ${marginMs}`);
  }
  // A phase inside the margin would make every on-time wake-up a late one: nothing would ever be sent.
  if (!Number.isFinite(phaseMs) || phaseMs < 0 || phaseMs >= periodMs - marginMs) {
    throw new ReportTimingError(
      `report phaseMs must be at least 0 and below periodMs - marginMs (${periodMs - marginMs}), got ${phaseMs}`);
  }
  return { periodMs, phaseMs, marginMs };
}

/** The slot `t` falls in. */
export function slotOf(t: number, timing: ReportTiming): number {
  return Math.floor(t / timing.periodMs);
}

/** When the first report is due after starting at `now`: the next phase point strictly after it. */
export function firstReportAt(now: number, timing: ReportTiming): number {
  const start = slotOf(now, timing) * timing.periodMs;
  return now < start + timing.phaseMs ? start + timing.phaseMs : start + timing.periodMs + timing.phaseMs;
}

export type WakeOutcome =
  /** Report now, for `slot`. */
  | 'report'
  /** `slot` already has its report (an early or repeated wake-up). */
  | 'already-reported'
  /** Woke within the margin before the end of `slot`: the report moves to the start of the next slot. */
  | 'too-late';

export interface WakeDecision {
  outcome: WakeOutcome;
  /** The slot the wake-up fell in. */
  slot: number;
  /** When to wake next. */
  nextAt: number;
}

/**
 * What to do when the report timer wakes at `now`, the last report having gone out in slot `lastReported`
 * (undefined before the first report).
 */
export function onWake(now: number, lastReported: number | undefined, timing: ReportTiming): WakeDecision {
  const slot = slotOf(now, timing);
  const nextSlotStart = (slot + 1) * timing.periodMs;
  if (slot === lastReported) return { outcome: 'already-reported', slot, nextAt: nextSlotStart + timing.phaseMs };
  if (now >= nextSlotStart - timing.marginMs) return { outcome: 'too-late', slot, nextAt: nextSlotStart };
  return { outcome: 'report', slot, nextAt: nextSlotStart + timing.phaseMs };
}
