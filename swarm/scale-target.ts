/** The Docker Swarm side of the autoscale engine: a SwarmClient as a ScaleTarget (autoscale/actuator.ts). */
import type { ApplyOutcome, ScaleTarget } from '../autoscale/actuator.ts';
import type { ResourceId } from '../autoscale/types.ts';
import { CONFLICT_RETRIES, SwarmApiError, type SwarmClient } from './client.ts';

export function swarmScaleTarget(client: SwarmClient): ScaleTarget {
  const get = async (name: string) => {
    try {
      return await client.service(name);
    } catch (err) {
      throw new Error(`failed to get swarm service for "${name}": ${(err as Error).message}`);
    }
  };
  return {
    async read(res: ResourceId): Promise<number> {
      return (await get(res.name)).replicas;
    },
    async apply(res: ResourceId, replicas: number, expected: number | undefined, signal?: AbortSignal): Promise<ApplyOutcome> {
      for (let attempt = 0; ; attempt++) {
        const svc = await get(res.name);
        if (svc.replicas === replicas) return { kind: 'already-applied' };
        if (expected !== undefined && svc.replicas !== expected) return { kind: 'override', cluster: svc.replicas };
        signal?.throwIfAborted();
        try {
          await client.updateReplicas(svc, replicas);
          return { kind: 'applied' };
        } catch (err) {
          // a concurrent update bumped the version: read again (which also tells whether it was an override)
          if (err instanceof SwarmApiError && /out of sequence/.test(err.message) && attempt < CONFLICT_RETRIES) continue;
          throw new Error(`update service request failed for "${res.name}": ${(err as Error).message}`);
        }
      }
    },
  };
}
