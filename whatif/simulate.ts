/**
 * What a policy would have cost: given one resource's decisions (data time) and the load it saw, simulate a
 * cluster in which a scale-up's new pods become ready after `startup` and a scale-down takes effect at once, and
 * integrate over the span of the data:
 * - pod-seconds: pods running (ready or starting) × time — the cost;
 * - under-provisioned seconds: time during which the load exceeded ready pods × pod capacity;
 * - changes, highest and lowest replica count.
 * Pure and in data time: the same inputs always give the same report.
 */

export interface LoadSample {
  /** data time, ns */
  readonly time: bigint;
  readonly load: number;
}

export interface ScaleEvent {
  /** data time, ns */
  readonly time: bigint;
  /** replicas decided */
  readonly replicas: number;
  readonly reason: string;
}

export interface SimulationOptions {
  readonly initialReplicas: number;
  /** load one ready pod serves (same unit as the load samples) */
  readonly podCapacity: number;
  /** ns from a scale-up to its pods being ready */
  readonly startup: bigint;
}

export interface ResourceCost {
  readonly podSeconds: number;
  readonly underProvisionedSeconds: number;
  readonly changes: number;
  readonly maxReplicas: number;
  readonly minReplicas: number;
  readonly finalReplicas: number;
  /** seconds between the first and the last load sample */
  readonly spanSeconds: number;
  /** ready pods at each load sample (same order as the samples) */
  readonly readyAtSample: number[];
  /** desired pods at each load sample */
  readonly desiredAtSample: number[];
}

const NS = 1e9;

export function simulate(samples: readonly LoadSample[], events: readonly ScaleEvent[], o: SimulationOptions): ResourceCost {
  if (!(o.podCapacity > 0)) throw new Error(`pod capacity must be > 0, got ${o.podCapacity}`);
  if (o.startup < 0n) throw new Error('startup must be >= 0s');
  if (!(Number.isInteger(o.initialReplicas) && o.initialReplicas >= 0)) throw new Error(`initial replicas must be an integer >= 0, got ${o.initialReplicas}`);
  let ready = o.initialReplicas;
  /** pods starting: [readyAt, count], oldest first */
  const starting: [bigint, number][] = [];
  let desired = o.initialReplicas;
  let max = desired;
  let min = desired;
  let changes = 0;
  let podSeconds = 0;
  let under = 0;
  const readyAtSample: number[] = [];
  const desiredAtSample: number[] = [];
  let ev = 0;

  const promote = (upTo: bigint): void => {
    while (starting.length > 0 && starting[0]![0] <= upTo) ready += starting.shift()![1];
  };
  const apply = (e: ScaleEvent): void => {
    promote(e.time);
    const target = e.replicas;
    if (target === desired) return;
    changes++;
    if (target > desired) {
      starting.push([e.time + o.startup, target - desired]);
      if (o.startup === 0n) promote(e.time);
    } else {
      // remove starting pods first (newest first), then ready ones
      let remove = desired - target;
      while (remove > 0 && starting.length > 0) {
        const last = starting[starting.length - 1]!;
        const n = Math.min(remove, last[1]);
        last[1] -= n;
        remove -= n;
        if (last[1] === 0) starting.pop();
      }
      ready -= remove;
    }
    desired = target;
    if (desired > max) max = desired;
    if (desired < min) min = desired;
  };

  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    while (ev < events.length && events[ev]!.time <= s.time) apply(events[ev++]!);
    promote(s.time);
    readyAtSample.push(ready);
    desiredAtSample.push(desired);
    const next = samples[i + 1];
    if (next === undefined) break;
    // integrate [s.time, next.time) with the load held at s.load; split where starting pods become ready
    let t = s.time;
    while (t < next.time) {
      const boundary = starting.length > 0 && starting[0]![0] < next.time ? (starting[0]![0] > t ? starting[0]![0] : t) : next.time;
      const end = boundary > t ? boundary : next.time;
      const dt = Number(end - t) / NS;
      podSeconds += (ready + startingCount(starting)) * dt;
      if (s.load > ready * o.podCapacity) under += dt;
      t = end;
      promote(t);
    }
  }
  while (ev < events.length) apply(events[ev++]!);
  const span = samples.length > 1 ? Number(samples[samples.length - 1]!.time - samples[0]!.time) / NS : 0;
  return { podSeconds, underProvisionedSeconds: under, changes, maxReplicas: max, minReplicas: min, finalReplicas: desired, spanSeconds: span, readyAtSample, desiredAtSample };
}

function startingCount(starting: readonly [bigint, number][]): number {
  let n = 0;
  for (const s of starting) n += s[1];
  return n;
}
