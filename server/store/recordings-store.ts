/**
 * The index of recordings and replays (Kapacitor's recording_store / replay_store), in the task store's SQLite
 * database: one row per recording (its file lives under `[replay] dir`) and per replay. Rows are written when a
 * recording/replay starts (status running) and replaced when it ends, so after a crash the rows still marked
 * running are exactly the ones that were cut off (markRunningFailed at start-up).
 */
import type Database from 'better-sqlite3';
import { insertNew } from './insert-new.ts';

export type RunStatus = 'running' | 'finished' | 'failed';
export type ReplayClock = 'fast' | 'real';

export interface RecordingRecord {
  readonly id: string;
  readonly type: 'stream' | 'batch';
  readonly file: string;
  readonly size: number;
  /** ns since the epoch */
  readonly date: bigint;
  readonly error: string;
  readonly status: RunStatus;
  readonly progress: number;
  readonly points: number;
  readonly dbrps: readonly { db: string; rp: string }[];
}

export interface ReplayRecord {
  readonly id: string;
  readonly recording: string;
  readonly task: string;
  readonly recordingTime: boolean;
  readonly clock: ReplayClock;
  readonly date: bigint;
  readonly error: string;
  readonly status: RunStatus;
  readonly progress: number;
  /** execution stats of a finished replay (`{}` otherwise) */
  readonly stats: Record<string, unknown>;
}

interface RecordingRow {
  id: string; type: string; file: string; size: bigint; date: bigint; error: string; status: string; progress: number;
  points: bigint; dbrps: string;
}
interface ReplayRow {
  id: string; recording: string; task: string; recording_time: bigint; clock: string; date: bigint; error: string;
  status: string; progress: number; stats: string;
}

function toRecording(r: RecordingRow): RecordingRecord {
  return {
    id: r.id, type: r.type as RecordingRecord['type'], file: r.file, size: Number(r.size), date: r.date, error: r.error,
    status: r.status as RunStatus, progress: r.progress, points: Number(r.points), dbrps: JSON.parse(r.dbrps) as RecordingRecord['dbrps'],
  };
}

function toReplay(r: ReplayRow): ReplayRecord {
  return {
    id: r.id, recording: r.recording, task: r.task, recordingTime: r.recording_time !== 0n, clock: r.clock as ReplayClock,
    date: r.date, error: r.error, status: r.status as RunStatus, progress: r.progress, stats: JSON.parse(r.stats) as Record<string, unknown>,
  };
}

function recordingParams(r: RecordingRecord): Record<string, unknown> {
  return { ...r, size: r.size, points: r.points, dbrps: JSON.stringify(r.dbrps) };
}

function replayParams(r: ReplayRecord): Record<string, unknown> {
  return {
    id: r.id, recording: r.recording, task: r.task, recording_time: r.recordingTime ? 1 : 0, clock: r.clock, date: r.date,
    error: r.error, status: r.status, progress: r.progress, stats: JSON.stringify(r.stats),
  };
}

/** Kapacitor's DAO errors (services/replay/dao.go), kept word for word: the API puts them in its messages. */
export const ERR_RECORDING_EXISTS = 'recording already exists';
export const ERR_NO_RECORDING = 'no recording exists';
export const ERR_REPLAY_EXISTS = 'replay already exists';
export const ERR_NO_REPLAY = 'no replay exists';

export class SqliteRecordingStore {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      getRecording: db.prepare<[string], RecordingRow>('SELECT * FROM recordings WHERE id = ?'),
      listRecordings: db.prepare<[], RecordingRow>('SELECT * FROM recordings ORDER BY id'),
      insertRecording: db.prepare(`INSERT INTO recordings (id, type, file, size, date, error, status, progress, points, dbrps)
        VALUES (@id, @type, @file, @size, @date, @error, @status, @progress, @points, @dbrps)`),
      replaceRecording: db.prepare(`UPDATE recordings SET type = @type, file = @file, size = @size, date = @date, error = @error,
        status = @status, progress = @progress, points = @points, dbrps = @dbrps WHERE id = @id`),
      deleteRecording: db.prepare('DELETE FROM recordings WHERE id = ?'),
      getReplay: db.prepare<[string], ReplayRow>('SELECT * FROM replays WHERE id = ?'),
      listReplays: db.prepare<[], ReplayRow>('SELECT * FROM replays ORDER BY id'),
      insertReplay: db.prepare(`INSERT INTO replays (id, recording, task, recording_time, clock, date, error, status, progress, stats)
        VALUES (@id, @recording, @task, @recording_time, @clock, @date, @error, @status, @progress, @stats)`),
      replaceReplay: db.prepare(`UPDATE replays SET recording = @recording, task = @task, recording_time = @recording_time,
        clock = @clock, date = @date, error = @error, status = @status, progress = @progress, stats = @stats WHERE id = @id`),
      deleteReplay: db.prepare('DELETE FROM replays WHERE id = ?'),
      failRecordings: db.prepare("UPDATE recordings SET status = 'failed', error = ? WHERE status = 'running'"),
      failReplays: db.prepare("UPDATE replays SET status = 'failed', error = ? WHERE status = 'running'"),
    };
  }

  getRecording(id: string): RecordingRecord | undefined {
    const r = this.stmts.getRecording.get(id);
    return r ? toRecording(r) : undefined;
  }

  /** Every recording, sorted by id (Kapacitor's storage order). */
  listRecordings(): RecordingRecord[] {
    return this.stmts.listRecordings.all().map(toRecording);
  }

  /** Throws Error(ERR_RECORDING_EXISTS) when the id is taken. */
  createRecording(r: RecordingRecord): void {
    if (!insertNew(this.stmts.insertRecording, recordingParams(r))) throw new Error(ERR_RECORDING_EXISTS);
  }

  /** Replaces a recording's row; false when it was deleted meanwhile. */
  replaceRecording(r: RecordingRecord): boolean {
    return this.stmts.replaceRecording.run(recordingParams(r)).changes === 1;
  }

  deleteRecording(id: string): boolean {
    return this.stmts.deleteRecording.run(id).changes === 1;
  }

  getReplay(id: string): ReplayRecord | undefined {
    const r = this.stmts.getReplay.get(id);
    return r ? toReplay(r) : undefined;
  }

  listReplays(): ReplayRecord[] {
    return this.stmts.listReplays.all().map(toReplay);
  }

  createReplay(r: ReplayRecord): void {
    if (!insertNew(this.stmts.insertReplay, replayParams(r))) throw new Error(ERR_REPLAY_EXISTS);
  }

  replaceReplay(r: ReplayRecord): boolean {
    return this.stmts.replaceReplay.run(replayParams(r)).changes === 1;
  }

  deleteReplay(id: string): boolean {
    return this.stmts.deleteReplay.run(id).changes === 1;
  }

  /**
   * Start-up: nothing can still be running, so what is marked running was cut off by a crash or kill -9
   * (Kapacitor's markFailedRecordings/markFailedReplays, same error text). Returns how many rows changed.
   */
  markRunningFailed(error = 'unexpected Kapacitor shutdown'): { recordings: number; replays: number } {
    return this.db.transaction(() => ({
      recordings: this.stmts.failRecordings.run(error).changes,
      replays: this.stmts.failReplays.run(error).changes,
    }))();
  }
}
