/**
 * The actuator: makes the cluster's replica count follow the decided one, per resource, outside the write path.
 *
 * Level-triggered, like Kubernetes' own controllers: it keeps the latest *desired* count per resource and
 * converges to it. A newer decision arriving while a call is in flight (or waiting to retry) replaces the
 * older one, which is marked `superseded`; one call per resource at a time, so changes land in decision order.
 * Failures are retried with capped exponential backoff for as long as the desired count stands (a deleted
 * resource or a missing RBAC rule keeps failing visibly, counted and logged, instead of being forgotten).
 *
 * Manual overrides: every apply first reads the scale. When the cluster holds neither what this actuator last
 * applied (or first read) nor the desired count, someone else changed it (`kubectl scale`, an HPA): nothing is
 * written, the cluster's value is reported to the engine, which adopts it as the decided count.
 */
import type { Actuation, ActuationStatus, DecisionRecord, ResourceId } from './types.ts';

export type ApplyOutcome =
  | { readonly kind: 'applied' }
  | { readonly kind: 'already-applied' }
  | { readonly kind: 'override'; readonly cluster: number };

/** The API side of a scale target (kube/scale-target.ts for Kubernetes). */
export interface ScaleTarget {
  /** the current spec.replicas */
  read(res: ResourceId): Promise<number>;
  /**
   * Set spec.replicas to `replicas`, unless the cluster holds a count that is neither `expected` (what we
   * believe it holds) nor `replicas` — then write nothing and report the override. Once `signal` is aborted (the
   * task stopped) nothing more is written: a call that has read but not yet written rejects instead.
   */
  apply(res: ResourceId, replicas: number, expected: number | undefined, signal?: AbortSignal): Promise<ApplyOutcome>;
}

export interface ActuatorHost {
  /** the cluster now holds `replicas` (applied or found already there) */
  applied(res: ResourceId, replicas: number): void;
  /** someone else set the cluster to `cluster`; nothing was written */
  overridden(res: ResourceId, cluster: number, record: DecisionRecord | undefined): void;
  /** an attempt failed; it will be retried after `retryInMs` */
  failed(res: ResourceId, err: unknown, attempts: number, retryInMs: number): void;
}

export interface ActuatorOptions {
  /** decide and record, never write (`.dryRun()`, `[kubernetes] dry-run`) */
  readonly dryRun?: boolean;
  /** first retry delay, doubled per failure up to maxBackoffMs (defaults 250 ms, 30 s) */
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** wall clock for `applied at` stamps (tests) */
  readonly now?: () => number;
}

interface Target {
  readonly res: ResourceId;
  desired: number;
  /** what the cluster holds as far as we know (first read, last applied, or adopted override) */
  applied: number | undefined;
  /** the decision whose count is `desired` (undefined after a restart) */
  record: DecisionRecord | undefined;
  inFlight: boolean;
  timer: NodeJS.Timeout | undefined;
  failures: number;
}

