/**
 * Batch recordings (`record batch`, `record query -type batch`): tickstream's own versioned format, version 1.
 *
 *   tickstream-batch-recording 1\n           <- plain-text header (head -1 shows format and version)
 *   <gzip stream of lines>:
 *     {"source":0,"name":"cpu","tags":{"host":"a"},"byName":false,"tmax":"1700000000000000000",
 *      "points":[["1700000000000000000",{"mean":3},{"host":"a"}], ...]}\n      <- one batch per line
 *     ...in recorded order...
 *     {"end":<batches>}\n                    <- trailer: a file without it is truncated
 *
 * `source` is the index of the task's query node that produced the batch (Kapacitor keeps one archive entry per
 * query node); times are ns as decimal strings (int64 does not fit a JSON number); field values are JSON numbers
 * (float64), strings and booleans, int64 values `{"i":"<digits>"}`. Each line is one JSON document, so string values
 * with newlines are safe. The reader streams: memory is bounded by one batch.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { makeBatch, makeBatchPoint } from '../model/build.ts';
import { groupId, makeDimensions, type Batch, type BatchPoint, type FieldValue, type Fields } from '../model/point.ts';
import { RecordingError } from './reader.ts';
import { GzipFileSink } from './gzip-file.ts';

export const BATCH_FORMAT_NAME = 'tickstream-batch-recording';
export const BATCH_FORMAT_VERSION = 1;
export const BATCH_HEADER = `${BATCH_FORMAT_NAME} ${BATCH_FORMAT_VERSION}\n`;
/** File extension of batch recordings in the replay dir. */
export const BATCH_RECORDING_EXT = '.tsbrec';
/** Longest line (one batch) a reader accepts. */
export const MAX_BATCH_LINE_BYTES = 512 * 1024 * 1024;

export interface RecordedBatch {
  /** index of the query node (in the task's order) that produced it */
  readonly source: number;
  readonly batch: Batch;
}

type JsonField = number | string | boolean | { i: string };

function encodeFields(f: Fields): Record<string, JsonField> {
  const out: Record<string, JsonField> = {};
  for (const k in f) {
    const v = f[k]!;
    out[k] = typeof v === 'bigint' ? { i: v.toString() } : v;
  }
  return out;
}

function decodeFields(f: Record<string, JsonField>): Fields {
  const out: Record<string, FieldValue> = {};
  for (const k in f) {
    const v = f[k]!;
    out[k] = typeof v === 'object' && v !== null ? BigInt(v.i) : v;
  }
  return out;
}

export function encodeBatch(source: number, b: Batch): string {
  return JSON.stringify({
    source, name: b.name, tags: b.tags, byName: b.dims.byName, tmax: b.tmax.toString(),
    points: b.points.map((p) => [p.time.toString(), encodeFields(p.fields), p.tags]),
  }) + '\n';
}

interface BatchLine {
  source: number; name: string; tags: Record<string, string>; byName: boolean; tmax: string;
  points: [string, Record<string, JsonField>, Record<string, string>][];
}

/** Decodes one batch line (throws on anything malformed). */
export function decodeBatch(line: string): RecordedBatch {
  const j = JSON.parse(line) as BatchLine;
  if (typeof j.source !== 'number' || typeof j.name !== 'string' || typeof j.tmax !== 'string' || !Array.isArray(j.points)) {
    throw new Error('not a batch line');
  }
  const tags = j.tags ?? {};
  const dims = makeDimensions(Object.keys(tags), j.byName === true);
  const points: BatchPoint[] = j.points.map(([t, f, pt]) => makeBatchPoint(BigInt(t), decodeFields(f), pt ?? {}));
  return { source: j.source, batch: makeBatch(j.name, '', '', tags, dims, groupId(j.name, tags, dims), BigInt(j.tmax), points) };
}

/** Writes a batch recording; `write` is synchronous (buffered), `drain` waits for the disk, `close` finishes the file. */
export class BatchRecordingWriter {
  private readonly sink: GzipFileSink;
  batches = 0;
  points = 0;

  constructor(readonly path: string) {
    this.sink = new GzipFileSink(path, BATCH_HEADER);
  }

