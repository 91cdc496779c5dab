/**
 * A test-only node kind `testCapture`: records every message it receives (in order) and passes it on, so tests
 * can check exact values and types (int 3n vs float 3) that JSON cannot distinguish. Import to register.
 */
import { Node, type Message } from '../../../runtime/node.ts';
import type { Batch, Point } from '../../../model/point.ts';
import type { Task } from '../../../runtime/task.ts';
import type { RunningTask } from '../../../runtime/task-master.ts';
import { nodeFactory, registerNode } from '../../../nodes/registry.ts';

export class TestCaptureNode extends Node {
  readonly seen: Message[] = [];
  protected override onPoint(p: Point): void { this.seen.push(p); this.emitPoint(p); }
  protected override onBatch(b: Batch): void { this.seen.push(b); this.emitBatch(b); }
}

/** The messages captured by the node named `name` of a running task. */
export function captured(task: RunningTask, name: string): Message[] {
  const n = (task as Task).nodes.find((x) => x.name === name);
  if (!(n instanceof TestCaptureNode)) throw new Error(`no testCapture node ${name}`);
  return n.seen;
}

if (!nodeFactory('testCapture')) registerNode('testCapture', (ctx) => new TestCaptureNode(ctx));
