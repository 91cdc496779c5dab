/**
 * k8sAutoscale (SPEC 4): decide a replica count per point, in data time, and have the actuator apply it to a
 * Kubernetes workload's scale subresource (apps/v1 / v1, kube/client.ts).
 *
 * Kapacitor's semantics — data-time cooldowns, `{old,new}` event points, errors drop the point — with state keyed
 * by namespace/kind/name and a working `currentField` (int) (SPEC "Project decisions"). Decisions are made
 * synchronously inside the write on the resource's decided state (autoscale/engine.ts, shared with the other
 * autoscale nodes through nodes/support/autoscale-node.ts); API calls happen apart and never change a decision's
 * outcome, so replays are exact. Beyond Kapacitor: HPA/KEDA policies, `.dryRun()`, decision records, persisted
 * state (docs/autoscale.md).
 */
import type { NodeContext } from '../runtime/node.ts';
import type { Point, Tags } from '../model/point.ts';
import type { ResourceId } from '../autoscale/types.ts';
import { kubeScaleTarget } from '../kube/scale-target.ts';
import { isKubernetesService } from '../kube/service.ts';
import { KIND_LIST_TEXT, lookupKind } from '../kube/kinds.ts';
import { AutoscaleNode } from './support/autoscale-node.ts';
import { settingsOf } from '../tickscript/catalog/index.ts';
import { registerNode } from './registry.ts';

const NOT_ENABLED = 'cannot use the k8sAutoscale node, could not create kubernetes client: service is not enabled';

class K8sAutoscaleNode extends AutoscaleNode {
  private readonly namespace: string;
  private readonly kind: string;
  private readonly resourceName: string;
  private readonly resourceNameTag: string;
  private readonly namespaceTag: string;
  private readonly kindTag: string;
  private readonly resourceTag: string;
  /** ResourceId per resource name (namespace and kind are fixed per node): no string building per point */
  private readonly ids = new Map<string, ResourceId>();

  constructor(ctx: NodeContext) {
    const s = settingsOf('k8sAutoscale', ctx.def);
    // Kapacitor's validation order (pipeline/k8s_autoscale.go): resource name, kind, then the shared properties
    const resourceName = s.resourceName;
    const resourceNameTag = s.resourceNameTag;
    if ((resourceName === '') === (resourceNameTag === '')) throw new Error('must specify exactly one of ResourceName or ResourceNameTag');
    const kind = s.kind; // the catalog's default: deployments
    if (!lookupKind(kind)) throw new Error(`invalid Kind, must be ${KIND_LIST_TEXT}, got ${kind}`);
    super(ctx, s);
    this.resourceName = resourceName;
    this.resourceNameTag = resourceNameTag;
    this.kind = kind;
    this.namespace = s.namespace || 'default';
    this.namespaceTag = s.namespaceTag;
    this.kindTag = s.kindTag;
    this.resourceTag = s.resourceTag;
    const registry = ctx.services.kubernetes;
    if (registry === undefined) throw new Error(NOT_ENABLED);
    if (!isKubernetesService(registry)) throw new Error('k8sAutoscale: services.kubernetes is not a kubernetes client registry');
    const cluster = s.cluster;
    this.start(ctx, kubeScaleTarget(registry.get(cluster)), registry.dryRun?.(cluster) === true);
  }

  protected resourceOf(p: Point): ResourceId | string {
    let name = this.resourceName;
    if (name === '') {
      name = p.tags[this.resourceNameTag] ?? '';
      if (name === '') return 'could not determine the name of the resource';
    }
    let id = this.ids.get(name);
    if (id === undefined) {
      id = { namespace: this.namespace, kind: this.kind, name, key: `${this.namespace}/${this.kind}/${name}` };
      // bounded like the engine's resources: names past its limit are rejected there, not remembered here
      if (this.ids.size < this.resourceLimit) this.ids.set(name, id);
    }
    return id;
  }

  protected tagResource(res: ResourceId, tags: Tags): void {
    if (this.namespaceTag !== '') tags[this.namespaceTag] = res.namespace;
    if (this.kindTag !== '') tags[this.kindTag] = res.kind;
    if (this.resourceTag !== '') tags[this.resourceTag] = res.name;
  }
}

registerNode('k8sAutoscale', (ctx) => new K8sAutoscaleNode(ctx));

export type { K8sAutoscaleNode };
