/**
 * `difference(field)` (SPEC 3.7; influxdb FloatDifferenceReducer / IntegerDifferenceReducer): current − previous
 * value of the same type, from the second point on; a point with the same time as the previous one is ignored
 * (it does not advance the series). Ints wrap like int64.
 */
import type { NodeContext } from '../runtime/node.ts';
import type { FieldValue } from '../model/point.ts';
import { StreamTransformNode, type Reducer } from './stream-transform.ts';
import { NUMERIC } from './support/reduce-context.ts';
import type { ValueType } from './reducers.ts';
import { registerNode } from './registry.ts';

class FloatDifference implements Reducer {
  private has = false;
  private prev = 0;
  private time = 0n;
  add(v: FieldValue, t: bigint): FieldValue | undefined {
    if (this.has && t === this.time) return undefined;
    const d = (v as number) - this.prev;
    const emit = this.has;
    this.has = true;
    this.prev = v as number;
    this.time = t;
    return emit ? d : undefined;
  }
}

class IntDifference implements Reducer {
  private has = false;
  private prev = 0n;
  private time = 0n;
  add(v: FieldValue, t: bigint): FieldValue | undefined {
    if (this.has && t === this.time) return undefined;
    const d = BigInt.asIntN(64, (v as bigint) - this.prev);
    const emit = this.has;
    this.has = true;
    this.prev = v as bigint;
    this.time = t;
    return emit ? d : undefined;
  }
}

export class DifferenceNode extends StreamTransformNode {
  constructor(ctx: NodeContext) { super(ctx, 'difference', NUMERIC); }

  protected newReducer(type: ValueType): Reducer {
    return type === 'float' ? new FloatDifference() : new IntDifference();
  }
}

registerNode('difference', (ctx) => new DifferenceNode(ctx));
