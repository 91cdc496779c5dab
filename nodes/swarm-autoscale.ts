/**
 * swarmAutoscale (Kapacitor's pipeline/swarm_autoscale.go, autoscale.go): the autoscale engine on Docker Swarm
 * services (swarm/client.ts). Resource = the service name (`serviceName` or the `serviceNameTag` tag); the event
 * point carries it in `outputServiceNameTag` (default: serviceNameTag).
 */
import type { NodeContext } from '../runtime/node.ts';
import { swarmScaleTarget } from '../swarm/scale-target.ts';
import { SWARM_NOT_ENABLED } from '../swarm/clients.ts';
import { NamedResourceAutoscaleNode } from './support/autoscale-node.ts';
import { settingsOf } from '../tickscript/catalog/index.ts';
import { registerNode } from './registry.ts';

class SwarmAutoscaleNode extends NamedResourceAutoscaleNode {
  constructor(ctx: NodeContext) {
    const s = settingsOf('swarmAutoscale', ctx.def);
    const serviceName = s.serviceName ?? '';
    const serviceNameTag = s.serviceNameTag ?? '';
    if ((serviceName === '') === (serviceNameTag === '')) throw new Error('must specify exactly one of ServiceName or ServiceNameTag');
    super(ctx, s, 'service', serviceName, serviceNameTag, s.outputServiceNameTag || serviceNameTag);
    const registry = ctx.services.swarm;
    if (registry === undefined) throw new Error(SWARM_NOT_ENABLED);
    const cluster = s.cluster ?? '';
    const target = swarmScaleTarget(registry.get(cluster));
    // in a cluster: one writer per service, fenced per partition (server/cluster/gate.ts)
    this.start(ctx, ctx.services.scaleTargetGate?.('swarm', cluster, target) ?? target, false);
  }
}

registerNode('swarmAutoscale', (ctx) => new SwarmAutoscaleNode(ctx));

export type { SwarmAutoscaleNode };
