/**
 * The k8sAutoscale decision engine (SPEC 4.2 steps 2–8), independent of the stream runtime.
 *
 * Ordering and the write path. The runtime's write path is synchronous; Kubernetes calls are not. Each
 * resource (namespace/kind/name, Project decision) has a FIFO of pending points and at most one API call in
 * flight. A point is *evaluated when it reaches the head of its resource's queue*, i.e. after every earlier
 * decision for that resource has been applied or has failed. So "current" is always the confirmed value — no
 * optimistic belief, nothing to roll back — and the outcome is exactly Kapacitor's sequential one, only later.
 * When nothing is in flight (the steady state: no change needed, or a cooldown drop) a point is decided
 * synchronously, inside the write.
 *
 * Bounds. Each resource queues at most `queueLimit` points; when full the *oldest waiting* point is dropped (the
 * newest data is the one worth deciding on) and counted as an error. All resources together queue at most
 * `totalQueueLimit` points; beyond that the *incoming* point is rejected (error). Ingest never waits.
 * A replay is deterministic as long as no queue overflows.
 */
import type { ScaleClient } from './client.ts';

export interface ResourceId {
  readonly namespace: string;
  /** the kind as configured (emitted in the `kind` tag) */
  readonly kind: string;
  readonly name: string;
  /** `namespace/kind/name` as used in messages */
  readonly key: string;
}

export interface AutoscaleSettings {
  /** 0 = no upper bound */
  readonly max: number;
  /** >= 1 */
  readonly min: number;
  /** ns of data time; 0 = none */
  readonly increaseCooldown: bigint;
  readonly decreaseCooldown: bigint;
  /** pending points per resource (default 64) */
  readonly queueLimit?: number;
  /** pending points over all resources (default 100 000) */
  readonly totalQueueLimit?: number;
}

/** What the engine needs from the node that hosts it. J is the node's job (a point). */
export interface AutoscaleHost<J> {
  /** data time of the job */
  time(job: J): bigint;
  /** evaluate the replicas expression against the job with `current` replicas (SPEC 4.2 step 3); may throw */
  evaluate(job: J, current: number): bigint;
  /** a change was applied (step 8): emit the {old,new} point and count it */
  applied(job: J, res: ResourceId, oldReplicas: number, newReplicas: number): void;
  /** step 6: a change blocked by its cooldown */
  cooldownDrop(job: J, res: ResourceId): void;
  /** any error: the job is dropped (step 9) */
  error(job: J, res: ResourceId, message: string, err?: unknown): void;
  /** run a continuation that happens after an API call (outside the write path) */
  later(fn: () => void): void;
}

interface ResourceState<J> {
  readonly id: ResourceId;
  loaded: boolean;
  current: number;
  /** data time of the last applied increase/decrease; undefined = never (the "zero time": never blocks) */
  lastIncrease: bigint | undefined;
  lastDecrease: bigint | undefined;
  /** waiting jobs, oldest first; head index avoids O(n) shifts */
  queue: J[];
  head: number;
  busy: boolean;
}

export class Autoscaler<J> {
  private readonly states = new Map<string, ResourceState<J>>();
  private readonly queueLimit: number;
  /** clamp bounds as bigints, converted once (the lambda yields int64) */
  private readonly maxB: bigint;
  private readonly minB: bigint;
  private readonly totalQueueLimit: number;
  private pendingTotal = 0;
  private inFlight = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  /** points dropped because a queue was full (also reported as errors) */
  queueDrops = 0;

  constructor(
    private readonly client: ScaleClient,
    private readonly settings: AutoscaleSettings,
    private readonly host: AutoscaleHost<J>,
  ) {
    this.queueLimit = settings.queueLimit ?? 64;
    this.totalQueueLimit = settings.totalQueueLimit ?? 100_000;
    this.maxB = BigInt(settings.max);
    this.minB = BigInt(settings.min);
    if (!(Number.isInteger(this.queueLimit) && this.queueLimit > 0)) throw new Error(`queue limit must be a positive integer, got ${this.queueLimit}`);
    if (!(Number.isInteger(this.totalQueueLimit) && this.totalQueueLimit > 0)) throw new Error(`total queue limit must be a positive integer, got ${this.totalQueueLimit}`);
  }

  /** Points waiting (not counting the ones whose API call is in flight). */
  get pending(): number {
    return this.pendingTotal;
  }

  /** Resources the engine keeps state for. */
  get resources(): number {
    return this.states.size;
  }

  /** The confirmed replica count of a resource (undefined before the first successful GET). */
  current(key: string): number | undefined {
    const st = this.states.get(key);
    return st?.loaded ? st.current : undefined;
  }

