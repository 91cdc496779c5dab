/**
 * What an instance runs for one partition it owns: its own TaskMaster with every enabled task, fed by an ordered
 * JetStream consumer that reads the partition's subject. Task state (moving averages, cooldowns, decided counts) is
 * therefore a function of the partition's data only: a new owner rebuilds it exactly, by restoring the partition's
 * latest checkpoint (server/cluster/checkpoint.ts) and replaying the messages after its sequence, or — without a
 * usable checkpoint — by replaying from the first retained message. Writes to the cluster wait until the replay has
 * caught up with the last message that existed when the partition was acquired (server/cluster/gate.ts). Stopping
 * (lease given up or lost) stops the tasks and the consumer, and fences the gate first.
 */
import type { Logger } from 'pino';
import { DeliverPolicy, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { TaskMaster, type RuntimeServices } from '../../runtime/task-master.ts';
import type { Task } from '../../runtime/task.ts';
import type { DBRP, Pipeline } from '../../tickscript/pipeline.ts';
import { LineProtocolParser } from '../../lineprotocol/parser.ts';
import { SnapshotUnsupported } from '../../runtime/snapshot.ts';
import { taskFingerprint, type Checkpoint, type CheckpointStore, type TaskCheckpoint } from './checkpoint.ts';
import { DB_HEADER, FORMAT_HEADER, FORMAT_RECORDS, RP_HEADER, RecordDedup, decodePoints, decodeRecords } from './codec.ts';
import { ActuationGate } from './gate.ts';
import type { ClusterNats } from './nats.ts';
import { builtinNodes } from '../../nodes/index.ts';

export interface TaskDef {
  readonly pipeline: Pipeline;
  readonly dbrps: readonly DBRP[];
}

export interface PartitionRunnerOptions {
  readonly partition: number;
  readonly instance: string;
  readonly nats: ClusterNats;
  readonly services: RuntimeServices;
  readonly tasks: ReadonlyMap<string, TaskDef>;
  readonly logger: Logger;
  readonly leaseValid: () => boolean;
  readonly timing?: { sampleRate: number; movAvgSize: number };
  /** [cluster] duplicate-window in ns (0: no de-duplication of retried writes) */
  readonly duplicateWindowNs?: bigint;
  /** where checkpoints are kept, and how often this owner writes one ([cluster] checkpoint-interval; 0 = never) */
  readonly checkpoints?: CheckpointStore;
  readonly checkpointIntervalMs?: number;
}

/** the most a partition's consumer runs before it lets timers and I/O in */
const YIELD_AFTER_MS = 5;

export class PartitionRunner {
  readonly partition: number;
  readonly taskMaster: TaskMaster;
  readonly gate: ActuationGate;
  /** wall-clock ms */
  readonly acquiredAt = Date.now();
  replayedAt: number | undefined;
  /** stream sequence of the last message handled, and of the last one that existed when acquired */
  lastSeq = 0;
  replayTo = 0;
  messages = 0;
  points = 0;
  failedMessages = 0;
  /** records (one write's points of this partition) skipped as a retried write seen within the duplicate window */
  duplicates = 0;
  /** the checkpoint sequence this owner restored and replayed after (undefined: replayed from the first message) */
  restoredFrom: number | undefined;
  /** points handled until the replay caught up (after the checkpoint, or all of them) */
  replayedPoints = 0;
  /** why the start was a full replay although checkpoints are on (no checkpoint yet, a task without snapshot …) */
  fullReplayReason: string | undefined;
  /** checkpoints written by this owner, the sequence and size of the last one, and those that could not be taken */
  checkpointsWritten = 0;
  checkpointSeq = 0;
  checkpointBytes = 0;
  checkpointsSkipped = 0;
  checkpointError: string | undefined;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private checkpointing = false;
  private consumer: ConsumerMessages | undefined;
  private stopped = false;
  private readonly log: Logger;
  private readonly parser = new LineProtocolParser();
  private readonly dedup: RecordDedup;

  constructor(private readonly opts: PartitionRunnerOptions) {
    this.partition = opts.partition;
    this.log = opts.logger.child({ partition: opts.partition });
    this.dedup = new RecordDedup(opts.duplicateWindowNs ?? 0n);
    this.gate = new ActuationGate(opts.partition, opts.instance, opts.leaseValid, opts.nats.scale);
    const base = opts.services;
    const services: RuntimeServices = {
      ...base,
      kubernetes: base.kubernetes ? this.gate.wrap(base.kubernetes) : undefined,
      // swarmAutoscale's and ec2Autoscale's targets go through the same gate: one writer per service or group,
      // fenced per partition
      scaleTargetGate: (system, cluster, target) => this.gate.wrapTarget(system, cluster, target),
      autoscaleState: undefined,
      autoscaleObserver: this.gate,
    };
    this.taskMaster = new TaskMaster({
      nodes: builtinNodes,
      logger: this.log, services, timingSampleRate: opts.timing?.sampleRate, timingMovAvgSize: opts.timing?.movAvgSize,
    });
  }

  get replaying(): boolean {
    return this.gate.isReplaying;
  }

  /**
   * Starts the tasks (restored from the partition's checkpoint when every task has a usable one), then consumes
   * the partition after the checkpoint's sequence, or from its first message.
   */
  async start(): Promise<void> {
    const { nats, partition } = this.opts;
    const subject = nats.subject(partition);
    const last = await nats.jsm.streams.getMessage(nats.stream, { last_by_subj: subject });
    this.replayTo = last?.seq ?? 0;
    const cp = await this.loadCheckpoint();
    if (this.stopped) return;
    for (const [id, def] of this.opts.tasks) this.startTask(id, def);
    if (cp !== undefined && !this.restore(cp)) {
      // a half-restored partition is no partition: start every task again from nothing and replay it all
      this.taskMaster.stopAll();
      for (const [id, def] of this.opts.tasks) this.startTask(id, def);
    }
    if (this.stopped) return;
    const from = this.restoredFrom;
    const consumer = await nats.js.consumers.get(nats.stream, from === undefined
      ? { filter_subjects: subject, deliver_policy: DeliverPolicy.All }
      : { filter_subjects: subject, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from + 1 });
    if (this.stopped) return;
    // messages hold up to MAX_MESSAGE_BYTES (several writes' records): bound the buffered bytes, not only the count
    this.consumer = await consumer.consume({ max_bytes: 4 * 1024 * 1024 });
    if (this.replayTo === 0 || (from !== undefined && from >= this.replayTo)) this.finishReplay();
    void this.loop(this.consumer);
    const every = this.opts.checkpointIntervalMs ?? 0;
    if (this.opts.checkpoints !== undefined && every > 0) {
      // partitions acquired together checkpoint at spread-out times, not all in the same turn of the event loop
      const first = Math.round(every * (0.5 + ((this.partition * 0.618034) % 1) / 2));
      this.checkpointTimer = setTimeout(() => {
        if (this.stopped) return;
        void this.checkpoint();
        this.checkpointTimer = setInterval(() => { void this.checkpoint(); }, every);
        this.checkpointTimer.unref();
      }, first);
      this.checkpointTimer.unref();
    }
  }

  /** The partition's checkpoint when one exists and covers every task as defined now; else why not (logged). */
  private async loadCheckpoint(): Promise<Checkpoint | undefined> {
    const store = this.opts.checkpoints;
    if (store === undefined || (this.opts.checkpointIntervalMs ?? 0) <= 0) return undefined;
    let cp: Checkpoint | string | undefined;
    try {
      cp = await store.load(this.partition);
    } catch (err) {
      cp = `cannot read the checkpoint: ${(err as Error).message}`;
    }
    if (cp === undefined) { this.fullReplayReason = 'no checkpoint yet'; return undefined; }
    if (typeof cp === 'string') { this.fullReplay(cp); return undefined; }
    const byId = new Map(cp.tasks.map((t) => [t.id, t]));
    for (const [id, def] of this.opts.tasks) {
      const t = byId.get(id);
      if (t === undefined) { this.fullReplay(`task ${id} is not in the checkpoint (defined after it, or it could not be snapshotted)`); return undefined; }
      if (t.fingerprint !== taskFingerprint(def.pipeline, def.dbrps)) { this.fullReplay(`task ${id} was redefined since the checkpoint`); return undefined; }
    }
    return cp;
  }

  /** Restores every task and the de-duplication window; false (logged) when a task refuses its state. */
  private restore(cp: Checkpoint): boolean {
    const byId = new Map(cp.tasks.map((t) => [t.id, t]));
    for (const id of this.opts.tasks.keys()) {
      const task = this.task(id);
      if (task === undefined) continue; // failed to start: its error is shown as without a checkpoint
      try {
        task.restore(byId.get(id)!.state);
      } catch (err) {
        this.fullReplay(`task ${id}: cannot restore its checkpoint: ${(err as Error).message}`);
        return false;
      }
    }
    this.dedup.load(cp.dedup);
    this.restoredFrom = cp.seq;
    this.lastSeq = cp.seq;
    this.checkpointSeq = cp.seq; // the stored checkpoint already is this state: the next one waits for new messages
    this.log.info({ seq: cp.seq, replay_to: this.replayTo }, 'cluster: partition restored from its checkpoint');
    return true;
  }

  private fullReplay(reason: string): void {
    this.fullReplayReason = reason;
    this.log.warn({ reason }, 'cluster: replaying the partition from its first message');
  }

  /**
   * Saves every task's state with the sequence it reflects. Taken between two messages (handle() is synchronous),
   * only by the lease holder after its replay, one at a time, and only when messages arrived since the last one.
   * A task that cannot be snapshotted skips the checkpoint (counted, reason kept): its partition replays in full.
   */
  async checkpoint(): Promise<boolean> {
    const store = this.opts.checkpoints;
    if (store === undefined || this.stopped || this.checkpointing || this.gate.isReplaying || !this.opts.leaseValid()) return false;
    if (this.lastSeq === this.checkpointSeq) return false;
    const tasks: TaskCheckpoint[] = [];
    try {
      for (const [id, def] of this.opts.tasks) {
        const task = this.task(id);
        if (task === undefined) throw new SnapshotUnsupported(`task ${id} is not running`);
        tasks.push({ id, fingerprint: taskFingerprint(def.pipeline, def.dbrps), state: task.snapshot() });
      }
    } catch (err) {
      this.checkpointsSkipped++;
      const msg = (err as Error).message;
      if (msg !== this.checkpointError) this.log.warn({ reason: msg }, 'cluster: no checkpoint for this partition (a new owner replays it in full)');
      this.checkpointError = msg;
      return false;
    }
    const seq = this.lastSeq;
    this.checkpointing = true;
    try {
      this.checkpointBytes = await store.save(this.partition, { seq, dedup: this.dedup.entries(), tasks });
      this.checkpointSeq = seq;
      this.checkpointsWritten++;
      this.checkpointError = undefined;
      return true;
    } catch (err) {
      this.checkpointsSkipped++;
      this.checkpointError = `cannot store the checkpoint: ${(err as Error).message}`;
      this.log.warn({ err: this.checkpointError }, 'cluster: checkpoint failed');
      return false;
    } finally {
      this.checkpointing = false;
    }
  }

  startTask(id: string, def: TaskDef): void {
    try {
      this.taskMaster.startTask(id, def.pipeline, def.dbrps);
    } catch (err) {
      this.log.error({ task: id, err: (err as Error).message }, 'cluster: task failed to start in partition');
    }
  }

  stopTask(id: string): void {
    this.taskMaster.stopTask(id);
  }

  /** A running task of this partition (the runtime's Task, for aggregated stats). */
  task(id: string): Task | undefined {
    return this.taskMaster.getTask(id) as Task | undefined;
  }

  private async loop(msgs: ConsumerMessages): Promise<void> {
    try {
      let since = performance.now();
      for await (const m of msgs) {
        if (this.stopped) break;
        this.handle(m);
        // buffered messages arrive as a chain of microtasks: without a break a replay (or a backlog) would hold
        // the event loop, and with it lease renewals, the fencing check and /write, for as long as it lasts
        if (performance.now() - since >= YIELD_AFTER_MS) {
          await new Promise((r) => setImmediate(r));
          since = performance.now();
        }
      }
    } catch (err) {
      if (!this.stopped) this.log.error({ err }, 'cluster: partition consumer failed');
    }
  }

  private handle(m: JsMsg): void {
    this.lastSeq = m.seq;
    this.messages++;
    try {
      if (m.headers?.get(FORMAT_HEADER) === FORMAT_RECORDS) {
        const records = decodeRecords(m.data);
        const t = records.length > 0 && records.some((r) => r.id !== '') ? m.timestampNanos : 0n;
        for (const r of records) {
          if (this.dedup.duplicate(r.id, t)) { this.duplicates++; continue; }
          const points = decodePoints(this.parser, r.lines, r.db, r.rp);
          this.points += points.length;
          this.taskMaster.writePoints(r.db, r.rp, points);
        }
      } else {
        // a message written before the record format: one write's lines, db and rp in headers
        const db = m.headers?.get(DB_HEADER) ?? '';
        const rp = m.headers?.get(RP_HEADER) ?? '';
        const points = decodePoints(this.parser, m.data, db, rp);
        this.points += points.length;
        this.taskMaster.writePoints(db, rp, points);
      }
    } catch (err) {
      // one bad message loses itself only
      this.failedMessages++;
      this.log.error({ err, seq: m.seq }, 'cluster: message failed');
    }
    if (this.gate.isReplaying && m.seq >= this.replayTo) this.finishReplay();
  }

  private finishReplay(): void {
    this.replayedAt = Date.now();
    this.replayedPoints = this.points;
    this.gate.replayDone();
    this.log.info({ replayed_to: this.replayTo, ms: this.replayedAt - this.acquiredAt }, 'cluster: partition caught up');
  }

  /** Fence first, then stop the tasks (their actuators) and the consumer. */
  stop(reason: string): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.checkpointTimer !== undefined) { clearTimeout(this.checkpointTimer); clearInterval(this.checkpointTimer); }
    this.gate.stop(reason);
    this.taskMaster.stopAll();
    this.consumer?.stop();
  }
}
