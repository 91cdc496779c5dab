/**
 * [cluster] checks (docs/cluster.md): values that parse but cannot work. Called from config/validate.ts,
 * which turns the result into a startup error naming the key (`key "cluster.partitions": …`).
 */
import type { ClusterConfig } from './schema.ts';

export interface ClusterConfigProblem {
  /** TOML key inside [cluster] */
  readonly key: string;
  /** property of ClusterConfig */
  readonly prop: keyof ClusterConfig;
  readonly message: string;
}

/** JetStream stream names: no spaces, dots, `*`, `>`, path separators; we keep to a safe subset. */
const STREAM_NAME = /^[A-Za-z0-9_-]{1,32}$/;
/** The most partitions: every owner key is renewed once per heartbeat. */
export const MAX_PARTITIONS = 4096;
const MIN_LEASE_TTL = 1_000_000_000n;

export function clusterConfigError(c: ClusterConfig): ClusterConfigProblem | undefined {
  if (!c.enabled) return undefined;
  const bad = (key: string, prop: keyof ClusterConfig, message: string): ClusterConfigProblem => ({ key, prop, message });
  if (c.natsUrls.length === 0) return bad('nats-urls', 'natsUrls', 'at least one NATS server URL is needed when [cluster] is enabled, e.g. ["nats://127.0.0.1:4222"]');
  for (const u of c.natsUrls) {
    if (!/^(nats|tls|ws|wss):\/\/[^\s]+$|^[A-Za-z0-9.[\]:-]+:\d+$/.test(u)) {
      return bad('nats-urls', 'natsUrls', `invalid NATS URL ${JSON.stringify(u)}: use nats://host:port`);
    }
  }
  if (!Number.isInteger(c.partitions) || c.partitions < 1 || c.partitions > MAX_PARTITIONS) {
    return bad('partitions', 'partitions', `must be between 1 and ${MAX_PARTITIONS}, got ${c.partitions}`);
  }
  if (c.instanceId !== '' && !/^[A-Za-z0-9_-]{1,64}$/.test(c.instanceId)) {
    return bad('instance-id', 'instanceId', `must be 1-64 letters, digits, "-" or "_", got ${JSON.stringify(c.instanceId)}`);
  }
  if (!STREAM_NAME.test(c.stream)) return bad('stream', 'stream', `must be 1-32 letters, digits, "-" or "_", got ${JSON.stringify(c.stream)}`);
  if (c.partitionTag !== '' && /[\s,=]/.test(c.partitionTag)) return bad('partition-tag', 'partitionTag', `must be a tag name (no spaces, commas or "="), got ${JSON.stringify(c.partitionTag)}`);
  if (c.leaseTtl < MIN_LEASE_TTL) return bad('lease-ttl', 'leaseTtl', `must be at least 1s, got ${Number(c.leaseTtl) / 1e9}s`);
  if (c.maxAge < 0n) return bad('max-age', 'maxAge', 'must be >= 0 (0 keeps every point)');
  if (c.duplicateWindow < 0n) return bad('duplicate-window', 'duplicateWindow', 'must be >= 0 (0 turns de-duplication off)');
  if (c.maxAge > 0n && c.duplicateWindow > c.maxAge) {
    return bad('duplicate-window', 'duplicateWindow', 'must not be longer than max-age (JetStream requires it)');
  }
  if (c.checkpointInterval < 0n) return bad('checkpoint-interval', 'checkpointInterval', 'must be >= 0 (0 turns checkpoints off: a new owner replays from the first message)');
  if (c.checkpointInterval > 0n && c.checkpointInterval < 100_000_000n) return bad('checkpoint-interval', 'checkpointInterval', `must be 0 or at least 100ms, got ${Number(c.checkpointInterval) / 1e6}ms`);
  if (!Number.isInteger(c.replicas) || c.replicas < 1 || c.replicas > 5) return bad('replicas', 'replicas', `must be between 1 and 5, got ${c.replicas}`);
  return undefined;
}
