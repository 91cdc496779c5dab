/**
 * The file half of both recording writers (writer.ts: stream recordings, batches.ts: batch recordings): a plain
 * header line, then everything else through gzip, written in the background. The first I/O error (disk full, …) is
 * kept as `error` and reported by every later call, by `onFailure` listeners and by `end()`.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createGzip, type Gzip } from 'node:zlib';

export class GzipFileSink {
  private readonly file: WriteStream;
  private readonly gzip: Gzip;
  private readonly done: Promise<void>;
  private failure: Error | undefined;
  private closed = false;

  /** Creates `path` (which must not exist) and writes `header` uncompressed. */
  constructor(readonly path: string, header: string) {
    this.file = createWriteStream(path, { flags: 'wx' });
    this.gzip = createGzip({ level: 6 });
    this.file.write(header);
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
    this.done.catch(() => { /* reported through error, onFailure and end() */ });
  }

  /** The I/O error that stopped this file, if any. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** Calls `listener` once with the I/O error that stops this file, as soon as it happens (at once when failed). */
  onFailure(listener: (err: Error) => void): void {
    if (this.failure) { listener(this.failure); return; }
    this.done.catch((err: Error) => listener(err));
  }

  /** Bytes accepted but not yet compressed and handed to the file. */
  get buffered(): number {
    return this.gzip.writableLength + this.file.writableLength;
  }

  /** Throws after an I/O error or once the file is closed. */
  checkWritable(): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error(`recording ${this.path} is closed`);
  }

  /** Compresses and appends `data` (in the background). */
  write(data: string): void {
    this.gzip.write(data);
  }

  /** Resolves when the background writes caught up (bounds memory between large writes). */
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

  /** Writes `trailer`, finishes the file and returns its size in bytes. */
  async end(trailer: string): Promise<number> {
    if (this.closed) throw new Error(`recording ${this.path} is already closed`);
    this.closed = true;
    if (this.failure) { this.abortStreams(); throw this.failure; }
    this.gzip.end(trailer);
    await this.done;
    return (await stat(this.path)).size;
  }

  /** Stops writing without a trailer (the file reads as truncated); never throws. */
  async abort(): Promise<void> {
    this.closed = true;
    this.abortStreams();
    await this.done.catch(() => {});
  }

  private abortStreams(): void {
    this.gzip.unpipe(this.file);
    this.gzip.destroy();
    this.file.end();
  }
}
