/**
 * A simulated cluster for what-if replays: a Kubernetes client registry (`services.kubernetes`) whose scale
 * client keeps replica counts in memory. Every resource exists, starting at `initialReplicas`; reads and writes
 * answer at once and never fail, so decisions and their actuation depend on the recording alone. Pod start-up
 * time is modelled afterwards in data time (whatif/simulate.ts), not here.
 */
import type { ApplyOutcome } from '../autoscale/actuator.ts';
import type { Scale, ScaleClient } from '../kube/client.ts';
import type { KubernetesService } from '../kube/service.ts';
import { requireKind } from '../kube/kinds.ts';

export class SimulatedCluster implements KubernetesService, ScaleClient {
  private readonly replicas = new Map<string, number>();
  private version = 0;
  writes = 0;

  constructor(private readonly initialReplicas: number) {
    if (!(Number.isInteger(initialReplicas) && initialReplicas >= 0)) throw new Error(`initial replicas must be an integer >= 0, got ${initialReplicas}`);
  }

  get(_clusterId: string): ScaleClient {
    return this;
  }

  dryRun(): boolean {
    return false;
  }

  /** The current count of namespace/kind(plural)/name. */
  current(namespace: string, kind: string, name: string): number {
    return this.replicas.get(key(namespace, kind, name)) ?? this.initialReplicas;
  }

  async getScale(namespace: string, kind: string, name: string): Promise<Scale> {
    return this.scale(namespace, kind, name);
  }

  async setReplicas(namespace: string, kind: string, name: string, replicas: number): Promise<Scale> {
    this.replicas.set(key(namespace, kind, name), replicas);
    this.writes++;
    this.version++;
    return this.scale(namespace, kind, name);
  }

  async applyReplicas(namespace: string, kind: string, name: string, replicas: number): Promise<ApplyOutcome> {
    if (this.current(namespace, kind, name) === replicas) return { kind: 'already-applied' };
    await this.setReplicas(namespace, kind, name, replicas);
    return { kind: 'applied' };
  }

  private scale(namespace: string, kind: string, name: string): Scale {
    const k = requireKind(kind);
    const n = this.current(namespace, kind, name);
    return { namespace, kind: k.plural, name, replicas: n, statusReplicas: n, selector: '', resourceVersion: String(this.version) };
  }
}

function key(namespace: string, kind: string, name: string): string {
  return `${namespace}/${requireKind(kind).plural}/${name}`;
}
