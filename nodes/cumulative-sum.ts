/**
 * `cumulativeSum(field)` (SPEC 3.7; influxdb FloatCumulativeSumReducer / IntegerCumulativeSumReducer): the running
 * sum of the group, emitted for every point, same type as the input (ints wrap like int64).
 */
import type { NodeContext } from '../runtime/node.ts';
import type { FieldValue } from '../model/point.ts';
import { StreamTransformNode, type Reducer } from './stream-transform.ts';
import { NUMERIC } from './support/reduce-context.ts';
import type { ValueType } from './reducers.ts';
import { registerNode } from './registry.ts';

class FloatSum implements Reducer {
  private sum = 0;
  add(v: FieldValue): FieldValue { this.sum += v as number; return this.sum; }
}

class IntSum implements Reducer {
  private sum = 0n;
  add(v: FieldValue): FieldValue { this.sum = BigInt.asIntN(64, this.sum + (v as bigint)); return this.sum; }
}

export class CumulativeSumNode extends StreamTransformNode {
  constructor(ctx: NodeContext) { super(ctx, 'cumulativeSum', NUMERIC); }

  protected newReducer(type: ValueType): Reducer {
    return type === 'float' ? new FloatSum() : new IntSum();
  }
}

registerNode('cumulativeSum', (ctx) => new CumulativeSumNode(ctx));
