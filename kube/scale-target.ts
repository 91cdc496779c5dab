/** The Kubernetes side of the autoscale engine: a ScaleClient seen as a ScaleTarget (autoscale/actuator.ts). */
import type { ApplyOutcome, ScaleTarget } from '../autoscale/actuator.ts';
import type { ResourceId } from '../autoscale/types.ts';
import type { ScaleClient } from './client.ts';

export function kubeScaleTarget(client: ScaleClient): ScaleTarget {
  return {
    async read(res: ResourceId): Promise<number> {
      return (await client.getScale(res.namespace, res.kind, res.name)).replicas;
    },
    apply(res: ResourceId, replicas: number, expected: number | undefined, signal?: AbortSignal): Promise<ApplyOutcome> {
      return client.applyReplicas(res.namespace, res.kind, res.name, replicas, expected, signal);
    },
  };
}