export class Actuator {
  private readonly targets = new Map<string, Target>();
  private readonly dryRun: boolean;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly now: () => number;
  private busy = 0;
  private stopped = false;
  /** aborted by stop(): calls in flight write nothing more (a stopped task must not scale) */
  private readonly stopping = new AbortController();
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly target: ScaleTarget, private readonly host: ActuatorHost, opts: ActuatorOptions = {}) {
    this.dryRun = opts.dryRun ?? false;
    this.baseBackoffMs = opts.baseBackoffMs ?? 250;
    this.maxBackoffMs = opts.maxBackoffMs ?? 30_000;
    this.now = opts.now ?? Date.now;
  }

  /** Resources with a call in flight or a retry scheduled. */
  get active(): number {
    return this.busy;
  }

  /** What the cluster holds as far as the actuator knows (first read, restored state, or last applied). */
  known(res: ResourceId, applied: number | undefined): void {
    const t = this.get(res, applied ?? 0);
    t.applied = applied;
  }

  applied(key: string): number | undefined {
    return this.targets.get(key)?.applied;
  }

  desired(key: string): number | undefined {
    return this.targets.get(key)?.desired;
  }

  /** A decided change (or, after a restart, a desired count not yet confirmed as applied). */
  desire(res: ResourceId, replicas: number, record: DecisionRecord | undefined): void {
    if (this.stopped) return;
    const t = this.get(res, replicas);
    if (t.record !== undefined && t.record !== record && t.record.actuation?.status === 'pending') this.finish(t.record, 'superseded');
    t.desired = replicas;
    t.record = record;
    if (record) record.actuation = { status: 'pending', attempts: 0 };
    if (this.dryRun) {
      t.applied = replicas;
      if (record) this.finish(record, 'dry-run');
      return;
    }
    if (t.inFlight || t.timer !== undefined) return; // the running loop picks up the newest desired count
    if (t.applied === replicas) {
      if (record) this.finish(record, 'already-applied');
      return;
    }
    this.start(t);
  }

  /** Resolves when no call is in flight and no retry is scheduled. */
  whenIdle(): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** The task stops: cancel retries; answers of calls in flight are ignored. */
  stop(): void {
    this.stopped = true;
    this.stopping.abort(new Error('the task stopped'));
    for (const t of this.targets.values()) {
      if (t.timer !== undefined) { clearTimeout(t.timer); t.timer = undefined; }
    }
    this.busy = 0;
    this.notifyIdle();
  }

  private get(res: ResourceId, desired: number): Target {
    let t = this.targets.get(res.key);
    if (t === undefined) {
      t = { res, desired, applied: undefined, record: undefined, inFlight: false, timer: undefined, failures: 0 };
      this.targets.set(res.key, t);
    }
    return t;
  }

  private start(t: Target): void {
    this.busy++;
    this.attempt(t);
  }

  private attempt(t: Target): void {
    t.inFlight = true;
    const want = t.desired;
    const rec = t.record;
    if (rec?.actuation) rec.actuation.attempts++;
    let call: Promise<ApplyOutcome>;
    try {
      call = this.target.apply(t.res, want, t.applied, this.stopping.signal);
    } catch (err) {
      call = Promise.reject(err);
    }
    call.then((outcome) => {
      t.inFlight = false;
      if (this.stopped) return;
      t.failures = 0;
      if (outcome.kind === 'override') {
        t.applied = outcome.cluster;
        t.desired = outcome.cluster;
        if (rec) {
          rec.actuation!.cluster = outcome.cluster;
          this.finish(rec, 'override');
        }
        if (t.record !== undefined && t.record !== rec && t.record.actuation?.status === 'pending') this.finish(t.record, 'superseded');
        const latest = t.record;
        t.record = undefined;
        this.safely(() => this.host.overridden(t.res, outcome.cluster, latest ?? rec));
      } else {
        t.applied = want;
        if (rec) this.finish(rec, outcome.kind);
        this.safely(() => this.host.applied(t.res, want));
      }
      this.next(t);
    }, (err: unknown) => {
      t.inFlight = false;
      if (this.stopped) return;
      t.failures++;
      const delay = Math.min(this.baseBackoffMs * 2 ** Math.min(t.failures - 1, 30), this.maxBackoffMs);
      const cur = t.record;
      if (cur?.actuation) cur.actuation.error = (err as Error)?.message ?? String(err);
      this.safely(() => this.host.failed(t.res, err, t.failures, delay));
      t.timer = setTimeout(() => {
        t.timer = undefined;
        if (this.stopped) return;
        this.attempt(t);
      }, delay);
      t.timer.unref();
    });
  }

  /** After a call: go on while the desired count moved meanwhile, else this resource is idle. */
  private next(t: Target): void {
    if (t.desired !== t.applied) {
      this.attempt(t);
      return;
    }
    if (t.record?.actuation?.status === 'pending') this.finish(t.record, 'already-applied');
    this.busy--;
    this.notifyIdle();
  }

  private finish(rec: DecisionRecord, status: ActuationStatus): void {
    const a: Actuation = rec.actuation ?? { status, attempts: 0 };
    a.status = status;
    a.at = this.now();
    if (status === 'applied' || status === 'already-applied' || status === 'dry-run') delete a.error;
    rec.actuation = a;
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch {
      // a host callback failing must not strand the resource's actuation loop; the host logs its own errors
    }
  }

  private notifyIdle(): void {
    if (this.busy !== 0 || this.idleWaiters.length === 0) return;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const r of w) r();
  }
}
