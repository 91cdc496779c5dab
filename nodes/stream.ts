/** `stream` (SPEC 3.3): the source of a stream task; forwards every point the router delivered to the task. */
import { Node } from '../runtime/node.ts';
import type { Point } from '../model/point.ts';
import { registerNode } from './registry.ts';

export class StreamNode extends Node {
  protected override onPoint(p: Point): void {
    this.emitPoint(p);
  }
}

registerNode('stream', (ctx) => new StreamNode(ctx));
