/**
 * What an instance runs for one partition it owns: its own TaskMaster with every enabled task, fed by an ordered
 * JetStream consumer that reads the partition's subject from the first retained message. Task state (moving
 * averages, cooldowns, decided counts) is therefore a function of the partition's data only: a new owner rebuilds
 * it exactly by replaying. Writes to the cluster wait until the replay has caught up with the last message that
 * existed when the partition was acquired (server/cluster/gate.ts). Stopping (lease given up or lost) stops the tasks
 * and the consumer, and fences the gate first.
 */
import type { Logger } from 'pino';
import { DeliverPolicy, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { TaskMaster, type RuntimeServices } from '../../runtime/task-master.ts';
import type { Task } from '../../runtime/task.ts';
import type { DBRP, Pipeline } from '../../tickscript/pipeline.ts';
import { LineProtocolParser } from '../../lineprotocol/parser.ts';
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
}

/** the most a partition's consumer runs before it lets timers and I/O in */
const YIELD_AFTER_MS = 5;

/** swarmAutoscale in a cluster: its client cannot be fenced per partition yet, so tasks using it do not start. */
const SWARM_IN_CLUSTER = 'cannot use the swarmAutoscale node with [cluster] enabled: only k8sAutoscale is fenced per partition (docs/cluster.md)';
const EC2_IN_CLUSTER = 'cannot use the ec2Autoscale node with [cluster] enabled: only k8sAutoscale is fenced per partition (docs/cluster.md)';

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
      swarm: { get: () => { throw new Error(SWARM_IN_CLUSTER); } },
      ec2: { get: () => { throw new Error(EC2_IN_CLUSTER); } },
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

  /** Starts the tasks, then consumes the partition from its first message. */
  async start(): Promise<void> {
    const { nats, partition } = this.opts;
    const subject = nats.subject(partition);
    const last = await nats.jsm.streams.getMessage(nats.stream, { last_by_subj: subject });
    this.replayTo = last?.seq ?? 0;
    for (const [id, def] of this.opts.tasks) this.startTask(id, def);
    if (this.stopped) return;
    const consumer = await nats.js.consumers.get(nats.stream, { filter_subjects: subject, deliver_policy: DeliverPolicy.All });
    if (this.stopped) return;
    // messages hold up to MAX_MESSAGE_BYTES (several writes' records): bound the buffered bytes, not only the count
    this.consumer = await consumer.consume({ max_bytes: 4 * 1024 * 1024 });
    if (this.replayTo === 0) this.finishReplay();
    void this.loop(this.consumer);
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
    this.gate.replayDone();
    this.log.info({ replayed_to: this.replayTo, ms: this.replayedAt - this.acquiredAt }, 'cluster: partition caught up');
  }

  /** Fence first, then stop the tasks (their actuators) and the consumer. */
  stop(reason: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.gate.stop(reason);
    this.taskMaster.stopAll();
    this.consumer?.stop();
  }
}
