/**
 * The autoscale engine: decisions in data time, actuation apart (issue "decisions in data time").
 *
 * Write path (synchronous, inside `/write`): a point for a resource whose current replica count is known is
 * decided at once (autoscale/decide.ts) against the resource's *decided* state, recorded, and — when it changes
 * the count — handed to the actuator. It never waits for the API, so the same stamped traffic gives the same
 * decisions and counters however it is batched and however slowly the API answers.
 *
 * The one wait: the first read of a resource's replica count (SPEC 4.2 step 2). Until it returns, that
 * resource's points are *held* in arrival order (at most `holdLimit` per resource and `totalHoldLimit` per
 * node) and decided, in order, as soon as it does. A point arriving past a bound is not decided: it becomes an
 * `error` record (`hold_overflows` counter). A failed read fails every held point with Kapacitor's message and
 * the next point reads again. Past `maxResources` distinct resources a point for a new one is an `error` record
 * (`resource_limit_drops`), so a million distinct names cannot exhaust memory.
 *
 * Persistence (optional scope): decided count, cooldown clocks and actuation state per resource on every
 * change; records other than `unchanged` in batches. On start the state is restored: a cooldown that was
 * running still blocks, and a desired count not confirmed as applied is actuated again (an apply that finds the
 * cluster already there writes nothing, so no change is applied twice).
 */
import { Actuator, type ScaleTarget } from './actuator.ts';
import { decide, newDecidedState, type DecidedState } from './decide.ts';
import { RecordRing, DEFAULT_RING_SIZE } from './records.ts';
import type { AutoscaleStateScope, PersistedResource } from './state-store.ts';
import type { AutoscalePolicy, DecisionReason, DecisionRecord, ResourceId } from './types.ts';
import { DECISION_REASONS } from './types.ts';

export const DEFAULT_HOLD_LIMIT = 10_000;
export const DEFAULT_TOTAL_HOLD_LIMIT = 100_000;
export const DEFAULT_MAX_RESOURCES = 100_000;

export interface EngineHost<J> {
  /** data time of the job, ns */
  time(job: J): bigint;
  /** the replicas expression for the job given the decided count (SPEC 4.2 step 3); throws on error */
  evaluate(job: J, current: number): bigint;
  /** the activation expression (only called when the policy has one); throws on error */
  active(job: J): boolean;
  /** every record, in decision order per resource; `job` is undefined for override records */
  decided(job: J | undefined, res: ResourceId, record: DecisionRecord): void;
  /** an API call failed (logged by the host); it is retried */
  actuationFailed(res: ResourceId, err: unknown, attempts: number, retryInMs: number): void;
  /** saving state or records failed (logged by the host; decisions go on in memory) */
  persistFailed(err: unknown): void;
  /** run a continuation after an API answer as if a message arrived (the node's runExternal) */
  later(fn: () => void): void;
}

