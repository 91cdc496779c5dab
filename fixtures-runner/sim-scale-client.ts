/**
 * A simulated cluster: the ScaleClient contract of kube/client.ts over an in-memory map of replica counts, so a
 * k8sAutoscale task can run with no Kubernetes at all (`kapacitor test` fixtures, what-if replays).
 *
 * It keeps the contract's observable rules — kinds plural or singular (kube/kinds.ts), an unknown workload is
 * "not found", replicas must be integers >= 0, applyReplicas reports `already-applied` / `override` exactly
 * like the real client — and answers asynchronously (a resolved promise), as an API call would, so the engine
 * goes through its real first-read hold and actuation paths. Every write is logged in order, and a listener
 * may observe writes as they land (a what-if simulator stamps them with data time).
 */
import type { ApplyOutcome, ScaleTarget } from '../autoscale/actuator.ts';
import type { Scale, ScaleClient } from '../kube/client.ts';
import { requireKind } from '../kube/kinds.ts';
import type { KubernetesService } from '../kube/service.ts';
import { kubeScaleTarget } from '../kube/scale-target.ts';

export interface SimulatedWrite {
  /** `namespace/<plural kind>/name` */
  readonly key: string;
  readonly from: number;
  readonly to: number;
}

interface Workload {
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
  replicas: number;
  /** bumped on every write, like metadata.resourceVersion */
  version: number;
}

/** The canonical key of a workload: kind normalized to its plural, so `deployment` and `deployments` agree. */
export function workloadKey(namespace: string, kind: string, name: string): string {
  return `${namespace}/${requireKind(kind).plural}/${name}`;
}

/**
 * Parses `namespace/kind/name` (kind plural or singular) into its canonical key; throws naming what is wrong.
 */
export function parseWorkloadKey(text: string): string {
  const parts = text.split('/');
  if (parts.length !== 3 || parts.some((p) => p === '')) {
    throw new Error(`${JSON.stringify(text)} is not a workload: want namespace/kind/name, e.g. default/deployments/app`);
  }
  return workloadKey(parts[0]!, parts[1]!, parts[2]!);
}

function checkReplicas(replicas: number): void {
  if (!Number.isInteger(replicas) || replicas < 0) throw new Error(`replicas must be an integer >= 0, got ${replicas}`);
}

export class SimulatedCluster implements ScaleClient {
  private readonly workloads = new Map<string, Workload>();
  /** every write that changed spec.replicas, in order */
  readonly writes: SimulatedWrite[] = [];
  private listener: ((w: SimulatedWrite) => void) | undefined;

  /** Create or overwrite a workload (seeding, or someone else scaling it: `kubectl scale`). */
  set(namespace: string, kind: string, name: string, replicas: number): void {
    checkReplicas(replicas);
    const key = workloadKey(namespace, kind, name);
    const w = this.workloads.get(key);
    if (w) {
      w.replicas = replicas;
      w.version++;
    } else {
      this.workloads.set(key, { namespace, kind: requireKind(kind).plural, name, replicas, version: 1 });
    }
  }

  /** spec.replicas of a workload by `namespace/kind/name` (kind plural or singular), or undefined. */
  replicas(key: string): number | undefined {
    return this.workloads.get(parseWorkloadKey(key))?.replicas;
  }

  /** Canonical keys and replicas of all workloads, sorted by key. */
  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const k of [...this.workloads.keys()].sort()) out[k] = this.workloads.get(k)!.replicas;
    return out;
  }

  /** Observe writes as they land (one listener; undefined removes it). */
  onWrite(fn: ((w: SimulatedWrite) => void) | undefined): void {
    this.listener = fn;
  }

  getScale(namespace: string, kind: string, name: string): Promise<Scale> {
    try {
      return Promise.resolve(this.scaleOf(this.lookup(namespace, kind, name)));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  setReplicas(namespace: string, kind: string, name: string, replicas: number): Promise<Scale> {
    try {
      checkReplicas(replicas);
      const w = this.lookup(namespace, kind, name);
      this.write(w, replicas);
      return Promise.resolve(this.scaleOf(w));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  applyReplicas(namespace: string, kind: string, name: string, replicas: number, expected: number | undefined): Promise<ApplyOutcome> {
    try {
      checkReplicas(replicas);
      const w = this.lookup(namespace, kind, name);
      if (w.replicas === replicas) return Promise.resolve({ kind: 'already-applied' });
      if (expected !== undefined && w.replicas !== expected) return Promise.resolve({ kind: 'override', cluster: w.replicas });
      this.write(w, replicas);
      return Promise.resolve({ kind: 'applied' });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** The autoscale engine's view of this cluster (autoscale/actuator.ts ScaleTarget), for engines run directly. */
  scaleTarget(): ScaleTarget {
    return kubeScaleTarget(this);
  }

  private lookup(namespace: string, kind: string, name: string): Workload {
    const k = requireKind(kind);
    const w = this.workloads.get(`${namespace}/${k.plural}/${name}`);
    if (!w) throw new Error(`${k.plural} "${name}" not found in namespace "${namespace}" (simulated cluster: seed it with its replicas)`);
    return w;
  }

  private write(w: Workload, replicas: number): void {
    const from = w.replicas;
    w.replicas = replicas;
    w.version++;
    const rec: SimulatedWrite = { key: `${w.namespace}/${w.kind}/${w.name}`, from, to: replicas };
    this.writes.push(rec);
    this.listener?.(rec);
  }

  private scaleOf(w: Workload): Scale {
    return {
      namespace: w.namespace, kind: w.kind as Scale['kind'], name: w.name, replicas: w.replicas,
      statusReplicas: w.replicas, selector: '', resourceVersion: String(w.version),
    };
  }
}

/** A KubernetesService (runtime `services.kubernetes`) whose every `.cluster()` id is the simulated cluster. */
export function simulatedKubernetes(cluster: SimulatedCluster): KubernetesService {
  return { get: () => cluster, dryRun: () => false };
}
