/**
 * The batch recording format (recordings/batches.ts): batches round-trip with their field types, tags, group and
 * time; a truncated or foreign file is a RecordingError naming the file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchRecordingWriter, openBatchRecording, RecordingError } from '../../recordings/index.ts';
import { makeBatch, makeBatchPoint } from '../../model/build.ts';
import { groupId, makeDimensions } from '../../model/point.ts';

test('batch recordings round-trip; damage is reported', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-brec-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tags = { host: 'a b', region: 'eu' };
  const dims = makeDimensions(Object.keys(tags), true);
  const b1 = makeBatch('cpu', '', '', tags, dims, groupId('cpu', tags, dims), 1_700_000_060_000_000_001n, [
    makeBatchPoint(1_700_000_000_000_000_001n, { f: 2, i: 9_007_199_254_740_993n, s: 'x\n"y"', b: true }, tags),
    makeBatchPoint(1_700_000_030_000_000_000n, { f: 0.1 }, tags),
  ]);
  const b2 = makeBatch('mem', '', '', {}, makeDimensions([], false), '', 5n, []);
  const file = join(dir, 'r.tsbrec');
  const w = new BatchRecordingWriter(file);
  w.write(0, b1);
  w.write(1, b2);
  assert.ok((await w.close()) > 0);
  assert.equal(readFileSync(file).subarray(0, 29).toString(), 'tickstream-batch-recording 1\n');
  const got = [];
  for await (const r of openBatchRecording(file)) got.push(r);
  assert.deepEqual(got, [{ source: 0, batch: b1 }, { source: 1, batch: b2 }]);
  assert.equal(typeof got[0]!.batch.points[0]!.fields.i, 'bigint');

  const cut = join(dir, 'cut.tsbrec');
  const whole = readFileSync(file);
  writeFileSync(cut, whole.subarray(0, whole.length - 12));
  await assert.rejects(async () => { for await (const _ of openBatchRecording(cut)) { /* read */ } },
    (e: unknown) => e instanceof RecordingError && e.message.includes(cut) && /truncated/.test(e.message));
  const foreign = join(dir, 'f.tsbrec');
  writeFileSync(foreign, 'tickstream-recording 1\n');
  await assert.rejects(async () => { for await (const _ of openBatchRecording(foreign)) { /* read */ } },
    /not a tickstream batch recording/);
});
