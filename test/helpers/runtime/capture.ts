/**
 * A test-only node kind `testCapture`: records every message it receives (in order) and passes it on. `raw` keeps
 * the points and batches themselves, so tests can check exact values and types (int 3n vs float 3) that JSON cannot
 * distinguish; `seen` renders every message, control messages included, in httpOut's row format (batches prefixed
 * with their tmax), so expectations read like SPEC 3.12 JSON. Import to register; the kind is registered once per
 * process whichever test file imports it first.
 */
import { BarrierMessage, DeleteGroupMessage, Node, type NodeContext } from '../../../runtime/node.ts';
import type { Batch, Point } from '../../../model/point.ts';
import { formatRFC3339Nano } from '../../../model/time.ts';
import type { Task } from '../../../runtime/task.ts';
import type { RunningTask } from '../../../runtime/task-master.ts';
import { batchRow, pointRow } from '../../../nodes/http-out.ts';
import { nodeFactory, registerNode } from '../../../nodes/registry.ts';

export class TestCaptureNode extends Node {
  /** every point and batch received */
  readonly raw: (Point | Batch)[] = [];
  /** every message received, rendered */
  readonly seen: string[] = [];
  constructor(ctx: NodeContext) { super(ctx); }
  protected override onPoint(p: Point): void { this.raw.push(p); this.seen.push(pointRow(p)); this.emitPoint(p); }
  protected override onBatch(b: Batch): void {
    this.raw.push(b);
    this.seen.push(`tmax=${formatRFC3339Nano(b.tmax)} ${batchRow(b)}`);
    this.emitBatch(b);
  }
  protected override onBarrier(m: BarrierMessage): void {
    this.seen.push(`barrier group=${m.group} time=${formatRFC3339Nano(m.time)}`);
    this.emitControl(m);
  }
  protected override onDeleteGroup(m: DeleteGroupMessage): void {
    this.seen.push(`delete group=${m.group}`);
    super.onDeleteGroup(m);
  }
}

/** The points and batches captured by the node named `name` of a running task. */
export function captured(task: RunningTask, name: string): (Point | Batch)[] {
  const n = (task as Task).nodes.find((x) => x.name === name);
  if (!(n instanceof TestCaptureNode)) throw new Error(`no testCapture node ${name}`);
  return n.raw;
}

if (!nodeFactory('testCapture')) registerNode('testCapture', (ctx) => new TestCaptureNode(ctx));
