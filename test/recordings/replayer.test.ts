/**
 * runReplay (server/replay/replayer.ts), the engine behind `kapacitor replay`: `-rec-time` keeps the recorded
 * timestamps, without it every point is shifted by the same amount so the first lands on the replay's start;
 * `-real-clock` delivers points at the recorded pace, the default (fast) as quickly as possible; an abort stops it.
 * Kapacitor 1.8 semantics (replay.go replayStreamFromChan): relative times between points are always kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingWriter } from '../../recordings/index.ts';
import { LineProtocolParser } from '../../lineprotocol/parser.ts';
import { runReplay } from '../../server/replay/replayer.ts';
import type { Point } from '../../model/point.ts';
import type { TaskMaster } from '../../runtime/task-master.ts';

const SEC = 1_000_000_000n;
const T0 = 1478629267n * SEC; // 2016-11-08T18:21:07Z

async function recording(t: { after(fn: () => void): void }, lp: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-replayer-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'r.tsrec');
  const { points, errors } = new LineProtocolParser().parse(Buffer.from(lp), { db: 'db', rp: 'rp', precision: 'n', now: 0n });
  assert.deepEqual(errors, []);
  const w = new RecordingWriter(file);
  w.write('db', 'rp', points);
  await w.close();
  return file;
}

interface Delivery { atMs: number; times: bigint[] }

/** A TaskMaster stand-in that notes when each write arrives and the times it carries. */
function sink(): { tm: TaskMaster; log: Delivery[] } {
  const log: Delivery[] = [];
  const tm = { writePoints: (_db: string, _rp: string, pts: Point[]) => log.push({ atMs: performance.now(), times: pts.map((p) => p.time) }) };
  return { tm: tm as unknown as TaskMaster, log };
}

const base = { taskId: 't', dbrps: [{ db: 'db', rp: 'rp' }] } as const;

test('fast clock without rec-time: times shifted so the first point is the replay start, gaps kept, no waiting', async (t) => {
  // three points over an hour of data time
  const file = await recording(t, `m v=1 ${T0}\nm v=2 ${T0 + 60n * SEC}\nm v=3 ${T0 + 3600n * SEC}\n`);
  const { tm, log } = sink();
  const start = 1_700_000_000n * SEC;
  const began = performance.now();
  const out = await runReplay({ ...base, taskMaster: tm, file, clock: 'fast', recordingTime: false, startNs: start, signal: new AbortController().signal });
  assert.deepEqual(out, { read: 3, matched: 3 });
  assert.deepEqual(log.flatMap((d) => d.times), [start, start + 60n * SEC, start + 3600n * SEC]);
  assert.ok(performance.now() - began < 10_000, 'a fast replay of an hour of data does not wait');
});

test('rec-time keeps the recorded timestamps', async (t) => {
  const file = await recording(t, `m v=1 ${T0}\nm v=2 ${T0 + 60n * SEC}\n`);
  const { tm, log } = sink();
  await runReplay({ ...base, taskMaster: tm, file, clock: 'fast', recordingTime: true, startNs: 1_700_000_000n * SEC, signal: new AbortController().signal });
  assert.deepEqual(log.flatMap((d) => d.times), [T0, T0 + 60n * SEC]);
});

test('real clock: each point arrives when as much wall time has passed as data time separates it from the first', async (t) => {
  // data offsets 0, 400 ms, 400 ms (same time: delivered together), 900 ms
  const ms = 1_000_000n;
  const file = await recording(t, `m v=1 ${T0}\nm v=2 ${T0 + 400n * ms}\nm v=3 ${T0 + 400n * ms}\nm v=4 ${T0 + 900n * ms}\n`);
  const { tm, log } = sink();
  await runReplay({ ...base, taskMaster: tm, file, clock: 'real', recordingTime: true, startNs: 0n, signal: new AbortController().signal });
  assert.deepEqual(log.map((d) => d.times), [[T0], [T0 + 400n * ms, T0 + 400n * ms], [T0 + 900n * ms]]);
  const first = log[0]!.atMs;
  const offsets = log.map((d) => d.atMs - first);
  // lower bounds are exact (timers never fire early; 1 ms slack for timer rounding); upper bounds leave room for a loaded machine
  assert.ok(offsets[1]! >= 399 && offsets[1]! < 400 + 2000, `second delivery at +${offsets[1]} ms`);
  assert.ok(offsets[2]! >= 899 && offsets[2]! < 900 + 2000, `third delivery at +${offsets[2]} ms`);
});

test('real clock with shifted times: pacing follows the recorded gaps, times start at the replay start', async (t) => {
  const file = await recording(t, `m v=1 ${T0}\nm v=2 ${T0 + 300_000_000n}\n`);
  const { tm, log } = sink();
  const start = 1_700_000_000n * SEC;
  await runReplay({ ...base, taskMaster: tm, file, clock: 'real', recordingTime: false, startNs: start, signal: new AbortController().signal });
  assert.deepEqual(log.flatMap((d) => d.times), [start, start + 300_000_000n]);
  assert.ok(log[1]!.atMs - log[0]!.atMs >= 299);
});

test('an abort stops a real-clock replay while it waits, with the abort reason', async (t) => {
  const file = await recording(t, `m v=1 ${T0}\nm v=2 ${T0 + 3600n * SEC}\n`);
  const { tm, log } = sink();
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error('replay x was deleted')), 100);
  await assert.rejects(
    runReplay({ ...base, taskMaster: tm, file, clock: 'real', recordingTime: true, startNs: 0n, signal: ac.signal }),
    /replay x was deleted/,
  );
  assert.equal(log.length, 1); // the first point only; the second was an hour away
});

test('points of other databases are read but not delivered', async (t) => {
  const file = await recording(t, `m v=1 ${T0}\n`);
  const { tm, log } = sink();
  const out = await runReplay({ taskMaster: tm, taskId: 't', dbrps: [{ db: 'other', rp: 'rp' }], file, clock: 'fast', recordingTime: true, startNs: 0n, signal: new AbortController().signal });
  assert.deepEqual(out, { read: 1, matched: 0 });
  assert.equal(log.length, 0);
});
