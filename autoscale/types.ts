/**
 * The vocabulary of the autoscale engine: what a scale target is, the policy settings, and the decision record
 * kept for every evaluated point. Nothing here knows about Kubernetes or the stream runtime: the k8sAutoscale
 * node (nodes/k8s-autoscale.ts) and the scale client (kube/client.ts) plug into these interfaces.
 */

/** A scale target: namespace/kind/name for Kubernetes (Project decision: state is keyed by all three). */
export interface ResourceId {
  readonly namespace: string;
  /** the kind as configured (emitted in the `kind` tag) */
  readonly kind: string;
  readonly name: string;
  /** `namespace/kind/name`, the key of every per-resource map and of messages */
  readonly key: string;
}

export function resourceId(namespace: string, kind: string, name: string): ResourceId {
  return { namespace, kind, name, key: `${namespace}/${kind}/${name}` };
}

/** A rate policy (HPA `behavior.scaleUp/scaleDown.policies`): at most `value` pods or `value` % per period. */
export interface RateLimit {
  readonly type: 'pods' | 'percent';
  readonly value: number;
  /** period in ns of data time */
  readonly period: bigint;
}

/** Everything that shapes a decision. With only Kapacitor's properties set, decisions are exactly Kapacitor's. */
export interface AutoscalePolicy {
  /** >= 0 (0 only with scale-to-zero) */
  readonly min: number;
  /** 0 = no upper bound */
  readonly max: number;
  /** ns of data time; 0 = none (SPEC 4.2 step 6) */
  readonly increaseCooldown: bigint;
  readonly decreaseCooldown: bigint;
  /** HPA tolerance: no change while |recommended − current| <= tolerance × current; 0 = off */
  readonly tolerance: number;
  /** HPA stabilization windows in ns of data time; 0 = off */
  readonly scaleUpStabilization: bigint;
  readonly scaleDownStabilization: bigint;
  readonly scaleUpLimit: RateLimit | undefined;
  readonly scaleDownLimit: RateLimit | undefined;
  /** KEDA-style activation: an activation expression decides 0 ↔ 1+ (requires min 0) */
  readonly activation: boolean;
}

export const KAPACITOR_POLICY: AutoscalePolicy = {
  min: 1, max: 0, increaseCooldown: 0n, decreaseCooldown: 0n, tolerance: 0,
  scaleUpStabilization: 0n, scaleDownStabilization: 0n, scaleUpLimit: undefined, scaleDownLimit: undefined,
  activation: false,
};

/**
 * Why a point led (or did not lead) to a change.
 * - scaled: a change was decided (and handed to the actuator)
 * - unchanged: the final value equals the current one
 * - cooldown: a change was blocked by increaseCooldown/decreaseCooldown (Kapacitor's cooldown_drops)
 * - tolerance / stabilization / rate-limit: that policy held the value at the current one
 * - override: the actuator found the cluster changed by someone else and adopted its value
 * - error: the point was dropped (message in `error`)
 */
export type DecisionReason = 'scaled' | 'unchanged' | 'cooldown' | 'tolerance' | 'stabilization' | 'rate-limit' | 'override' | 'error';

export const DECISION_REASONS: readonly DecisionReason[] = ['scaled', 'unchanged', 'cooldown', 'tolerance', 'stabilization', 'rate-limit', 'override', 'error'];

/** What happened to a decided change at the API. */
export type ActuationStatus = 'pending' | 'applied' | 'already-applied' | 'superseded' | 'override' | 'failed' | 'dry-run';

export interface Actuation {
  status: ActuationStatus;
  /** API attempts so far */
  attempts: number;
  /** wall-clock ms when the final status was reached */
  at?: number;
  /** the last API error (status 'pending' with an error = retrying) */
  error?: string;
  /** the cluster's replicas found when an override was detected */
  cluster?: number;
}

export interface DecisionRecord {
  /** per node, increasing: lets clients page and deduplicate */
  readonly seq: number;
  /** data time of the point, ns */
  readonly time: bigint;
  readonly resource: string;
  /** decided replicas before this point */
  readonly current: number;
  /** the replicas expression's value (undefined when it failed) */
  readonly recommended: bigint | undefined;
  /** after tolerance/activation and min/max */
  readonly clamped: number | undefined;
  /** the replicas decided after this point (== current unless scaled/override) */
  readonly final: number;
  readonly reason: DecisionReason;
  /** which policy shaped a `scaled` value (e.g. rate-limit allowed only part of the change) */
  readonly adjustedBy?: 'tolerance' | 'stabilization' | 'rate-limit' | undefined;
  readonly error?: string | undefined;
  /** set for scaled and override records */
  actuation?: Actuation | undefined;
}
