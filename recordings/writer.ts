/**
 * Writes a recording file (format.ts): header, then gzip'd blocks of line protocol, then the end marker.
 * Points are appended synchronously (a stream recording is fed from the write path) and compressed and written
 * to disk in the background; `buffered` tells a caller how far the disk is behind, `drain()` waits for it.
 * Any I/O error (disk full, …) is kept and reported by every later call and by `close()`.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createGzip, type Gzip } from 'node:zlib';
import type { Point } from '../model/point.ts';
import { BLOCK_TARGET_BYTES, HEADER, blockDirective, endDirective, pointLine } from './format.ts';

export class RecordingWriter {
  readonly path: string;
  private readonly file: WriteStream;
  private readonly gzip: Gzip;
  private readonly done: Promise<void>;
  private failure: Error | undefined;
  private closed = false;
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
  constructor(path: string) {
    this.path = path;
    this.file = createWriteStream(path, { flags: 'wx' });
    this.gzip = createGzip({ level: 6 });
    this.file.write(HEADER);
    this.gzip.pipe(this.file);
    this.done = new Promise<void>((resolve, reject) => {
      const fail = (err: Error): void => {
        this.failure ??= new Error(`writing recording ${path}: ${err.message}`);
        reject(this.failure);
      };
      this.file.on('error', fail);
      this.gzip.on('error', fail);
      this.file.on('close', () => (this.failure ? reject(this.failure) : resolve()));
    });
    this.done.catch(() => { /* reported through failure / close() */ });
  }

  /**
   * Calls `listener` once with the I/O error that stops this writer (disk full, …), as soon as it happens — a
   * recording of a quiet stream learns of it without waiting for its next write. Called at once when already failed.
   */
  onFailure(listener: (err: Error) => void): void {
    if (this.failure) { listener(this.failure); return; }
    this.done.catch((err: Error) => listener(err));
  }

  /** The I/O error that stopped this writer, if any. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** The distinct db/rp pairs written, in first-seen order. */
  get dbrps(): { db: string; rp: string }[] {
    return [...this.seen.values()];
  }

  /** Bytes accepted but not yet compressed and handed to the file. */
  get buffered(): number {
    return this.gzip.writableLength + this.file.writableLength + this.blockBytes;
  }

  /** Appends points written to db/rp (in order). Throws after an I/O error or close. */
  write(db: string, rp: string, points: readonly Point[]): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error(`recording ${this.path} is closed`);
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
  async drain(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.gzip.writableNeedDrain) {
      await new Promise<void>((resolve) => {
        const done = (): void => { this.gzip.off('drain', done); this.file.off('error', done); resolve(); };
        this.gzip.on('drain', done);
        this.file.on('error', done);
      });
    }
    if (this.failure) throw this.failure;
  }

  private flushBlock(): void {
    if (this.lines.length === 0) return;
    const body = this.lines.join('');
    this.gzip.write(blockDirective(this.db, this.rp, Buffer.byteLength(body), this.lines.length) + body);
    this.lines = [];
    this.blockBytes = 0;
  }

  /** Writes the end marker, finishes the file and returns its size in bytes. */
  async close(): Promise<number> {
    if (this.closed) throw new Error(`recording ${this.path} is already closed`);
    this.closed = true;
    if (this.failure) { this.abortStreams(); throw this.failure; }
    this.flushBlock();
    this.gzip.end(endDirective(this.points));
    await this.done;
    return (await stat(this.path)).size;
  }

  /** Stops writing without an end marker (the file reads as truncated); never throws. */
  async abort(): Promise<void> {
    this.closed = true;
    this.lines = [];
    this.abortStreams();
    await this.done.catch(() => {});
  }

  private abortStreams(): void {
    this.gzip.unpipe(this.file);
    this.gzip.destroy();
    this.file.end();
  }
}
