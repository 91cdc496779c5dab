/**
 * ec2Autoscale (Kapacitor's pipeline/ec2_autoscale.go, autoscale.go ec2Autoscaler): the autoscale engine on EC2
 * Auto Scaling groups (ec2/client.ts). Resource = the group name (`groupName` or the `groupNameTag` tag); replicas =
 * the group's DesiredCapacity; the event point carries the group in `outputGroupNameTag` (default: groupNameTag).
 */
import type { NodeContext } from '../runtime/node.ts';
import type { Point, Tags } from '../model/point.ts';
import type { ResourceId } from '../autoscale/types.ts';
import { ec2ScaleTarget } from '../ec2/scale-target.ts';
import { EC2_PREFIX } from '../ec2/clients.ts';
import { AutoscaleNode, strProp } from './support/autoscale-node.ts';
import { registerNode } from './registry.ts';

class Ec2AutoscaleNode extends AutoscaleNode {
  private readonly groupName: string;
  private readonly groupNameTag: string;
  private readonly outputTag: string;
  private readonly ids = new Map<string, ResourceId>();

  constructor(ctx: NodeContext) {
    const def = ctx.def;
    const groupName = strProp(def, 'groupName', '');
    const groupNameTag = strProp(def, 'groupNameTag', '');
    if ((groupName === '') === (groupNameTag === '')) throw new Error('must specify exactly one of GroupName or GroupNameTag');
    super(ctx);
    this.groupName = groupName;
    this.groupNameTag = groupNameTag;
    this.outputTag = strProp(def, 'outputGroupNameTag', '') || groupNameTag;
    const registry = ctx.services.ec2;
    const cluster = strProp(def, 'cluster', '');
    if (registry === undefined) throw new Error(EC2_PREFIX + `unknown ec2 region ${JSON.stringify(cluster)}, cannot get client (hint: add an [[ec2]] section with this id and enabled = true)`);
    this.start(ctx, ec2ScaleTarget(registry.get(cluster)), false);
  }

  protected resourceOf(p: Point): ResourceId | string {
    const name = this.groupName !== '' ? this.groupName : p.tags[this.groupNameTag] ?? '';
    if (name === '') return 'could not determine the name of the resource';
    let id = this.ids.get(name);
    if (id === undefined) {
      id = { namespace: '', kind: 'autoscalinggroup', name, key: name };
      if (this.ids.size < this.resourceLimit) this.ids.set(name, id);
    }
    return id;
  }

  protected tagResource(res: ResourceId, tags: Tags): void {
    if (this.outputTag !== '') tags[this.outputTag] = res.name;
  }
}

registerNode('ec2Autoscale', (ctx) => new Ec2AutoscaleNode(ctx));

export type { Ec2AutoscaleNode };