export interface EngineOptions {
  readonly dryRun?: boolean;
  readonly holdLimit?: number;
  readonly totalHoldLimit?: number;
  readonly maxResources?: number;
  readonly ringSize?: number;
  readonly store?: AutoscaleStateScope;
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

/** Counters beyond Kapacitor's node stats (exported as Prometheus metrics and in the decisions API). */
export class EngineCounters {
  readonly reasons = new Map<DecisionReason, number>(DECISION_REASONS.map((r) => [r, 0]));
  increases = 0;
  decreases = 0;
  holdOverflows = 0;
  resourceLimitDrops = 0;
  readFailures = 0;
  actuationFailures = 0;
  actuationsApplied = 0;
  manualOverrides = 0;
  persistFailures = 0;
}

/**
 * The engine's state between two points, for a checkpoint (runtime/snapshot.ts through the autoscale node):
 * per resource the decided state and actuation counts, the decision records in the ring (oldest first), the
 * record sequence and the counters. Exact: times stay bigint ns.
 */
export interface EngineSnapshot {
  readonly seq: number;
  readonly counters: Record<string, number>;
  readonly reasons: [DecisionReason, number][];
  readonly resources: {
    namespace: string; kind: string; name: string; current: number; lastIncrease: bigint | undefined; lastDecrease: bigint | undefined;
    lastTime: bigint; lastScaledSeq: number | undefined; desired: number; applied: number | undefined;
  }[];
  readonly records: DecisionRecord[];
}

const COUNTER_NAMES = ['increases', 'decreases', 'holdOverflows', 'resourceLimitDrops', 'readFailures', 'actuationFailures',
  'actuationsApplied', 'manualOverrides', 'persistFailures'] as const;

interface ResourceState<J> {
  readonly id: ResourceId;
  phase: 'unread' | 'reading' | 'ready';
  readonly decided: DecidedState;
  held: J[];
  /** data time of the newest decided point (stamps override records) */
  lastTime: bigint;
  /** the newest scaled record (its actuation is re-saved as it progresses) */
  lastScaled: DecisionRecord | undefined;
}

export class AutoscaleEngine<J> {
  readonly records: RecordRing;
  readonly counters = new EngineCounters();
  private readonly states = new Map<string, ResourceState<J>>();
  private readonly actuator: Actuator;
  private readonly holdLimit: number;
  private readonly totalHoldLimit: number;
  private readonly maxResources: number;
  private readonly store: AutoscaleStateScope | undefined;
  private seq = 0;
  private held = 0;
  private reads = 0;
  private stopped = false;
  private waiters: (() => void)[] = [];
  private unsaved: DecisionRecord[] = [];
  private saveScheduled = false;

  constructor(private readonly target: ScaleTarget, private readonly policy: AutoscalePolicy, private readonly host: EngineHost<J>, opts: EngineOptions = {}) {
    this.holdLimit = positive('hold limit', opts.holdLimit ?? DEFAULT_HOLD_LIMIT);
    this.totalHoldLimit = positive('total hold limit', opts.totalHoldLimit ?? DEFAULT_TOTAL_HOLD_LIMIT);
    this.maxResources = positive('resource limit', opts.maxResources ?? DEFAULT_MAX_RESOURCES);
    this.records = new RecordRing(opts.ringSize ?? DEFAULT_RING_SIZE);
    this.store = opts.store;
    this.actuator = new Actuator(target, {
      applied: (res, n) => this.onApplied(res, n),
      overridden: (res, cluster) => this.onOverride(res, cluster),
      failed: (res, err, attempts, retryInMs) => {
        this.counters.actuationFailures++;
        const st = this.states.get(res.key);
        if (st?.lastScaled) this.save(st.lastScaled);
        this.host.actuationFailed(res, err, attempts, retryInMs);
      },
    }, { dryRun: opts.dryRun, baseBackoffMs: opts.baseBackoffMs, maxBackoffMs: opts.maxBackoffMs });
    if (this.store) this.restore(this.store);
  }

  /** Hand a point for a resource to the engine. Synchronous; never waits for the API. */
  submit(job: J, res: ResourceId): void {
    if (this.stopped) return;
    let st = this.states.get(res.key);
    if (st === undefined) {
      if (this.states.size >= this.maxResources) {
        this.counters.resourceLimitDrops++;
        this.fail(job, res, this.host.time(job), 0,
          `too many resources: this node already tracks ${this.maxResources} (namespace/kind/name), dropped the point for "${res.key}"; check the resource name tag`);
        return;
      }
      st = { id: res, phase: 'unread', decided: newDecidedState(0), held: [], lastTime: 0n, lastScaled: undefined };
      this.states.set(res.key, st);
    }
    if (st.phase === 'ready') {
      this.decideOne(st, job);
      return;
    }
    if (st.held.length >= this.holdLimit || this.held >= this.totalHoldLimit) {
      this.counters.holdOverflows++;
      const bound = st.held.length >= this.holdLimit ? `${this.holdLimit} points for this resource` : `${this.totalHoldLimit} points in all`;
      this.fail(job, res, this.host.time(job), 0, `waiting for the first read of "${res.key}": already holding ${bound}, dropped the point`);
      return;
    }
    st.held.push(job);
    this.held++;
    if (st.phase === 'unread') this.read(st);
  }

