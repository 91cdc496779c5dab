/**
 * HPA's stabilization window in data time (kube-controller-manager `stabilizeRecommendationWithBehaviors`):
 * scaling up acts on the *lowest* recommendation of the last `scaleUp` window, scaling down on the *highest* of
 * the last `scaleDown` window, so a short spike or dip does not move the replica count.
 *
 * A monotonic deque per direction answers min/max over the window in O(1) amortised per point and keeps only
 * the entries that can still win (a newer lower value makes older higher ones irrelevant for the minimum).
 * Times are expected to be non-decreasing per resource (stamped traffic); at most MAX_ENTRIES entries are kept,
 * past that the oldest is forgotten (bounded memory for pathological, strictly monotonic input at high rate).
 */
export const MAX_WINDOW_ENTRIES = 4096;

export class WindowExtreme {
  private readonly times: bigint[] = [];
  private readonly values: number[] = [];
  private head = 0;

  /** `lowest`: minimum over the window (scale-up window); otherwise maximum (scale-down window). */
  constructor(private readonly window: bigint, private readonly lowest: boolean) {}

  /** Record the recommendation at `time` and return the extreme over (time − window, time], this one included. */
  push(time: bigint, value: number): number {
    const t = this.times;
    const v = this.values;
    // drop entries from the back that the new value dominates
    while (v.length > this.head && (this.lowest ? v[v.length - 1]! >= value : v[v.length - 1]! <= value)) {
      v.pop();
      t.pop();
    }
    t.push(time);
    v.push(value);
    // HPA keeps records whose timestamp is After(now − window): drop the ones at or before the cutoff
    const cutoff = time - this.window;
    while (this.head < v.length - 1 && (t[this.head]! <= cutoff || v.length - this.head > MAX_WINDOW_ENTRIES)) this.head++;
    if (this.head > 1024 && this.head * 2 > v.length) {
      t.splice(0, this.head);
      v.splice(0, this.head);
      this.head = 0;
    }
    return v[this.head]!;
  }

  /** entries held (memory figure for tests and benchmarks) */
  get size(): number {
    return this.values.length - this.head;
  }
}
