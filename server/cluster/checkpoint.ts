/**
 * Partition checkpoints (docs/cluster.md "Checkpoints"): the owner of a partition saves, every
 * `[cluster] checkpoint-interval`, the state of every task's pipeline for that partition (runtime/snapshot.ts),
 * the consumer's de-duplication window and the stream sequence all of it reflects, as one object
 * `p.<partition>` in the `<stream>-checkpoints` JetStream object store. A new owner restores it and replays
 * only the messages after that sequence.
 *
 * The object is gzip'd JSON (exact: bigints and odd floats tagged, runtime/snapshot.ts). Each task's entry carries
 * a fingerprint of its definition (pipeline and dbrps): a task redefined since the checkpoint does not match and
 * the partition falls back to a full replay, as it does when a task cannot be snapshotted at all.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ObjectStore } from '@nats-io/obj';
import { decodeSnapshot, encodeSnapshot, type SnapshotValue } from '../../runtime/snapshot.ts';
import type { DBRP, Pipeline } from '../../tickscript/pipeline.ts';

/** Bumped when the layout changes: an object of another version is ignored (full replay), never misread. */
const VERSION = 1;

export interface TaskCheckpoint {
  readonly id: string;
  readonly fingerprint: string;
  readonly state: SnapshotValue;
}

export interface Checkpoint {
  /** the last stream sequence the state reflects */
  readonly seq: number;
  /** the de-duplication window: [record id, stream time ns] oldest first */
  readonly dedup: readonly (readonly [string, bigint])[];
  readonly tasks: readonly TaskCheckpoint[];
}

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const tree: SnapshotValue = [VERSION, c.seq, c.dedup.map(([id, t]) => [id, t]), c.tasks.map((t) => [t.id, t.fingerprint, t.state])];
  return gzipSync(encodeSnapshot(tree));
}

/** The checkpoint in `bytes`, or a reason it cannot be used. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint | string {
  let tree: SnapshotValue;
  try {
    tree = decodeSnapshot(gunzipSync(bytes).toString('utf8'));
  } catch (err) {
    return `unreadable checkpoint: ${(err as Error).message}`;
  }
  const [version, seq, dedup, tasks] = tree as unknown as [number, number, [string, bigint][], [string, string, SnapshotValue][]];
  if (version !== VERSION) return `checkpoint version ${String(version)}, this instance reads ${VERSION}`;
  return { seq, dedup, tasks: tasks.map(([id, fingerprint, state]) => ({ id, fingerprint, state })) };
}

const fingerprints = new WeakMap<Pipeline, string>();

/** A task definition's identity: the same pipeline and dbrps on every instance give the same text. */
export function taskFingerprint(pipeline: Pipeline, dbrps: readonly DBRP[]): string {
  let f = fingerprints.get(pipeline);
  if (f === undefined) {
    f = createHash('sha256').update(JSON.stringify(pipeline, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))).digest('base64url');
    fingerprints.set(pipeline, f);
  }
  return f + ':' + dbrps.map((d) => `${d.db}.${d.rp}`).join(',');
}

/** The checkpoints of a stream's partitions in the JetStream object store. */
export class CheckpointStore {
  constructor(private readonly os: ObjectStore) {}

  private static key(partition: number): string {
    return `p.${partition}`;
  }

  async load(partition: number): Promise<Checkpoint | string | undefined> {
    const bytes = await this.os.getBlob(CheckpointStore.key(partition));
    if (bytes === null) return undefined;
    return decodeCheckpoint(bytes);
  }

  /** Replaces the partition's checkpoint; resolves with the stored size in bytes. */
  async save(partition: number, c: Checkpoint): Promise<number> {
    const bytes = encodeCheckpoint(c);
    await this.os.putBlob({ name: CheckpointStore.key(partition) }, bytes);
    return bytes.length;
  }
}
