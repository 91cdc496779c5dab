/** What the demo records: one sample per second and one entry per scaling decision the cluster applied. */

export interface Sample {
  /** seconds since the ramp started */
  t: number;
  /** load the ramp offers now, QPS (0 before and after the ramp) */
  offered: number;
  /** requests the replicas answered over the last second, per second */
  served: number;
  /** served / ready replicas */
  perReplica: number;
  /** spec.replicas of the workload */
  desired: number;
  /** replicas answering requests */
  ready: number;
}

export interface Decision {
  /** ISO time the API server accepted the change */
  time: string;
  /** seconds since the ramp started */
  t: number;
  workload: string;
  kind: string;
  old: number;
  new: number;
  direction: 'increase' | 'decrease';
  /** load offered at that moment, and the served rate of the last sample */
  offered: number;
  served: number;
}

/** A change the task decided (its decision record): in data time, which is what the cooldowns are measured in. */
export interface DecidedChange {
  /** the data time of the point that made the decision (RFC 3339) */
  time: string;
  old: number;
  new: number;
}

export interface DemoParameters {
  max: number;
  step: number;
  intervalS: number;
  target: number;
  movingAvg: number;
  increaseCooldownS: number;
  decreaseCooldownS: number;
  kind: string;
  script: string;
}
