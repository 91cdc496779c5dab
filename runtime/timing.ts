/**
 * `avg_exec_time_ns` (SPEC 7.2): each message's processing time is sampled with probability `sampleRate`,
 * folded into a moving average over the last `size` samples, and the published value is the maximum moving
 * average seen so far (it never decreases).
 *
 * Nodes process arrays of messages, so timing is taken per array (one clock read pair per array, never per
 * point) and each sampled message of the array contributes the array's mean per-message time. The number of
 * sampled messages is drawn so that its expectation is `n * sampleRate`, as with per-message coin flips.
 */
export class ExecTimer {
  private readonly ring: Float64Array;
  private next = 0;
  private count = 0;
  private sum = 0;
  /** published value in ns */
  max = 0;

  constructor(private readonly sampleRate: number, size: number) {
    this.ring = new Float64Array(Math.max(1, Math.floor(size)));
  }

  /** How many of `n` messages are sampled (0 means: do not read the clock at all). */
  plan(n: number): number {
    const rate = this.sampleRate;
    if (rate <= 0 || n <= 0) return 0;
    if (rate >= 1) return n;
    if (n === 1) return Math.random() < rate ? 1 : 0;
    const exp = n * rate;
    const whole = Math.floor(exp);
    return whole + (Math.random() < exp - whole ? 1 : 0);
  }

  /** Record `k` samples of `nsEach` nanoseconds. */
  record(k: number, nsEach: number): void {
    const ring = this.ring;
    const size = ring.length;
    if (k > size) k = size;
    for (let i = 0; i < k; i++) {
      if (this.count === size) this.sum -= ring[this.next]!;
      else this.count++;
      ring[this.next] = nsEach;
      this.sum += nsEach;
      this.next = this.next + 1 === size ? 0 : this.next + 1;
      const avg = this.sum / this.count;
      if (avg > this.max) this.max = avg;
    }
  }

  /** Published value, integer nanoseconds. */
  get value(): number {
    return Math.round(this.max);
  }
}
