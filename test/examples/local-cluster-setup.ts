/**
 * Setup shared by the local-cluster tests: a write receiver for the apps' reports, a local cluster, one workload
 * whose apps report to the receiver, all closed when the test ends; and the `/scale` PATCH the autoscaler sends.
 */
import type { TestContext } from 'node:test';
import { startLocalCluster, type LocalCluster, type LocalClusterOptions, type Workload } from '../../examples/autoscale/local-cluster/cluster.ts';
import { startWriteReceiver, type WriteReceiver } from './helpers.ts';

export interface ClusterFixture {
  receiver: WriteReceiver;
  cluster: LocalCluster;
  app: Workload;
}

export interface FixtureWorkload {
  kind: 'deployments' | 'replicasets';
  name: string;
  replicas: number;
  /** query string of the apps' write URL, e.g. `?db=autoscale&rp=autogen&precision=s` (default none) */
  writeQuery?: string;
}

/**
 * Receiver, cluster and one workload; all closed when the test ends, the cluster first so that no app is left
 * writing to a closed receiver (node:test runs `after` hooks in the order they were added).
 */
export async function startClusterFixture(t: TestContext, workload: FixtureWorkload, opts: LocalClusterOptions = {}): Promise<ClusterFixture> {
  const receiver = await startWriteReceiver();
  let started: LocalCluster | undefined;
  t.after(async () => {
    await started?.close();
    await receiver.close();
  });
  const cluster = started = await startLocalCluster(opts);
  const app = await cluster.addWorkload({
    kind: workload.kind, name: workload.name, replicas: workload.replicas,
    env: { APP_INFLUXDB_URL: `${receiver.url}/write${workload.writeQuery ?? ''}` },
  });
  return { receiver, cluster, app };
}

/** PATCH `<resourceUrl>/scale` with spec.replicas (merge patch, as the autoscaler does); returns the status. */
export async function patchScale(resourceUrl: string, replicas: number): Promise<number> {
  const res = await fetch(`${resourceUrl}/scale`, {
    method: 'PATCH', headers: { 'Content-Type': 'application/merge-patch+json' }, body: JSON.stringify({ spec: { replicas } }),
  });
  await res.arrayBuffer();
  return res.status;
}
