/**
 * Splits a byte stream into messages: each is preceded by its length as an unsigned varint (udf.proto's header
 * comment; Kapacitor's agent.ReadMessage). Chunks arrive as the pipe or socket delivers them; a message may span
 * chunks and a chunk may hold many messages.
 */
import { ProtoError } from './wire.ts';

/** Longer messages are refused: a garbage length must not make us buffer without bound. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  /**
   * Adds a chunk and returns the complete messages now available (views into an internal buffer, valid until the
   * next push). Throws ProtoError on a malformed or oversized length prefix.
   */
  push(chunk: Buffer): Uint8Array[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: Uint8Array[] = [];
    let pos = 0;
    const b = this.buf;
    for (;;) {
      // uvarint length (at most 5 bytes for anything under 2^32)
      let len = 0;
      let mul = 1;
      let p = pos;
      let complete = false;
      for (let i = 0; i < 5 && p < b.length; i++) {
        const byte = b[p++]!;
        len += (byte & 0x7f) * mul;
        if (byte < 0x80) { complete = true; break; }
        mul *= 128;
        if (i === 4) throw new ProtoError('message length prefix is longer than 5 bytes');
      }
      if (!complete) break;
      if (len > MAX_MESSAGE_BYTES) throw new ProtoError(`message length ${len} exceeds the limit of ${MAX_MESSAGE_BYTES} bytes`);
      if (p + len > b.length) break;
      out.push(b.subarray(p, p + len));
      pos = p + len;
    }
    this.buf = pos === b.length ? Buffer.alloc(0) : b.subarray(pos);
    return out;
  }

  /** Bytes of an unfinished message still buffered (at end of stream: a truncated message). */
  get pending(): number { return this.buf.length; }
}
