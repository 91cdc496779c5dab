/**
 * Points on the wire between `/write` and the partition owners: InfluxDB line protocol with nanosecond
 * timestamps (every line carries its time, so the owner never stamps receive time), db and rp in NATS headers.
 * Decoding goes through the ingest parser, so a point comes out exactly as it went in: float64 as the shortest
 * decimal that round-trips, int64 with `i`, strings and booleans, tags sorted, escapes as InfluxDB's.
 */
import type { FieldValue, Point, Tags } from '../../model/point.ts';
import { LineProtocolParser } from '../../lineprotocol/parser.ts';

export const DB_HEADER = 'Tickstream-Db';
export const RP_HEADER = 'Tickstream-Rp';

/** Series keys (`name,tag=v,…`) by the tags object the parser shares between points of one series. */
const seriesKeys = new WeakMap<Tags, { name: string; key: string }>();

const MEASUREMENT_ESC = /[, ]/g;
const TAG_ESC = /[,= ]/g;
const STRING_ESC = /["\\]/g;

function esc(s: string, re: RegExp): string {
  re.lastIndex = 0;
  return re.test(s) ? s.replace(re, (c) => '\\' + c) : s;
}

/** `name,k=v,…` for a point; cached per (shared) tags object. */
export function seriesKey(p: Point): string {
  const hit = seriesKeys.get(p.tags);
  if (hit !== undefined && hit.name === p.name) return hit.key;
  let key = esc(p.name, MEASUREMENT_ESC);
  for (const k of Object.keys(p.tags).sort()) key += ',' + esc(k, TAG_ESC) + '=' + esc(p.tags[k]!, TAG_ESC);
  seriesKeys.set(p.tags, { name: p.name, key });
  return key;
}

function fieldValue(v: FieldValue): string {
  switch (typeof v) {
    case 'number': return numberText(v);
    case 'bigint': return v.toString() + 'i';
    case 'boolean': return v ? 'true' : 'false';
    default: return '"' + esc(v, STRING_ESC) + '"';
  }
}

/** JavaScript's shortest round-trip text, in the forms the line-protocol parser reads (`1e+21` → `1e21`). */
function numberText(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`cannot encode the float ${v} in line protocol`);
  if (Object.is(v, -0)) return '-0';
  const s = String(v);
  return s.includes('e+') ? s.replace('e+', 'e') : s;
}

/** One point as a line (with `\n`). */
export function encodePoint(p: Point): string {
  let line = seriesKey(p) + ' ';
  let first = true;
  for (const k in p.fields) {
    if (!first) line += ',';
    first = false;
    line += esc(k, TAG_ESC) + '=' + fieldValue(p.fields[k]!);
  }
  return line + ' ' + p.time.toString() + '\n';
}

/** Decodes a message body; throws on a body that does not parse (not something an instance publishes). */
export function decodePoints(parser: LineProtocolParser, body: Uint8Array, db: string, rp: string): Point[] {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const { points, errors } = parser.parse(buf, { db, rp, precision: 'n', now: 0n });
  if (errors.length > 0) throw new Error(`undecodable cluster message: ${errors[0]}`);
  return points;
}