  /** The decided replica count of a resource (undefined before its first read). */
  current(key: string): number | undefined {
    const st = this.states.get(key);
    return st?.phase === 'ready' ? st.decided.current : undefined;
  }

  /** Per resource: decided and applied counts (metrics). */
  *resources(): IterableIterator<{ key: string; decided: number; applied: number | undefined }> {
    for (const st of this.states.values()) {
      if (st.phase === 'ready') yield { key: st.id.key, decided: st.decided.current, applied: this.actuator.applied(st.id.key) };
    }
  }

  /** The most resources this engine tracks (points for more are error records). */
  get resourceLimit(): number {
    return this.maxResources;
  }

  get resourceCount(): number {
    return this.states.size;
  }

  /** Points held for a first read. */
  get pending(): number {
    return this.held;
  }

  /** Resolves once no first read is outstanding, nothing is held and the actuator is idle. */
  async whenIdle(): Promise<void> {
    while (!this.stopped && (this.reads > 0 || this.held > 0)) await new Promise<void>((r) => this.waiters.push(r));
    await this.actuator.whenIdle();
  }

  stop(): void {
    this.stopped = true;
    this.actuator.stop();
    this.flushRecords();
    for (const st of this.states.values()) st.held = [];
    this.held = 0;
    this.notify();
  }

  // ---- checkpoints ----------------------------------------------------------------------------------------

  /**
   * The state for a checkpoint, or why it cannot be taken now: a first read outstanding (its held points are
   * not decided yet) or HPA policy memory (stabilization windows, rate-limit history), not exported yet.
   */
  exportState(): EngineSnapshot | string {
    if (this.reads > 0 || this.held > 0) return 'a first read of a resource is outstanding';
    const resources: EngineSnapshot['resources'][number][] = [];
    for (const st of this.states.values()) {
      if (st.phase !== 'ready') continue; // unread after a failed read: the next point reads again, as without it
      const d = st.decided;
      if (d.upWindow !== undefined || d.downWindow !== undefined || d.events !== undefined) return 'stabilization or rate-limit policies keep history that is not exported yet';
      resources.push({
        namespace: st.id.namespace, kind: st.id.kind, name: st.id.name, current: d.current, lastIncrease: d.lastIncrease,
        lastDecrease: d.lastDecrease, lastTime: st.lastTime, lastScaledSeq: st.lastScaled?.seq,
        desired: this.actuator.desired(st.id.key) ?? d.current, applied: this.actuator.applied(st.id.key),
      });
    }
    const counters: Record<string, number> = {};
    for (const k of COUNTER_NAMES) counters[k] = this.counters[k];
    return { seq: this.seq, counters, reasons: [...this.counters.reasons], resources, records: this.records.query({ limit: this.records.capacity }) };
  }

  /**
   * On a fresh engine: continue from `exportState()`. A desired count not known as applied is handed to the
   * actuator again (an apply that finds the cluster there writes nothing).
   */
  importState(s: EngineSnapshot): void {
    this.seq = s.seq;
    for (const k of COUNTER_NAMES) this.counters[k] = s.counters[k] ?? 0;
    for (const [r, n] of s.reasons) this.counters.reasons.set(r, n);
    for (const rec of s.records) this.records.push(rec);
    const bySeq = new Map(s.records.map((r) => [r.seq, r]));
    for (const r of s.resources) {
      const id: ResourceId = { namespace: r.namespace, kind: r.kind, name: r.name, key: `${r.namespace}/${r.kind}/${r.name}` };
      const decided = newDecidedState(r.current);
      decided.lastIncrease = r.lastIncrease;
      decided.lastDecrease = r.lastDecrease;
      const lastScaled = r.lastScaledSeq === undefined ? undefined : bySeq.get(r.lastScaledSeq);
      this.states.set(id.key, { id, phase: 'ready', decided, held: [], lastTime: r.lastTime, lastScaled });
      this.actuator.known(id, r.applied);
      if (r.desired !== r.applied) this.actuator.desire(id, r.desired, undefined);
    }
  }

