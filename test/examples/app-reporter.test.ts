/**
 * The app's reporter on the virtual clock against a real /write receiver: what it posts (SPEC §1.2: one line
 * `requests,host=…,replicaset=… value=<count>i`, text/plain, no timestamp), that a report finding the previous
 * POST unanswered is skipped (the Go app's loop is sequential), and that a timer waking too late in its second
 * moves the report to the next second's start (report-schedule.ts). Time moves only when the test says so; only
 * the HTTP exchange is real, and the test waits for it by condition, never by a fixed sleep.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startReporter } from '../../examples/autoscale/app/reporter.ts';
import { ReportTimingError } from '../../examples/autoscale/app/report-schedule.ts';
import { VirtualClock } from './virtual-clock.ts';

const T0 = Date.UTC(2026, 10, 29, 17, 0, 0);

/** Polls `cond` every 5 ms (real time) until it holds; fails after `ms`. */
async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('reporter (virtual clock): posts the count mid-second, skips while a POST is unanswered, moves a late report', async (t) => {
  // A receiver whose answers the test releases one by one.
  const received: { method: string; url: string; contentType: string | undefined; body: string }[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => { body += d; });
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'], body });
      held.push(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  const release = (status = 204): void => { const res = held.shift()!; res.statusCode = status; res.end(); };

  const clock = new VirtualClock(T0 + 100);
  let count = 7;
  const logs: string[] = [];
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/write?db=autoscale&rp=autogen&precision=s`);
  const reporter = startReporter({ url, host: 'pod a', replicaset: 'app', count: () => count, log: (m) => logs.push(m), clock });
  t.after(() => reporter.stop());

  // First report mid-second (T0+500), with the count at that moment.
  assert.equal(clock.runNext(), true);
  assert.equal(clock.now(), T0 + 500);
  await until(() => received.length === 1, 'the first POST');
  // SPEC §1.2 line; the space in the host is escaped (SPEC Appendix C).
  assert.deepEqual(received[0], {
    method: 'POST', url: '/write?db=autoscale&rp=autogen&precision=s', contentType: 'text/plain',
    body: 'requests,host=pod\\ a,replicaset=app value=7i\n',
  });

  // Next second: the first POST is still unanswered, so this report is skipped, not queued.
  count = 8;
  clock.runNext();
  assert.equal(clock.now(), T0 + 1500);
  assert.deepEqual(reporter.stats(), { sent: 1, ok: 0, failed: 0, skippedBusy: 1, skippedLate: 0 });

  release();
  await until(() => reporter.stats().ok === 1, 'the first answer');
  count = 9;
  clock.runNext();
  assert.equal(clock.now(), T0 + 2500);
  await until(() => received.length === 2, 'the second POST');
  assert.equal(received[1]!.body, 'requests,host=pod\\ a,replicaset=app value=9i\n');
  release(500);
  await until(() => reporter.stats().failed === 1, 'the 500 answer');
  assert.deepEqual(logs, ['Unexpected response code 500']);

  // The timer due at T0+3500 wakes 300 ms late: too close to the next second, so nothing is sent then and the
  // report goes out at the start of the next second (T0+4000).
  clock.stallAt(T0 + 3500, 300);
  clock.runNext();
  assert.equal(clock.now(), T0 + 3800);
  assert.equal(reporter.stats().skippedLate, 1);
  assert.match(logs[1]!, /^Report skipped: the timer woke 300ms late/);
  clock.runNext();
  assert.equal(clock.now(), T0 + 4000);
  await until(() => received.length === 3, 'the moved POST');
  release();
  await until(() => reporter.stats().ok === 2, 'the third answer');
  assert.deepEqual(reporter.stats(), { sent: 3, ok: 2, failed: 1, skippedBusy: 1, skippedLate: 1 });

  // stop() leaves no timer behind.
  reporter.stop();
  assert.equal(clock.pending(), 0);
});

test('reporter: a bad timing option throws before anything starts', () => {
  const clock = new VirtualClock(T0);
  const opts = { url: new URL('http://127.0.0.1:1/write'), host: 'h', replicaset: 'app', count: () => 0, log: () => {}, clock };
  assert.throws(() => startReporter({ ...opts, phaseMs: 900 }), (e: unknown) => e instanceof ReportTimingError && /phaseMs/.test(e.message));
  assert.equal(clock.pending(), 0);
});
