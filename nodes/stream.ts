/** `stream` (SPEC 3.3): the source of a stream task; forwards every point the router delivered to the task. */
import { Node } from '../runtime/node.ts';
import type { Point } from '../model/point.ts';
import type { Snapshottable, SnapshotValue } from '../runtime/snapshot.ts';
import { registerNode } from './registry.ts';

export class StreamNode extends Node implements Snapshottable {
  /** stateless (runtime/snapshot.ts) */
  snapshot(): SnapshotValue { return null; }
  restore(): void {}

  protected override onPoint(p: Point): void {
    this.emitPoint(p);
  }
}

registerNode('stream', (ctx) => new StreamNode(ctx));
