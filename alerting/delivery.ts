/**
 * Delivery of events to one external handler: a queue drained by one sender at a time (events reach a handler in
 * order, as Kapacitor's per-handler goroutine delivers them), retries with exponential backoff, and per-handler
 * counters. `handle()` only enqueues, so a handler that hangs, refuses or fails never blocks the stream.
 *
 * Two stages:
 * - memory: events waiting for their first attempt, bounded by `bufferLength` ([alert] topic-buffer-length); when
 *   full, new events are dropped and counted (Kapacitor drops them too, with `failed to deliver event`).
 * - durable (topic handlers of the server, `spool` given): the first failed attempt writes the event — and every
 *   event queued behind it, then every new one until the backlog is empty — to SQLite before any retry, so a
 *   restart (even kill -9) resumes the deliveries where they stopped. Transient failures (transport errors,
 *   timeouts, 408, 429, 5xx) are retried until delivered; the backlog is bounded by `durableLength`
 *   ([alert] delivery-queue-length): when full the oldest waiting event is dropped and counted.
 *
 * Permanent failures (another non-success status, a template that does not render) are given up after `retries`
 * extra attempts, and so is every failure of a handler without a spool (scripts' handlers, tests).
 */
import type { Logger } from 'pino';
import type { AlertEvent } from './event.ts';
import type { TopicHandler } from './topic.ts';
import { HttpHandlerError } from './http.ts';

export interface DeliveryOptions {
  /** events per handler waiting for a first attempt ([alert] topic-buffer-length; default 5000) */
  readonly bufferLength: number;
  /** extra attempts after a permanent failure, or any failure without a spool (default 3) */
  readonly retries: number;
  /** first retry delay in ms, doubled per retry (default 1000) */
  readonly backoffMs: number;
  /** retry delay cap in ms (default 30000) */
  readonly maxBackoffMs: number;
  /** events per handler in the durable queue before the oldest is dropped ([alert] delivery-queue-length; default 10000) */
  readonly durableLength: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = { bufferLength: 5000, retries: 3, backoffMs: 1000, maxBackoffMs: 30_000, durableLength: 10_000 };

/** Counters of one handler (GET /kapacitor/v1/debug/vars `alert_handlers`, docs/alerting.md). */
export interface DeliveryStats {
  /** events delivered */
  sent: number;
  /** failed attempts (each retry that follows one counts here too) */
  errors: number;
  /** events given up (permanent failure, or retries exhausted without a durable queue) */
  failed: number;
  /** events dropped because a queue was full (memory: the new one; durable: the oldest waiting one) */
  dropped: number;
  /** events written to the durable queue (each once) */
  queued: number;
}

export type Deliver = (event: AlertEvent) => Promise<void>;

/** A failure retrying cannot fix (the request or its rendering is wrong). */
export class PermanentDeliveryError extends Error {
  override name = 'PermanentDeliveryError';
}

/** Transport errors, timeouts, 408, 429 and 5xx may pass; other statuses and rendering errors will not. */
export function isTransient(err: unknown): boolean {
  if (err instanceof PermanentDeliveryError) return false;
  if (err instanceof HttpHandlerError && err.status !== undefined) {
    const s = err.status;
    return s >= 500 || s === 408 || s === 429;
  }
  return true;
}

/** Where one handler's waiting deliveries are kept (server/store/alert-store.ts), oldest first. */
export interface DeliverySpool {
  load(): { seq: number; event: AlertEvent }[];
  add(event: AlertEvent): number;
  remove(seq: number): void;
}

/** `durable`: in the backlog (its spool row is `seq`, absent when writing it failed: logged, still retried) */
interface Entry { readonly ev: AlertEvent; durable: boolean; seq: number | undefined }

export class DeliveryQueue implements TopicHandler {
  readonly stats: DeliveryStats = { sent: 0, errors: 0, failed: 0, dropped: 0, queued: 0 };
  private queue: Entry[] = [];
  private head = 0;
  /** entries of the queue that are in the spool (they are always a prefix of the waiting entries) */
  private durable = 0;
  private running = false;
  private closed = false;
  private sleeping: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  private idle: (() => void)[] = [];

  constructor(
    readonly kind: string,
    private readonly deliver: Deliver,
    private readonly log: Logger,
    private readonly opts: DeliveryOptions = DEFAULT_DELIVERY,
    private readonly spool?: DeliverySpool,
  ) {
    if (spool) {
      // deliveries a previous run left pending: retried first, in order
      for (const r of this.guardSpool(() => spool.load(), 'failed to load pending alert deliveries') ?? []) this.queue.push({ ev: r.event, durable: true, seq: r.seq });
      this.durable = this.queue.length;
      if (this.durable > 0) {
        this.log.info({ handler: kind, pending: this.durable }, 'retrying alert deliveries left pending by the last run');
        void this.pump();
      }
    }
  }

