/**
 * Runs one replay (Kapacitor's doReplayFromRecording + replayStreamFromChan): the task in its own TaskMaster,
 * fed from the recording file chunk by chunk.
 * - clock `fast`: as fast as the task runs, yielding to the event loop between chunks so the server keeps
 *   answering; clock `real`: each point is delivered when as much wall time has passed since the first one as
 *   data time separates them.
 * - recordingTime false (the default, as in Kapacitor): every point is shifted by (replay start − first point's
 *   time), so the data looks as if it arrived now; true keeps the recorded times.
 * The replay stops with the abort's reason as its error when `signal` aborts (replay or recording deleted, server
 * shutting down).
 */
import { setImmediate as tick } from 'node:timers/promises';
import { sleepUntil } from './sleep-until.ts';
import type { Point } from '../../model/point.ts';
import type { TaskMaster } from '../../runtime/task-master.ts';
import { openRecording } from '../../recordings/index.ts';

export interface ReplayRun {
  readonly taskMaster: TaskMaster;
  readonly taskId: string;
  readonly dbrps: readonly { readonly db: string; readonly rp: string }[];
  readonly file: string;
  readonly clock: 'fast' | 'real';
  readonly recordingTime: boolean;
  /** ns, for the time shift (wall clock at the replay's start) */
  readonly startNs: bigint;
  readonly signal: AbortSignal;
  /** called with the fraction of the file's points delivered so far (0..1), when known */
  readonly totalPoints?: number;
  readonly onProgress?: (fraction: number) => void;
}

export interface ReplayOutcome {
  /** points read from the recording */
  readonly read: number;
  /** points whose db/rp is one of the task's dbrps */
  readonly matched: number;
}

/**
 * Moves the points by `diff` in place. Only for points fresh from the recording reader that nothing else has seen
 * yet (they are not emitted until they are written to the task): allocating a shifted copy of every point costs a
 * sixth of a replay's time, mostly in the garbage collector (bench/replay.ts).
 */
function shiftInPlace(points: readonly Point[], diff: bigint): void {
  // points of one moment come in runs (a writer's batch): one bigint addition (and allocation) per run
  let from: bigint | undefined;
  let to = 0n;
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as { time: bigint };
    if (p.time !== from) { from = p.time; to = from + diff; }
    p.time = to;
  }
}

export async function runReplay(run: ReplayRun): Promise<ReplayOutcome> {
  const { taskMaster, signal } = run;
  const wanted = new Set(run.dbrps.map((d) => d.db + '\u0000' + d.rp));
  let first: bigint | undefined;
  let diff = 0n;
  let shift = 0n;
  let wallStart = 0;
  let read = 0;
  let matched = 0;
  for await (const chunk of openRecording(run.file, { signal })) {
    signal.throwIfAborted();
    const n = chunk.points.length;
    if (n === 0) continue;
    if (first === undefined) {
      first = chunk.points[0]!.time;
      diff = run.startNs - first;
      shift = run.recordingTime ? 0n : diff;
      wallStart = performance.now();
    }
    read += n;
    if (!wanted.has(chunk.db + '\u0000' + chunk.rp)) continue; // the task's from() would never see them
    matched += n;
    const points = chunk.points;
    if (!run.recordingTime) shiftInPlace(points, diff);
    if (run.clock === 'fast') {
      taskMaster.writePoints(chunk.db, chunk.rp, points);
    } else {
      // deliver runs of equal data time at their wall-clock moment
      let i = 0;
      while (i < n) {
        const t = points[i]!.time;
        let j = i + 1;
        while (j < n && points[j]!.time === t) j++;
        // the shift moves every point alike: data time since the first point is the same before and after it
        await sleepUntil(wallStart + Number(t - (first + shift)) / 1e6, signal);
        taskMaster.writePoints(chunk.db, chunk.rp, points.slice(i, j));
        i = j;
      }
    }
    if (run.totalPoints) run.onProgress?.(Math.min(1, read / run.totalPoints));
    await tick(); // let HTTP requests (and other replays) run between chunks
  }
  return { read, matched };
}
