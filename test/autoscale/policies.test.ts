// tickstream's HPA/KEDA policies on the decision step (autoscale/decide.ts), each against a worked example
// written out from the HPA/KEDA behaviour it mirrors (docs/autoscale.md). Times are data-time seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, newDecidedState, type DecidedState } from '../../autoscale/decide.ts';
import { KAPACITOR_POLICY, type AutoscalePolicy } from '../../autoscale/types.ts';

const S = 1_000_000_000n;

/** Feed (second, recommended) pairs; returns [reason, final] per point. */
function run(policy: Partial<AutoscalePolicy>, current: number, points: [number, number, boolean?][], st?: DecidedState): [string, number][] {
  const p = { ...KAPACITOR_POLICY, ...policy };
  const state = st ?? newDecidedState(current);
  return points.map(([t, want, active]) => {
    const v = decide(p, state, BigInt(t) * S, BigInt(want), active);
    return [v.reason === 'scaled' && v.adjustedBy ? `scaled/${v.adjustedBy}` : v.reason, v.final];
  });
}

test('no optional policy: Kapacitor\'s clamp, unchanged and cooldowns (SPEC 4.2 steps 4-6)', () => {
  assert.deepEqual(run({ min: 3, max: 500, increaseCooldown: 10n * S }, 1, [[0, 1], [1, 2], [2, -1], [3, 1000], [20, 1000], [21, 2]]),
    // 1→3 @0 starts the 10 s increase cooldown: 1000@3 is a cooldown drop, 1000@20 clamps to 500; 2@21 clamps to
    // min 3 and is the first decrease
    [['scaled', 3], ['unchanged', 3], ['unchanged', 3], ['cooldown', 3], ['scaled', 500], ['scaled', 3]]);
  // a cooldown of 0 never blocks; the first change of a direction is never blocked
  assert.deepEqual(run({ increaseCooldown: 0n, decreaseCooldown: 60n * S }, 2, [[0, 3], [0, 4], [1, 1], [2, 2], [3, 1]]),
    [['scaled', 3], ['scaled', 4], ['scaled', 1], ['scaled', 2], ['cooldown', 2]]);
});

test('tolerance (HPA --horizontal-pod-autoscaler-tolerance): no change within ±10 % of the current count', () => {
  // current 10: 11 and 9 are within 1.0 → held; 12 and 8 are not
  assert.deepEqual(run({ tolerance: 0.1 }, 10, [[0, 11], [1, 9], [2, 12]]), [['tolerance', 10], ['tolerance', 10], ['scaled', 12]]);
  assert.deepEqual(run({ tolerance: 0.1 }, 10, [[0, 8]]), [['scaled', 8]]);
  // from 1 replica every change is more than 10 %
  assert.deepEqual(run({ tolerance: 0.1 }, 1, [[0, 2]]), [['scaled', 2]]);
});

test('scale-down stabilization (HPA behavior.scaleDown.stabilizationWindowSeconds): act on the window\'s highest recommendation', () => {
  // window 60 s, current 10. Recommendations 10@0, 4@10, 6@30: the highest within (t-60, t] stays 10 until the
  // 10@0 leaves the window at t=60 (records strictly after the cutoff count) → at 61 the highest is 6 (from 30).
  const out = run({ scaleDownStabilization: 60n * S }, 10, [[0, 10], [10, 4], [30, 6], [59, 4], [61, 4], [91, 4]]);
  assert.deepEqual(out, [['unchanged', 10], ['stabilization', 10], ['stabilization', 10], ['stabilization', 10], ['scaled/stabilization', 6], ['scaled', 4]]);
});

test('scale-up stabilization: act on the window\'s lowest recommendation (a one-point spike does nothing)', () => {
  const out = run({ scaleUpStabilization: 30n * S }, 2, [[0, 2], [10, 9], [20, 3], [41, 5], [51, 5]]);
  // 9@10: lowest of {2@0, 9@10} is 2 → held. 3@20: lowest {2,3} (9 dominated) → 2 → held.
  // 5@41: window (11, 41] holds 3@20 and 5 → lowest 3 → 2→3. 5@51: window (21, 51] → only 5 → 3→5.
  assert.deepEqual(out, [['unchanged', 2], ['stabilization', 2], ['stabilization', 2], ['scaled/stabilization', 3], ['scaled', 5]]);
});

test('rate limits (HPA behavior policies): at most 4 pods per minute up, 50 % per minute down', () => {
  const up = run({ scaleUpLimit: { type: 'pods', value: 4, period: 60n * S } }, 2, [[0, 20], [30, 20], [61, 20], [90, 20]]);
  // period start = current − added within the period: 2+4 = 6 @0; @30 start 2 → limit 6 → held; @61 the +4 left
  // the period (0 is not after 61−60=1) → start 6 → 10; @90 start 6 (the +4 at 61 is inside) → limit 10 → held
  assert.deepEqual(up, [['scaled/rate-limit', 6], ['rate-limit', 6], ['scaled/rate-limit', 10], ['rate-limit', 10]]);
  const pct = run({ scaleUpLimit: { type: 'percent', value: 100, period: 60n * S } }, 3, [[0, 20]]);
  assert.deepEqual(pct, [['scaled/rate-limit', 6]]); // ceil(3 × 2)
  const down = run({ scaleDownLimit: { type: 'percent', value: 50, period: 60n * S } }, 9, [[0, 1], [10, 1], [61, 1]]);
  // trunc(9 × 0.5) = 4; @10 start = 4 + 5 removed = 9 → limit 4 → held; @61 start 4 → 2
  assert.deepEqual(down, [['scaled/rate-limit', 4], ['rate-limit', 4], ['scaled/rate-limit', 2]]);
});

test('scale to zero with activation (KEDA activationThreshold): inactive → 0, active → at least 1', () => {
  const p: Partial<AutoscalePolicy> = { min: 0, activation: true, decreaseCooldown: 0n };
  assert.deepEqual(run(p, 3, [[0, 2, false], [1, 0, false], [2, 0, true], [3, 5, true], [4, 5, false]]),
    [['scaled', 0], ['unchanged', 0], ['scaled', 1], ['scaled', 5], ['scaled', 0]]);
  // min 0 without activation: the expression alone decides, 0 included
  assert.deepEqual(run({ min: 0 }, 2, [[0, 0], [1, -3], [2, 1]]), [['scaled', 0], ['unchanged', 0], ['scaled', 1]]);
});

test('a huge recommendation without max is an error record, not an int32 overflow in the API', () => {
  const st = newDecidedState(2);
  const v = decide(KAPACITOR_POLICY, st, 0n, 2n ** 40n, undefined);
  assert.equal(v.reason, 'error');
  assert.match(v.error!, /more than Kubernetes allows \(2147483647\); set \.max\(\)/);
  assert.equal(st.current, 2);
  // with max set it clamps (Kapacitor)
  assert.deepEqual(run({ max: 50 }, 2, [[0, 2 ** 40]]), [['scaled', 50]]);
});
