/**
 * `batch` (SPEC 3.3; Kapacitor batch.go BatchNode): the source of a batch task. It receives nothing itself: each
 * `query()` child runs its own schedule against InfluxDB (nodes/query.ts) and emits the batches.
 */
import { Node } from '../runtime/node.ts';
import type { Batch } from '../model/point.ts';
import { registerNode } from './registry.ts';

export class BatchSourceNode extends Node {
  protected override onBatch(b: Batch): void {
    this.emitBatch(b);
  }
}

registerNode('batch', (ctx) => new BatchSourceNode(ctx));
