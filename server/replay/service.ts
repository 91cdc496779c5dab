/**
 * Recordings and replays (Kapacitor's services/replay): starts stream recordings on the live TaskMaster, imports
 * line protocol as recordings, runs replays in isolated TaskMasters, and keeps the index (server/store/
 * recordings-store.ts) and the files under `[replay] dir` in step. HTTP-independent: routes.ts maps requests here.
 *
 * Isolation: a replay's TaskMaster gets the live runtime services except `autoscaleState`, so a replay never
 * reads or writes the live task's persisted autoscale state (its k8sAutoscale nodes keep state in memory).
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { TaskMaster } from '../../runtime/task-master.ts';
import type { RuntimeServices } from '../../runtime/services.ts';
import { fromMeasurements } from '../../runtime/task.ts';
import type { DBRP, Pipeline } from '../../tickscript/pipeline.ts';
import {
  BATCH_RECORDING_EXT, BatchRecordingWriter, RECORDING_EXT, RecordingWriter, openBatchRecording, openRecording, type RecordingChunk,
} from '../../recordings/index.ts';
import { ApiError } from '../api/http.ts';
import type { RunningTaskPort, ScriptPort } from '../api/ports.ts';
import type { TaskStore } from '../store/store.ts';
import {
  ERR_NO_RECORDING, ERR_NO_REPLAY, ERR_RECORDING_EXISTS, ERR_REPLAY_EXISTS,
  type RecordingRecord, type ReplayClock, type ReplayRecord,
} from '../store/recordings-store.ts';
import { StreamRecorder } from './recorder.ts';
import { runReplay } from './replayer.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { BatchFeeder, batchTaskBatches, execQuery, queryAnswerBatches, queryAnswerPoints, queryDbrp, replayPoints } from './batch.ts';
import type { BatchReplayServices } from '../../nodes/query.ts';
import type { TaskRecord } from '../store/types.ts';

const ID_RE = /^[-._\p{L}0-9]+$/u;
/** how Go prints Kapacitor's validID regexp in its errors */
const ID_RE_TEXT = '^[-\\._\\p{L}0-9]+$';

export function checkRecordingId(id: string, what: 'recording' | 'replay'): void {
  if (!ID_RE.test(id)) throw new ApiError(400, `${what} ID must contain only letters, numbers, '-', '.' and '_'. ${JSON.stringify(id)}`);
}

export interface ReplayServiceDeps {
  readonly store: TaskStore;
  readonly script: ScriptPort;
  /** the live TaskMaster: stream recordings tap its routing */
  readonly live: TaskMaster;
  /** the live runtime services; replays get them without `autoscaleState` */
  readonly services: RuntimeServices;
  /** `[replay] dir` */
  readonly dir: string;
  readonly logger: Logger;
  readonly timingSampleRate?: number;
  readonly timingMovAvgSize?: number;
  /** wall clock in ns (tests pin it) */
  readonly now: () => bigint;
}

interface ActiveReplay {
  readonly record: ReplayRecord;
  readonly taskMaster: TaskMaster;
  readonly abort: AbortController;
  readonly done: Promise<void>;
  progress: number;
}

/** What a finished replay's httpOut endpoints held when it ended (served with `?replay-id=`). */
type EndpointSnapshot = Map<string, string>;
/** Finished replays whose httpOut snapshots are kept in memory (oldest dropped first). */
const KEPT_SNAPSHOTS = 100;

export class ReplayService {
  private readonly deps: ReplayServiceDeps;
  private readonly recorders = new Map<string, StreamRecorder>();
  private readonly recordingDone = new Map<string, Promise<void>>();
  private readonly replays = new Map<string, ActiveReplay>();
  /** running batch and query recordings: their abort (DELETE, shutdown) */
  private readonly queryRecordings = new Map<string, AbortController>();
  private readonly snapshots = new Map<string, { task: string; endpoints: EndpointSnapshot }>();
  private readonly replayServices: RuntimeServices;
  private closing = false;

  constructor(deps: ReplayServiceDeps) {
    this.deps = deps;
    const { autoscaleState: _left, ...rest } = deps.services;
    this.replayServices = { ...rest, batchReplay: true } as RuntimeServices & BatchReplayServices;
  }

  private get index() {
    return this.deps.store.recordings;
  }

  /** Start-up: creates the dir and marks what a crash cut off as failed (Kapacitor's markFailed*). */
  open(): { recordings: number; replays: number } {
    mkdirSync(this.deps.dir, { recursive: true });
    return this.index.markRunningFailed();
  }

