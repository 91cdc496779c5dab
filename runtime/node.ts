/**
 * The node runtime base class. Every node kind (nodes/<kind>.ts) extends `Node` and overrides the handlers for
 * the messages it accepts. See docs/runtime.md for the authoring guide.
 *
 * Execution model (why it looks like this):
 * - Messages travel as arrays. A parent processes its whole input array, buffering what it emits, then hands the
 *   buffer to each child in creation order. Per edge, order is exactly the emission order (as on Kapacitor's
 *   channels); call overhead and timing are paid per array, not per point.
 * - Because children run after the parent's loop, a parent's measured time never includes its children's.
 * - A handler that throws costs one message: the error is counted, logged (task, node, group, err) and the node
 *   goes on with the next message. Nothing bigger than that message is ever lost.
 */
import { groupTags, type Batch, type Dimensions, type Point, type Tags } from '../model/point.ts';
import { hasCall, type PipelineNode } from '../tickscript/pipeline.ts';
import { BarrierMessage, ControlMessage, DeleteGroupMessage, type Message } from './messages.ts';
import { ExecTimer } from './timing.ts';
import { GroupStateMap } from './group-state.ts';
import type { GroupStat, Logger, RuntimeServices, TaskHooks, TimingOptions } from './services.ts';
import type { SnapshotValue } from './snapshot.ts';

export { BarrierMessage, ControlMessage, DeleteGroupMessage, type Message };

/** Everything a node constructor receives. */
export interface NodeContext {
  readonly taskId: string;
  /** the node's definition: kind, name, args, property calls, parents/children, edge types */
  readonly def: PipelineNode;
  /** task logger (bound to `task`); the node adds its own `node` binding */
  readonly logger: Logger;
  readonly services: RuntimeServices;
  readonly timing: TimingOptions;
  readonly task: TaskHooks;
}

/** A node-specific statistic (shown in DOT and node-stats, e.g. `cooldown_drops`). */
export class Counter {
  value = 0;
  inc(): void { this.value++; }
  add(n: number): void { this.value += n; }
}

/** A parent→child connection with Kapacitor's `processed` count (points on stream edges, batches on batch edges). */
export class Edge {
  processed = 0;
  constructor(readonly parent: Node | null, readonly child: Node) {}
}

export abstract class Node {
  readonly def: PipelineNode;
  readonly name: string;
  readonly taskId: string;
  /** incoming edges (the source node gets one from the task itself) */
  readonly ins: Edge[] = [];
  /** outgoing edges, children in creation order */
  readonly outs: Edge[] = [];
  errors = 0;
  /** per-group emitted counts, kept only while a stats() node watches this node (TaskHooks.watchGroups) */
  groupEmitted: Map<string, GroupStat> | undefined = undefined;
  protected readonly log: Logger;
  /** `.quiet()` was called: errors are counted but not logged */
  protected readonly quiet: boolean;
  /** true when this node's input edge carries batches */
  protected readonly batchInput: boolean;

  /**
   * Output buffer: `outLen` messages are pending. The array is reused at its high-water size (setting
   * `length = 0` would free the backing store and regrow it for every array); slots are cleared after each
   * flush so no delivered message is kept alive.
   */
  private readonly out: Message[] = [];
  private outLen = 0;
  private outData = 0;
  private readonly timer: ExecTimer;
  private readonly counters = new Map<string, Counter>();
  private readonly groupMaps: GroupStateMap<unknown>[] = [];
  /** [limits] max-groups-per-node (0 = unbounded) */
  private readonly maxGroupsPerNode: number;
  /** [limits] group-idle-timeout in data time; undefined = groups never expire */
  private readonly idle: GroupIdleTracker | undefined;

  constructor(ctx: NodeContext) {
    this.def = ctx.def;
    this.name = ctx.def.name;
    this.taskId = ctx.taskId;
    this.log = ctx.logger.child({ node: ctx.def.name });
    this.quiet = hasCall(ctx.def, 'quiet');
    this.batchInput = ctx.def.wants === 'batch';
    this.timer = new ExecTimer(ctx.timing.sampleRate, ctx.timing.movAvgSize);
    const limits = ctx.services.groupLimits;
    this.maxGroupsPerNode = limits?.maxGroups ?? 0;
    this.idle = limits !== undefined && limits.idleNs > 0n ? new GroupIdleTracker(limits.idleNs, limits.maxGroups) : undefined;
  }

  // ---- handlers a node overrides ---------------------------------------------------------------------

  /** A point on a stream input edge. */
  protected onPoint(_p: Point): void {
    throw new Error(`node ${this.name} cannot accept stream data`);
  }

  /** A whole batch on a batch input edge. */
  protected onBatch(_b: Batch): void {
    throw new Error(`node ${this.name} cannot accept batch data`);
  }

  /** Default: forward. Nodes that buffer per group (window, …) flush here first. */
  protected onBarrier(m: BarrierMessage): void {
    this.emitControl(m);
  }

  /** Default: drop the group from every map created by groupState(), then forward. */
  protected onDeleteGroup(m: DeleteGroupMessage): void {
    for (const g of this.groupMaps) g.delete(m.group);
    this.emitControl(m);
  }

