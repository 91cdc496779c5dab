/**
 * Test helpers for the node tests: a `testCapture` node that records every message it receives (rendered with
 * httpOut's row format, so expectations read like SPEC 3.12 JSON), plus time helpers.
 */
import { Node, BarrierMessage, DeleteGroupMessage, type NodeContext } from '../../runtime/node.ts';
import type { Batch, Point } from '../../model/point.ts';
import { batchRow, pointRow } from '../../nodes/http-out.ts';
import { formatRFC3339Nano } from '../../model/time.ts';
import { registerNode, nodeFactory } from '../../nodes/index.ts';
import { startTask, type Harness } from '../helpers/runtime/replay.ts';
import { appendChild } from '../helpers/runtime/splice.ts';
import { evaluateScript } from '../../tickscript/index.ts';

export class CaptureNode extends Node {
  readonly seen: string[] = [];
  readonly raw: (Point | Batch)[] = [];
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

if (!nodeFactory('testCapture')) registerNode('testCapture', (ctx) => new CaptureNode(ctx));

/** The node instance of kind `kind` (the n-th one) in a running task. */
export function nodeOf<T>(h: Harness, kind: string, nth = 0): T {
  const nodes = (h.task as unknown as { nodes: { def: { kind: string } }[] }).nodes.filter((x) => x.def.kind === kind);
  const n = nodes[nth];
  if (!n) throw new Error(`no ${kind} node #${nth} in the task`);
  return n as unknown as T;
}

export const capture = (h: Harness, nth = 0): CaptureNode => nodeOf<CaptureNode>(h, 'testCapture', nth);

/** 2016-11-08T18:21:00Z in seconds (a minute boundary) */
export const T0 = Date.UTC(2016, 10, 8, 18, 21, 0) / 1000;
/** RFC3339 of T0 + s seconds */
export const ts = (s: number): string => new Date((T0 + s) * 1000).toISOString().replace('.000Z', 'Z');

/** Starts `script` with a testCapture node appended as a child of `node`; the task stops when the test ends. */
export function runCap(t: { after(fn: () => void): void }, script: string, node: string): Harness {
  const { pipeline } = appendChild(evaluateScript(script), node, 'testCapture');
  const h = startTask(pipeline);
  t.after(() => h.stop());
  return h;
}