  fileFor(id: string, type: 'stream' | 'batch' = 'stream'): string {
    return join(this.deps.dir, id + (type === 'batch' ? BATCH_RECORDING_EXT : RECORDING_EXT));
  }

  // ---- recordings ------------------------------------------------------------------------------------

  /** POST /recordings/stream. The task must exist (404 `no task exists`, Kapacitor's TaskStore.Load error). */
  recordStream(req: { id?: string | undefined; task: string; stop: bigint }): RecordingRecord {
    const id = req.id || randomUUID();
    checkRecordingId(id, 'recording');
    const task = this.deps.store.getTask(req.task);
    if (!task) throw new ApiError(404, 'no task exists');
    let pipeline: Pipeline;
    try {
      pipeline = this.deps.script.evaluate(task.script, task.vars);
    } catch (e) {
      throw new ApiError(400, `task ${task.id} does not evaluate: ${(e as Error).message}`);
    }
    const record = this.newRecording(id);
    const writer = this.openWriter(record);
    const recorder = new StreamRecorder(id, task.dbrps, fromMeasurements(pipeline), writer, req.stop);
    this.deps.live.addTap(recorder);
    this.recorders.set(id, recorder);
    // a quiet stream ends at the wall-clock stop time as well (Kapacitor waits for a later point)
    const waitMs = Number((req.stop - this.deps.now()) / 1_000_000n);
    const timer = setTimeout(() => recorder.finish(undefined), Math.max(0, Math.min(waitMs, 2 ** 31 - 1)));
    timer.unref();
    this.recordingDone.set(id, recorder.done().then(async (result) => {
      clearTimeout(timer);
      this.deps.live.removeTap(recorder);
      this.recorders.delete(id);
      this.finishRecording(record, result.error, result.points, result.dbrps);
    }));
    return record;
  }

  /**
   * Imports line protocol (ours; `kapacitor record stream -file`). `feed` writes the parsed points; a failure
   * removes the file and the index row (the request changes nothing).
   */
  async importRecording(id: string | undefined, fill: (writer: RecordingWriter) => Promise<void>): Promise<RecordingRecord> {
    const rid = id || randomUUID();
    checkRecordingId(rid, 'recording');
    const record = this.newRecording(rid);
    const writer = this.openWriter(record);
    try {
      await fill(writer);
      const size = await writer.close();
      const done: RecordingRecord = { ...record, status: 'finished', progress: 1, size, date: this.deps.now(), points: writer.points, dbrps: writer.dbrps };
      this.index.replaceRecording(done);
      return done;
    } catch (err) {
      await writer.abort();
      this.index.deleteRecording(rid);
      rmSync(record.file, { force: true });
      throw err;
    }
  }

  /**
   * POST /recordings/batch (Kapacitor handleRecordBatch + doRecordBatch): 400 without start, 404 `no task exists`;
   * then, in the background, every query node of the task runs its schedule over [start, stop] against InfluxDB
   * and the batches are stored. A stream task fails the recording with `wrong task type`, as in Kapacitor.
   */
  recordBatch(req: { id?: string | undefined; task: string; start: bigint | undefined; stop: bigint | undefined }): RecordingRecord {
    const id = req.id || randomUUID();
    checkRecordingId(id, 'recording');
    if (req.start === undefined) throw new ApiError(400, 'must provide start time');
    const now = this.deps.now();
    const stop = req.stop ?? now;
    const task = this.deps.store.getTask(req.task);
    if (!task) throw new ApiError(404, 'no task exists');
    const start = req.start;
    const record = this.newRecording(id, 'batch');
    this.runQueryRecording(record, (f) => new BatchRecordingWriter(f), async (writer, signal) => {
      if (task.type !== 'batch') throw new Error('wrong task type');
      const pipeline = this.evaluateTask(task);
      for await (const { source, batch } of batchTaskBatches(pipeline, task.dbrps, this.deps.services.influxdb, start, stop, now)) {
        signal.throwIfAborted();
        writer.write(source, batch);
        await writer.drain();
      }
    });
    return record;
  }