  /** The task stops: release timers, endpoints, queues. */
  stop(): void {}

  // ---- tools for node authors ------------------------------------------------------------------------

  /** Emit a point to every child (buffered; delivered after the current input array). */
  protected emitPoint(p: Point): void {
    if (this.outs.length === 0) return;
    this.out[this.outLen++] = p;
    this.outData++;
  }

  /** Emit a whole batch to every child. */
  protected emitBatch(b: Batch): void {
    if (this.outs.length === 0) return;
    this.out[this.outLen++] = b;
    this.outData++;
  }

  /** Forward a barrier / delete-group message (not counted on edges, as in Kapacitor). */
  protected emitControl(m: ControlMessage): void {
    if (this.outs.length === 0) return;
    this.out[this.outLen++] = m;
  }

  /**
   * A per-group state map (group ID → state, created by the node on first sight). Its size is this node's
   * `working_cardinality`; DeleteGroup removes entries. Call in the constructor.
   */
  protected groupState<S>(): GroupStateMap<S> {
    // the counter is registered at the first eviction, so node stats of unbounded tasks stay as they were
    const m = new GroupStateMap<S>(this.maxGroupsPerNode, () => this.counter('groups_evicted').inc());
    this.groupMaps.push(m as GroupStateMap<unknown>);
    return m;
  }

  /** A node-specific counter; register in the constructor so it shows as 0 before anything happens. */
  protected counter(name: string): Counter {
    let c = this.counters.get(name);
    if (!c) { c = new Counter(); this.counters.set(name, c); }
    return c;
  }

  /**
   * Count an error and log it (unless `.quiet()`). Use for the errors Kapacitor reports without failing
   * (e.g. derivative's zero elapsed time); throwing from a handler does the same with a generic message.
   */
  protected reportError(message: string, group: string, err?: unknown): void {
    this.errors++;
    if (!this.quiet) this.logError(message, group, err);
  }

  /** For nodes driven by timers (barrier, stats): run `fn` as if a message arrived, then deliver its output. */
  protected runExternal(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.errors++;
      this.logError('error in node timer', '', err);
    }
    this.flush();
  }

  // ---- runtime side ----------------------------------------------------------------------------------

  /** The task stopped (after `stop()`): return shared resources held by the group-state maps. */
  releaseGroupState(): void {
    for (const g of this.groupMaps) g.release();
  }

  /** Number of groups this node keeps state for (override when state is not in groupState maps). */
  workingCardinality(): number {
    let n = 0;
    for (const g of this.groupMaps) n += g.size;
    return n;
  }

  /** Statistics that travel with a state snapshot (runtime/snapshot.ts): errors, own counters, emitted per edge. */
  statsSnapshot(): SnapshotValue {
    const counters: number[] = [];
    for (const c of this.counters.values()) counters.push(c.value);
    return [this.errors, counters, this.outs.map((e) => e.processed)];
  }

  restoreStats(s: SnapshotValue): void {
    const [errors, counters, outs] = s as unknown as [number, number[], number[]];
    this.errors = errors;
    let i = 0;
    for (const c of this.counters.values()) c.value = counters[i++] ?? 0;
    this.outs.forEach((e, j) => { e.processed = outs[j] ?? 0; });
  }

  get collected(): number {
    let n = 0;
    for (const e of this.ins) n += e.processed;
    return n;
  }

  get emitted(): number {
    let n = 0;
    for (const e of this.outs) n += e.processed;
    return n;
  }

  get avgExecTimeNs(): number {
    return this.timer.value;
  }

  /** Node-specific counters, in registration order. */
  nodeCounters(): ReadonlyMap<string, Counter> {
    return this.counters;
  }

  /**
   * Deliver the first `count` messages of `msgs` (whose data messages the caller already counted on the edge
   * `from`). Processes all of them, then passes what was emitted to the children. The array is not retained.
   * Nodes with several parents (union, join) override it to learn which parent the messages come from.
   */
  receive(msgs: readonly Message[], count: number, dataCount: number, _from?: Edge): void {
    const k = this.timer.plan(dataCount);
    const t0 = k > 0 ? performance.now() : 0;
    const batch = this.batchInput;
    // idle groups go first, so that the groups of these messages find room without evicting
    if (this.idle !== undefined && this.groupMaps.length > 0 && dataCount > 0) this.expireIdle(msgs, count);
    if (dataCount === count) {
      // No control message in the array (the common case): skip the per-message `instanceof` check, which costs
      // a prototype-chain walk on the many point shapes flowing through this shared loop.
      if (batch) this.receiveBatches(msgs as readonly Batch[], count);
      else this.receivePoints(msgs as readonly Point[], count);
    } else {
      this.receiveMixed(msgs, count, batch);
    }
    if (k > 0) this.timer.record(k, ((performance.now() - t0) * 1e6) / dataCount);
    this.flush();
  }

  /** [limits] group-idle-timeout: drop the groups idle past the timeout, note each message's group and data time. */
  private expireIdle(msgs: readonly Message[], count: number): void {
    const expired = this.idle!.observe(msgs, count);
    if (expired === undefined) return;
    for (const group of expired) for (const g of this.groupMaps) g.delete(group);
    if (expired.length > 0) this.counter('groups_expired').add(expired.length);
  }

  private receivePoints(msgs: readonly Point[], count: number): void {
    for (let i = 0; i < count; i++) {
      const p = msgs[i]!;
      try {
        this.onPoint(p);
      } catch (err) {
        this.errors++;
        if (!this.quiet) this.logError('error processing message', p.group, err);
      }
    }
  }

  private receiveBatches(msgs: readonly Batch[], count: number): void {
    for (let i = 0; i < count; i++) {
      const b = msgs[i]!;
      try {
        this.onBatch(b);
      } catch (err) {
        this.errors++;
        if (!this.quiet) this.logError('error processing message', b.group, err);
      }
    }
  }

  private receiveMixed(msgs: readonly Message[], count: number, batch: boolean): void {
    for (let i = 0; i < count; i++) {
      const m = msgs[i]!;
      try {
        if (m instanceof ControlMessage) {
          if (m instanceof BarrierMessage) this.onBarrier(m);
          else this.onDeleteGroup(m as DeleteGroupMessage);
        } else if (batch) {
          this.onBatch(m as Batch);
        } else {
          this.onPoint(m as Point);
        }
      } catch (err) {
        this.errors++;
        if (!this.quiet) this.logError('error processing message', (m as { group?: string }).group ?? '', err);
      }
    }
  }

  private flush(): void {
    const len = this.outLen;
    if (len === 0) return;
    const msgs = this.out;
    const n = this.outData;
    if (this.groupEmitted !== undefined) countGroups(this.groupEmitted, msgs, len);
    const outs = this.outs;
    for (let i = 0; i < outs.length; i++) {
      const e = outs[i]!;
      e.processed += n;
      e.child.receive(msgs, len, n, e);
    }
    // Children never retain the array, and in a DAG they cannot re-enter this node: reuse it.
    this.outLen = 0;
    this.outData = 0;
    msgs.fill(undefined as unknown as Message, 0, len);
  }

  private logError(message: string, group: string, err: unknown): void {
    // the task logger carries `task`, this node's child logger `node`
    this.log.error({ group, err }, message);
  }
}

