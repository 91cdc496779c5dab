/**
 * Unescaping of line-protocol tokens (InfluxDB 1.x): a backslash before one of the token's escapable bytes is
 * dropped, a backslash before anything else is kept. Bytes are unescaped first and decoded as UTF-8 after, which
 * is correct because every escapable byte is ASCII.
 */
import { BS, QUOTE } from './scan.ts';

/** measurement: `,` and space */
export const MEASUREMENT_ESCAPES = new Uint8Array(256);
/** tag keys and values: `,`, `=` and space */
export const TAG_ESCAPES = new Uint8Array(256);
/** field keys (escape.Unescape): `,`, `"`, `=` and space */
export const FIELD_KEY_ESCAPES = new Uint8Array(256);
/** string field values: `\` and `"` */
export const STRING_ESCAPES = new Uint8Array(256);
MEASUREMENT_ESCAPES[44] = MEASUREMENT_ESCAPES[32] = 1;
TAG_ESCAPES[44] = TAG_ESCAPES[32] = TAG_ESCAPES[61] = 1;
FIELD_KEY_ESCAPES[44] = FIELD_KEY_ESCAPES[32] = FIELD_KEY_ESCAPES[61] = FIELD_KEY_ESCAPES[QUOTE] = 1;
STRING_ESCAPES[BS] = STRING_ESCAPES[QUOTE] = 1;

let scratch = Buffer.allocUnsafe(256);

/** Decodes buf[s, e) as UTF-8 after removing the escaping backslashes defined by `escapes`. */
export function unescape(buf: Buffer, s: number, e: number, escapes: Uint8Array): string {
  let i = s;
  while (i < e && buf[i] !== BS) i++;
  if (i === e) return buf.toString('utf8', s, e);
  if (scratch.length < e - s) scratch = Buffer.allocUnsafe(Math.max(e - s, scratch.length * 2));
  let o = 0;
  for (i = s; i < e; i++) {
    const c = buf[i]!;
    if (c === BS && i + 1 < e && escapes[buf[i + 1]!] === 1) {
      scratch[o++] = buf[i + 1]!;
      i++;
    } else {
      scratch[o++] = c;
    }
  }
  return scratch.toString('utf8', 0, o);
}
