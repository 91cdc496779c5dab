/**
 * Reads a recording file (format.ts) as an async iteration of `{ db, rp, points }` chunks in recorded order,
 * streaming from disk: memory stays bounded by one block (≤ 256 KiB of text for files this project writes) plus
 * the decompressor's buffers, whatever the file's size.
 *
 * A damaged file never crashes the reader: it throws a RecordingError naming the file and the byte offset
 * (in the file, and for damage inside the compressed stream also the offset in the decompressed data).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { LineProtocolParser } from '../lineprotocol/parser.ts';
import type { Point } from '../model/point.ts';
import { FORMAT_NAME, FORMAT_VERSION, HEADER, MAX_BLOCK_BYTES, MAX_DIRECTIVE_BYTES, parseDirective, type Directive } from './format.ts';

export interface RecordingChunk {
  readonly db: string;
  readonly rp: string;
  readonly points: Point[];
}

/** A recording that cannot be read: `file` and `offset` (byte in the file) say where. */
export class RecordingError extends Error {
  override name = 'RecordingError';
  constructor(readonly file: string, readonly offset: number, reason: string) {
    super(`recording file ${file} is corrupt at byte ${offset}: ${reason}`);
  }
}

const NL = 10;
/** bytes per file read and per decompressed chunk */
const READ_CHUNK = 256 * 1024;

/** Checks the header line; returns its length in bytes. */
async function readHeader(path: string): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(64);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const nl = buf.subarray(0, bytesRead).indexOf(NL);
    const line = buf.subarray(0, nl < 0 ? bytesRead : nl).toString('latin1');
    const m = /^(\S+) (\d+)$/.exec(line);
    if (!m || m[1] !== FORMAT_NAME) {
      throw new RecordingError(path, 0, `not a tickstream recording: the first line must be ${JSON.stringify(HEADER.trimEnd())}`);
    }
    if (Number(m[2]) !== FORMAT_VERSION) {
      throw new RecordingError(path, 0, `unsupported recording format version ${m[2]} (this tickstream reads version ${FORMAT_VERSION})`);
    }
    return nl + 1;
  } finally {
    await fh.close();
  }
}

/**
 * Opens a recording for reading. The header is checked before the first chunk is produced; errors are thrown
 * from the iteration as RecordingError (ENOENT and other I/O errors as they are).
 */
export async function* openRecording(path: string, opts: { signal?: AbortSignal } = {}): AsyncGenerator<RecordingChunk> {
  const headerBytes = await readHeader(path);
  // large reads and output chunks: with zlib's default 16 KiB chunks, the stream machinery (one async step per
  // chunk) costs three times the inflating itself (bench/replay.ts)
  const file = createReadStream(path, { start: headerBytes, highWaterMark: READ_CHUNK });
  const gunzip = createGunzip({ chunkSize: READ_CHUNK });
  file.on('error', (err) => gunzip.destroy(err));
  file.pipe(gunzip);
  const parser = new LineProtocolParser();
  // decompressed bytes not consumed yet, as a list of buffers (no quadratic concatenation)
  let parts: Buffer[] = [];
  let partsLen = 0;
  let consumed = 0; // decompressed offset of parts[0][0]
  let block: Extract<Directive, { kind: 'block' }> | undefined;
  let blockStart = 0;
  let ended: number | undefined;
  let total = 0;
  const fileOffset = (): number => headerBytes + gunzip.bytesWritten;
  const fail = (reason: string, decompressed?: number): never => {
    throw new RecordingError(path, fileOffset(), decompressed === undefined ? reason : `${reason} (decompressed offset ${decompressed})`);
  };
  /** The next n bytes (n ≤ partsLen): a view of the first part when it holds them, else a copy of just the parts covering them. */
  const take = (n: number): Buffer => {
    const head = parts[0]!;
    let out: Buffer;
    if (head.length >= n) {
      out = head.subarray(0, n);
      if (head.length === n) parts.shift();
      else parts[0] = head.subarray(n);
    } else {
      let k = 0;
      let len = 0;
      while (len < n) len += parts[k++]!.length;
      const joined = Buffer.concat(parts.slice(0, k), len);
      out = joined.subarray(0, n);
      const rest = parts.slice(k);
      if (len > n) rest.unshift(joined.subarray(n));
      parts = rest;
    }
    partsLen -= n;
    consumed += n;
    return out;
  };
  try {
    try {
      for await (const chunk of gunzip as AsyncIterable<Buffer>) {
        opts.signal?.throwIfAborted();
        parts.push(chunk);
        partsLen += chunk.length;
        for (;;) {
          if (ended !== undefined) {
            if (partsLen > 0) fail('data after the end marker', consumed);
            break;
          }
          if (!block) {
            // a directive line
            let nl = -1;
            let seen = 0;
            for (const p of parts) {
              const i = p.indexOf(NL);
              if (i >= 0) { nl = seen + i; break; }
              seen += p.length;
            }
            if (nl < 0) {
              if (partsLen > MAX_DIRECTIVE_BYTES) fail('expected a #block or #end directive line', consumed);
              break;
            }
            const at = consumed;
            const line = take(nl + 1).subarray(0, nl).toString('utf8');
            const d = parseDirective(line);
            if (!d) fail(`expected a #block or #end directive, found ${JSON.stringify(line.slice(0, 80))}`, at);
            if (d!.kind === 'end') {
              if (d!.points !== total) fail(`the end marker counts ${d!.points} points but the file holds ${total}`, at);
              ended = total;
              continue;
            }
            block = d as Extract<Directive, { kind: 'block' }>;
            if (block.bytes > MAX_BLOCK_BYTES) fail(`block of ${block.bytes} bytes exceeds the limit of ${MAX_BLOCK_BYTES}`, at);
            blockStart = consumed;
            continue;
          }
          if (partsLen < block.bytes) break;
          const body = take(block.bytes);
          const { points, errors } = parser.parse(body, { db: block.db, rp: block.rp, precision: 'n', now: 0n });
          if (errors.length > 0) fail(`bad line protocol in the block starting at decompressed offset ${blockStart}: ${errors[0]}`);
          if (points.length !== block.points) {
            fail(`the block starting at decompressed offset ${blockStart} announces ${block.points} points but holds ${points.length}`);
          }
          total += points.length;
          const out: RecordingChunk = { db: block.db, rp: block.rp, points };
          block = undefined;
          yield out;
        }
      }
    } catch (err) {
      if (err instanceof RecordingError) throw err;
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'Z_BUF_ERROR' || /unexpected end of file/.test(e.message)) {
        throw new RecordingError(path, fileOffset(), 'the file is truncated (the compressed stream ends early)');
      }
      if (typeof e.code === 'string' && e.code.startsWith('Z_')) {
        throw new RecordingError(path, fileOffset(), `corrupt compressed data (${e.message})`);
      }
      throw err;
    }
    if (ended === undefined) {
      fail(block ? `the file is truncated inside a block of ${block.bytes} bytes` : 'the file is truncated (no end marker)', consumed + partsLen);
    }
  } finally {
    file.destroy();
    gunzip.destroy();
  }
}
