/**
 * The load ramp reproduces ramp.sh (SPEC §1.3): +step QPS every interval up to max, then back down to 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatDate, parseInterval, rampLevels } from '../../examples/autoscale/ramp/schedule.ts';
import { runRamp } from '../../examples/autoscale/ramp/load.ts';
import { Pacer } from '../../examples/autoscale/ramp/pacer.ts';
import { VirtualClock } from './virtual-clock.ts';
import { spawnTs } from './helpers.ts';

test('levels follow ramp.sh: step, 2·step, … up to max, then down to step (SPEC §1.3)', () => {
  assert.deepEqual(rampLevels(50, 10), [10, 20, 30, 40, 50, 40, 30, 20, 10]);
  // ramp.sh flips only after a level >= max has run, so a max between multiples is overshot once.
  assert.deepEqual(rampLevels(55, 10), [10, 20, 30, 40, 50, 60, 50, 40, 30, 20, 10]);
  assert.deepEqual(rampLevels(10, 10), [10]);
  // Defaults: 10 up to 5000 and back = 500 + 499 levels of 5 s ≈ 2500 s each way (SPEC §1.3).
  const d = rampLevels(5000, 10);
  assert.equal(d.length, 999);
  assert.equal(d[499], 5000);
  assert.equal(d[998], 10);
  assert.throws(() => rampLevels(100, 0), /step must be a positive number of QPS, got 0/);
  assert.throws(() => rampLevels(-1, 10), /max must be a positive number of QPS, got -1/);
});

test('intervals: Go-style units, bare numbers are seconds', () => {
  assert.equal(parseInterval('5s'), 5000);
  assert.equal(parseInterval('5'), 5000);
  assert.equal(parseInterval('250ms'), 250);
  assert.equal(parseInterval('1.5s'), 1500);
  assert.equal(parseInterval('1m'), 60000);
  assert.throws(() => parseInterval('5h'), /invalid interval "5h"/);
  assert.throws(() => parseInterval('0s'), /must be greater than zero/);
});

test('date is printed like date(1) in UTC', () => {
  assert.equal(formatDate(new Date(Date.UTC(2016, 10, 8, 18, 21, 7))), 'Tue Nov  8 18:21:07 UTC 2016');
  assert.equal(formatDate(new Date(Date.UTC(2026, 0, 31, 3, 4, 5))), 'Sat Jan 31 03:04:05 UTC 2026');
});

/** Paces `levels` on a virtual clock with a sender that answers after `latencyMs` (0: at once); records sends. */
async function paceVirtually(levels: number[], intervalMs: number, o: { cap?: number; latencyMs?: number; stalls?: [number, number][]; abortAfter?: number } = {}) {
  const clock = new VirtualClock();
  for (const [at, by] of o.stalls ?? []) clock.stallAt(at, by);
  const starts: number[] = [];
  const sends: { level: number; at: number }[] = [];
  const abort = new AbortController();
  const pacer: Pacer = new Pacer({
    levels, intervalMs, cap: o.cap ?? 256, drainWaitMs: 10_000, clock, signal: abort.signal,
    onLevel: (_qps, _i, at) => starts.push(at),
    fire: () => {
      sends.push({ level: starts.length - 1, at: clock.now() });
      if (sends.length === o.abortAfter) abort.abort();
      if (o.latencyMs) clock.setTimeout(() => pacer.settled(), o.latencyMs);
      else pacer.settled();
    },
  });
  await clock.drive(pacer.run());
  return { starts, sends, skipped: pacer.skipped, endedAt: clock.now() };
}

/** When request k of a level falls due: start + k/qps (ramp.sh's hey -q spacing, SPEC §1.3). */
const dueAt = (start: number, qps: number, k: number): number => start + (k * 1000) / qps;

test('pacing (virtual clock): each level sends qps × interval requests, request k exactly at start + k/qps', async () => {
  const levels = rampLevels(120, 40); // 40, 80, 120, 80, 40
  const r = await paceVirtually(levels, 500, { latencyMs: 5 });
  assert.deepEqual(r.starts, [0, 500, 1000, 1500, 2000]);
  assert.equal(r.skipped, 0);
  assert.equal(r.endedAt, 2500); // the last level runs its full interval; its last answer came at 2480
  for (let i = 0; i < levels.length; i++) {
    const at = r.sends.filter((s) => s.level === i).map((s) => s.at);
    assert.equal(at.length, (levels[i]! * 500) / 1000, `level ${i}`);
    at.forEach((t, k) => assert.ok(Math.abs(t - dueAt(r.starts[i]!, levels[i]!, k)) < 1e-6, `level ${i} request ${k} sent at ${t}`));
  }
});

