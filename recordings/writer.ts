/**
 * Writes a recording file (format.ts): header, then gzip'd blocks of line protocol, then the end marker.
 * Points are appended synchronously (a stream recording is fed from the write path) and compressed and written
 * to disk in the background; `buffered` tells a caller how far the disk is behind, `drain()` waits for it.
 * Any I/O error (disk full, …) is kept and reported by every later call and by `close()`.
 */
import { GzipFileSink } from './gzip-file.ts';
import type { Point } from '../model/point.ts';
import { BLOCK_TARGET_BYTES, HEADER, blockDirective, endDirective, pointLine } from './format.ts';

export class RecordingWriter {
  private readonly sink: GzipFileSink;
  // the block being filled
  private db = '';
  private rp = '';
  private lines: string[] = [];
  private blockBytes = 0;
  /** points written so far (flushed or pending) */
  points = 0;
  private readonly seen = new Map<string, { db: string; rp: string }>();
  /** data time of the first and last point written (ns), undefined before the first */
  firstTime: bigint | undefined;
  lastTime: bigint | undefined;

  /** Creates `path` (which must not exist) and writes the header. */
  constructor(readonly path: string) {
    this.sink = new GzipFileSink(path, HEADER);
  }

  /**
   * Calls `listener` once with the I/O error that stops this writer (disk full, …), as soon as it happens — a
   * recording of a quiet stream learns of it without waiting for its next write. Called at once when already failed.
   */
  onFailure(listener: (err: Error) => void): void {
    this.sink.onFailure(listener);
  }

  /** The I/O error that stopped this writer, if any. */
  get error(): Error | undefined {
    return this.sink.error;
  }

  /** The distinct db/rp pairs written, in first-seen order. */
  get dbrps(): { db: string; rp: string }[] {
    return [...this.seen.values()];
  }

  /** Bytes accepted but not yet compressed and handed to the file. */
  get buffered(): number {
    return this.sink.buffered + this.blockBytes;
  }

  /** Appends points written to db/rp (in order). Throws after an I/O error or close. */
  write(db: string, rp: string, points: readonly Point[]): void {
    this.sink.checkWritable();
    if (points.length === 0) return;
    if (this.lines.length > 0 && (db !== this.db || rp !== this.rp)) this.flushBlock();
    if (db !== this.db || rp !== this.rp || this.seen.size === 0) {
      const key = db + '\u0000' + rp;
      if (!this.seen.has(key)) this.seen.set(key, { db, rp });
    }
    this.db = db;
    this.rp = rp;
    for (let i = 0; i < points.length; i++) {
      const p = points[i]!;
      const line = pointLine(p);
      this.lines.push(line);
      this.blockBytes += Buffer.byteLength(line);
      if (this.blockBytes >= BLOCK_TARGET_BYTES) this.flushBlock();
    }
    this.points += points.length;
    this.firstTime ??= points[0]!.time;
    this.lastTime = points[points.length - 1]!.time;
  }

  /** Resolves when the background writes caught up (use between large imports to bound memory). */
  drain(): Promise<void> {
    return this.sink.drain();
  }

  private flushBlock(): void {
    if (this.lines.length === 0) return;
    const body = this.lines.join('');
    this.sink.write(blockDirective(this.db, this.rp, Buffer.byteLength(body), this.lines.length) + body);
    this.lines = [];
    this.blockBytes = 0;
  }

  /** Writes the end marker, finishes the file and returns its size in bytes. */
  async close(): Promise<number> {
    if (!this.sink.error) this.flushBlock();
    return this.sink.end(endDirective(this.points));
  }

  /** Stops writing without an end marker (the file reads as truncated); never throws. */
  async abort(): Promise<void> {
    this.lines = [];
    await this.sink.abort();
  }
}
