/**
 * influxDBOut's outgoing queue: writes (and the `.create()` statement) go to InfluxDB one at a time, in order.
 * A failure that can pass (InfluxDB down or restarting, timeout, 5xx) is retried with exponential backoff; one
 * that cannot (bad credentials, missing database, rejected points) is reported and its points counted as dropped.
 * Nothing is lost silently: every failed attempt is reported, every dropped point counted.
 *
 * Deliberate difference from Kapacitor (whose write buffer drops a failed write at once): retries, so a
 * restarting InfluxDB loses nothing. Memory stays bounded: above `maxQueuedPoints` the oldest queued writes are
 * dropped (and counted). After stop() the queued writes are tried once each, without retries.
 */
import type { InfluxDBClientPort, InfluxWriteTarget } from '../influxdb/ports.ts';

export type QueuedOp =
  | { readonly kind: 'write'; readonly target: InfluxWriteTarget; readonly body: string; readonly points: number }
  | { readonly kind: 'query'; readonly command: string; readonly points: 0 };

export interface WriteQueueOptions {
  /** first retry delay; doubles per attempt up to maxBackoffMs */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  /** attempts per operation, the first included */
  readonly maxAttempts: number;
  readonly maxQueuedPoints: number;
}

export const DEFAULT_QUEUE_OPTIONS: WriteQueueOptions = { backoffMs: 500, maxBackoffMs: 30_000, maxAttempts: 10, maxQueuedPoints: 100_000 };

export interface WriteQueueEvents {
  written(points: number): void;
  /** one failed attempt; `retryInMs` undefined = given up */
  failed(op: QueuedOp, err: unknown, retryInMs: number | undefined): void;
  dropped(points: number, reason: string): void;
}

export class InfluxWriteQueue {
  private readonly ops: QueuedOp[] = [];
  private queuedPoints = 0;
  private running: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: InfluxDBClientPort,
    private readonly events: WriteQueueEvents,
    private readonly opts: WriteQueueOptions = DEFAULT_QUEUE_OPTIONS,
  ) {}

  get pendingPoints(): number { return this.queuedPoints; }

  enqueue(op: QueuedOp): void {
    this.ops.push(op);
    this.queuedPoints += op.points;
    // bound memory: drop the oldest queued writes (never the one being sent, index 0) while over the limit
    while (this.queuedPoints > this.opts.maxQueuedPoints && this.ops.length > 2) {
      const i = this.ops.findIndex((o, j) => j > 0 && o.kind === 'write');
      if (i < 0 || i === this.ops.length - 1) break;
      const [old] = this.ops.splice(i, 1);
      this.queuedPoints -= old!.points;
      this.events.dropped(old!.points, `write queue over ${this.opts.maxQueuedPoints} points`);
    }
    this.running ??= this.pump().finally(() => { this.running = undefined; });
  }

  /** No more retries; queued operations are tried once each. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
  }

  /** Resolves when the queue is empty (tests, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async pump(): Promise<void> {
    while (this.ops.length > 0) {
      const op = this.ops[0]!;
      for (let attempt = 1; ; attempt++) {
        try {
          if (op.kind === 'write') await this.client.write(op.target, op.body);
          else await this.client.query(op.command);
          if (op.points > 0) this.events.written(op.points);
          break;
        } catch (err) {
          const retryable = (err as { retryable?: unknown }).retryable === true;
          if (!retryable || this.stopped || attempt >= this.opts.maxAttempts) {
            this.events.failed(op, err, undefined);
            if (op.points > 0) this.events.dropped(op.points, retryable ? `gave up after ${attempt} attempts` : 'InfluxDB rejected the write');
            break;
          }
          const delay = Math.min(this.opts.backoffMs * 2 ** (attempt - 1), this.opts.maxBackoffMs);
          this.events.failed(op, err, delay);
          await this.sleep(delay);
        }
      }
      this.ops.shift();
      this.queuedPoints -= op.points;
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = () => { this.wake = undefined; if (this.timer) clearTimeout(this.timer); this.timer = undefined; resolve(); };
      // not unref'd: a pending retry is work in progress; stop() clears it
      this.timer = setTimeout(this.wake, ms);
    });
  }
}