  // ---- deciding ------------------------------------------------------------------------------------------

  private decideOne(st: ResourceState<J>, job: J): void {
    const time = this.host.time(job);
    const old = st.decided.current;
    let recommended: bigint;
    let active: boolean | undefined;
    try {
      recommended = this.host.evaluate(job, old);
    } catch (err) {
      this.fail(job, st.id, time, old, `failed to evaluate the replicas expression: ${(err as Error)?.message ?? err}`);
      return;
    }
    if (this.policy.activation) {
      try {
        active = this.host.active(job);
      } catch (err) {
        this.fail(job, st.id, time, old, `failed to evaluate the activation expression: ${(err as Error)?.message ?? err}`);
        return;
      }
    }
    const v = decide(this.policy, st.decided, time, recommended, active);
    st.lastTime = time;
    // one shape for every record (optional fields present as undefined): monomorphic and no spread objects
    const rec: DecisionRecord = {
      seq: ++this.seq, time, resource: st.id.key, current: old, recommended, clamped: v.clamped, final: v.final, reason: v.reason,
      adjustedBy: v.adjustedBy, error: v.error, actuation: undefined,
    };
    this.count(rec);
    if (v.reason === 'scaled') {
      if (v.final > old) this.counters.increases++;
      else this.counters.decreases++;
      st.lastScaled = rec;
      this.actuator.desire(st.id, v.final, rec);
      this.persist(st);
    }
    this.records.push(rec);
    if (v.reason !== 'unchanged') this.save(rec);
    this.host.decided(job, st.id, rec);
  }

  private fail(job: J, res: ResourceId, time: bigint, current: number, error: string): void {
    const rec: DecisionRecord = {
      seq: ++this.seq, time, resource: res.key, current, recommended: undefined, clamped: undefined, final: current, reason: 'error',
      adjustedBy: undefined, error, actuation: undefined,
    };
    this.count(rec);
    this.records.push(rec);
    this.save(rec);
    this.host.decided(job, res, rec);
  }

  private count(rec: DecisionRecord): void {
    this.counters.reasons.set(rec.reason, (this.counters.reasons.get(rec.reason) ?? 0) + 1);
  }

  // ---- the first read ------------------------------------------------------------------------------------

  private read(st: ResourceState<J>): void {
    st.phase = 'reading';
    this.reads++;
    let call: Promise<number>;
    try {
      call = this.target.read(st.id);
    } catch (err) {
      call = Promise.reject(err);
    }
    call.then(
      (replicas) => this.host.later(() => {
        this.reads--;
        if (this.stopped) return;
        st.decided.current = replicas;
        st.phase = 'ready';
        this.actuator.known(st.id, replicas);
        this.drain(st, undefined);
      }),
      (err: unknown) => this.host.later(() => {
        this.reads--;
        if (this.stopped) return;
        this.counters.readFailures++;
        st.phase = 'unread'; // nothing stored: the next point reads again (SPEC 4.2 step 2)
        this.drain(st, `could not determine initial scale for "${st.id.key}": ${(err as Error)?.message ?? err}`);
      }),
    );
  }

  /** Decide (or, after a failed read, fail) the held points in arrival order. */
  private drain(st: ResourceState<J>, error: string | undefined): void {
    const jobs = st.held;
    st.held = [];
    this.held -= jobs.length;
    try {
      for (const job of jobs) {
        if (error === undefined) this.decideOne(st, job);
        else this.fail(job, st.id, this.host.time(job), st.decided.current, error);
      }
    } finally {
      this.notify();
    }
  }

