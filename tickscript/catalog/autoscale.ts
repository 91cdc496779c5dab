/** k8sAutoscale, swarmAutoscale, ec2Autoscale (SPEC 4.1; pipeline/k8s_autoscale.go, swarm_autoscale.go, ec2_autoscale.go). */
import { lastCall, prop, type PipelineNode } from '../pipeline.ts';
import { field, method, sig, type NodeSpec, type PropSpec } from './types.ts';

const common: Record<string, PropSpec> = {
  cluster: field('string'), currentField: field('string'), max: field('int'), min: field('int'),
  replicas: method('lambda'), increaseCooldown: field('duration'), decreaseCooldown: field('duration'),
};

/**
 * Kinds accepted by tickstream: Kapacitor's three (the code constant for replication controllers is singular) plus
 * statefulsets and singular/plural variants (SPEC "Project decisions": current Kubernetes API, singular and plural).
 */
export const K8S_KINDS = [
  'deployments', 'deployment', 'replicasets', 'replicaset', 'statefulsets', 'statefulset',
  'replicationcontrollers', 'replicationcontroller',
];

function clamp(n: PipelineNode): string | undefined {
  const min = prop<bigint>(n, 'min', 1n);
  if (min < 1n) return `min must be >= 1, got ${min}`;
  if (!lastCall(n, 'replicas')) return 'must provide a replicas lambda expression';
  return undefined;
}

function exactlyOne(n: PipelineNode, a: string, b: string, goA: string, goB: string): string | undefined {
  const x = prop(n, a, '');
  const y = prop(n, b, '');
  if ((x === '') === (y === '')) return `must specify exactly one of ${goA} or ${goB}`;
  return undefined;
}

export const k8sAutoscale: NodeSpec = {
  kind: 'k8sAutoscale', desc: 'k8s_autoscale', goType: '*pipeline.K8sAutoscaleNode', wants: 'parent', provides: 'stream',
  args: sig(),
  props: {
    ...common, namespace: field('string'), kind: field('string'), resourceName: field('string'),
    resourceNameTag: field('string'), namespaceTag: field('string'), kindTag: field('string'), resourceTag: field('string'),
  },
  chains: 'all',
  validate: (n) => {
    const e = exactlyOne(n, 'resourceName', 'resourceNameTag', 'ResourceName', 'ResourceNameTag');
    if (e) return e;
    const kind = prop(n, 'kind', 'deployments');
    if (!K8S_KINDS.includes(kind)) return `invalid Kind, must be 'deployments', 'replicasets' or 'replicationcontrollers', got ${kind}`;
    return clamp(n);
  },
  // SPEC 4.1 defaults
  defaults: {
    cluster: '', namespace: '', kind: 'deployments', resourceName: '', resourceNameTag: '', currentField: '',
    max: 0n, min: 1n, increaseCooldown: 0n, decreaseCooldown: 0n, namespaceTag: 'namespace', kindTag: 'kind', resourceTag: 'resource',
  },
};

export const swarmAutoscale: NodeSpec = {
  kind: 'swarmAutoscale', desc: 'swarm_autoscale', goType: '*pipeline.SwarmAutoscaleNode', wants: 'parent', provides: 'stream',
  args: sig(),
  props: { ...common, serviceName: field('string'), serviceNameTag: field('string'), outputServiceNameTag: field('string') },
  chains: 'all',
  validate: (n) => exactlyOne(n, 'serviceName', 'serviceNameTag', 'ServiceName', 'ServiceNameTag') ?? clamp(n),
  defaults: { max: 0n, min: 1n, increaseCooldown: 0n, decreaseCooldown: 0n },
};

export const ec2Autoscale: NodeSpec = {
  kind: 'ec2Autoscale', desc: 'ec2_autoscale', goType: '*pipeline.Ec2AutoscaleNode', wants: 'parent', provides: 'stream',
  args: sig(),
  props: { ...common, groupName: field('string'), groupNameTag: field('string'), outputGroupNameTag: field('string') },
  chains: 'all',
  validate: (n) => exactlyOne(n, 'groupName', 'groupNameTag', 'GroupName', 'GroupNameTag') ?? clamp(n),
  defaults: { max: 0n, min: 1n, increaseCooldown: 0n, decreaseCooldown: 0n },
};