  /** Events waiting (memory and durable). */
  get pending(): number { return this.queue.length - this.head; }

  handle(event: AlertEvent): void {
    if (this.closed) return;
    if (this.durable > 0) {
      // a backlog exists: the new event goes behind it, durably, so order holds across a restart
      this.persistTail({ ev: event, durable: false, seq: undefined });
    } else {
      // the entry being sent (or waiting for its retry) is not waiting in the queue
      if (this.pending - (this.running ? 1 : 0) >= this.opts.bufferLength) {
        this.stats.dropped++;
        this.log.error({ handler: this.kind, event: event.state.id }, 'failed to deliver event to handler: queue full');
        return;
      }
      this.queue.push({ ev: event, durable: false, seq: undefined });
    }
    if (!this.running) void this.pump();
  }

  close(): void {
    this.closed = true;
    this.queue = [];
    this.head = 0;
    this.durable = 0;
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
      const entry = this.queue[this.head]!;
      for (let attempt = 0; ; attempt++) {
        let err: unknown;
        try {
          await this.deliver(entry.ev);
        } catch (e) {
          err = e;
        }
        if (this.closed) break;
        if (this.queue[this.head] !== entry) break; // dropped by the bound while in flight
        if (err === undefined) {
          this.stats.sent++;
          this.finish(entry);
          break;
        }
        this.stats.errors++;
        const durable = this.spool !== undefined && isTransient(err);
        if (!durable && attempt >= this.opts.retries) {
          this.stats.failed++;
          this.log.error({ err, handler: this.kind, event: entry.ev.state.id, attempts: attempt + 1 }, 'alert handler failed, event not delivered');
          this.finish(entry);
          break;
        }
        if (durable && !entry.durable) this.persistWaiting();
        this.log.warn({ err, handler: this.kind, event: entry.ev.state.id, attempt: attempt + 1 }, 'alert handler failed, retrying');
        await this.sleep(Math.min(this.opts.backoffMs * 2 ** Math.min(attempt, 30), this.opts.maxBackoffMs));
        if (this.closed || this.queue[this.head] !== entry) break;
      }
    }
    this.running = false;
    const waiters = this.idle;
    this.idle = [];
    for (const w of waiters) w();
  }

  /** Removes the head entry (delivered or given up) and its spool row. */
  private finish(entry: Entry): void {
    this.queue[this.head++] = undefined as unknown as Entry;
    if (entry.durable) this.durable--;
    if (entry.seq !== undefined) {
      const seq = entry.seq;
      this.guardSpool(() => this.spool!.remove(seq), 'failed to remove a delivered alert from the delivery queue');
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) { this.queue.splice(0, this.head); this.head = 0; }
  }

  /** The head failed transiently: it and everything behind it become durable, in order. */
  private persistWaiting(): void {
    const waiting = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    this.durable = 0;
    for (const e of waiting) this.persistTail(e);
  }

  /** Appends `e` to the durable backlog (the queue's tail), dropping the oldest waiting entry when it is full. */
  private persistTail(e: Entry): void {
    if (this.durable >= this.opts.durableLength) {
      // the oldest waiting entry; the head is dropped too when nothing is in flight on it (`pump` notices)
      const i = this.head;
      const old = this.queue[i]!;
      this.queue.splice(i, 1);
      this.durable--;
      this.stats.dropped++;
      if (old.seq !== undefined) { const seq = old.seq; this.guardSpool(() => this.spool!.remove(seq), 'failed to drop an alert from the delivery queue'); }
      this.log.error({ handler: this.kind, event: old.ev.state.id }, 'alert delivery queue full: oldest event dropped');
    }
    const seq = this.guardSpool(() => this.spool!.add(e.ev), 'failed to write an alert to the delivery queue');
    e.seq = seq;
    e.durable = true;
    this.stats.queued++;
    this.queue.push(e);
    this.durable++;
  }

  private guardSpool<T>(fn: () => T, msg: string): T | undefined {
    try {
      return fn();
    } catch (err) {
      this.log.error({ err, handler: this.kind }, msg);
      return undefined;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => { this.sleeping = undefined; resolve(); };
      this.sleeping = { timer: setTimeout(wake, ms), wake };
    });
  }
}
