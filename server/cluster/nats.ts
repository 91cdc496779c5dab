/**
 * The connection to NATS and the JetStream objects a cluster uses: the partitioned point stream
 * (`<stream>`, subjects `<stream>.<partition>`), three key-value buckets — `<stream>-owners` (partition
 * leases and members, entries expire after lease-ttl), `<stream>-tasks` (replicated tasks and templates) and
 * `<stream>-scale` (the replica count each scale target had when first read) — and the object store
 * `<stream>-checkpoints` (partition checkpoints). Created when missing; an
 * existing stream keeps its settings except those [cluster] names (updated when they differ).
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { Objm, type ObjectStore } from '@nats-io/obj';
import type { ClusterConfig } from '../../config/schema.ts';

export interface ClusterNats {
  /** the data connection: point publishes and the partitions' consumers */
  readonly nc: NatsConnection;
  /**
   * the control connection: leases, task replication, first reads, stream management. Separate so that a
   * backlog of point messages (megabytes queued on the data connection under load) never delays a lease renewal.
   */
  readonly control: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly owners: KV;
  readonly tasks: KV;
  readonly scale: KV;
  /** partition checkpoints (server/cluster/checkpoint.ts) */
  readonly checkpoints: ObjectStore;
  readonly stream: string;
  subject(partition: number): string;
  /** drains both connections */
  close(): Promise<void>;
}

export class ClusterStartError extends Error {
  override name = 'ClusterStartError';
}

const ns = (d: bigint): number => Number(d);

async function open(c: ClusterConfig, name: string): Promise<NatsConnection> {
  try {
    return await connect({
      servers: c.natsUrls, name, timeout: 5000,
      // after the first connection: reconnect for ever (a NATS restart pauses ingest and leases, see docs/cluster.md)
      maxReconnectAttempts: -1, reconnectTimeWait: 250,
      // no Error (with its stack) created per request to capture where a timeout came from: one per publish
      noAsyncTraces: true,
    });
  } catch (err) {
    throw new ClusterStartError(`[cluster] nats-urls: cannot connect to ${c.natsUrls.join(', ')}: ${(err as Error).message} (is nats-server running with -js?)`);
  }
}

export async function openClusterNats(c: ClusterConfig, name: string): Promise<ClusterNats> {
  const nc = await open(c, name);
  let control: NatsConnection | undefined;
  try {
    control = await open(c, `${name} control`);
    const jsm = await jetstreamManager(control).catch((err: unknown) => {
      throw new ClusterStartError(`[cluster] nats-urls: ${c.natsUrls.join(', ')} has no JetStream (start nats-server with -js): ${(err as Error).message}`);
    });
    const subjects = [`${c.stream}.*`];
    const wanted = {
      subjects, max_age: ns(c.maxAge), duplicate_window: ns(c.duplicateWindow === 0n ? 1_000_000n : c.duplicateWindow),
      num_replicas: c.replicas,
    };
    let info;
    try {
      info = await jsm.streams.info(c.stream);
    } catch {
      info = undefined;
    }
    if (info === undefined) {
      await jsm.streams.add({ name: c.stream, storage: StorageType.File, retention: RetentionPolicy.Limits, ...wanted });
    } else if (info.config.max_age !== wanted.max_age || info.config.duplicate_window !== wanted.duplicate_window
      || info.config.subjects.join() !== subjects.join()) {
      await jsm.streams.update(c.stream, { ...info.config, subjects, max_age: wanted.max_age, duplicate_window: wanted.duplicate_window });
    }
    const kvm = new Kvm(control);
    const ttlMs = Number(c.leaseTtl / 1_000_000n);
    const owners = await kvm.create(`${c.stream}-owners`, { ttl: ttlMs, history: 1, replicas: c.replicas });
    const tasks = await kvm.create(`${c.stream}-tasks`, { history: 1, replicas: c.replicas });
    const scale = await kvm.create(`${c.stream}-scale`, { history: 1, replicas: c.replicas });
    const checkpoints = await new Objm(control).create(`${c.stream}-checkpoints`, { replicas: c.replicas, storage: StorageType.File });
    const ctl = control;
    return {
      nc, control: ctl, js: jetstream(nc), jsm, owners, tasks, scale, checkpoints, stream: c.stream,
      subject: (p: number) => `${c.stream}.${p}`,
      close: async () => { await Promise.all([nc.drain().catch(() => {}), ctl.drain().catch(() => {})]); },
    };
  } catch (err) {
    await nc.close().catch(() => {});
    await control?.close().catch(() => {});
    if (err instanceof ClusterStartError) throw err;
    throw new ClusterStartError(`[cluster] stream ${JSON.stringify(c.stream)}: cannot set up JetStream: ${(err as Error).message}`);
  }
}
