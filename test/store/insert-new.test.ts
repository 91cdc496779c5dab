// insertNew (server/store/insert-new.ts): an INSERT whose primary key is taken answers false and writes nothing,
// any other failure is thrown; and the stores built on it keep their own "already exists" texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { insertNew } from '../../server/store/insert-new.ts';
import { TaskStore, StoreError } from '../../server/store/store.ts';
import { ERR_RECORDING_EXISTS, ERR_REPLAY_EXISTS, type RecordingRecord, type ReplayRecord } from '../../server/store/recordings-store.ts';

test('insertNew: true for a new key, false for a taken one (row unchanged), throws on any other constraint', (t) => {
  const db = new Database(':memory:');
  t.after(() => db.close());
  db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, v TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (id, v) VALUES (@id, @v)');
  assert.equal(insertNew(insert, { id: 'a', v: 'first' }), true);
  assert.equal(insertNew(insert, { id: 'a', v: 'second' }), false);
  assert.deepEqual(db.prepare('SELECT * FROM t').all(), [{ id: 'a', v: 'first' }]);
  assert.throws(() => insertNew(insert, { id: 'b', v: null }), (e: { code?: string }) => e.code === 'SQLITE_CONSTRAINT_NOTNULL');
});

test('the stores answer a taken id with their own error text and keep the first row', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-insert-new-'));
  const s = new TaskStore(dir);
  t.after(() => { s.close(); rmSync(dir, { recursive: true, force: true }); });

  s.createTemplate({ id: 'tpl', type: 'stream', script: 'stream\n', created: 1n, modified: 1n });
  assert.throws(() => s.createTemplate({ id: 'tpl', type: 'batch', script: 'batch\n', created: 2n, modified: 2n }),
    (e: Error) => e instanceof StoreError && e.message === 'template tpl already exists');
  assert.equal(s.getTemplate('tpl')!.script, 'stream\n');

  const rec: RecordingRecord = {
    id: 'r1', type: 'stream', file: '/tmp/r1.srpl', size: 0, date: 1n, error: '', status: 'running', progress: 0, points: 0, dbrps: [],
  };
  s.recordings.createRecording(rec);
  assert.throws(() => s.recordings.createRecording({ ...rec, file: '/tmp/other' }), { message: ERR_RECORDING_EXISTS });
  assert.equal(s.recordings.getRecording('r1')!.file, '/tmp/r1.srpl');

  const rep: ReplayRecord = {
    id: 'p1', recording: 'r1', task: 'cpu', recordingTime: false, clock: 'fast', date: 1n, error: '', status: 'running', progress: 0, stats: {},
  };
  s.recordings.createReplay(rep);
  assert.throws(() => s.recordings.createReplay({ ...rep, task: 'other' }), { message: ERR_REPLAY_EXISTS });
  assert.equal(s.recordings.getReplay('p1')!.task, 'cpu');
});
