/**
 * Ten minutes of the tutorial's traffic from two hosts (app-a, app-b of replicaset `app`), as the example app
 * reports it: each host posts its cumulative request count once per second, stamped to the second (SPEC 1.2).
 *
 * Total request rate over second (s-1, s], split evenly over the hosts (integers, so every rate, sum and mean
 * of the seed pipeline is exact in float64):
 *   250/s for s <= 120, 550/s for s <= 300, 50/s for s <= 520, 350/s for s <= 580, then 50/s; s = 0..599.
 *
 * Expected decisions of the seed's autoscale.tick (target 100, increase cooldown 1m, decrease cooldown 2m,
 * moving average of 60) from 1 replica, derived from the spec (not from the program):
 * - derivative (SPEC 3.8) gives each host's rate at s >= 1; sum (SPEC 3.6) emits the total for s when s+1
 *   arrives, so totals exist for s = 1..598; movingAverage(60) (SPEC 3.7) first emits at s = 60 with the mean
 *   of totals 1..60, then at s the mean of s-59..s. k8sAutoscale (SPEC 4.2): want = ceil(avg/100), min 1.
 * - s=60: avg 250 → 3 > 1, the first increase is never blocked → 1→3.
 * - 121..180: avg = 250 + 5(s-120). s=131: 305 → 4, 131 >= 60+60 → 3→4.
 *   s=151..190: want 5 or 6 but s < 131+60 → 40 cooldown drops. s=191: avg 550 → 6 → 4→6.
 * - 301..360: avg = 550 - 500(s-300)/60. s=306: exactly 500 → 5, the first decrease → 6→5.
 *   s=318..425: want <= 4 but s < 306+120 → 108 cooldown drops (307..317 want 5 = current). s=426: avg 50 →
 *   ceil(0.5) = 1 → 5→1.
 * - 427..520: avg 50 → 1 = current.
 * - 521..580: avg = 50 + 5(s-520). s=531: 105 → 2, last increase 191 → 1→2. s=551..580: avg 205..350 → 3 or 4,
 *   but s < 531+60 → 30 drops. 581..590: avg = 650 - 5(s-520) → 345..300 → 4 or 3 → 10 more drops.
 *   s=591: avg 295 → 3, 591 >= 531+60 → 2→3. 592..598: avg 290..260 → 3 = current.
 * Decisions [3, 4, 6, 5, 1, 2, 3]: 5 increases, 2 decreases, 40 + 108 + 40 = 188 cooldown drops, no errors.
 */
export const TEN_MINUTES_LAST = 599;
export const TEN_MINUTES_DECISIONS = [3, 4, 6, 5, 1, 2, 3];
export const TEN_MINUTES_STATS = { increase_events: 5, decrease_events: 2, cooldown_drops: 188, errors: 0 };
/** data-time second of each decision above */
export const TEN_MINUTES_DECISION_SECONDS = [60, 131, 191, 306, 426, 531, 591];

/** 2016-11-08T18:21:07Z, the seed's era. */
export const TEN_MINUTES_BASE = 1478629267;

export function tenMinuteRate(s: number): number {
  return s <= 120 ? 250 : s <= 300 ? 550 : s <= 520 ? 50 : s <= 580 ? 350 : 50;
}

/** One array of two lines (app-a, app-b) per second s = 0..599. */
export function tenMinuteLines(): string[][] {
  const out: string[][] = [];
  let a = 0;
  let b = 0;
  for (let s = 0; s <= TEN_MINUTES_LAST; s++) {
    if (s > 0) {
      a += tenMinuteRate(s) / 2;
      b += tenMinuteRate(s) / 2;
    }
    out.push([
      `requests,host=app-a,replicaset=app value=${a}i ${TEN_MINUTES_BASE + s}`,
      `requests,host=app-b,replicaset=app value=${b}i ${TEN_MINUTES_BASE + s}`,
    ]);
  }
  return out;
}
