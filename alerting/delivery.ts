/**
 * Delivery of events to one external handler: a bounded queue drained by one sender at a time (events reach a
 * handler in order, as Kapacitor's per-handler goroutine delivers them), retries with exponential backoff, and
 * per-handler counters. `handle()` only enqueues, so a handler that hangs, refuses or fails never blocks the
 * stream; when the queue is full new events are dropped and counted (Kapacitor drops them too, with
 * `failed to deliver event`).
 */
import type { Logger } from 'pino';
import type { AlertEvent } from './event.ts';
import type { TopicHandler } from './topic.ts';

export interface DeliveryOptions {
  /** queued events per handler ([alert] topic-buffer-length; default 5000) */
  readonly bufferLength: number;
  /** extra attempts after a failure (default 3) */
  readonly retries: number;
  /** first retry delay in ms, doubled per retry (default 1000) */
  readonly backoffMs: number;
  /** retry delay cap in ms (default 30000) */
  readonly maxBackoffMs: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = { bufferLength: 5000, retries: 3, backoffMs: 1000, maxBackoffMs: 30_000 };

/** Counters of one handler (GET /kapacitor/v1/debug/vars `alert_handlers`, docs/alerting.md). */
export interface DeliveryStats {
  /** events delivered */
  sent: number;
  /** failed attempts (each retry that follows one counts here too) */
  errors: number;
  /** events given up after the last retry */
  failed: number;
  /** events dropped because the queue was full */
  dropped: number;
}

export type Deliver = (event: AlertEvent) => Promise<void>;

export class DeliveryQueue implements TopicHandler {
  readonly stats: DeliveryStats = { sent: 0, errors: 0, failed: 0, dropped: 0 };
  private readonly queue: AlertEvent[] = [];
  private head = 0;
  private running = false;
  private closed = false;
  private sleeping: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  private idle: (() => void)[] = [];

  constructor(
    readonly kind: string,
    private readonly deliver: Deliver,
    private readonly log: Logger,
    private readonly opts: DeliveryOptions = DEFAULT_DELIVERY,
  ) {}

  handle(event: AlertEvent): void {
    if (this.closed) return;
    if (this.queue.length - this.head >= this.opts.bufferLength) {
      this.stats.dropped++;
      this.log.error({ handler: this.kind, event: event.state.id }, 'failed to deliver event to handler: queue full');
      return;
    }
    this.queue.push(event);
    if (!this.running) void this.pump();
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
    this.head = 0;
    if (this.sleeping) {
      clearTimeout(this.sleeping.timer);
      this.sleeping.wake();
    }
  }

  whenIdle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  private async pump(): Promise<void> {
    this.running = true;
    while (!this.closed && this.head < this.queue.length) {
      const ev = this.queue[this.head]!;
      this.queue[this.head++] = undefined as unknown as AlertEvent;
      if (this.head > 1024 && this.head * 2 > this.queue.length) { this.queue.splice(0, this.head); this.head = 0; }
      for (let attempt = 0; ; attempt++) {
        try {
          await this.deliver(ev);
          this.stats.sent++;
          break;
        } catch (err) {
          this.stats.errors++;
          if (attempt >= this.opts.retries || this.closed) {
            this.stats.failed++;
            this.log.error({ err, handler: this.kind, event: ev.state.id, attempts: attempt + 1 }, 'alert handler failed, event not delivered');
            break;
          }
          this.log.warn({ err, handler: this.kind, event: ev.state.id, attempt: attempt + 1 }, 'alert handler failed, retrying');
          await this.sleep(Math.min(this.opts.backoffMs * 2 ** attempt, this.opts.maxBackoffMs));
        }
      }
    }
    this.running = false;
    const waiters = this.idle;
    this.idle = [];
    for (const w of waiters) w();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => { this.sleeping = undefined; resolve(); };
      this.sleeping = { timer: setTimeout(wake, ms), wake };
    });
  }
}
