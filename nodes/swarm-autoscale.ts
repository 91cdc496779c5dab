/**
 * swarmAutoscale (Kapacitor's pipeline/swarm_autoscale.go, autoscale.go): the autoscale engine on Docker Swarm
 * services (swarm/client.ts). Resource = the service name (`serviceName` or the `serviceNameTag` tag); the event
 * point carries it in `outputServiceNameTag` (default: serviceNameTag).
 */
import type { NodeContext } from '../runtime/node.ts';
import type { Point, Tags } from '../model/point.ts';
import type { ResourceId } from '../autoscale/types.ts';
import { swarmScaleTarget } from '../swarm/scale-target.ts';
import { SWARM_NOT_ENABLED } from '../swarm/clients.ts';
import { AutoscaleNode, strProp } from './support/autoscale-node.ts';
import { registerNode } from './registry.ts';

class SwarmAutoscaleNode extends AutoscaleNode {
  private readonly serviceName: string;
  private readonly serviceNameTag: string;
  private readonly outputTag: string;
  private readonly ids = new Map<string, ResourceId>();

  constructor(ctx: NodeContext) {
    const def = ctx.def;
    const serviceName = strProp(def, 'serviceName', '');
    const serviceNameTag = strProp(def, 'serviceNameTag', '');
    if ((serviceName === '') === (serviceNameTag === '')) throw new Error('must specify exactly one of ServiceName or ServiceNameTag');
    super(ctx);
    this.serviceName = serviceName;
    this.serviceNameTag = serviceNameTag;
    this.outputTag = strProp(def, 'outputServiceNameTag', '') || serviceNameTag;
    const registry = ctx.services.swarm;
    if (registry === undefined) throw new Error(SWARM_NOT_ENABLED);
    const cluster = strProp(def, 'cluster', '');
    const target = swarmScaleTarget(registry.get(cluster));
    // in a cluster: one writer per service, fenced per partition (server/cluster/gate.ts)
    this.start(ctx, ctx.services.scaleTargetGate?.('swarm', cluster, target) ?? target, false);
  }

  protected resourceOf(p: Point): ResourceId | string {
    const name = this.serviceName !== '' ? this.serviceName : p.tags[this.serviceNameTag] ?? '';
    if (name === '') return 'could not determine the name of the resource';
    let id = this.ids.get(name);
    if (id === undefined) {
      id = { namespace: '', kind: 'service', name, key: name };
      if (this.ids.size < this.resourceLimit) this.ids.set(name, id);
    }
    return id;
  }

  protected tagResource(res: ResourceId, tags: Tags): void {
    if (this.outputTag !== '') tags[this.outputTag] = res.name;
  }
}

registerNode('swarmAutoscale', (ctx) => new SwarmAutoscaleNode(ctx));

export type { SwarmAutoscaleNode };