  /**
   * POST /recordings/query (Kapacitor handleRecordQuery + doRecordQuery): the query's answer as points in time
   * order (`stream`, a stream recording of the query's db/rp) or as batches (`batch`).
   */
  recordQuery(req: { id?: string | undefined; query: string; type: string; cluster: string }): RecordingRecord {
    const id = req.id || randomUUID();
    checkRecordingId(id, 'recording');
    if (req.query === '') throw new ApiError(400, 'must provide query');
    if (req.type !== 'stream' && req.type !== 'batch') throw new ApiError(400, `unknown TaskType ${req.type}`);
    const record = this.newRecording(id, req.type);
    if (req.type === 'batch') {
      this.runQueryRecording(record, (f) => new BatchRecordingWriter(f), async (writer, signal) => {
        const { resp } = await execQuery(this.deps.services.influxdb, req.query, req.cluster, 'record');
        for (const batch of queryAnswerBatches(resp)) {
          signal.throwIfAborted();
          writer.write(0, batch);
          await writer.drain();
        }
      });
    } else {
      this.runQueryRecording(record, (f) => new RecordingWriter(f), async (writer, signal) => {
        const { db, rp, resp } = await execQuery(this.deps.services.influxdb, req.query, req.cluster, 'record');
        signal.throwIfAborted();
        const points = queryAnswerPoints(resp, db, rp);
        for (let i = 0; i < points.length; i += 4096) {
          writer.write(db, rp, points.slice(i, i + 4096));
          await writer.drain();
        }
      });
    }
    return record;
  }

  /** Runs a batch/query recording in the background: `fill` writes it; its error fails the recording. */
  private runQueryRecording<W extends BatchRecordingWriter | RecordingWriter>(
    record: RecordingRecord, make: (file: string) => W, fill: (writer: W, signal: AbortSignal) => Promise<void>,
  ): void {
    const abort = new AbortController();
    this.queryRecordings.set(record.id, abort);
    rmSync(record.file, { force: true });
    const writer = make(record.file);
    const done = (async () => {
      await Promise.resolve(); // answer the POST first
      let error: Error | undefined;
      try {
        await fill(writer, abort.signal);
        abort.signal.throwIfAborted();
        await writer.close();
      } catch (e) {
        error = abort.signal.aborted ? (abort.signal.reason as Error) : (e as Error);
        await writer.abort();
      }
      this.queryRecordings.delete(record.id);
      const points = writer.points;
      const dbrps = writer instanceof RecordingWriter ? writer.dbrps : [];
      this.finishRecording(record, error, points, dbrps);
    })();
    this.recordingDone.set(record.id, done);
  }

  private evaluateTask(task: TaskRecord): Pipeline {
    try {
      return this.deps.script.evaluate(task.script, task.vars);
    } catch (e) {
      throw new Error(`task ${task.id} does not evaluate: ${(e as Error).message}`);
    }
  }

  private newRecording(id: string, type: 'stream' | 'batch' = 'stream'): RecordingRecord {
    const record: RecordingRecord = {
      id, type, file: this.fileFor(id, type), size: 0, date: this.deps.now(), error: '', status: 'running', progress: 0,
      points: 0, dbrps: [],
    };
    try {
      this.index.createRecording(record);
    } catch (e) {
      if ((e as Error).message === ERR_RECORDING_EXISTS) throw new ApiError(500, ERR_RECORDING_EXISTS);
      throw e;
    }
    return record;
  }

  private openWriter(record: RecordingRecord): RecordingWriter {
    // a stale file of a recording deleted from the index (or adopted from elsewhere) is replaced
    rmSync(record.file, { force: true });
    return new RecordingWriter(record.file);
  }

  private finishRecording(record: RecordingRecord, err: Error | undefined, points: number, dbrps: { db: string; rp: string }[]): void {
    let size = 0;
    try {
      size = statSize(record.file);
    } catch { /* deleted meanwhile */ }
    const done: RecordingRecord = {
      ...record, status: err ? 'failed' : 'finished', error: err ? err.message : '', progress: 1, size, date: this.deps.now(), points, dbrps,
    };
    if (!this.index.replaceRecording(done)) return; // deleted while recording
    if (err) this.deps.logger.error({ recording: record.id, err: err.message }, 'recording failed');
  }

  getRecording(id: string): RecordingRecord {
    const r = this.index.getRecording(id);
    if (!r) throw new ApiError(404, `error finding recording: ${ERR_NO_RECORDING}`);
    return r;
  }

  /**
   * The points of a finished recording, in recorded order and chunks (what-if replays read them). Checked now:
   * an unknown id is a 404, a recording still running or failed a 400; reading errors surface while iterating.
   */
  recordingPoints(id: string): AsyncIterable<RecordingChunk> {
    const r = this.getRecording(id);
    if (r.status !== 'finished') throw new ApiError(400, `recording ${id} is ${r.status}, only a finished recording can be read`);
    if (r.type !== 'stream') throw new ApiError(400, `recording ${id} is a batch recording, only a stream recording holds points`);
    return openRecording(r.file);
  }

