/**
 * When the example app reports, at fixed times and on the virtual clock. The server truncates each report's
 * receive time to the second (SPEC §1.2, precision=s) and two reports of one host in one second are a
 * zero-elapsed derivative error (SPEC Appendix A, §3.8): reports are due mid-second, at most one per second, and
 * a wake-up in the last quarter of a second moves the report to the start of the next (report-schedule.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstReportAt, onWake, reportTiming, ReportTimingError, slotOf } from '../../examples/autoscale/app/report-schedule.ts';
import { ReportLoop } from '../../examples/autoscale/app/report-loop.ts';
import { VirtualClock } from './virtual-clock.ts';
import { mulberry32 as rng } from '../helpers/prng.ts';

const timing = reportTiming(); // 1000 ms slots, due at +500, margin 250
/** A whole wall-clock second (2026-11-29T17:00:00Z), so T0 + k·1000 starts second s0 + k. */
const T0 = Date.UTC(2026, 10, 29, 17, 0, 0);
const s0 = T0 / 1000;

test('timing: defaults are one report per second at mid-second; bad combinations name the option', () => {
  assert.deepEqual(timing, { periodMs: 1000, phaseMs: 500, marginMs: 250 });
  assert.deepEqual(reportTiming({ periodMs: 200 }), { periodMs: 200, phaseMs: 100, marginMs: 50 });
  assert.throws(() => reportTiming({ periodMs: 0 }), (e: unknown) => e instanceof ReportTimingError && /periodMs must be a positive number of milliseconds, got 0/.test(e.message));
  assert.throws(() => reportTiming({ marginMs: 1000 }), /marginMs must be at least 0 and below periodMs \(1000\), got 1000/);
  // A phase inside the margin would never report: rejected.
  assert.throws(() => reportTiming({ phaseMs: 750 }), /phaseMs must be at least 0 and below periodMs - marginMs \(750\), got 750/);
  assert.throws(() => reportTiming({ phaseMs: -1 }), /phaseMs .* got -1/);
});

test('first report: the next mid-second strictly after the start', () => {
  assert.equal(firstReportAt(T0, timing), T0 + 500);
  assert.equal(firstReportAt(T0 + 499, timing), T0 + 500);
  assert.equal(firstReportAt(T0 + 500, timing), T0 + 1500);
  assert.equal(firstReportAt(T0 + 999, timing), T0 + 1500);
  assert.equal(slotOf(T0 + 999, timing), s0);
  assert.equal(slotOf(T0 + 1000, timing), s0 + 1);
});

test('wake-ups at fixed times: on time, early, repeated, late within the margin, too late, stalled for seconds', () => {
  // On time: report for this second, next one mid next second.
  assert.deepEqual(onWake(T0 + 500, undefined, timing), { outcome: 'report', slot: s0, nextAt: T0 + 1500 });
  assert.deepEqual(onWake(T0 + 1500, s0, timing), { outcome: 'report', slot: s0 + 1, nextAt: T0 + 2500 });
  // A timer waking 1 ms early is still in its own second.
  assert.deepEqual(onWake(T0 + 1499, s0, timing), { outcome: 'report', slot: s0 + 1, nextAt: T0 + 2500 });
  // A second wake-up in a second already reported sends nothing (a Go-style "next tick strictly after now" after
  // an early wake at +499 would have reported again at +500, twice in one second).
  assert.deepEqual(onWake(T0 + 1500, s0 + 1, timing), { outcome: 'already-reported', slot: s0 + 1, nextAt: T0 + 2500 });
  // Up to 249 ms late still reports: the POST has 250 ms before the second ends.
  assert.deepEqual(onWake(T0 + 1749, s0, timing), { outcome: 'report', slot: s0 + 1, nextAt: T0 + 2500 });
  // 250 ms late: too close to the next second; the report moves to its start.
  assert.deepEqual(onWake(T0 + 1750, s0, timing), { outcome: 'too-late', slot: s0 + 1, nextAt: T0 + 2000 });
  assert.deepEqual(onWake(T0 + 1999, s0, timing), { outcome: 'too-late', slot: s0 + 1, nextAt: T0 + 2000 });
  // That wake-up reports, for the next second; the second left empty (s0+1) is the one before it.
  assert.deepEqual(onWake(T0 + 2000, s0, timing), { outcome: 'report', slot: s0 + 2, nextAt: T0 + 3500 });
  // Stalled through whole seconds: the seconds stalled through get nothing, the one woken in gets its report.
  assert.deepEqual(onWake(T0 + 2700, s0, timing), { outcome: 'report', slot: s0 + 2, nextAt: T0 + 3500 });
  assert.deepEqual(onWake(T0 + 4800, s0, timing), { outcome: 'too-late', slot: s0 + 4, nextAt: T0 + 5000 });
});

