/**
 * Version-1 (time-based) UUIDs for the `Request-Id` header, as Kapacitor sends (uuid.TimeUUID): 60-bit count of
 * 100 ns intervals since 1582-10-15, a clock sequence, and a random node id with the multicast bit set (RFC 4122
 * §4.5, since we do not use a MAC address). A counter keeps ids unique within one clock tick.
 */
import { randomBytes } from 'node:crypto';

const GREGORIAN_OFFSET_100NS = 122192928000000000n;
const node = randomBytes(6);
node[0]! |= 0x01;
const nodeHex = node.toString('hex');
let clockSeq = randomBytes(2).readUInt16BE(0) & 0x3fff;
let lastTicks = 0n;

function hex(v: bigint, width: number): string {
  return v.toString(16).padStart(width, '0');
}

export function timeUuid(nowMs: number = Date.now()): string {
  let ticks = BigInt(nowMs) * 10000n + GREGORIAN_OFFSET_100NS;
  if (ticks <= lastTicks) ticks = lastTicks + 1n;
  else if (ticks < lastTicks - 10000n) clockSeq = (clockSeq + 1) & 0x3fff;
  lastTicks = ticks;
  const timeLow = ticks & 0xffffffffn;
  const timeMid = (ticks >> 32n) & 0xffffn;
  const timeHi = ((ticks >> 48n) & 0x0fffn) | 0x1000n;
  const seq = (clockSeq | 0x8000).toString(16);
  return `${hex(timeLow, 8)}-${hex(timeMid, 4)}-${hex(timeHi, 4)}-${seq}-${nodeHex}`;
}