  listRecordings(): RecordingRecord[] {
    return this.index.listRecordings();
  }

  /** DELETE: stops a running recording, fails replays reading it, removes the row and the file. */
  async deleteRecording(id: string): Promise<void> {
    const r = this.index.getRecording(id);
    if (!r) return;
    this.index.deleteRecording(id);
    const recorder = this.recorders.get(id);
    if (recorder) {
      recorder.finish(new Error(`recording ${id} was deleted`));
      await this.recordingDone.get(id);
    }
    const running = this.queryRecordings.get(id);
    if (running) {
      running.abort(new Error(`recording ${id} was deleted`));
      await this.recordingDone.get(id);
    }
    for (const rp of this.replays.values()) {
      if (rp.record.recording === id) rp.abort.abort(new Error(`recording ${id} was deleted during the replay`));
    }
    rmSync(r.file, { force: true });
  }

  // ---- replays ---------------------------------------------------------------------------------------

  /** POST /replays. Errors as Kapacitor's handleCreateReplay: 404 `task load: …`, 404 `recording not found: …`. */
  createReplay(req: { id?: string | undefined; task: string; recording: string; recordingTime: boolean; clock: ReplayClock }): ReplayRecord {
    const id = req.id || randomUUID();
    checkRecordingId(id, 'replay');
    const task = this.deps.store.getTask(req.task);
    if (!task) throw new ApiError(404, 'task load: no task exists');
    const recording = this.index.getRecording(req.recording);
    if (!recording) throw new ApiError(404, `recording not found: ${ERR_NO_RECORDING}`);
    if (task.type !== recording.type) {
      throw new ApiError(400, `cannot replay ${recording.type} recording ${recording.id} into ${task.type} task ${task.id}`);
    }
    const pipeline = this.evaluateForReplay(task);
    const dbrps = task.dbrps as readonly DBRP[];
    const checkRecording = (): void => {
      if (recording.status === 'running') throw new Error(`recording ${recording.id} is still running`);
      if (recording.status === 'failed') throw new Error(`recording ${recording.id} failed: ${recording.error}`);
    };
    if (recording.type === 'batch') {
      return this.startReplay(id, task.id, recording.id, req, pipeline, dbrps, async (active, taskMaster, signal) => {
        checkRecording();
        const feeder = new BatchFeeder(taskMaster, task.id, pipeline, { ...this.feedOptions(active), signal, skipEmpty: true });
        let read = 0;
        for await (const { source, batch } of openBatchRecording(recording.file, { signal })) {
          await feeder.feed(source, batch);
          read += batch.points.length;
          if (recording.points > 0) active.progress = Math.min(1, read / recording.points);
        }
      });
    }
    return this.startReplay(id, task.id, recording.id, req, pipeline, dbrps, async (active, taskMaster, signal) => {
      checkRecording();
      const { record } = active;
      const outcome = await runReplay({
        taskMaster, taskId: record.task, dbrps, file: recording.file, clock: record.clock, recordingTime: record.recordingTime,
        startNs: record.date, signal, totalPoints: recording.points,
        onProgress: (f) => { active.progress = f; },
      });
      if (outcome.read > 0 && outcome.matched === 0) {
        const has = recording.dbrps.map((d) => `${JSON.stringify(d.db)}.${JSON.stringify(d.rp)}`).join(' ');
        const wants = dbrps.map((d) => `${JSON.stringify(d.db)}.${JSON.stringify(d.rp)}`).join(' ');
        throw new Error(`recording ${recording.id} has no points for the dbrps of task ${record.task} [${wants}]; it holds [${has}]`);
      }
    });
  }

