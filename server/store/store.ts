/**
 * The durable task store: one SQLite file (`<data_dir>/tickstream.db`) in WAL mode holding tasks, templates and
 * the server's identity. Every method is a single statement or one transaction, so a process killed at any moment
 * (kill -9) leaves the file consistent: SQLite's WAL commits are atomic and survive a process crash.
 */
import { SqliteAutoscaleStore } from './autoscale-store.ts';
import { SqliteRecordingStore } from './recordings-store.ts';
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { migrate } from './migrations.ts';
import { insertNew } from './insert-new.ts';
import type { DBRPRecord, TaskRecord, TemplateRecord, VarsRecord, TaskStatus, TaskType } from './types.ts';

export const STORE_FILE = 'tickstream.db';
/** How long opening waits for another process to release the store. */
const OPEN_WAIT_MS = 2000;

interface TaskRow {
  id: string; template_id: string; type: string; dbrps: string; script: string; vars: string;
  status: string; error: string; created: bigint; modified: bigint; last_enabled: bigint | null;
}
interface TemplateRow { id: string; type: string; script: string; created: bigint; modified: bigint }

function rowToTask(r: TaskRow): TaskRecord {
  return {
    id: r.id,
    templateId: r.template_id,
    type: r.type as TaskType,
    dbrps: JSON.parse(r.dbrps) as DBRPRecord[],
    script: r.script,
    vars: JSON.parse(r.vars) as VarsRecord,
    status: r.status as TaskStatus,
    error: r.error,
    created: r.created,
    modified: r.modified,
    lastEnabled: r.last_enabled ?? undefined,
  };
}

function taskParams(t: TaskRecord): Record<string, unknown> {
  return {
    id: t.id, template_id: t.templateId, type: t.type, dbrps: JSON.stringify(t.dbrps), script: t.script,
    vars: JSON.stringify(t.vars), status: t.status, error: t.error, created: t.created, modified: t.modified,
    last_enabled: t.lastEnabled ?? null,
  };
}

function rowToTemplate(r: TemplateRow): TemplateRecord {
  return { id: r.id, type: r.type as TaskType, script: r.script, created: r.created, modified: r.modified };
}

export class StoreError extends Error {
  override name = 'StoreError';
}

export class TaskStore {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly stmts;
  private readonly openWaitMs: number;
  private autoscaleStore: SqliteAutoscaleStore | undefined;
  private recordingStore: SqliteRecordingStore | undefined;

