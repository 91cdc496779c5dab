/**
 * The registry the runtime hands to swarmAutoscale nodes (`services.swarm`): one lazily created SwarmClient per
 * enabled `[[swarm]]` section, looked up by the node's `.cluster()` id, with Kapacitor's messages.
 */
import { SwarmClient } from './client.ts';
import type { SwarmSectionConfig } from '../config/schema.ts';

/** One `[[swarm]]` section, declared with the other sections in config/schema.ts (config/ sits below swarm/). */
export type SwarmSection = SwarmSectionConfig;

export const SWARM_PREFIX = 'cannot use the swarmAutoscale node, could not create swarm client: ';
export const SWARM_NOT_ENABLED = SWARM_PREFIX + 'service is not enabled (hint: set KAPACITOR_SWARM_0_ENABLED=true and KAPACITOR_SWARM_0_SERVERS, or a [[swarm]] section)';

export interface SwarmRegistry {
  get(clusterId: string): SwarmClient;
}

export class SwarmClients implements SwarmRegistry {
  private readonly sections: SwarmSection[];
  private readonly clients = new Map<string, SwarmClient>();

  constructor(sections: readonly SwarmSection[], private readonly timeoutMs?: number) {
    for (const s of sections) {
      if (s.enabled && s.servers.length === 0) throw new Error(`swarm${s.id ? ` ${JSON.stringify(s.id)}` : ''}: no api-servers specified, must provide at least one server URL`);
    }
    const ids = sections.filter((s) => s.enabled).map((s) => s.id);
    if (new Set(ids).size !== ids.length) throw new Error('swarm: every enabled [[swarm]] section needs its own id');
    this.sections = sections.filter((s) => s.enabled);
  }

  get(clusterId: string): SwarmClient {
    if (this.sections.length === 0) throw new Error(SWARM_NOT_ENABLED);
    const section = this.sections.find((s) => s.id === clusterId) ?? (clusterId === '' && this.sections.length === 1 ? this.sections[0] : undefined);
    if (!section) throw new Error(SWARM_PREFIX + `unknown swarm cluster ${JSON.stringify(clusterId)}, cannot get client`);
    let c = this.clients.get(section.id);
    if (!c) {
      try {
        c = new SwarmClient({ servers: section.servers, sslCa: section.sslCa, sslCert: section.sslCert, sslKey: section.sslKey,
          insecureSkipVerify: section.insecureSkipVerify, ...(this.timeoutMs ? { timeoutMs: this.timeoutMs } : {}) });
      } catch (err) {
        throw new Error(SWARM_PREFIX + (err as Error).message);
      }
      this.clients.set(section.id, c);
    }
    return c;
  }
}