  /**
   * POST /replays/batch (Kapacitor handleReplayBatch + doLiveBatchReplay): the batch task's queries run over
   * [start, stop] against InfluxDB and their batches go straight into the replayed task, nothing is stored.
   */
  replayBatch(req: { id?: string | undefined; task: string; start: bigint | undefined; stop: bigint | undefined; recordingTime: boolean; clock: ReplayClock }): ReplayRecord {
    const id = req.id || randomUUID();
    if (!ID_RE.test(id)) throw new ApiError(400, `replay ID must match ${ID_RE_TEXT} ${JSON.stringify(id)}`);
    const task = this.deps.store.getTask(req.task);
    if (!task) throw new ApiError(404, 'task load: no task exists');
    if (task.type === 'stream') throw new ApiError(400, `cannot replay batch against stream task: ${task.id}`);
    if (req.start === undefined) throw new ApiError(400, 'must provide start time');
    const start = req.start;
    const now = this.deps.now();
    const stop = req.stop ?? now;
    const pipeline = this.evaluateForReplay(task);
    return this.startReplay(id, task.id, '', req, pipeline, task.dbrps as readonly DBRP[], async (active, taskMaster, signal) => {
      const feeder = new BatchFeeder(taskMaster, task.id, pipeline, { ...this.feedOptions(active), signal, skipEmpty: false });
      for await (const { source, batch } of batchTaskBatches(pipeline, task.dbrps, this.deps.services.influxdb, start, stop, now)) {
        await feeder.feed(source, batch);
      }
    });
  }

  /**
   * POST /replays/query (Kapacitor handleReplayQuery + doLiveQueryReplay): the query's answer goes straight into
   * the replayed task, as points in time order (stream task) or as batches (batch task with one query node).
   */
  replayQuery(req: { id?: string | undefined; task: string; query: string; cluster: string; recordingTime: boolean; clock: ReplayClock }): ReplayRecord {
    const id = req.id || randomUUID();
    // Kapacitor's text says "recording ID" here
    if (!ID_RE.test(id)) throw new ApiError(400, `recording ID must match ${ID_RE_TEXT} ${JSON.stringify(id)}`);
    if (req.query === '') throw new ApiError(400, 'must provide query');
    const task = this.deps.store.getTask(req.task);
    if (!task) throw new ApiError(404, 'task load: no task exists');
    const pipeline = this.evaluateForReplay(task);
    const dbrps = task.dbrps as readonly DBRP[];
    return this.startReplay(id, task.id, '', req, pipeline, dbrps, async (active, taskMaster, signal) => {
      const { db, rp, resp } = await execQuery(this.deps.services.influxdb, req.query, req.cluster, 'replay');
      signal.throwIfAborted();
      if (task.type === 'stream') {
        await replayPoints(taskMaster, queryAnswerPoints(resp, db, rp), { ...this.feedOptions(active), signal });
        return;
      }
      const feeder = new BatchFeeder(taskMaster, task.id, pipeline, { ...this.feedOptions(active), signal, skipEmpty: false });
      if (feeder.sources !== 1) throw new Error(`unexpected number of batch collectors. exp 1 got ${feeder.sources}`);
      for (const batch of queryAnswerBatches(resp)) await feeder.feed(0, batch);
    });
  }

  private feedOptions(active: ActiveReplay): { clock: ReplayClock; recordingTime: boolean; startNs: bigint } {
    return { clock: active.record.clock, recordingTime: active.record.recordingTime, startNs: active.record.date };
  }

  private evaluateForReplay(task: TaskRecord): Pipeline {
    try {
      return this.deps.script.evaluate(task.script, task.vars);
    } catch (e) {
      throw new ApiError(400, `task ${task.id} does not evaluate: ${(e as Error).message}`);
    }
  }

  /** Creates the replay's row and TaskMaster and runs `feed` in the background (Kapacitor doReplay). */
  private startReplay(
    id: string, taskId: string, recordingId: string, req: { recordingTime: boolean; clock: ReplayClock },
    pipeline: Pipeline, dbrps: readonly DBRP[],
    feed: (active: ActiveReplay, taskMaster: TaskMaster, signal: AbortSignal) => Promise<void>,
  ): ReplayRecord {
    const record: ReplayRecord = {
      id, recording: recordingId, task: taskId, recordingTime: req.recordingTime, clock: req.clock, date: this.deps.now(),
      error: '', status: 'running', progress: 0, stats: {},
    };
    try {
      this.index.createReplay(record);
    } catch (e) {
      if ((e as Error).message === ERR_REPLAY_EXISTS) throw new ApiError(500, ERR_REPLAY_EXISTS);
      throw e;
    }
    const taskMaster = new TaskMaster({
      nodes: builtinNodes,
      logger: this.deps.logger.child({ component: 'task_master', replay: id }),
      services: this.replayServices,
      timingSampleRate: this.deps.timingSampleRate,
      timingMovAvgSize: this.deps.timingMovAvgSize,
    });
    const abort = new AbortController();
    const active: ActiveReplay = { record, taskMaster, abort, progress: 0, done: Promise.resolve() };
    (active as { done: Promise<void> }).done = this.execute(active, pipeline, dbrps, feed);
    this.replays.set(id, active);
    return record;
  }

