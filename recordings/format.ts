/**
 * The tickstream recording file format, version 1 (docs/recordings.md).
 *
 *   tickstream-recording 1\n            <- plain-text header: format name and version (readable with `head -1`)
 *   <gzip stream of blocks>:
 *     #block "<db>" "<rp>" <bytes> <points>\n   <- directive: the next <bytes> bytes are <points> points of db/rp
 *     <line protocol, ns timestamps>           <- one point per line, exactly as the parser reads it back
 *     ...more blocks, in recorded order...
 *     #end <total points>\n                    <- trailer: a file without it is truncated
 *
 * Blocks carry their byte length so a string field containing a newline (legal in line protocol) can never be
 * mistaken for a directive, and a reader hands each block to the line-protocol parser whole. The db/rp strings
 * are JSON-quoted (any character allowed). Floats are written with the shortest representation that reads back
 * to the same float64; int64 fields keep their `i` suffix, so types survive a round trip.
 */
import type { Point } from '../model/point.ts';

export const FORMAT_NAME = 'tickstream-recording';
export const FORMAT_VERSION = 1;
export const HEADER = `${FORMAT_NAME} ${FORMAT_VERSION}\n`;
/** File extension of recordings in the replay dir (not Kapacitor's `.srpl`: the format differs). */
export const RECORDING_EXT = '.tsrec';

/** Longest directive line a reader accepts (db and rp names are short; bounds memory on a corrupt file). */
export const MAX_DIRECTIVE_BYTES = 64 * 1024;
/** Largest block a reader accepts (writers cut blocks at BLOCK_TARGET_BYTES; one huge point may exceed it). */
export const MAX_BLOCK_BYTES = 64 * 1024 * 1024;
/** Writers start a new block once the current one reaches this size. */
export const BLOCK_TARGET_BYTES = 256 * 1024;

export function blockDirective(db: string, rp: string, bytes: number, points: number): string {
  return `#block ${JSON.stringify(db)} ${JSON.stringify(rp)} ${bytes} ${points}\n`;
}

export function endDirective(points: number): string {
  return `#end ${points}\n`;
}

export type Directive =
  | { kind: 'block'; db: string; rp: string; bytes: number; points: number }
  | { kind: 'end'; points: number };

const BLOCK_RE = /^#block ("(?:[^"\\]|\\.)*") ("(?:[^"\\]|\\.)*") (\d{1,15}) (\d{1,15})$/;
const END_RE = /^#end (\d{1,15})$/;

/** Parses a directive line (without its newline); undefined when it is not a valid directive. */
export function parseDirective(line: string): Directive | undefined {
  let m = BLOCK_RE.exec(line);
  if (m) {
    try {
      return { kind: 'block', db: JSON.parse(m[1]!) as string, rp: JSON.parse(m[2]!) as string, bytes: Number(m[3]), points: Number(m[4]) };
    } catch {
      return undefined;
    }
  }
  m = END_RE.exec(line);
  return m ? { kind: 'end', points: Number(m[1]) } : undefined;
}

// InfluxDB line-protocol escaping (SPEC Appendix C): measurement: comma, space; tag keys/values and field keys:
// comma, equals, space; string field values: double quote and backslash.
const MEASUREMENT_RE = /[, ]/g;
const KEY_RE = /[,= ]/g;
const STRING_RE = /["\\]/g;
const NEEDS_ESCAPE_MEASUREMENT = /[, ]/;
const NEEDS_ESCAPE_KEY = /[,= ]/;

function escMeasurement(s: string): string {
  return NEEDS_ESCAPE_MEASUREMENT.test(s) ? s.replace(MEASUREMENT_RE, '\\$&') : s;
}

function escKey(s: string): string {
  return NEEDS_ESCAPE_KEY.test(s) ? s.replace(KEY_RE, '\\$&') : s;
}

/** One point as a line of line protocol (with trailing newline) that the project's parser reads back equal. */
export function pointLine(p: Point): string {
  let line = escMeasurement(p.name);
  const tags = p.tags;
  for (const k in tags) line += ',' + escKey(k) + '=' + escKey(tags[k]!);
  let sep = ' ';
  const fields = p.fields;
  for (const k in fields) {
    const v = fields[k]!;
    line += sep + escKey(k) + '=';
    sep = ',';
    switch (typeof v) {
      case 'number': line += String(v); break; // shortest round-trip repr; `1e+21` is accepted by the parser
      case 'bigint': line += v + 'i'; break;
      case 'boolean': line += v ? 'true' : 'false'; break;
      default: line += '"' + v.replace(STRING_RE, '\\$&') + '"';
    }
  }
  return line + ' ' + p.time + '\n';
}
