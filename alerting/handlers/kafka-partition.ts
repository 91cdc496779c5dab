/**
 * Kafka partition choice by message key, as Kapacitor's producers choose (services/kafka/hash.go and sarama's hash
 * partitioner): `crc32` (default; librdkafka-compatible), `murmur2` (the Java client's), `murmur3` and `fnv-1a`
 * (sarama's default, also used with disablePartitionById because that leaves sarama's default in place).
 * A message without a key goes to a random partition.
 */
import { crc32 } from 'node:zlib';

export type PartitionAlgorithm = 'crc32' | 'murmur2' | 'murmur3' | 'fnv-1a';

export function partitionAlgorithm(name: string, disablePartitionById: boolean): PartitionAlgorithm {
  if (disablePartitionById) return 'fnv-1a';
  switch (name) {
    case '': case 'crc32': return 'crc32';
    case 'murmur2': case 'murmur3': case 'fnv-1a': return name;
    default: throw new Error(`invalid partition algorithm: ${JSON.stringify(name)}`);
  }
}

export function choosePartition(alg: PartitionAlgorithm, key: Buffer, partitions: number): number {
  if (partitions <= 0) throw new Error('number of partitions must be positive');
  if (key.length === 0) return Math.floor(Math.random() * partitions);
  switch (alg) {
    case 'crc32': return (crc32(key) % partitions) & 0x7fffffff;
    case 'murmur2': return ((murmur2(key) & 0x7fffffff) >>> 0) % partitions;
    // sarama: int32(hash) % n, negated when negative
    case 'murmur3': return Math.abs((murmur3(key) | 0) % partitions);
    case 'fnv-1a': return Math.abs((fnv1a(key) | 0) % partitions);
  }
}

/** Java's Utils.murmur2 (seed 0x9747b28c) */
function murmur2(data: Buffer): number {
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ data.length) >>> 0;
  const n4 = data.length >> 2;
  for (let i = 0; i < n4; i++) {
    let k = data.readUInt32LE(i * 4);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = data.length & 3;
  const base = data.length & ~3;
  if (rest >= 3) h ^= data[base + 2]! << 16;
  if (rest >= 2) h ^= data[base + 1]! << 8;
  if (rest >= 1) { h ^= data[base]!; h = Math.imul(h, m); }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h >>> 0;
}

/** MurmurHash3 x86 32-bit, seed 0 (spaolacci/murmur3 New32) */
function murmur3(data: Buffer): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = 0;
  const n4 = data.length >> 2;
  for (let i = 0; i < n4; i++) {
    let k = data.readUInt32LE(i * 4);
    k = Math.imul(k, c1); k = (k << 15) | (k >>> 17); k = Math.imul(k, c2);
    h ^= k; h = (h << 13) | (h >>> 19); h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  const base = n4 * 4;
  switch (data.length & 3) {
    case 3: k ^= data[base + 2]! << 16; // falls through
    case 2: k ^= data[base + 1]! << 8; // falls through
    case 1: k ^= data[base]!; k = Math.imul(k, c1); k = (k << 15) | (k >>> 17); k = Math.imul(k, c2); h ^= k;
  }
  h ^= data.length;
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a 32-bit */
function fnv1a(data: Buffer): number {
  let h = 0x811c9dc5;
  for (const b of data) h = Math.imul(h ^ b, 0x01000193);
  return h >>> 0;
}
