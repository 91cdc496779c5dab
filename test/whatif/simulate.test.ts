// The what-if cost simulation (whatif/simulate.ts) on hand-worked timelines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../whatif/simulate.ts';

const S = 1_000_000_000n;
const at = (s: number): bigint => BigInt(s) * S;

test('pods start after the start-up delay; scale-down is immediate; cost and shortfall integrate over data time', () => {
  // loads 150,150,50,50 at 0,10,20,30 s; decisions 1→2 at 0 s and 2→1 at 20 s; capacity 100, start-up 5 s.
  // [0,5): 1 ready + 1 starting = 2 pods, load 150 > 100 → 5 s under-provisioned. [5,10): 2 ready, 150 <= 200.
  // [10,20): 2 pods. [20,30): 1 pod, 50 <= 100. Pod-seconds 10 + 10 + 20 + 10 = 50.
  const r = simulate(
    [{ time: at(0), load: 150 }, { time: at(10), load: 150 }, { time: at(20), load: 50 }, { time: at(30), load: 50 }],
    [{ time: at(0), replicas: 2, reason: 'scaled' }, { time: at(20), replicas: 1, reason: 'scaled' }],
    { initialReplicas: 1, podCapacity: 100, startup: 5n * S });
  assert.deepEqual([r.podSeconds, r.underProvisionedSeconds, r.changes, r.maxReplicas, r.minReplicas, r.finalReplicas, r.spanSeconds], [50, 5, 2, 2, 1, 1, 30]);
  // a decision made on a sample takes effect at that sample's time (the scale-down at 20 s shows at 20 s)
  assert.deepEqual(r.readyAtSample, [1, 2, 1, 1]);
  assert.deepEqual(r.desiredAtSample, [2, 2, 1, 1]);
});

test('a scale-down while pods are still starting removes the starting ones first', () => {
  // 1→4 at 0 s (3 start, ready at 60 s), 4→2 at 10 s: two of the starting pods go, one stays → ready 2 at 60 s
  const r = simulate(
    [{ time: at(0), load: 0 }, { time: at(10), load: 0 }, { time: at(60), load: 0 }, { time: at(70), load: 0 }],
    [{ time: at(0), replicas: 4, reason: 'scaled' }, { time: at(10), replicas: 2, reason: 'scaled' }],
    { initialReplicas: 1, podCapacity: 10, startup: 60n * S });
  assert.deepEqual(r.readyAtSample, [1, 1, 2, 2]);
  // [0,10): 4 pods; [10,60): 2; [60,70): 2 → 40 + 100 + 20
  assert.equal(r.podSeconds, 160);
  assert.equal(r.underProvisionedSeconds, 0);
});

test('bad options are errors naming the option', () => {
  assert.throws(() => simulate([], [], { initialReplicas: 1, podCapacity: 0, startup: 0n }), /pod capacity must be > 0, got 0/);
  assert.throws(() => simulate([], [], { initialReplicas: -1, podCapacity: 1, startup: 0n }), /initial replicas must be an integer >= 0, got -1/);
});
