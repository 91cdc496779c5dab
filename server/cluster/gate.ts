/**
 * One writer per scale target: every partition an instance owns runs its tasks with a Kubernetes service wrapped
 * by that partition's ActuationGate.
 *
 * - First reads come from the `<stream>-scale` bucket: the first instance to read a resource stores the count
 *   it read (create: the first writer wins), and every later owner — replaying the partition from the start —
 *   starts from that same count. So the replay decides exactly what the first owner decided.
 * - While the partition replays, writes wait; when the replay is done, a waiting write whose count a later
 *   decision replaced writes nothing (the actuator goes on with the latest count). The first write after a
 *   takeover does not compare with a count this instance never applied (it converges the cluster to the latest
 *   decision; a manual change made during the failover is overwritten, docs/cluster.md).
 * - Fencing: a write is refused once the partition's lease might have expired (deadline from the lease
 *   manager, taken well before the lease's TTL) or the partition was given up.
 */
import type { KV } from '@nats-io/kv';
import type { ApplyOutcome } from '../../autoscale/actuator.ts';
import type { DecisionRecord } from '../../autoscale/types.ts';
import type { ScaleClient, Scale } from '../../kube/client.ts';
import type { KubernetesService } from '../../kube/service.ts';
import type { AutoscaleObserver } from '../../runtime/services.ts';

export class FencedError extends Error {
  override name = 'FencedError';
}

export class ActuationGate implements AutoscaleObserver {
  private replaying = true;
  private stoppedReason: string | undefined;
  private readonly waiters: (() => void)[] = [];
  /** resource key → final count of its latest scaled/override record in this partition */
  private readonly latest = new Map<string, number>();
  /** resources written (or found converged) since this instance took the partition over */
  private readonly converged = new Set<string>();
  writes = 0;
  refused = 0;

  constructor(
    readonly partition: number,
    private readonly instance: string,
    /** false once the lease may have expired */
    private readonly leaseValid: () => boolean,
    private readonly scaleKv: KV,
  ) {}

  get isReplaying(): boolean {
    return this.replaying;
  }

  replayDone(): void {
    if (!this.replaying) return;
    this.replaying = false;
    const w = this.waiters.splice(0);
    for (const r of w) r();
  }

  /** The partition was given up or fenced: no write from here on. */
  stop(reason: string): void {
    this.stoppedReason ??= reason;
    this.replayDone();
  }

  // ---- AutoscaleObserver ----------------------------------------------------------------------------------

  point(): void {}

  decided(_task: string, _node: string, rec: DecisionRecord): void {
    if (rec.reason === 'scaled' || rec.reason === 'override') this.latest.set(rec.resource, rec.final);
  }

  // ---- the wrapped service ---------------------------------------------------------------------------------

  wrap(service: KubernetesService): KubernetesService {
    const wrapped: KubernetesService = {
      get: (clusterId: string): ScaleClient => this.client(clusterId, service.get(clusterId)),
    };
    if (service.dryRun) wrapped.dryRun = (id: string) => service.dryRun!(id);
    return wrapped;
  }

  private check(key: string): void {
    if (this.stoppedReason !== undefined) {
      this.refused++;
      throw new FencedError(`fenced: instance ${this.instance} gave up partition ${this.partition} (${this.stoppedReason}); not scaling ${key}`);
    }
    if (!this.leaseValid()) {
      this.refused++;
      throw new FencedError(`fenced: instance ${this.instance} could not renew its lease of partition ${this.partition} in time; not scaling ${key}`);
    }
  }

  private client(clusterId: string, real: ScaleClient): ScaleClient {
    return {
      getScale: (namespace, kind, name) => this.firstRead(clusterId, real, namespace, kind, name),
      setReplicas: async (namespace, kind, name, replicas) => {
        const key = `${namespace}/${kind}/${name}`;
        this.check(key);
        this.writes++;
        return real.setReplicas(namespace, kind, name, replicas);
      },
      applyReplicas: async (namespace, kind, name, replicas, expected): Promise<ApplyOutcome> => {
        const key = `${namespace}/${kind}/${name}`;
        if (this.replaying) {
          await new Promise<void>((r) => this.waiters.push(r));
          this.check(key);
          const latest = this.latest.get(key);
          // replaced by a later decision during the replay: nothing to write for this one
          if (latest !== undefined && latest !== replicas) return { kind: 'already-applied' };
        }
        this.check(key);
        const first = !this.converged.has(key);
        this.writes++;
        const out = await real.applyReplicas(namespace, kind, name, replicas, first ? undefined : expected);
        this.converged.add(key);
        return out;
      },
    };
  }

  private async firstRead(clusterId: string, real: ScaleClient, namespace: string, kind: string, name: string): Promise<Scale> {
    const key = 'r.' + Buffer.from(`${clusterId}\n${namespace}\n${kind}\n${name}`).toString('base64url');
    const stored = await this.scaleKv.get(key);
    const read = async (): Promise<Scale> => real.getScale(namespace, kind, name);
    // only spec.replicas is used by a first read (kube/scale-target.ts); the rest is not fetched again
    if (stored !== null && stored.operation === 'PUT') return storedScale(namespace, kind, name, Number(stored.string()));
    const scale = await read();
    try {
      await this.scaleKv.create(key, String(scale.replicas));
      return scale;
    } catch {
      // another owner stored it first (a race with an earlier owner of this partition): use its count
      const again = await this.scaleKv.get(key);
      if (again === null || again.operation !== 'PUT') throw new Error(`cluster: could not store the first read of ${namespace}/${kind}/${name}`);
      return { ...scale, replicas: Number(again.string()) };
    }
  }
}

function storedScale(namespace: string, kind: string, name: string, replicas: number): Scale {
  return { namespace, kind: kind as Scale['kind'], name, replicas, statusReplicas: replicas, selector: '', resourceVersion: '' };
}
