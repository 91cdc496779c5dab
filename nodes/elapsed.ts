/**
 * `elapsed(field, unit)` (SPEC 3.7; influxdb *ElapsedReducer): from the second point of a group on, the int
 * (current time − previous time) / unit (integer division, like Go's int64 `/`). The field only selects which
 * points count; any field type is accepted.
 */
import type { NodeContext } from '../runtime/node.ts';
import type { FieldValue } from '../model/point.ts';
import { StreamTransformNode, type Reducer } from './stream-transform.ts';
import { ANY_TYPE } from './support/reduce-context.ts';
import { registerNode } from './registry.ts';

class Elapsed implements Reducer {
  private prev: bigint | undefined;
  constructor(private readonly unit: bigint) {}
  add(_v: FieldValue, t: bigint): FieldValue | undefined {
    const prev = this.prev;
    this.prev = t;
    return prev === undefined ? undefined : (t - prev) / this.unit; // bigint division truncates toward 0 as Go does
  }
}

export class ElapsedNode extends StreamTransformNode {
  private readonly unit: bigint;

  constructor(ctx: NodeContext) {
    super(ctx, 'elapsed', ANY_TYPE);
    const u = ctx.def.args[1];
    if (!u || u.type !== 'duration') throw new Error(`${ctx.def.name}: elapsed needs a duration unit as second argument, got ${u ? u.type : 'nothing'}`);
    if (u.value <= 0n) throw new Error(`${ctx.def.name}: elapsed unit must be a positive duration, got ${u.value}`);
    this.unit = u.value;
  }

  protected newReducer(): Reducer {
    return new Elapsed(this.unit);
  }
}

registerNode('elapsed', (ctx) => new ElapsedNode(ctx));
