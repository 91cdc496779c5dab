/**
 * The connection to NATS and the JetStream objects a cluster uses: the partitioned point stream
 * (`<stream>`, subjects `<stream>.<partition>`) and three key-value buckets — `<stream>-owners` (partition
 * leases and members, entries expire after lease-ttl), `<stream>-tasks` (replicated tasks and templates) and
 * `<stream>-scale` (the replica count each scale target had when first read). Created when missing; an
 * existing stream keeps its settings except those [cluster] names (updated when they differ).
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { ClusterConfig } from '../../config/schema.ts';

export interface ClusterNats {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly owners: KV;
  readonly tasks: KV;
  readonly scale: KV;
  readonly stream: string;
  subject(partition: number): string;
}

export class ClusterStartError extends Error {
  override name = 'ClusterStartError';
}

const ns = (d: bigint): number => Number(d);

export async function openClusterNats(c: ClusterConfig, name: string): Promise<ClusterNats> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: c.natsUrls, name, timeout: 5000,
      // after the first connection: reconnect for ever (a NATS restart pauses ingest and leases, see docs/cluster.md)
      maxReconnectAttempts: -1, reconnectTimeWait: 250,
    });
  } catch (err) {
    throw new ClusterStartError(`[cluster] nats-urls: cannot connect to ${c.natsUrls.join(', ')}: ${(err as Error).message} (is nats-server running with -js?)`);
  }
  try {
    const jsm = await jetstreamManager(nc).catch((err: unknown) => {
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
    const kvm = new Kvm(nc);
    const ttlMs = Number(c.leaseTtl / 1_000_000n);
    const owners = await kvm.create(`${c.stream}-owners`, { ttl: ttlMs, history: 1, replicas: c.replicas });
    const tasks = await kvm.create(`${c.stream}-tasks`, { history: 1, replicas: c.replicas });
    const scale = await kvm.create(`${c.stream}-scale`, { history: 1, replicas: c.replicas });
    return {
      nc, js: jetstream(nc), jsm, owners, tasks, scale, stream: c.stream,
      subject: (p: number) => `${c.stream}.${p}`,
    };
  } catch (err) {
    await nc.close().catch(() => {});
    if (err instanceof ClusterStartError) throw err;
    throw new ClusterStartError(`[cluster] stream ${JSON.stringify(c.stream)}: cannot set up JetStream: ${(err as Error).message}`);
  }
}
