/**
 * An independent reference model of Kapacitor's k8sAutoscale decisions (SPEC 4.2), written plainly from the
 * spec text for the property test: no shared code with autoscale/. One resource's points in order; the result is
 * the sequence of decided replica counts and the counters.
 */
export interface RefPoint {
  /** data time, seconds */
  readonly t: number;
  /** the replicas expression's value */
  readonly want: number;
}

export interface RefSettings {
  readonly min: number;
  /** 0 = none */
  readonly max: number;
  /** seconds */
  readonly increaseCooldown: number;
  readonly decreaseCooldown: number;
}

export interface RefResult {
  updates: number[];
  increases: number;
  decreases: number;
  cooldownDrops: number;
}

export function referenceDecisions(initial: number, points: readonly RefPoint[], s: RefSettings): RefResult {
  const r: RefResult = { updates: [], increases: 0, decreases: 0, cooldownDrops: 0 };
  let current = initial;
  let lastIncrease = -Infinity; // Go's zero time: the first change is never blocked
  let lastDecrease = -Infinity;
  for (const p of points) {
    let n = p.want;
    if (s.max > 0 && n > s.max) n = s.max; // step 4
    if (n < s.min) n = s.min;
    if (n === current) continue; // step 5
    if (n > current) { // step 6
      if (p.t < lastIncrease + s.increaseCooldown) { r.cooldownDrops++; continue; }
      lastIncrease = p.t;
      r.increases++;
    } else {
      if (p.t < lastDecrease + s.decreaseCooldown) { r.cooldownDrops++; continue; }
      lastDecrease = p.t;
      r.decreases++;
    }
    current = n; // steps 7–8 (the apply succeeds in this model)
    r.updates.push(n);
  }
  return r;
}