  // ---- actuation results ---------------------------------------------------------------------------------

  private onApplied(res: ResourceId, _replicas: number): void {
    this.counters.actuationsApplied++;
    const st = this.states.get(res.key);
    if (st === undefined) return;
    if (st.lastScaled) this.save(st.lastScaled);
    this.persist(st);
  }

  /** Someone else scaled the resource: adopt the cluster's count as the decided one. */
  private onOverride(res: ResourceId, cluster: number): void {
    const st = this.states.get(res.key);
    if (st === undefined || this.stopped) return;
    this.counters.manualOverrides++;
    if (st.lastScaled) this.save(st.lastScaled);
    const old = st.decided.current;
    st.decided.current = cluster;
    const rec: DecisionRecord = {
      seq: ++this.seq, time: st.lastTime, resource: res.key, current: old, recommended: undefined, clamped: undefined, final: cluster,
      reason: 'override', adjustedBy: undefined, error: undefined, actuation: { status: 'override', attempts: 0, at: Date.now(), cluster },
    };
    this.count(rec);
    this.records.push(rec);
    this.save(rec);
    this.persist(st);
    this.host.later(() => this.host.decided(undefined, res, rec));
  }

  // ---- persistence ---------------------------------------------------------------------------------------

  private restore(store: AutoscaleStateScope): void {
    for (const r of store.loadResources()) {
      const id: ResourceId = { namespace: r.namespace, kind: r.kind, name: r.name, key: `${r.namespace}/${r.kind}/${r.name}` };
      const decided = newDecidedState(r.current);
      decided.lastIncrease = r.lastIncrease;
      decided.lastDecrease = r.lastDecrease;
      this.states.set(id.key, { id, phase: 'ready', decided, held: [], lastTime: 0n, lastScaled: undefined });
      this.actuator.known(id, r.applied);
      if (r.desired !== r.applied) this.actuator.desire(id, r.desired, undefined);
    }
    for (const rec of store.loadRecords(this.records.capacity)) {
      this.records.push(rec);
      if (rec.seq > this.seq) this.seq = rec.seq;
    }
  }

  private persist(st: ResourceState<J>): void {
    if (!this.store) return;
    try {
      this.store.saveResource(this.row(st));
    } catch (err) {
      this.counters.persistFailures++;
      this.host.persistFailed(err);
    }
  }

  private row(st: ResourceState<J>): PersistedResource {
    const row: PersistedResource = {
      namespace: st.id.namespace, kind: st.id.kind, name: st.id.name, current: st.decided.current,
      lastIncrease: st.decided.lastIncrease, lastDecrease: st.decided.lastDecrease,
      desired: this.actuator.desired(st.id.key) ?? st.decided.current, applied: this.actuator.applied(st.id.key),
    };
    return row;
  }

  /** Records are written in batches, after the current write (one transaction per batch). */
  private save(rec: DecisionRecord): void {
    if (!this.store) return;
    this.unsaved.push(rec);
    if (this.saveScheduled) return;
    this.saveScheduled = true;
    setImmediate(() => this.flushRecords());
  }

  private flushRecords(): void {
    this.saveScheduled = false;
    if (!this.store || this.unsaved.length === 0) return;
    const batch = this.unsaved;
    this.unsaved = [];
    try {
      this.store.saveRecords(batch);
    } catch (err) {
      this.counters.persistFailures++;
      this.host.persistFailed(err);
    }
  }

  private notify(): void {
    if (this.reads > 0 || this.held > 0) {
      if (!this.stopped) return;
    }
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }
}

function positive(what: string, n: number): number {
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`autoscale ${what} must be a positive integer, got ${n}`);
  return n;
}
