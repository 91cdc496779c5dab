/**
 * `@name()…` (pipeline/udf.go, udf.go UDFNode): sends every point or batch to the UDF agent configured as
 * `[udf.functions.name]` and emits what the agent answers, as points or batches per the agent's Info. The agent is
 * started with the node (a process, or a socket connection) and Init carries the script's options.
 *
 * Responses arrive asynchronously (pipe/socket events) and are emitted downstream in the order the agent wrote
 * them. Barrier and delete-group messages are not forwarded: Kapacitor's UDF server passes only data to the agent
 * and only the agent's data onwards. When the agent fails (crash, hang past the keepalive timeout, garbage bytes,
 * an ErrorResponse, a refused Init) the task fails with `<node>: <error>`, the agent is killed, and the node drops
 * what still arrives; other tasks never notice.
 */
import { Node, type Edge, type Message, type NodeContext } from '../runtime/node.ts';
import type { Batch, Point } from '../model/point.ts';
import type { TaskHooks } from '../runtime/services.ts';
import { MAX_BACKLOG_BYTES, type UdfConnection } from '../udf/connection.ts';
import { initOptions } from '../udf/options.ts';
import { udfOptionsOf } from '../tickscript/catalog/index.ts';
import { registerNode } from './registry.ts';

export class UdfNode extends Node {
  private readonly conn: UdfConnection;
  private readonly task: TaskHooks;
  private readonly udfName: string;
  private dead = false;
  private dropped = 0;
  private pending: readonly (Point | Batch)[] = [];
  private readonly deliverPending = (): void => this.emitPending();

  constructor(ctx: NodeContext) {
    super(ctx);
    this.task = ctx.task;
    const arg = ctx.def.args[0];
    this.udfName = arg?.type === 'string' ? arg.value : ctx.def.name;
    const service = ctx.services.udf;
    if (!service) throw new Error(`no such UDF ${this.udfName}: no [udf.functions] are configured`);
    // a UDF's option names come from its agent's Info, not the static catalog: its settings are that typed list
    const options = initOptions(udfOptionsOf(ctx.def));
    this.conn = service.create(this.udfName, ctx.taskId, ctx.def.name, {
      output: (msgs) => this.onOutput(msgs),
      failed: (err) => this.onFailed(err),
      log: (line) => this.log.info({ udf: this.udfName, text: line }, 'UDF log'),
    });
    this.conn.init(options);
  }

  protected override onPoint(p: Point): void {
    if (this.dead) return;
    if (!this.conn.writePoint(p)) this.drop(p.group);
  }

  protected override onBatch(b: Batch): void {
    if (this.dead) return;
    if (!this.conn.writeBatch(b)) this.drop(b.group);
  }

  // the agent sees data only; its own output stands for the group (Kapacitor's UDF server drops these)
  protected override onBarrier(): void {}
  protected override onDeleteGroup(): void {}

  /** Process the input array, then hand the encoded messages to the agent in one write. */
  override receive(msgs: readonly Message[], count: number, dataCount: number, from?: Edge): void {
    super.receive(msgs, count, dataCount, from);
    this.conn.flush();
  }

  override stop(): void {
    this.dead = true;
    this.conn.close();
  }

  override workingCardinality(): number {
    return 0;
  }

  private drop(group: string): void {
    // the agent is far behind (its input queue is full): count each lost message, log the first of a run
    this.dropped++;
    if (this.dropped === 1 || this.dropped % 10_000 === 0) {
      this.reportError(`UDF ${this.udfName} is not keeping up (over ${MAX_BACKLOG_BYTES / 1024 / 1024} MiB queued for it): ${this.dropped} messages dropped so far`, group);
    } else {
      this.errors++;
    }
  }

  private onOutput(msgs: readonly (Point | Batch)[]): void {
    if (this.dead) return;
    this.pending = msgs;
    this.runExternal(this.deliverPending);
  }

  private emitPending(): void {
    const msgs = this.pending;
    this.pending = [];
    const batches = this.def.provides === 'batch';
    for (const m of msgs) {
      if ('points' in m) {
        if (batches) this.emitBatch(m); else throw new Error(`UDF ${this.udfName} sent a batch but its Info says it provides a stream`);
      } else if (!batches) {
        this.emitPoint(m);
      } else {
        throw new Error(`UDF ${this.udfName} sent a point outside a batch but its Info says it provides batches`);
      }
    }
  }

  private onFailed(err: Error): void {
    if (this.dead) return;
    this.dead = true;
    this.errors++;
    this.task.fail(this.name, err.message);
  }
}

registerNode('udf', (ctx) => new UdfNode(ctx));
