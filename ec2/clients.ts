/**
 * The registry the runtime hands to ec2Autoscale nodes (`services.ec2`): one lazily created Auto Scaling client
 * per `[[ec2]]` section, looked up by the node's `.cluster()` id, with Kapacitor's messages (services/ec2/service.go
 * Client, cluster.go Client).
 */
import { Ec2AutoScalingClient } from './client.ts';
import type { Ec2SectionConfig } from '../config/schema.ts';

export type Ec2Section = Ec2SectionConfig;

export const EC2_PREFIX = 'cannot use the EC2Autoscale node, could not create ec2 client: ';

export interface Ec2Registry {
  get(clusterId: string): Ec2AutoScalingClient;
}

export class Ec2Clients implements Ec2Registry {
  private readonly sections: Ec2Section[];
  private readonly clients = new Map<string, Ec2AutoScalingClient>();

  constructor(sections: readonly Ec2Section[], private readonly opts: { timeoutMs?: number; now?: () => Date } = {}) {
    const ids = sections.map((s) => s.id);
    if (new Set(ids).size !== ids.length) throw new Error('ec2: every [[ec2]] section needs its own id');
    this.sections = [...sections];
  }

  /** Kapacitor looks the id up exactly (`.cluster()` defaults to ''), then refuses a disabled section. */
  get(clusterId: string): Ec2AutoScalingClient {
    const section = this.sections.find((s) => s.id === clusterId);
    if (!section) throw new Error(EC2_PREFIX + `unknown ec2 region ${JSON.stringify(clusterId)}, cannot get client`);
    if (!section.enabled) throw new Error(EC2_PREFIX + 'service is not enabled');
    let c = this.clients.get(section.id);
    if (!c) {
      try {
        c = new Ec2AutoScalingClient({ region: section.region, accessKey: section.accessKey, secretKey: section.secretKey, endpoint: section.endpoint, ...this.opts });
      } catch (err) {
        throw new Error(EC2_PREFIX + (err as Error).message);
      }
      this.clients.set(section.id, c);
    }
    return c;
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}
