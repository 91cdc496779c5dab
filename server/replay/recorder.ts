/**
 * A stream recording in progress (Kapacitor's doRecordStream): a tap on the live TaskMaster for a task's dbrps
 * and measurements that appends every routed point to a RecordingWriter until a point's data time passes `stop`
 * (Kapacitor's rule: that point and everything after it is dropped) or the wall clock does (so a quiet stream
 * ends too). It is fed synchronously from /write, so it never throws there: a failure (disk full, the disk
 * falling too far behind) ends the recording as failed and detaches the tap.
 */
import type { Routable } from '../../runtime/router.ts';
import type { Point } from '../../model/point.ts';
import type { RecordingWriter } from '../../recordings/index.ts';

/** Bytes a recording may hold in memory waiting for the disk before it fails (keeps /write memory bounded). */
export const MAX_RECORDING_BACKLOG = 64 * 1024 * 1024;

export interface RecorderResult {
  readonly error?: Error;
  readonly points: number;
  readonly dbrps: { db: string; rp: string }[];
}

export class StreamRecorder implements Routable {
  readonly pending: Point[] = [];
  private finished = false;
  private readonly result: Promise<RecorderResult>;
  private resolveStop!: (err: Error | undefined) => void;

  constructor(
    readonly id: string,
    readonly dbrps: readonly { readonly db: string; readonly rp: string }[],
    readonly measurements: readonly string[] | null,
    private readonly writer: RecordingWriter,
    private readonly stopNs: bigint,
  ) {
    const stopped = new Promise<Error | undefined>((resolve) => { this.resolveStop = resolve; });
    // a write error (disk full) ends the recording as failed at once, even when no further point arrives
    writer.onFailure((err) => this.finish(err));
    this.result = stopped.then(async (err) => {
      if (err) {
        await writer.abort();
        return { error: err, points: writer.points, dbrps: writer.dbrps };
      }
      try {
        await writer.close();
        return { points: writer.points, dbrps: writer.dbrps };
      } catch (e) {
        return { error: e as Error, points: writer.points, dbrps: writer.dbrps };
      }
    });
  }

  /** Resolves when the recording ended and its file is complete (or abandoned, with `error`). */
  done(): Promise<RecorderResult> {
    return this.result;
  }

  get active(): boolean {
    return !this.finished;
  }

  feed(points: readonly Point[]): void {
    if (this.finished) return;
    const n = points.length;
    let end = n;
    for (let i = 0; i < n; i++) {
      if (points[i]!.time > this.stopNs) { end = i; break; }
    }
    try {
      if (end > 0) {
        const first = points[0]!;
        this.writer.write(first.db, first.rp, end === n ? points : points.slice(0, end));
      }
      if (this.writer.buffered > MAX_RECORDING_BACKLOG) {
        throw new Error(`recording ${this.id} fell behind: more than ${MAX_RECORDING_BACKLOG} bytes waiting for the disk`);
      }
    } catch (err) {
      this.finish(err as Error);
      return;
    }
    if (end < n) this.finish(undefined);
  }

  /** Ends the recording: normally (undefined) or as failed. Idempotent. */
  finish(err: Error | undefined): void {
    if (this.finished) return;
    this.finished = true;
    this.resolveStop(err ?? this.writer.error);
  }
}
