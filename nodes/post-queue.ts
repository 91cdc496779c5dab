/**
 * A bounded, ordered HTTP POST queue for one node (httpPost, alert `.post()`). Writes are synchronous, so a node
 * never waits for an HTTP round trip on the write path: it enqueues the body and goes on. One request is in flight
 * at a time, so a receiver sees bodies in emission order (as Kapacitor's synchronous POSTs deliver them). When
 * `capacity` bodies are waiting, new ones are dropped and counted by the caller. `stop()` aborts everything.
 */
import { OPEN_GUARD, type OutboundGuard } from '../outbound/guard.ts';
import { outboundRequest } from '../outbound/http-client.ts';

export interface PostTarget {
  readonly url: string;
  /** extra headers, set after Content-Type (so they may override it) */
  readonly headers: Readonly<Record<string, string>>;
  /** per-request timeout in ms; 0 = none (Kapacitor's default) */
  readonly timeoutMs: number;
  /** read the response body (used for non-2xx error texts) */
  readonly captureResponse: boolean;
  /** addresses that may not be reached (kapacitord -blacklist-cidrs); default: none */
  readonly guard?: OutboundGuard;
}

/** What happened to one POST: `code` 0 = transport error / timeout / address refused by the guard (then `error` is set). */
export interface PostResult {
  readonly code: number;
  readonly body: string | undefined;
  readonly error: Error | undefined;
}

interface Job<C> {
  readonly body: string;
  readonly ctx: C;
}

/** Default queue bound: the size of a Kapacitor edge buffer. */
export const DEFAULT_POST_QUEUE = 1000;

export class PostQueue<C> {
  private readonly jobs: Job<C>[] = [];
  private head = 0;
  private running = false;
  private stopped = false;
  private abort: AbortController | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly target: PostTarget,
    /** called once per POST, in order, after it finished (never after stop()) */
    private readonly done: (r: PostResult, ctx: C) => void,
    private readonly capacity = DEFAULT_POST_QUEUE,
  ) {}

  /** Bodies waiting or in flight. */
  get pending(): number {
    return this.jobs.length - this.head + (this.running ? 1 : 0);
  }

  /** Queue a POST; false when the queue is full (or stopped) and the body was dropped. */
  enqueue(body: string, ctx: C): boolean {
    if (this.stopped || this.jobs.length - this.head >= this.capacity) return false;
    this.jobs.push({ body, ctx });
    if (!this.running) void this.drain();
    return true;
  }

  /** Resolves when nothing is waiting or in flight (tests, shutdown). */
  whenIdle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.jobs.length = 0;
    this.head = 0;
    this.abort?.abort();
    this.wakeIdle();
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (!this.stopped && this.head < this.jobs.length) {
      const job = this.jobs[this.head++]!;
      if (this.head > 256 && this.head * 2 > this.jobs.length) { this.jobs.splice(0, this.head); this.head = 0; }
      const r = await this.post(job.body);
      if (this.stopped) break;
      try { this.done(r, job.ctx); } catch { /* the callback reports its own errors */ }
    }
    this.running = false;
    this.wakeIdle();
  }

  private wakeIdle(): void {
    if (this.pending !== 0 && !this.stopped) return;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }

  private async post(body: string): Promise<PostResult> {
    const t = this.target;
    const ac = new AbortController();
    this.abort = ac;
    const timer = t.timeoutMs > 0 ? setTimeout(() => ac.abort(new Error(`timeout after ${t.timeoutMs}ms`)), t.timeoutMs) : undefined;
    try {
      // the response body is always read, so the connection can be reused
      const res = await outboundRequest({
        url: t.url, method: 'POST', headers: { 'Content-Type': 'application/json', ...t.headers }, body,
        guard: t.guard ?? OPEN_GUARD, signal: ac.signal,
      });
      return { code: res.status, body: t.captureResponse ? res.text : undefined, error: undefined };
    } catch (err) {
      const e = ac.signal.aborted && ac.signal.reason instanceof Error ? ac.signal.reason : err instanceof Error ? err : new Error(String(err));
      const cause = (e as { cause?: unknown }).cause;
      const msg = cause instanceof Error ? `${e.message}: ${cause.message}` : e.message;
      return { code: 0, body: undefined, error: new Error(msg) };
    } finally {
      if (timer) clearTimeout(timer);
      this.abort = undefined;
    }
  }
}