  write(source: number, b: Batch): void {
    this.sink.checkWritable();
    this.sink.write(encodeBatch(source, b));
    this.batches++;
    this.points += b.points.length;
  }

  drain(): Promise<void> {
    return this.sink.drain();
  }

  close(): Promise<number> {
    return this.sink.end(JSON.stringify({ end: this.batches }) + '\n');
  }

  abort(): Promise<void> {
    return this.sink.abort();
  }
}

async function readBatchHeader(path: string): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(64);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const nl = buf.subarray(0, bytesRead).indexOf(10);
    const line = buf.subarray(0, nl < 0 ? bytesRead : nl).toString('latin1');
    const m = /^(\S+) (\d+)$/.exec(line);
    if (!m || m[1] !== BATCH_FORMAT_NAME) {
      throw new RecordingError(path, 0, `not a tickstream batch recording: the first line must be ${JSON.stringify(BATCH_HEADER.trimEnd())}`);
    }
    if (Number(m[2]) !== BATCH_FORMAT_VERSION) {
      throw new RecordingError(path, 0, `unsupported batch recording format version ${m[2]} (this tickstream reads version ${BATCH_FORMAT_VERSION})`);
    }
    return nl + 1;
  } finally {
    await fh.close();
  }
}

/** Reads a batch recording in recorded order; damage is a RecordingError naming the file and where. */
export async function* openBatchRecording(path: string, opts: { signal?: AbortSignal } = {}): AsyncGenerator<RecordedBatch> {
  const headerBytes = await readBatchHeader(path);
  const file = createReadStream(path, { start: headerBytes, highWaterMark: 256 * 1024 });
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  file.on('error', (err) => gunzip.destroy(err));
  file.pipe(gunzip);
  let parts: Buffer[] = [];
  let partsLen = 0;
  let lineNo = 0;
  let count = 0;
  let ended = false;
  const fail = (reason: string): never => { throw new RecordingError(path, headerBytes + gunzip.bytesWritten, reason); };
  const handle = (line: string): RecordedBatch | undefined => {
    lineNo++;
    if (ended) fail('data after the end marker');
    if (line.startsWith('{"end":')) {
      let n: unknown;
      try { n = (JSON.parse(line) as { end: unknown }).end; } catch { fail(`bad end marker on line ${lineNo}`); }
      if (n !== count) fail(`the end marker counts ${String(n)} batches but the file holds ${count}`);
      ended = true;
      return undefined;
    }
    try {
      const b = decodeBatch(line);
      count++;
      return b;
    } catch (err) {
      return fail(`bad batch on line ${lineNo}: ${(err as Error).message}`);
    }
  };
  try {
    try {
      for await (const chunk of gunzip as AsyncIterable<Buffer>) {
        opts.signal?.throwIfAborted();
        let start = 0;
        for (;;) {
          const nl = chunk.indexOf(10, start);
          if (nl < 0) break;
          const piece = chunk.subarray(start, nl);
          const line = partsLen > 0 ? Buffer.concat([...parts, piece]).toString('utf8') : piece.toString('utf8');
          parts = [];
          partsLen = 0;
          start = nl + 1;
          const b = handle(line);
          if (b) yield b;
        }
        if (start < chunk.length) {
          parts.push(chunk.subarray(start));
          partsLen += chunk.length - start;
          if (partsLen > MAX_BATCH_LINE_BYTES) fail(`line ${lineNo + 1} is longer than ${MAX_BATCH_LINE_BYTES} bytes`);
        }
      }
    } catch (err) {
      if (err instanceof RecordingError) throw err;
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'Z_BUF_ERROR' || /unexpected end of file/.test(e.message)) {
        throw new RecordingError(path, headerBytes + gunzip.bytesWritten, 'the file is truncated (the compressed stream ends early)');
      }
      if (typeof e.code === 'string' && e.code.startsWith('Z_')) {
        throw new RecordingError(path, headerBytes + gunzip.bytesWritten, `corrupt compressed data (${e.message})`);
      }
      throw err;
    }
    if (partsLen > 0) fail('the file is truncated inside a line');
    if (!ended) fail('the file is truncated (no end marker)');
  } finally {
    file.destroy();
    gunzip.destroy();
  }
}
