/**
 * One decision, synchronously, in data time: SPEC 4.2 steps 4–6 (clamp, unchanged, cooldowns) with the optional
 * HPA/KEDA policies in between. Pure: the outcome depends on the policy, the resource's decided state and the
 * point (time, recommended replicas, activation) only — never on the API, wall-clock time or batching.
 *
 * Order (each stage sees the previous stage's value):
 *   recommended → activation (0 ↔ ≥1) → clamp to [min, max] → tolerance → stabilization → rate limit → cooldown
 * With only Kapacitor's properties set, every optional stage is the identity and this is Kapacitor's algorithm.
 */
import { scaleDownLimit, scaleUpLimit, ScaleEvents } from './rate-limit.ts';
import { WindowExtreme } from './stabilization.ts';
import type { AutoscalePolicy, DecisionReason } from './types.ts';

/** Kubernetes' spec.replicas is an int32. */
export const MAX_REPLICAS = 2147483647;
const INT32_MAX_B = 2147483647n;
const INT32_MIN_B = -2147483648n;

/** What a resource's decisions depend on; persisted (current and the cooldown clocks) on every change. */
export interface DecidedState {
  /** replicas as last decided (or read from the cluster before any decision) */
  current: number;
  /** data time of the last decided increase/decrease; undefined = never (Go's zero time: never blocks) */
  lastIncrease: bigint | undefined;
  lastDecrease: bigint | undefined;
  /** policy memory, created on first use */
  upWindow?: WindowExtreme;
  downWindow?: WindowExtreme;
  events?: ScaleEvents;
}

export interface Verdict {
  reason: DecisionReason;
  /** after activation and min/max */
  clamped: number;
  final: number;
  adjustedBy?: 'tolerance' | 'stabilization' | 'rate-limit';
  error?: string;
}

export function newDecidedState(current: number): DecidedState {
  return { current, lastIncrease: undefined, lastDecrease: undefined };
}

/**
 * Decide for one point. `active` is the activation expression's value (undefined when the policy has none).
 * On `scaled` the state is updated (current, cooldown clock, rate-limit history); otherwise only the policy
 * windows remember the recommendation.
 */
export function decide(policy: AutoscalePolicy, st: DecidedState, time: bigint, recommended: bigint, active: boolean | undefined): Verdict {
  const current = st.current;
  // in number space from here: anything beyond int32 is only ever compared (no bigint allocation per point)
  let want = recommended > INT32_MAX_B ? Infinity : recommended < INT32_MIN_B ? -Infinity : Number(recommended);
  // activation (KEDA): inactive → 0 replicas; active → at least 1
  if (policy.activation) want = active ? (want < 1 ? 1 : want) : 0;
  // SPEC 4.2 step 4: max (0 = none), then min
  if (policy.max > 0 && want > policy.max) want = policy.max;
  if (want < policy.min) want = policy.min;
  if (want > MAX_REPLICAS) {
    return { reason: 'error', clamped: current, final: current,
      error: `the replicas expression gave ${recommended}, more than Kubernetes allows (${MAX_REPLICAS}); set .max()` };
  }
  const clamped = want;
  let value = clamped;
  let adjustedBy: Verdict['adjustedBy'];
  // tolerance (HPA): a change within ±tolerance of the current count is not worth making
  if (policy.tolerance > 0 && current > 0 && value !== current && value !== 0 && Math.abs(value - current) <= policy.tolerance * current) {
    value = current;
    adjustedBy = 'tolerance';
  }
  // stabilization (HPA): up acts on the window's lowest recommendation, down on its highest
  if (policy.scaleUpStabilization > 0n || policy.scaleDownStabilization > 0n) {
    let up = value;
    let down = value;
    if (policy.scaleUpStabilization > 0n) up = (st.upWindow ??= new WindowExtreme(policy.scaleUpStabilization, true)).push(time, value);
    if (policy.scaleDownStabilization > 0n) down = (st.downWindow ??= new WindowExtreme(policy.scaleDownStabilization, false)).push(time, value);
    let stabilized = current;
    if (stabilized < up) stabilized = up;
    if (stabilized > down) stabilized = down;
    if (stabilized !== value) {
      value = stabilized;
      adjustedBy = 'stabilization';
    }
  }
  // rate policies (HPA)
  if (value > current && policy.scaleUpLimit) {
    const limit = scaleUpLimit(current, st.events ??= newEvents(policy), time, policy.scaleUpLimit);
    if (value > limit) {
      value = Math.max(limit, current);
      adjustedBy = 'rate-limit';
    }
  } else if (value < current && policy.scaleDownLimit) {
    const limit = scaleDownLimit(current, st.events ??= newEvents(policy), time, policy.scaleDownLimit);
    if (value < limit) {
      value = Math.min(limit, current);
      adjustedBy = 'rate-limit';
    }
  }
  // SPEC 4.2 step 5
  if (value === current) return { reason: clamped === current ? 'unchanged' : adjustedBy ?? 'unchanged', clamped, final: current };
  // step 6: data-time cooldowns, independent per direction; never-changed never blocks
  const increase = value > current;
  if (increase) {
    if (st.lastIncrease !== undefined && time < st.lastIncrease + policy.increaseCooldown) return { reason: 'cooldown', clamped, final: current };
    st.lastIncrease = time;
  } else {
    if (st.lastDecrease !== undefined && time < st.lastDecrease + policy.decreaseCooldown) return { reason: 'cooldown', clamped, final: current };
    st.lastDecrease = time;
  }
  if (policy.scaleUpLimit || policy.scaleDownLimit) (st.events ??= newEvents(policy)).record(time, value - current);
  st.current = value;
  return adjustedBy ? { reason: 'scaled', clamped, final: value, adjustedBy } : { reason: 'scaled', clamped, final: value };
}

function newEvents(policy: AutoscalePolicy): ScaleEvents {
  const up = policy.scaleUpLimit?.period ?? 0n;
  const down = policy.scaleDownLimit?.period ?? 0n;
  return new ScaleEvents(up > down ? up : down);
}