/** Count data messages per group (points: group tags from the point's dimensions; batches: the batch tags). */
function countGroups(stats: Map<string, GroupStat>, msgs: readonly Message[], len: number): void {
  for (let i = 0; i < len; i++) {
    const m = msgs[i]!;
    if (m instanceof ControlMessage) continue;
    const s = stats.get(m.group);
    if (s !== undefined) { s.count++; continue; }
    const tags = 'points' in m ? m.tags : groupTags(m.tags, m.dims);
    stats.set(m.group, { count: 1, tags, dims: m.dims });
  }
}

/**
 * Last data time per group, for [limits] group-idle-timeout. Data time is the newest point (or batch tmax) time
 * the node has seen, so expiry depends on the data alone (deterministic), not on the wall clock. Every half
 * timeout of data time the groups not seen for a whole timeout are handed back for deletion.
 */
class GroupIdleTracker {
  private readonly seen = new Map<string, bigint>();
  private now: bigint | undefined;
  private nextSweep: bigint | undefined;

  /** `maxGroups` (0 = unbounded) bounds this map too: past it the group first seen longest ago is forgotten */
  constructor(private readonly idleNs: bigint, private readonly maxGroups: number) {}

  /**
   * Takes the data time of the messages about to be processed; when a sweep is due, first collects the groups
   * idle for the whole timeout (returned for deletion), then records the messages' groups as seen.
   */
  observe(msgs: readonly Message[], count: number): string[] | undefined {
    let now = this.now;
    for (let i = 0; i < count; i++) {
      const m = msgs[i]!;
      if (m instanceof ControlMessage) continue;
      const t = 'points' in m ? m.tmax : m.time;
      if (now === undefined || t > now) now = t;
    }
    if (now === undefined) return undefined;
    this.now = now;
    let expired: string[] | undefined;
    if (this.nextSweep === undefined) this.nextSweep = now + this.idleNs / 2n;
    else if (now >= this.nextSweep) {
      this.nextSweep = now + this.idleNs / 2n;
      const horizon = now - this.idleNs;
      expired = [];
      for (const [group, t] of this.seen) if (t < horizon) expired.push(group);
      for (const group of expired) this.seen.delete(group);
    }
    for (let i = 0; i < count; i++) {
      const m = msgs[i]!;
      if (m instanceof ControlMessage) continue;
      const t = 'points' in m ? m.tmax : m.time;
      if (this.maxGroups > 0 && this.seen.size >= this.maxGroups && !this.seen.has(m.group)) this.seen.delete(this.seen.keys().next().value!);
      this.seen.set(m.group, t);
    }
    return expired;
  }
}

/** A node constructor as registered in nodes/registry.ts. */
export type NodeFactory = (ctx: NodeContext) => Node;