test('any sequence of late or early wake-ups: at most one report per second, each at least 250 ms before its second ends', () => {
  for (const seed of [1, 2, 3, 42, 1234]) {
    const next = rng(seed);
    let now = T0 + Math.floor(next() * 1000);
    let due = firstReportAt(now, timing);
    let last: number | undefined;
    const reported: number[] = [];
    for (let i = 0; i < 2000; i++) {
      // Mostly on time, sometimes a ms early, often late, now and then stalled for up to 3 s, and rarely the wall
      // clock stepped back (NTP) by up to 700 ms, so a timer wakes in the second it already reported.
      const r = next();
      const lateness = r < 0.45 ? 0 : r < 0.5 ? -1 : r < 0.55 ? -Math.floor(next() * 700)
        : r < 0.95 ? Math.floor(next() * 600) : Math.floor(next() * 3000);
      now = due + lateness;
      const d = onWake(now, last, timing);
      assert.equal(d.slot, Math.floor(now / 1000));
      assert.ok(d.nextAt > now, `seed ${seed}: next wake-up ${d.nextAt} not after ${now}`);
      if (d.outcome === 'report') {
        assert.ok(now - d.slot * 1000 < 750, `seed ${seed}: report at +${now - d.slot * 1000} ms into its second`);
        last = d.slot;
        reported.push(d.slot);
      }
      due = d.nextAt;
    }
    const twice = reported.filter((slot, i) => reported.indexOf(slot) !== i);
    assert.deepEqual(twice, [], `seed ${seed}: seconds reported twice`);
    assert.ok(reported.length > 1000, `seed ${seed}: only ${reported.length} reports`);
  }
});

test('loop (virtual clock): on time, one report every second at mid-second', () => {
  const clock = new VirtualClock(T0 + 123);
  const reports: [number, number][] = [];
  const loop = new ReportLoop({ timing, clock, report: (slot, now) => reports.push([slot, now]) });
  loop.start();
  while (clock.now() < T0 + 5000 && clock.runNext());
  assert.deepEqual(reports, [0, 1, 2, 3, 4, 5].map((k) => [s0 + k, T0 + k * 1000 + 500]));
  loop.stop();
  assert.equal(clock.pending(), 0);
  assert.equal(clock.runNext(), false);
});

test('loop (virtual clock): late timers never give a second two reports and never stop the loop', () => {
  const clock = new VirtualClock(T0 + 900);
  // Due +1500 wakes 300 ms late (too late: moved to +2000); due +3500 wakes 200 ms late (reports);
  // due +4500 wakes 1100 ms late (reports in the second it wakes in).
  clock.stallAt(T0 + 1500, 300);
  clock.stallAt(T0 + 3500, 200);
  clock.stallAt(T0 + 4500, 1100);
  const reports: number[] = [];
  const skips: { outcome: string; now: number; dueAt: number }[] = [];
  const loop = new ReportLoop({
    timing, clock,
    report: (_slot, now) => reports.push(now - T0),
    skipped: (d, now, dueAt) => skips.push({ outcome: d.outcome, now: now - T0, dueAt: dueAt - T0 }),
  });
  loop.start();
  while (clock.now() < T0 + 7000 && clock.runNext());
  loop.stop();
  assert.deepEqual(reports, [2000, 3700, 5600, 6500, 7500]);
  assert.deepEqual(skips, [{ outcome: 'too-late', now: 1800, dueAt: 1500 }]);
  assert.equal(new Set(reports.map((r) => Math.floor(r / 1000))).size, reports.length);
});

test('loop: stop() from inside report ends it; start() twice is one loop', () => {
  const clock = new VirtualClock(T0);
  let n = 0;
  const loop: ReportLoop = new ReportLoop({ timing, clock, report: () => { n += 1; if (n === 2) loop.stop(); } });
  loop.start();
  loop.start();
  assert.equal(clock.pending(), 1);
  while (clock.runNext());
  assert.equal(n, 2);
  assert.equal(clock.now(), T0 + 1500);
});