  private async execute(
    active: ActiveReplay, pipeline: Pipeline, dbrps: readonly DBRP[],
    feed: (active: ActiveReplay, taskMaster: TaskMaster, signal: AbortSignal) => Promise<void>,
  ): Promise<void> {
    const { record, taskMaster, abort } = active;
    let error: string | undefined;
    let stats: Record<string, unknown> = {};
    let endpoints: EndpointSnapshot | undefined;
    await Promise.resolve(); // answer the POST first
    try {
      let running: RunningTaskPort;
      try {
        running = taskMaster.startTask(record.task, pipeline, dbrps);
      } catch (e) {
        throw new Error(`task start: ${(e as Error).message}`);
      }
      await feed(active, taskMaster, abort.signal);
      if (running.error) throw new Error(`task run: ${running.error}`);
      stats = running.stats() as unknown as Record<string, unknown>;
      endpoints = new Map();
      for (const name of taskMaster.endpointNames(record.task)) {
        const body = taskMaster.httpOut(record.task, name);
        if (body !== undefined) endpoints.set(name, body);
      }
    } catch (e) {
      const reason = abort.signal.aborted ? (abort.signal.reason as Error) : (e as Error);
      error = `running replay: ${reason?.message ?? String(reason)}`;
    } finally {
      taskMaster.stopAll();
      this.replays.delete(record.id);
    }
    if (endpoints) {
      this.snapshots.set(record.id, { task: record.task, endpoints });
      if (this.snapshots.size > KEPT_SNAPSHOTS) this.snapshots.delete(this.snapshots.keys().next().value!);
    }
    const done: ReplayRecord = {
      ...record, status: error ? 'failed' : 'finished', error: error ?? '', progress: 1, date: this.deps.now(), stats,
    };
    if (this.index.replaceReplay(done) && error) this.deps.logger.error({ replay: record.id, err: error }, 'replay failed');
  }

  getReplay(id: string): ReplayRecord {
    const r = this.index.getReplay(id);
    if (!r) throw new ApiError(404, `could not find replay: ${ERR_NO_REPLAY}`);
    const active = this.replays.get(id);
    return active ? { ...r, progress: active.progress } : r;
  }

  listReplays(): ReplayRecord[] {
    return this.index.listReplays().map((r) => {
      const active = this.replays.get(r.id);
      return active ? { ...r, progress: active.progress } : r;
    });
  }

  /** DELETE: cancels a running replay (its task stops) and removes it; unknown ids are fine (204). */
  async deleteReplay(id: string): Promise<void> {
    this.index.deleteReplay(id);
    this.snapshots.delete(id);
    const active = this.replays.get(id);
    if (active) {
      active.abort.abort(new Error(`replay ${id} was deleted`));
      await active.done;
    }
  }

  /** The replay's running task instance for `GET /tasks/<id>?replay-id=` (Kapacitor's errors, 400). */
  replayTask(replayId: string, taskId: string): RunningTaskPort {
    const active = this.replays.get(replayId);
    if (!active) throw new ApiError(400, `no running replay with ID: ${replayId}`);
    const t = active.taskMaster.getTask(taskId);
    if (!t) throw new ApiError(400, `replay ${replayId} is not for task: ${taskId}`);
    return t;
  }

  /** httpOut of a replay's task: live while it runs, the final body once it finished (kept in memory). */
  replayHttpOut(replayId: string, taskId: string, endpoint: string): string | undefined {
    const active = this.replays.get(replayId);
    if (active) return active.taskMaster.httpOut(taskId, endpoint);
    const snap = this.snapshots.get(replayId);
    return snap && snap.task === taskId ? snap.endpoints.get(endpoint) : undefined;
  }

  /** Waits for a replay to end (tests, shutdown). */
  async settled(id: string): Promise<void> {
    await this.replays.get(id)?.done;
    await this.recordingDone.get(id);
  }

  /** Shutdown: ends recordings and replays as failed, waits for their rows to be written. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const reason = new Error('kapacitord shut down');
    for (const r of this.recorders.values()) r.finish(reason);
    for (const a of this.queryRecordings.values()) a.abort(reason);
    for (const a of this.replays.values()) a.abort.abort(reason);
    await Promise.all([...this.recordingDone.values(), ...[...this.replays.values()].map((a) => a.done)]);
  }
}

function statSize(file: string): number {
  return statSync(file).size;
}
