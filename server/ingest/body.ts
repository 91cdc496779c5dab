/**
 * Request bodies of /write: raw bytes whatever the content type, `Content-Encoding: gzip` inflated with a hard
 * output limit (a gzip bomb stops at the limit instead of being inflated in full), errors worded as Go's
 * gzip/flate readers word them (Kapacitor answers them with 400).
 */
import { constants as bufferConstants } from 'node:buffer';
import { gunzip } from 'node:zlib';

export const TOO_LARGE = 'http: request body too large';

/** A body problem with the HTTP status it is answered with. */
export class BodyError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'BodyError';
  }
}

/** max-body-size 0 means no configured limit; bodies are still bounded by the largest Buffer Node can make. */
export function effectiveLimit(maxBodySize: number): number {
  return maxBodySize > 0 ? maxBodySize : bufferConstants.MAX_LENGTH;
}

export function isGzip(contentEncoding: string | string[] | undefined): boolean {
  const v = Array.isArray(contentEncoding) ? contentEncoding[0] : contentEncoding;
  return v !== undefined && v.trim().toLowerCase() === 'gzip';
}

function goGzipMessage(err: NodeJS.ErrnoException): string {
  const m = err.message;
  if (/header/i.test(m)) return 'gzip: invalid header';
  if (/data check|length check/i.test(m)) return 'gzip: invalid checksum';
  if (/unexpected end/i.test(m)) return 'unexpected EOF';
  return `flate: corrupt input (${m})`;
}

/** Inflates a gzip body; rejects with BodyError 413 past `limit` bytes of output, 400 for corrupt input. */
export function inflateGzip(body: Buffer, limit: number): Promise<Buffer> {
  // Go's gzip.NewReader fails on an empty stream with io.EOF
  if (body.length === 0) return Promise.reject(new BodyError(400, 'EOF'));
  return new Promise((resolve, reject) => {
    gunzip(body, { maxOutputLength: limit }, (e, out) => {
      if (!e) return resolve(out);
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ERR_BUFFER_TOO_LARGE') return reject(new BodyError(413, TOO_LARGE));
      reject(new BodyError(400, goGzipMessage(err)));
    });
  });
}