  /** Hand a job for a resource to the engine. Synchronous; never waits for the API. */
  submit(job: J, res: ResourceId): void {
    if (this.stopped) return;
    let st = this.states.get(res.key);
    if (st === undefined) {
      st = { id: res, loaded: false, current: 0, lastIncrease: undefined, lastDecrease: undefined, queue: [], head: 0, busy: false };
      this.states.set(res.key, st);
    }
    if (!st.busy && st.head === st.queue.length) {
      // fast path: nothing ahead of this job
      this.run(st, job);
      return;
    }
    if (st.queue.length - st.head >= this.queueLimit) {
      const dropped = st.queue[st.head]!;
      st.head++;
      this.pendingTotal--;
      this.queueDrops++;
      this.host.error(dropped, st.id, `autoscale queue for "${st.id.key}" is full (${this.queueLimit} points waiting for the Kubernetes API), dropped the oldest point`);
    } else if (this.pendingTotal >= this.totalQueueLimit) {
      this.queueDrops++;
      this.host.error(job, st.id, `autoscale queues are full (${this.totalQueueLimit} points waiting for the Kubernetes API), dropped the point for "${st.id.key}"`);
      return;
    }
    st.queue.push(job);
    this.pendingTotal++;
  }

  /** Resolves once no job is queued or in flight. */
  whenIdle(): Promise<void> {
    if (this.pendingTotal === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** The task stops: forget queued jobs; answers of calls in flight are ignored. */
  stop(): void {
    this.stopped = true;
    for (const st of this.states.values()) {
      st.queue = [];
      st.head = 0;
    }
    this.pendingTotal = 0;
    this.notifyIdle();
  }

  /** Process `job` now, then whatever queued behind it, until an API call is needed or the queue is empty. */
  private run(st: ResourceState<J>, job: J | undefined): void {
    while (!this.stopped) {
      if (job === undefined) {
        if (st.head === st.queue.length) {
          if (st.queue.length > 0) { st.queue = []; st.head = 0; }
          break;
        }
        job = st.queue[st.head]!;
        st.queue[st.head] = undefined as unknown as J; // release the reference
        st.head++;
        this.pendingTotal--;
      }
      if (!st.loaded) {
        this.load(st, job);
        return;
      }
      if (this.decide(st, job)) return;
      job = undefined;
    }
    this.notifyIdle();
  }

  /** Step 2: the first GET of a resource. */
  private load(st: ResourceState<J>, job: J): void {
    st.busy = true;
    this.inFlight++;
    this.client.getScale(st.id.namespace, st.id.kind, st.id.name).then(
      (s) => this.host.later(() => {
        this.settle(st);
        if (this.stopped) return;
        st.loaded = true;
        st.current = s.replicas;
        let started = false;
        try {
          started = this.decide(st, job);
        } finally {
          // whatever a host callback threw, the jobs behind this one must not be stranded
          if (!started) this.run(st, undefined);
        }
      }),
      (err: unknown) => this.host.later(() => {
        this.settle(st);
        if (this.stopped) return;
        // nothing stored: the next point retries the GET
        try {
          this.host.error(job, st.id, `could not determine initial scale for "${st.id.key}": ${(err as Error)?.message ?? err}`, err);
        } finally {
          this.run(st, undefined);
        }
      }),
    );
  }

  /** Steps 3–7 for one job. Returns true when an API call was started (the job continues asynchronously). */
  private decide(st: ResourceState<J>, job: J): boolean {
    let want: bigint;
    try {
      want = this.host.evaluate(job, st.current);
    } catch (err) {
      this.host.error(job, st.id, `failed to evaluate the replicas expression: ${(err as Error)?.message ?? err}`, err);
      return false;
    }
    // step 4: clamp (max 0 = unlimited; min >= 1)
    if (this.maxB > 0n && want > this.maxB) want = this.maxB;
    if (want < this.minB) want = this.minB;
    const next = Number(want);
    const old = st.current;
    if (next === old) return false; // step 5
    const t = this.host.time(job);
    const increase = next > old;
    // step 6: data-time cooldowns, independent per direction; never-changed never blocks
    if (increase) {
      if (st.lastIncrease !== undefined && t < st.lastIncrease + this.settings.increaseCooldown) {
        this.host.cooldownDrop(job, st.id);
        return false;
      }
    } else if (st.lastDecrease !== undefined && t < st.lastDecrease + this.settings.decreaseCooldown) {
      this.host.cooldownDrop(job, st.id);
      return false;
    }
    // step 7: apply; state (incl. the cooldown time) is saved only on success
    st.busy = true;
    this.inFlight++;
    this.client.setReplicas(st.id.namespace, st.id.kind, st.id.name, next).then(
      () => this.host.later(() => {
        this.settle(st);
        if (this.stopped) return;
        st.current = next;
        if (increase) st.lastIncrease = t;
        else st.lastDecrease = t;
        try {
          this.host.applied(job, st.id, old, next);
        } finally {
          this.run(st, undefined);
        }
      }),
      (err: unknown) => this.host.later(() => {
        this.settle(st);
        if (this.stopped) return;
        try {
          this.host.error(job, st.id,
            `failed to apply scaling event: failed to set new replica count for "${st.id.key}": ${(err as Error)?.message ?? err}`, err);
        } finally {
          this.run(st, undefined);
        }
      }),
    );
    return true;
  }

  private settle(st: ResourceState<J>): void {
    st.busy = false;
    this.inFlight--;
    if (this.stopped) this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.pendingTotal !== 0 || this.inFlight !== 0 || this.idleWaiters.length === 0) return;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const r of w) r();
  }
}
