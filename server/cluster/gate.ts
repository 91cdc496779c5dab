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
import type { ApplyOutcome, ScaleTarget } from '../../autoscale/actuator.ts';
import type { DecisionRecord } from '../../autoscale/types.ts';
import type { ScaleClient, Scale } from '../../kube/client.ts';
import type { KubernetesService } from '../../kube/service.ts';
import type { AutoscaleObserver, ScaleSystem } from '../../runtime/services.ts';

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

  /** The scale target of a swarmAutoscale/ec2Autoscale node (RuntimeServices.scaleTargetGate): the same rules as a Kubernetes client. */
  wrapTarget(system: ScaleSystem, clusterId: string, target: ScaleTarget): ScaleTarget {
    return {
      read: (res) => this.firstRead(`${system}\n${clusterId}\n${res.key}`, res.key, () => target.read(res)),
      apply: (res, replicas, expected, signal) => this.apply(res.key, replicas, expected, (exp) => target.apply(res, replicas, exp, signal)),
    };
  }

  private client(clusterId: string, real: ScaleClient): ScaleClient {
    return {
      getScale: async (namespace, kind, name) => {
        let scale: Scale | undefined;
        const replicas = await this.firstRead(`${clusterId}\n${namespace}\n${kind}\n${name}`, `${namespace}/${kind}/${name}`, async () => {
          scale = await real.getScale(namespace, kind, name);
          return scale.replicas;
        });
        // only spec.replicas is used by a first read (kube/scale-target.ts); the rest is not fetched again
        return scale === undefined ? storedScale(namespace, kind, name, replicas) : { ...scale, replicas };
      },
      setReplicas: async (namespace, kind, name, replicas) => {
        const key = `${namespace}/${kind}/${name}`;
        this.check(key);
        this.writes++;
        return real.setReplicas(namespace, kind, name, replicas);
      },
      applyReplicas: (namespace, kind, name, replicas, expected, signal) =>
        this.apply(`${namespace}/${kind}/${name}`, replicas, expected, (exp) => real.applyReplicas(namespace, kind, name, replicas, exp, signal)),
    };
  }

  /** Waits for the replay, drops a write a later decision replaced, fences, converges on the first write. */
  private async apply(key: string, replicas: number, expected: number | undefined, write: (expected: number | undefined) => Promise<ApplyOutcome>): Promise<ApplyOutcome> {
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
    const out = await write(first ? undefined : expected);
    this.converged.add(key);
    return out;
  }

  /** The count stored for `material` in the scale bucket, or `read()`'s, stored create-if-absent (first writer wins). */
  private async firstRead(material: string, what: string, read: () => Promise<number>): Promise<number> {
    const key = 'r.' + Buffer.from(material).toString('base64url');
    const stored = await this.scaleKv.get(key);
    if (stored !== null && stored.operation === 'PUT') return Number(stored.string());
    const replicas = await read();
    try {
      await this.scaleKv.create(key, String(replicas));
      return replicas;
    } catch {
      // another owner stored it first (a race with an earlier owner of this partition): use its count
      const again = await this.scaleKv.get(key);
      if (again === null || again.operation !== 'PUT') throw new Error(`cluster: could not store the first read of ${what}`);
      return Number(again.string());
    }
  }
}

function storedScale(namespace: string, kind: string, name: string, replicas: number): Scale {
  return { namespace, kind: kind as Scale['kind'], name, replicas, statusReplicas: replicas, selector: '', resourceVersion: '' };
}
