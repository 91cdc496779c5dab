/**
 * `a|union(b, …)` (pipeline/union.go, union.go): merges its parents' data into one stream, ordered by time.
 *
 * Kapacitor's algorithm, kept exactly:
 * - every point / batch / barrier is queued per parent (DeleteGroup is forwarded at once);
 * - each parent has a low mark: the time of its oldest queued message, or, while its queue is empty, the time its
 *   queue head had when last seen (so a parent that went quiet holds the others back at its last time);
 * - nothing is emitted until every parent has sent at least one message; then everything at or below the lowest
 *   mark is emitted, parent by parent in parent order (all of parent 0's ready messages, then parent 1's, …), and
 *   this repeats until nothing more is ready.
 * `.rename(name)` renames every point/batch (the group ID is recomputed, as Kapacitor's SetName does).
 * Messages still queued when the task stops are dropped (Kapacitor drains them on Finish, which tickstream's
 * tasks have no equivalent of: a stopped task's children are stopping too).
 */
import { BarrierMessage, ControlMessage, type DeleteGroupMessage, type Message, type NodeContext } from '../runtime/node.ts';
import { makeBatch, makePoint } from '../model/build.ts';
import { groupId, type Batch, type Point } from '../model/point.ts';
import { prop } from '../tickscript/pipeline.ts';
import { MultiParentNode } from './multi-parent.ts';
import { registerNode } from './registry.ts';

type Timed = Point | Batch | BarrierMessage;

/** A FIFO of messages (array + head index; compacted when the consumed prefix dominates). */
class Queue {
  items: Timed[] = [];
  head = 0;
  get length(): number { return this.items.length - this.head; }
  peek(i: number): Timed { return this.items[this.head + i]!; }
  push(m: Timed): void { this.items.push(m); }
  drop(n: number): void {
    this.head += n;
    if (this.head === this.items.length) { this.items.length = 0; this.head = 0; } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

function timeOf(m: Timed): bigint {
  if (m instanceof BarrierMessage) return m.time;
  return 'points' in m ? m.tmax : m.time;
}

export class UnionNode extends MultiParentNode {
  private readonly rename: string;
  private readonly queues: Queue[];
  /** per parent: last known low mark; undefined = the parent has sent nothing yet */
  private readonly lowMarks: (bigint | undefined)[];

  constructor(ctx: NodeContext) {
    super(ctx);
    this.rename = prop(ctx.def, 'rename', '');
    const n = ctx.def.parents.length;
    if (n < 1) throw new Error(`${ctx.def.name}: union needs at least one parent`);
    this.queues = Array.from({ length: n }, () => new Queue());
    this.lowMarks = new Array<bigint | undefined>(n).fill(undefined);
  }

  protected override onPoint(p: Point): void {
    const r = this.rename;
    this.enqueue(r === '' || r === p.name ? p : makePoint(r, p.db, p.rp, p.tags, p.fields, p.time, p.dims, groupId(r, p.tags, p.dims)));
  }

  protected override onBatch(b: Batch): void {
    const r = this.rename;
    this.enqueue(r === '' || r === b.name ? b : makeBatch(r, b.db, b.rp, b.tags, b.dims, groupId(r, b.tags, b.dims), b.tmax, b.points));
  }

  protected override onBarrier(m: BarrierMessage): void {
    this.enqueue(m);
  }

  protected override onDeleteGroup(m: DeleteGroupMessage): void {
    this.emitControl(m);
  }

  private enqueue(m: Timed): void {
    this.queues[this.src]!.push(m);
    this.emitReady();
  }

  private emitReady(): void {
    const queues = this.queues;
    const marks = this.lowMarks;
    for (;;) {
      let mark: bigint | undefined;
      for (let i = 0; i < queues.length; i++) {
        const q = queues[i]!;
        if (q.length > 0) marks[i] = timeOf(q.peek(0));
        const m = marks[i];
        if (m === undefined) return; // a parent has not reported yet
        if (mark === undefined || m < mark) mark = m;
      }
      let emitted = false;
      for (let i = 0; i < queues.length; i++) {
        const q = queues[i]!;
        const l = q.length;
        let j = 0;
        for (; j < l; j++) {
          const v = q.peek(j);
          if (timeOf(v) > mark!) break;
          this.emit(v);
          emitted = true;
        }
        q.drop(j);
      }
      if (!emitted) return;
    }
  }

  private emit(m: Message): void {
    if (m instanceof ControlMessage) this.emitControl(m);
    else if ('points' in m) this.emitBatch(m);
    else this.emitPoint(m);
  }
}

registerNode('union', (ctx) => new UnionNode(ctx));
