/** k8sAutoscale, swarmAutoscale, ec2Autoscale (SPEC 4.1; pipeline/k8s_autoscale.go, swarm_autoscale.go, ec2_autoscale.go). */
import { lastCall, prop, type PipelineNode } from '../pipeline.ts';
import { field, flag, method, sig, type NodeSpec } from './types.ts';
import type { SettingsSpec } from './settings.ts';
import type { TickValue } from '../pipeline.ts';

const common = {
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
  if (min < 0n) return `min must be >= 0 (0 scales to zero), got ${min}`;
  if (!lastCall(n, 'replicas')) return 'must provide a replicas lambda expression';
  return undefined;
}

/**
 * tickstream's policies on k8sAutoscale (HPA/KEDA, docs/autoscale-policies.md). Checked at define time so that
 * a bad value is a 400 naming the property, not a task that fails to start.
 */
export const POLICY_PROPS = {
  tolerance: field('float'), scaleUpStabilization: field('duration'), scaleDownStabilization: field('duration'),
  scaleUpLimit: method(['int', 'string'], 'duration'), scaleDownLimit: method(['int', 'string'], 'duration'),
  activation: method('lambda'), dryRun: flag,
};

/** `.scaleUpLimit(4, 1m)` / `.scaleUpLimit('100%', 1m)`: the parsed policy or the error text. */
export function parseRateLimit(method: string, args: readonly TickValue[]): RateLimitPolicy | string {
  const [amount, per] = args;
  if (amount === undefined || per === undefined || per.type !== 'duration') return `${method} needs an amount and a period, e.g. .${method}(4, 1m) or .${method}('100%', 1m)`;
  if (per.value <= 0n) return `${method}: the period must be > 0`;
  if (amount.type !== 'int' && amount.type !== 'string') return `${method}: expected a number of pods (int) or a percentage such as '100%', got ${amount.type}`;
  return rateLimitOf(method, amount.value, per.value);
}

export interface RateLimitPolicy {
  readonly type: 'pods' | 'percent';
  readonly value: number;
  readonly period: bigint;
}

/** A rate limit from its typed settings (an int number of pods or a percentage string, and a period), or the error text. */
export function rateLimitOf(method: string, amount: bigint | string, per: bigint): RateLimitPolicy | string {
  if (per <= 0n) return `${method}: the period must be > 0`;
  if (typeof amount === 'bigint') {
    if (amount < 1n || amount > 2147483647n) return `${method}: the number of pods must be between 1 and 2147483647, got ${amount}`;
    return { type: 'pods', value: Number(amount), period: per };
  }
  const m = /^(\d+(?:\.\d+)?)%$/.exec(amount);
  if (!m || !(Number(m[1]) > 0)) return `${method}: expected a number of pods (int) or a percentage such as '100%', got '${amount}'`;
  return { type: 'percent', value: Number(m[1]), period: per };
}

function policies(n: PipelineNode): string | undefined {
  for (const m of ['increaseCooldown', 'decreaseCooldown', 'scaleUpStabilization', 'scaleDownStabilization']) {
    const d = prop<bigint>(n, m, 0n);
    if (d < 0n) return `${m} must be >= 0s, got ${d % 1000000000n === 0n ? `${d / 1000000000n}s` : `${d}ns`}`;
  }
  const tol = prop<number>(n, 'tolerance', 0);
  if (!(tol >= 0 && tol < 1)) return `tolerance must be >= 0 and < 1 (a fraction of the current replicas, e.g. 0.1), got ${tol}`;
  for (const m of ['scaleUpLimit', 'scaleDownLimit']) {
    const args = lastCall(n, m);
    if (!args) continue;
    const r = parseRateLimit(m, args);
    if (typeof r === 'string') return r;
  }
  const max = prop<bigint>(n, 'max', 0n);
  if (max < 0n) return `max must be >= 0 (0 = no maximum), got ${max}`;
  if (lastCall(n, 'activation') && prop<bigint>(n, 'min', 1n) !== 0n) return 'activation decides between 0 and 1+ replicas: it needs .min(0)';
  return undefined;
}

function exactlyOne(n: PipelineNode, a: string, b: string, goA: string, goB: string): string | undefined {
  const x = prop(n, a, '');
  const y = prop(n, b, '');
  if ((x === '') === (y === '')) return `must specify exactly one of ${goA} or ${goB}`;
  return undefined;
}

/**
 * The properties every autoscale node shares (Kapacitor's AutoscaleNode plus tickstream's policies), and their
 * common defaults: the settings the shared runtime (nodes/support/autoscale-node.ts) reads, whichever of the three
 * kinds it runs. Each kind's entry spreads the same `common` and POLICY_PROPS, so the shared part of its settings
 * has this type (settings.test checks the three entries keep it).
 */
export const autoscaleShared = {
  kind: 'autoscale',
  props: { ...common, ...POLICY_PROPS },
  defaults: { max: 0n, min: 1n, increaseCooldown: 0n, decreaseCooldown: 0n },
} satisfies SettingsSpec;

export const k8sAutoscale = {
  kind: 'k8sAutoscale', desc: 'k8s_autoscale', goType: '*pipeline.K8sAutoscaleNode', wants: 'parent', provides: 'stream',
  args: sig(),
  props: {
    ...common, namespace: field('string'), kind: field('string'), resourceName: field('string'),
    resourceNameTag: field('string'), namespaceTag: field('string'), kindTag: field('string'), resourceTag: field('string'),
    ...POLICY_PROPS,
  },
  chains: 'all',
  validate: (n) => {
    const e = exactlyOne(n, 'resourceName', 'resourceNameTag', 'ResourceName', 'ResourceNameTag');
    if (e) return e;
    const kind = prop(n, 'kind', 'deployments');
    if (!K8S_KINDS.includes(kind)) return `invalid Kind, must be 'deployments', 'replicasets' or 'replicationcontrollers', got ${kind}`;
    return clamp(n) ?? policies(n);
  },
  // SPEC 4.1 defaults
  defaults: {
    ...autoscaleShared.defaults,
    cluster: '', namespace: '', kind: 'deployments', resourceName: '', resourceNameTag: '', currentField: '',
    namespaceTag: 'namespace', kindTag: 'kind', resourceTag: 'resource',
    tolerance: 0, scaleUpStabilization: 0n, scaleDownStabilization: 0n,
  },
} satisfies NodeSpec;

export const swarmAutoscale = {
  kind: 'swarmAutoscale', desc: 'swarm_autoscale', goType: '*pipeline.SwarmAutoscaleNode', wants: 'parent', provides: 'stream',
  args: sig(),
  props: { ...common, serviceName: field('string'), serviceNameTag: field('string'), outputServiceNameTag: field('string'), ...POLICY_PROPS },
  chains: 'all',
  validate: (n) => exactlyOne(n, 'serviceName', 'serviceNameTag', 'ServiceName', 'ServiceNameTag') ?? clamp(n) ?? policies(n),
  defaults: autoscaleShared.defaults,
} satisfies NodeSpec;

export const ec2Autoscale = {
  kind: 'ec2Autoscale', desc: 'ec2_autoscale', goType: '*pipeline.Ec2AutoscaleNode', wants: 'parent', provides: 'stream',
  args: sig(),
  props: { ...common, groupName: field('string'), groupNameTag: field('string'), outputGroupNameTag: field('string'), ...POLICY_PROPS },
  chains: 'all',
  validate: (n) => exactlyOne(n, 'groupName', 'groupNameTag', 'GroupName', 'GroupNameTag') ?? clamp(n) ?? policies(n),
  defaults: autoscaleShared.defaults,
} satisfies NodeSpec;
