// The SQLite task store: schema migrations, WAL, persistence across restarts, atomicity, crash consistency.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { TaskStore, StoreError, STORE_FILE } from '../../server/store/store.ts';
import { SCHEMA_VERSION } from '../../server/store/migrations.ts';
import type { TaskRecord } from '../../server/store/types.ts';

function tmp(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const task = (id: string, over: Partial<TaskRecord> = {}): TaskRecord => ({
  id, templateId: '', type: 'stream', dbrps: [{ db: 'autoscale', rp: 'autogen' }], script: 'stream\n', status: 'disabled',
  vars: { target: { type: 'float', value: 100 } }, error: '', created: 1478629267123456789n, modified: 1478629267123456789n,
  lastEnabled: undefined, ...over,
});

test('a new store is migrated to the current schema and runs in WAL mode', (t) => {
  const dir = tmp(t);
  const s = new TaskStore(dir);
  s.close();
  const db = new Database(join(dir, STORE_FILE));
  t.after(() => db.close());
  assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
  // migration 1: meta, tasks, templates; 2: autoscale; 3: the alert tables; 4: users (server/auth); 5: recordings, replays
  for (const name of ['alert_deliveries', 'alert_events', 'alert_handlers', 'autoscale_decisions', 'autoscale_resources', 'meta', 'tasks', 'templates', 'users', 'recordings', 'replays']) assert.ok(tables.includes(name), name);
});

test('a version-1 store (before autoscale, alerts, users, recordings) is upgraded to the current schema keeping its tasks', (t) => {
  const dir = tmp(t);
  const s1 = new TaskStore(dir);
  s1.createTask(task('kept'));
  s1.close();
  const db = new Database(join(dir, STORE_FILE));
  // back to what version 1 had: drop every table a later migration creates
  for (const name of ['alert_deliveries', 'recordings', 'replays', 'users', 'alert_events', 'alert_handlers', 'autoscale_decisions', 'autoscale_resources']) db.exec(`DROP TABLE ${name}`);
  db.pragma('user_version = 1');
  db.close();
  const s2 = new TaskStore(dir);
  t.after(() => s2.close());
  assert.deepEqual(s2.listTasks().map((x) => x.id), ['kept']);
  assert.equal(Number(s2.database.pragma('user_version', { simple: true })), SCHEMA_VERSION);
  assert.equal(s2.database.prepare('SELECT count(*) FROM users').pluck().get(), 0n);
});

test('tasks, templates and ids survive a restart exactly (ns times, vars, never-enabled)', (t) => {
  const dir = tmp(t);
  const s1 = new TaskStore(dir);
  const cluster = s1.identity('cluster_id');
  const server = s1.identity('server_id');
  assert.match(cluster, /^[0-9a-f-]{36}$/);
  assert.notEqual(cluster, server);
  s1.createTask(task('b'));
  s1.createTask(task('a', { status: 'enabled', lastEnabled: 1478629268000000001n, error: 'boom' }));
  s1.createTemplate({ id: 'tpl', type: 'batch', script: 'batch\n', created: 5n, modified: 6n });
  s1.close();
  const s2 = new TaskStore(dir);
  t.after(() => s2.close());
  assert.equal(s2.identity('cluster_id'), cluster);
  assert.equal(s2.identity('server_id'), server);
  assert.deepEqual(s2.listTasks().map((x) => x.id), ['a', 'b']); // sorted by id
  assert.deepEqual(s2.getTask('a'), task('a', { status: 'enabled', lastEnabled: 1478629268000000001n, error: 'boom' }));
  assert.deepEqual(s2.getTask('b'), task('b'));
  assert.deepEqual(s2.getTemplate('tpl'), { id: 'tpl', type: 'batch', script: 'batch\n', created: 5n, modified: 6n });
  assert.deepEqual(s2.countTasks(), { total: 2, enabled: 1 });
});

test('a store written by a newer schema is refused with a clear error', (t) => {
  const dir = tmp(t);
  new TaskStore(dir).close();
  const db = new Database(join(dir, STORE_FILE));
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  assert.throws(() => new TaskStore(dir), new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer than this tickstream supports \\(${SCHEMA_VERSION}\\)`));
});

test('multi-step changes are atomic: a failed rename or template update changes nothing', () => {
  const s = new TaskStore(':memory:');
  s.createTask(task('a'));
  s.createTask(task('b'));
  assert.throws(() => s.replaceTask('a', task('b')), StoreError);
  assert.deepEqual(s.listTasks().map((x) => x.id), ['a', 'b']);
  s.createTemplate({ id: 'tpl', type: 'stream', script: 'v1', created: 1n, modified: 1n });
  assert.throws(() => s.replaceTemplate('tpl', { id: 'tpl', type: 'stream', script: 'v2', created: 1n, modified: 2n },
    [task('a', { script: 'v2' }), task('nosuch', { script: 'v2' })]), /task nosuch does not exist/);
  assert.equal(s.getTemplate('tpl')?.script, 'v1');
  assert.equal(s.getTask('a')?.script, 'stream\n');
  assert.throws(() => s.createTask(task('a')), /task a already exists/);
  s.close();
});

test('kill -9 in the middle of writes leaves a consistent store', async (t) => {
  const dir = tmp(t);
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./crash-writer.ts', import.meta.url).pathname, dir],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
  });
  await new Promise((r) => setTimeout(r, 400)); // let it commit many transactions
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const s = new TaskStore(dir);
  const tpl = s.getTemplate('tpl')!;
  const tasks = s.listTasks();
  assert.equal(tasks.length, 20, 'renames never lose or duplicate a task');
  assert.notEqual(tpl.script, 'v0', 'the writer committed some rounds');
  for (const x of tasks) assert.equal(x.script, tpl.script, `task ${x.id} updated in the same transaction as the template`);
  s.close();
  const db = new Database(join(dir, STORE_FILE), { readonly: true });
  t.after(() => db.close());
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
});

test('one server per store: a second open of the same data_dir fails clearly while the first holds it', (t) => {
  const dir = tmp(t);
  const first = new TaskStore(dir);
  assert.throws(() => new TaskStore(dir, { openWaitMs: 50 }), /task store .*tickstream\.db is in use by another process/);
  first.close();
  const again = new TaskStore(dir, { openWaitMs: 50 }); // released on close
  again.close();
});
