/**
 * HPA's scaling rate policies in data time (kube-controller-manager `calculateScaleUpLimitWithBehaviors` /
 * `calculateScaleDownLimitWithBehaviors`, one policy per direction): the replica count at the start of the
 * period is the current one minus what was added and plus what was removed within the period; from there a
 * scale-up may add `value` pods (or ceil of `value` %), a scale-down may remove `value` pods (or the truncated
 * `value` %).
 */
import type { RateLimit } from './types.ts';

/** Changes older than this many entries are forgotten (bounded memory; a period holds far fewer changes). */
export const MAX_SCALE_EVENTS = 1024;

export class ScaleEvents {
  private readonly times: bigint[] = [];
  /** positive = replicas added, negative = removed */
  private readonly deltas: number[] = [];

  constructor(private readonly horizon: bigint) {}

  record(time: bigint, delta: number): void {
    this.times.push(time);
    this.deltas.push(delta);
    // forget what no period can see any more
    const cutoff = time - this.horizon;
    let drop = 0;
    while (drop < this.times.length - 1 && (this.times[drop]! <= cutoff || this.times.length - drop > MAX_SCALE_EVENTS)) drop++;
    if (drop > 0) {
      this.times.splice(0, drop);
      this.deltas.splice(0, drop);
    }
  }

  /** replicas added and removed by changes with time > now − period (HPA: timestamp After the cutoff) */
  changesWithin(now: bigint, period: bigint): { added: number; removed: number } {
    const cutoff = now - period;
    let added = 0;
    let removed = 0;
    for (let i = this.times.length - 1; i >= 0; i--) {
      if (this.times[i]! <= cutoff) break;
      const d = this.deltas[i]!;
      if (d > 0) added += d;
      else removed -= d;
    }
    return { added, removed };
  }
}

/** The highest count a scale-up may reach now. From 0 replicas at least 1 is always allowed (scale from zero). */
export function scaleUpLimit(current: number, events: ScaleEvents, now: bigint, p: RateLimit): number {
  const { added, removed } = events.changesWithin(now, p.period);
  const start = current - added + removed;
  const limit = p.type === 'pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
  return Math.max(limit, 1);
}

/** The lowest count a scale-down may reach now. */
export function scaleDownLimit(current: number, events: ScaleEvents, now: bigint, p: RateLimit): number {
  const { added, removed } = events.changesWithin(now, p.period);
  const start = current - added + removed;
  const limit = p.type === 'pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
  return Math.max(limit, 0);
}
