/**
 * Which partition a point belongs to: FNV-1a (32 bit) over db, rp, measurement and the value of the partition
 * tag (each followed by a 0 byte), modulo the partition count. A point without the tag hashes with an empty
 * value: all such points of one (db, rp, measurement) share one partition (docs/cluster.md). The same inputs
 * give the same partition on every instance and every run (no seed).
 */
export function partitionOf(partitions: number, db: string, rp: string, measurement: string, tagValue: string | undefined): number {
  let h = 0x811c9dc5;
  h = mix(h, db);
  h = mix(h, rp);
  h = mix(h, measurement);
  h = mix(h, tagValue ?? '');
  return (h >>> 0) % partitions;
}

function mix(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    // UTF-16 code units, both bytes: stable for any string
    h ^= c & 0xff;
    h = Math.imul(h, 0x01000193);
    c >>>= 8;
    if (c !== 0) {
      h ^= c;
      h = Math.imul(h, 0x01000193);
    }
  }
  h ^= 0;
  return Math.imul(h, 0x01000193);
}

/** Rendezvous (highest random weight) hashing: the member that owns a partition, given the live members. */
export function assignedMember(partition: number, members: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const m of members) {
    let h = 0x811c9dc5;
    h = mix(h, m);
    h = mix(h, String(partition));
    // finalise (murmur3 fmix32) so that nearby partition numbers spread
    h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
    const score = h >>> 0;
    if (score > bestScore || (score === bestScore && best !== undefined && m < best)) {
      bestScore = score;
      best = m;
    }
  }
  return best;
}