  /**
   * Opens (creating if needed) `<dataDir>/tickstream.db`; pass ':memory:' as dataDir for an in-memory store.
   * `openWaitMs`: how long to wait for another process holding the store (default 2 s).
   */
  constructor(dataDir: string, opts: { openWaitMs?: number } = {}) {
    this.openWaitMs = opts.openWaitMs ?? OPEN_WAIT_MS;
    if (dataDir === ':memory:') {
      this.file = ':memory:';
    } else {
      mkdirSync(dataDir, { recursive: true });
      this.file = join(dataDir, STORE_FILE);
    }
    this.db = new Database(this.file);
    this.db.defaultSafeIntegers(true); // ns timestamps exceed 2^53
    if (this.file !== ':memory:') {
      try {
        this.lockAndConfigure();
      } catch (err) {
        this.db.close();
        if ((err as { code?: string }).code === 'SQLITE_BUSY') {
          throw new StoreError(`task store ${this.file} is in use by another process (another kapacitord on the same data_dir?)`);
        }
        throw err;
      }
    }
    migrate(this.db, this.file);
    const d = this.db;
    this.stmts = {
      getMeta: d.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      insertMeta: d.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)'),
      getTask: d.prepare<[string], TaskRow>('SELECT * FROM tasks WHERE id = ?'),
      listTasks: d.prepare<[], TaskRow>('SELECT * FROM tasks ORDER BY id'),
      tasksByTemplate: d.prepare<[string], TaskRow>('SELECT * FROM tasks WHERE template_id = ? ORDER BY id'),
      insertTask: d.prepare(`INSERT INTO tasks (id, template_id, type, dbrps, script, vars, status, error, created, modified, last_enabled)
        VALUES (@id, @template_id, @type, @dbrps, @script, @vars, @status, @error, @created, @modified, @last_enabled)`),
      replaceTask: d.prepare(`UPDATE tasks SET template_id = @template_id, type = @type, dbrps = @dbrps, script = @script,
        vars = @vars, status = @status, error = @error, created = @created, modified = @modified, last_enabled = @last_enabled
        WHERE id = @id`),
      setError: d.prepare('UPDATE tasks SET error = ? WHERE id = ?'),
      deleteTask: d.prepare('DELETE FROM tasks WHERE id = ?'),
      countTasks: d.prepare<[], { n: bigint; enabled: bigint | null }>(
        "SELECT count(*) AS n, sum(status = 'enabled') AS enabled FROM tasks"),
      getTemplate: d.prepare<[string], TemplateRow>('SELECT * FROM templates WHERE id = ?'),
      listTemplates: d.prepare<[], TemplateRow>('SELECT * FROM templates ORDER BY id'),
      insertTemplate: d.prepare('INSERT INTO templates (id, type, script, created, modified) VALUES (@id, @type, @script, @created, @modified)'),
      replaceTemplate: d.prepare('UPDATE templates SET type = @type, script = @script, created = @created, modified = @modified WHERE id = @id'),
      deleteTemplate: d.prepare('DELETE FROM templates WHERE id = ?'),
    };
  }

  /**
   * One server per store, as Kapacitor's BoltDB file lock ensures: two servers on one data_dir would both run
   * every enabled task. The exclusive lock is taken now and held until close (a second server fails to open,
   * after waiting `openWaitMs` for one that is shutting down).
   */
  private lockAndConfigure(): void {
    this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(this.openWaitMs))}`);
    this.db.pragma('locking_mode = EXCLUSIVE');
    this.db.pragma('journal_mode = WAL'); // with EXCLUSIVE, the WAL index lives in heap memory (no -shm file)
    this.db.exec('BEGIN EXCLUSIVE; COMMIT;'); // acquire the lock now, not at the first write
    // NORMAL is durable against process crashes in WAL mode (only an OS crash can lose the last commits)
    this.db.pragma('synchronous = NORMAL');
  }

  // ---- identity ---------------------------------------------------------------------------------------

  /** The persisted UUID stored under `key` (`cluster_id`, `server_id`), generated on first use. */
  identity(key: 'cluster_id' | 'server_id'): string {
    const row = this.stmts.getMeta.get(key);
    if (row) return row.value;
    this.stmts.insertMeta.run(key, randomUUID());
    return this.stmts.getMeta.get(key)!.value;
  }

  // ---- tasks ------------------------------------------------------------------------------------------

  getTask(id: string): TaskRecord | undefined {
    const r = this.stmts.getTask.get(id);
    return r ? rowToTask(r) : undefined;
  }

  /** All tasks sorted by id (byte order, as Kapacitor's storage lists them). */
  listTasks(): TaskRecord[] {
    return this.stmts.listTasks.all().map(rowToTask);
  }

  tasksOfTemplate(templateId: string): TaskRecord[] {
    return this.stmts.tasksByTemplate.all(templateId).map(rowToTask);
  }

  countTasks(): { total: number; enabled: number } {
    const r = this.stmts.countTasks.get()!;
    return { total: Number(r.n), enabled: Number(r.enabled ?? 0n) };
  }

  createTask(t: TaskRecord): void {
    if (!insertNew(this.stmts.insertTask, taskParams(t))) throw new StoreError(`task ${t.id} already exists`);
  }

  /** Replaces the task stored under `oldId` by `t` (whose id may differ: a rename), atomically. */
  replaceTask(oldId: string, t: TaskRecord): void {
    this.db.transaction(() => {
      if (oldId === t.id) {
        if (this.stmts.replaceTask.run(taskParams(t)).changes !== 1) throw new StoreError(`task ${oldId} does not exist`);
        return;
      }
      if (this.stmts.deleteTask.run(oldId).changes !== 1) throw new StoreError(`task ${oldId} does not exist`);
      this.createTask(t);
    })();
  }

  setTaskError(id: string, error: string): void {
    this.stmts.setError.run(error, id);
  }

  /** Deletes the task and whatever its autoscale nodes saved, in one transaction. */
  deleteTask(id: string): boolean {
    return this.db.transaction(() => {
      this.autoscale.deleteTask(id);
      return this.stmts.deleteTask.run(id).changes === 1;
    })();
  }

  /** Autoscale state and decision records (server/store/autoscale-store.ts), in this database. */
  get autoscale(): SqliteAutoscaleStore {
    return (this.autoscaleStore ??= new SqliteAutoscaleStore(this.db));
  }

  /** The recordings and replays index (server/store/recordings-store.ts), in this database. */
  get recordings(): SqliteRecordingStore {
    return (this.recordingStore ??= new SqliteRecordingStore(this.db));
  }

  // ---- templates --------------------------------------------------------------------------------------

  getTemplate(id: string): TemplateRecord | undefined {
    const r = this.stmts.getTemplate.get(id);
    return r ? rowToTemplate(r) : undefined;
  }

  listTemplates(): TemplateRecord[] {
    return this.stmts.listTemplates.all().map(rowToTemplate);
  }

  createTemplate(t: TemplateRecord): void {
    if (!insertNew(this.stmts.insertTemplate, { ...t })) throw new StoreError(`template ${t.id} already exists`);
  }

  /**
   * Replaces the template stored under `oldId` by `t` and its tasks by `tasks` (their re-evaluated versions,
   * with `templateId` already pointing at `t.id`) in one transaction.
   */
  replaceTemplate(oldId: string, t: TemplateRecord, tasks: readonly TaskRecord[]): void {
    this.db.transaction(() => {
      if (oldId === t.id) {
        if (this.stmts.replaceTemplate.run({ ...t }).changes !== 1) throw new StoreError(`template ${oldId} does not exist`);
      } else {
        if (this.stmts.deleteTemplate.run(oldId).changes !== 1) throw new StoreError(`template ${oldId} does not exist`);
        this.createTemplate(t);
      }
      for (const task of tasks) {
        if (this.stmts.replaceTask.run(taskParams(task)).changes !== 1) throw new StoreError(`task ${task.id} does not exist`);
      }
    })();
  }

  deleteTemplate(id: string): boolean {
    return this.stmts.deleteTemplate.run(id).changes === 1;
  }

  /** The open database, for stores of other services sharing this file (server/store/alert-store.ts, server/auth users). */
  get database(): Database.Database {
    return this.db;
  }

  /** Runs `fn` in one transaction (for callers combining several changes). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
