/** The EC2 side of the autoscale engine: an Auto Scaling client as a ScaleTarget (autoscale/actuator.ts). */
import type { ApplyOutcome, ScaleTarget } from '../autoscale/actuator.ts';
import type { ResourceId } from '../autoscale/types.ts';
import type { Ec2AutoScalingClient } from './client.ts';

export function ec2ScaleTarget(client: Ec2AutoScalingClient): ScaleTarget {
  // Kapacitor's words (autoscale.go ec2Autoscaler.Replicas, services/ec2/client UpdateGroup)
  const desired = async (name: string): Promise<number> => {
    try {
      return (await client.group(name)).desiredCapacity;
    } catch (err) {
      throw new Error(`failed to get ec2 autoscaleGroup for "${name}": ${(err as Error).message}`);
    }
  };
  return {
    read(res: ResourceId): Promise<number> {
      return desired(res.name);
    },
    async apply(res: ResourceId, replicas: number, expected: number | undefined, signal?: AbortSignal): Promise<ApplyOutcome> {
      const current = await desired(res.name);
      if (current === replicas) return { kind: 'already-applied' };
      if (expected !== undefined && current !== expected) return { kind: 'override', cluster: current };
      signal?.throwIfAborted();
      try {
        await client.setDesiredCapacity(res.name, replicas);
      } catch (err) {
        throw new Error(`Failed to set desired capacity for "${res.name}": ${(err as Error).message}`);
      }
      return { kind: 'applied' };
    },
  };
}
