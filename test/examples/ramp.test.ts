/**
 * The load ramp reproduces ramp.sh (SPEC §1.3): +step QPS every interval up to max, then back down to 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatDate, parseInterval, rampLevels } from '../../examples/autoscale/ramp/schedule.ts';
import { runRamp } from '../../examples/autoscale/ramp/load.ts';
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

test('a short ramp offers each level\'s QPS for its interval', async (t) => {
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
  // Bounded: 5 levels × 0.5 s, plus a little for the last answers (and a busy machine).
  assert.ok(elapsed >= 2500 && elapsed < 4500, `run took ${elapsed} ms`);
  assert.equal(starts.length, levels.length);
  // Each level issues qps × interval requests: 20 + 40 + 60 + 40 + 20.
  assert.equal(totals.sent, 180);
  assert.equal(totals.ok, 180);
  assert.equal(totals.failed, 0);
  assert.equal(totals.skipped, 0);
  // Measured per level at the server: requests arriving within the level's interval, within ±25 % + 3 (the
  // machine running the tests may be busy; a wrong schedule is off by 50 % or more).
  for (let i = 0; i < levels.length; i++) {
    const from = starts[i]!;
    const to = from + interval;
    const n = arrivals.filter((a) => a >= from && a < to).length;
    const expected = (levels[i]! * interval) / 1000;
    assert.ok(Math.abs(n - expected) <= expected * 0.25 + 3, `level ${i} (${levels[i]} QPS): ${n} requests, expected ≈${expected}`);
  }
  // Spread evenly, not in a burst: in the first half of the 120-QPS level about half of its 60 requests arrive.
  const s2 = starts[2]!;
  const firstHalf = arrivals.filter((a) => a >= s2 && a < s2 + interval / 2).length;
  assert.ok(firstHalf >= 20 && firstHalf <= 40, `first half of level 2 got ${firstHalf} of 60`);
});

test('requests beyond the connection cap are skipped, never queued past the interval', async (t) => {
  // A server that never answers within the run: 2 connections fill up at once.
  const server = createServer(() => { /* hold the request open */ });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  const port = (server.address() as AddressInfo).port;
  const began = Date.now();
  const totals = await runRamp({ url: new URL(`http://127.0.0.1:${port}/`), levels: [100], intervalMs: 300, connections: 2, timeoutMs: 400 });
  assert.ok(Date.now() - began < 1500);
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
