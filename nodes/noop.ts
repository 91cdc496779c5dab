/**
 * `noOp()` (pipeline/noop.go, noop.go): forwards every message unchanged. Kapacitor uses it internally (e.g. as
 * the placeholder behind a UDF); it is also valid TICKscript.
 */
import { Node, type NodeContext } from '../runtime/node.ts';
import type { Batch, Point } from '../model/point.ts';
import { registerNode } from './registry.ts';

export class NoOpNode extends Node {
  constructor(ctx: NodeContext) { super(ctx); }
  protected override onPoint(p: Point): void { this.emitPoint(p); }
  protected override onBatch(b: Batch): void { this.emitBatch(b); }
}

registerNode('noOp', (ctx) => new NoOpNode(ctx));