test('pacing (virtual clock): after a late wake-up what fell due is sent at once, never early, and no level loses requests', async () => {
  const levels = [40, 80, 120, 80, 40];
  // One stall inside the 120-QPS level (1000–1500 ms) and one across its end into the next level.
  const stalls: [number, number][] = [[1104, 210], [1470, 100]];
  const r = await paceVirtually(levels, 500, { stalls });
  assert.equal(r.skipped, 0);
  // The stalled timer is the first request falling due at or after the stall's start; it wakes `by` ms late.
  const dues2 = Array.from({ length: 60 }, (_, k) => dueAt(1000, 120, k));
  const windows = stalls.map(([at, by]) => { const hit = dues2.find((d) => d >= at)!; return [hit, hit + by] as const; });
  assert.deepEqual(r.starts.slice(0, 3), [0, 500, 1000]);
  assert.equal(r.starts[3], windows[1]![1], 'the next level starts once the late requests are out');
  for (let i = 0; i < levels.length; i++) {
    const at = r.sends.filter((s) => s.level === i).map((s) => s.at);
    assert.equal(at.length, (levels[i]! * 500) / 1000, `level ${i}`);
    at.forEach((t, k) => {
      const due = dueAt(r.starts[i]!, levels[i]!, k);
      const w = windows.find(([hit, wake]) => due >= hit && due <= wake);
      assert.ok(Math.abs(t - (w ? w[1] : due)) < 1e-6, `level ${i} request ${k} due ${due} sent at ${t}`);
    });
  }
  // The first stall sent the requests due during it in one burst.
  assert.ok(r.sends.filter((s) => s.at === windows[0]![1]).length >= 25);
});

test('pacing (virtual clock): the cap holds requests back and the rest of the level is skipped; an abort is no skip', async () => {
  const capped = await paceVirtually([100], 300, { cap: 2, latencyMs: 400 });
  assert.deepEqual(capped.sends.map((s) => s.at), [0, 10]);
  assert.equal(capped.skipped, 28);
  assert.equal(capped.endedAt, 410); // waits for the two answers, nothing else
  const aborted = await paceVirtually([100, 100], 300, { abortAfter: 10 });
  assert.equal(aborted.sends.length, 10);
  assert.equal(aborted.skipped, 0);
  assert.equal(aborted.starts.length, 1);
});

test('a short real ramp: every request is sent and answered, none before it falls due, in about the ramp\'s time', async (t) => {
  const arrivals: number[] = [];
  const server = createServer((req, res) => { arrivals.push(Date.now()); req.resume(); res.end('ok\n'); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  const port = (server.address() as AddressInfo).port;

  const levels = rampLevels(120, 40); // 40, 80, 120, 80, 40
  const starts: number[] = [];
  const interval = 500;
  const began = Date.now();
  const totals = await runRamp({
    url: new URL(`http://127.0.0.1:${port}/`),
    levels,
    intervalMs: interval,
    onLevel: (_qps, _i, at) => starts.push(at),
  });
  const elapsed = Date.now() - began;
  // Every level runs its full interval; a busy machine only adds late wake-ups and slow answers (coarse bound).
  assert.ok(elapsed >= 2500 && elapsed < 10_000, `run took ${elapsed} ms`);
  assert.equal(starts.length, levels.length);
  // Each level issues qps × interval requests: 20 + 40 + 60 + 40 + 20, all answered by the receiver.
  assert.deepEqual([totals.sent, totals.ok, totals.failed, totals.skipped], [180, 180, 0, 0]);
  assert.equal(arrivals.length, 180);
  // Never early, whatever the load: a request arrives after it was sent, and request k of level i is not sent
  // before starts[i] + k/qps. So before level i starts at most the earlier levels' requests arrived, and before
  // its middle at most the first half of its own. (Delays are allowed; the exact spacing is checked above.)
  let before = 0;
  for (let i = 0; i < levels.length; i++) {
    const half = Math.ceil((levels[i]! * interval) / 2000);
    assert.ok(arrivals.filter((a) => a < starts[i]!).length <= before, `level ${i}: requests arrived before it started`);
    const firstHalf = arrivals.filter((a) => a < starts[i]! + interval / 2).length;
    assert.ok(firstHalf <= before + half, `level ${i}: ${firstHalf - before} requests in its first half, at most ${half} fall due`);
    before += (levels[i]! * interval) / 1000;
  }
});

test('requests beyond the connection cap are skipped, never queued past the interval', async (t) => {
  // A server that never answers within the run: 2 connections fill up at once.
  const server = createServer(() => { /* hold the request open */ });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  const port = (server.address() as AddressInfo).port;
  const began = Date.now();
  const totals = await runRamp({ url: new URL(`http://127.0.0.1:${port}/`), levels: [100], intervalMs: 300, connections: 2, timeoutMs: 400 });
  // 300 ms of level + the 400 ms timeout; coarse, since the exact pacing is checked on the virtual clock above.
  assert.ok(Date.now() - began < 4000, `took ${Date.now() - began} ms`);
  assert.equal(totals.sent, 2);
  assert.equal(totals.skipped, 28);
  assert.equal(totals.failed, 2);
  assert.match([...totals.errors.keys()].join(), /no answer within 400ms/);
});

test('CLI: bad flags are named', async (t) => {
  const p = spawnTs('examples/autoscale/ramp.ts', ['--step', 'x', 'http://127.0.0.1:1/'], {});
  t.after(() => p.stop());
  const code = p.child.exitCode ?? await new Promise<number | null>((r) => p.child.once('exit', (c) => r(c)));
  assert.equal(code, 2);
  assert.match(p.stderr(), /ramp: --step must be a positive integer, got "x"/);
});
