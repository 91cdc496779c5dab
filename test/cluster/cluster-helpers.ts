/** Shared by the cluster tests and bench/cluster-ingest.ts: start clustered kapacitord processes, poll them. */
import { startServer, type ServerProcess } from '../cli/processes.ts';
import { until } from '../helpers/until.ts';

export { until };

export interface ClusterStatus {
  instance: string;
  members: string[];
  owned: number[];
  replaying: number[];
  partitionsDetail: { partition: number; acquiredAt: number; replayedAt: number | null; lastSeq: number; writes: number }[];
}

export function clusterEnv(natsUrl: string, id: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    KAPACITOR_CLUSTER_ENABLED: 'true', KAPACITOR_CLUSTER_NATS_URLS: natsUrl, KAPACITOR_CLUSTER_INSTANCE_ID: id,
    KAPACITOR_CLUSTER_PARTITIONS: '16', KAPACITOR_CLUSTER_LEASE_TTL: '2s', KAPACITOR_HTTP_LOG_ENABLED: 'false', ...extra,
  };
}

export async function startInstance(dataDir: string, natsUrl: string, id: string, extra: Record<string, string> = {}): Promise<ServerProcess> {
  return startServer(dataDir, clusterEnv(natsUrl, id, extra));
}

export async function status(url: string): Promise<ClusterStatus> {
  const r = await fetch(`${url}/kapacitor/v1/cluster`);
  if (r.status !== 200) throw new Error(`GET /kapacitor/v1/cluster: ${r.status} ${await r.text()}`);
  return (await r.json()) as ClusterStatus;
}

/** Every partition owned by exactly one of `urls`, none replaying, every instance sees `urls.length` members. */
export async function settled(urls: readonly string[], partitions: number): Promise<boolean> {
  const seen = new Map<number, number>();
  for (const u of urls) {
    let s: ClusterStatus;
    try {
      s = await status(u);
    } catch {
      return false;
    }
    if (s.members.length !== urls.length || s.replaying.length > 0) return false;
    for (const p of s.owned) seen.set(p, (seen.get(p) ?? 0) + 1);
  }
  if (seen.size !== partitions) return false;
  for (const n of seen.values()) if (n !== 1) return false;
  return true;
}
