/**
 * Receive time for lines without a timestamp: wall-clock nanoseconds, as Go's time.Now() gives Kapacitor.
 * Date.now() alone has millisecond resolution (two ns-precision writes in one millisecond would get the same
 * time, which `derivative` rejects as zero elapsed), so the wall clock is anchored once and advanced with the
 * monotonic high-resolution clock; when the two drift apart by more than 10 ms (NTP step, suspend) it re-anchors.
 */

const REANCHOR_NS = 10_000_000n;
let wallAnchor = BigInt(Date.now()) * 1_000_000n;
let hrAnchor = process.hrtime.bigint();
let last = 0n;

export function receiveTimeNs(): bigint {
  let now = wallAnchor + (process.hrtime.bigint() - hrAnchor);
  const wall = BigInt(Date.now()) * 1_000_000n;
  const drift = now - wall;
  if (drift > REANCHOR_NS || drift < -REANCHOR_NS) {
    wallAnchor = wall;
    hrAnchor = process.hrtime.bigint();
    now = wall;
  }
  // never hand out the same or an earlier time twice (a backward re-anchor must not reorder receive stamps)
  if (now <= last) now = last + 1n;
  last = now;
  return now;
}
