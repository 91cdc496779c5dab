/**
 * ec2Autoscale (Kapacitor's pipeline/ec2_autoscale.go, autoscale.go ec2Autoscaler): the autoscale engine on EC2
 * Auto Scaling groups (ec2/client.ts). Resource = the group name (`groupName` or the `groupNameTag` tag); replicas =
 * the group's DesiredCapacity; the event point carries the group in `outputGroupNameTag` (default: groupNameTag).
 */
import type { NodeContext } from '../runtime/node.ts';
import { ec2ScaleTarget } from '../ec2/scale-target.ts';
import { EC2_PREFIX } from '../ec2/clients.ts';
import { NamedResourceAutoscaleNode } from './support/autoscale-node.ts';
import { settingsOf } from '../tickscript/catalog/index.ts';
import { registerNode } from './registry.ts';

class Ec2AutoscaleNode extends NamedResourceAutoscaleNode {
  constructor(ctx: NodeContext) {
    const s = settingsOf('ec2Autoscale', ctx.def);
    const groupName = s.groupName ?? '';
    const groupNameTag = s.groupNameTag ?? '';
    if ((groupName === '') === (groupNameTag === '')) throw new Error('must specify exactly one of GroupName or GroupNameTag');
    super(ctx, s, 'autoscalinggroup', groupName, groupNameTag, s.outputGroupNameTag || groupNameTag);
    const registry = ctx.services.ec2;
    const cluster = s.cluster ?? '';
    if (registry === undefined) throw new Error(EC2_PREFIX + `unknown ec2 region ${JSON.stringify(cluster)}, cannot get client (hint: add an [[ec2]] section with this id and enabled = true)`);
    const target = ec2ScaleTarget(registry.get(cluster));
    // in a cluster: one writer per group, fenced per partition (server/cluster/gate.ts)
    this.start(ctx, ctx.services.scaleTargetGate?.('ec2', cluster, target) ?? target, false);
  }
}

registerNode('ec2Autoscale', (ctx) => new Ec2AutoscaleNode(ctx));

export type { Ec2AutoscaleNode };
