/**
 * influxDBOut's write queue (nodes/influxdb-write-queue.ts) with a scripted client: in-order writes, retries with
 * doubling backoff for retryable failures only, counted drops, a memory bound, and stop() = no more retries.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InfluxWriteQueue, type QueuedOp, type WriteQueueOptions } from '../../nodes/influxdb-write-queue.ts';
import type { InfluxDBClientPort, InfluxWriteTarget } from '../../influxdb/ports.ts';
import { until } from '../helpers/until.ts';

const target: InfluxWriteTarget = { db: 'd', rp: 'r', precision: '', consistency: '' };
const op = (body: string, points = 1): QueuedOp => ({ kind: 'write', target, body, points });
const fail = (retryable: boolean, msg = 'boom'): Error => Object.assign(new Error(msg), { retryable });

/** A client whose n-th write attempt answers script[n] (undefined = success). */
function scripted(script: (Error | undefined)[]): InfluxDBClientPort & { bodies: string[] } {
  let n = 0;
  const bodies: string[] = [];
  return {
    bodies,
    async write(_t, body) { bodies.push(body); const e = script[n++]; if (e) throw e; },
    async query() { return { results: [] }; },
  };
}

function recorder() {
  const ev = { written: 0, dropped: 0, failures: [] as (number | undefined)[] };
  return {
    ev,
    events: {
      written: (n: number) => { ev.written += n; },
      failed: (_op: QueuedOp, _e: unknown, retry: number | undefined) => { ev.failures.push(retry); },
      dropped: (n: number) => { ev.dropped += n; },
    },
  };
}

const fast: WriteQueueOptions = { backoffMs: 5, maxBackoffMs: 12, maxAttempts: 4, maxQueuedPoints: 100 };

test('retryable failures are retried with doubling, capped backoff, then the write succeeds', async () => {
  const c = scripted([fail(true), fail(true), fail(true)]);
  const { ev, events } = recorder();
  const q = new InfluxWriteQueue(c, events, fast);
  q.enqueue(op('a', 3));
  await q.whenIdle();
  // 5, 10, then min(20, 12) = 12 ms; the 4th attempt succeeds
  assert.deepEqual(ev.failures, [5, 10, 12]);
  assert.deepEqual(c.bodies, ['a', 'a', 'a', 'a']);
  assert.equal(ev.written, 3);
  assert.equal(ev.dropped, 0);
});

test('gives up after maxAttempts and counts the points as dropped; later writes still go out, in order', async () => {
  const c = scripted([fail(true), fail(true), fail(true), fail(true)]);
  const { ev, events } = recorder();
  const q = new InfluxWriteQueue(c, events, fast);
  q.enqueue(op('a', 2));
  q.enqueue(op('b', 1));
  await q.whenIdle();
  assert.deepEqual(ev.failures, [5, 10, 12, undefined]);
  assert.deepEqual(c.bodies, ['a', 'a', 'a', 'a', 'b']);
  assert.equal(ev.dropped, 2);
  assert.equal(ev.written, 1);
});

test('a non-retryable failure (auth, missing database) is not retried', async () => {
  const c = scripted([fail(false)]);
  const { ev, events } = recorder();
  const q = new InfluxWriteQueue(c, events, fast);
  q.enqueue(op('a', 4));
  await q.whenIdle();
  assert.deepEqual(ev.failures, [undefined]);
  assert.equal(c.bodies.length, 1);
  assert.equal(ev.dropped, 4);
});

test('memory bound: the oldest queued writes (not the one in flight, not the newest) are dropped and counted', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const bodies: string[] = [];
  const c: InfluxDBClientPort = { async write(_t, b) { bodies.push(b); await gate; }, async query() { return {}; } };
  const { ev, events } = recorder();
  const q = new InfluxWriteQueue(c, events, { ...fast, maxQueuedPoints: 10 });
  for (const b of ['a', 'b', 'c', 'd']) q.enqueue(op(b, 4));
  // 16 points > 10: b and c dropped (a is being sent, d is the newest)
  assert.equal(ev.dropped, 8);
  release();
  await q.whenIdle();
  assert.deepEqual(bodies, ['a', 'd']);
});

test('after stop() queued writes are tried once each, without retries', async () => {
  const c = scripted([fail(true), fail(true)]);
  const { ev, events } = recorder();
  const q = new InfluxWriteQueue(c, events, { ...fast, backoffMs: 60_000, maxBackoffMs: 60_000 });
  q.enqueue(op('a'));
  q.enqueue(op('b'));
  await until('a failed once and sleeps 60 s', () => ev.failures.length === 1);
  q.stop();
  await q.whenIdle();
  assert.deepEqual(c.bodies, ['a', 'a', 'b']);
  assert.deepEqual(ev.failures, [60_000, undefined]);
  assert.equal(ev.written, 1);
  assert.equal(ev.dropped, 1);
});
