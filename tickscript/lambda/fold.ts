/** Constant expressions at script level (`shift(-5m)`, `var x = 2 * 3`): evaluated once with the lambda rules. */
import type * as A from '../ast.ts';
import type { TickValue } from '../pipeline.ts';
import { Duration, LambdaError, TimeValue } from '../lambda-contract.ts';
import { evalConstant } from './compile.ts';
import { MISSING } from './values.ts';

export function foldConstant(e: A.Expr): TickValue {
  const v = evalConstant(e);
  switch (typeof v) {
    case 'number': return { type: 'float', value: v };
    case 'bigint': return { type: 'int', value: v };
    case 'string': return { type: 'string', value: v };
    case 'boolean': return { type: 'bool', value: v };
    default:
      if (v instanceof Duration) return { type: 'duration', value: v.ns };
      if (v instanceof RegExp) return { type: 'regex', value: v, source: v.source };
      if (v === MISSING || v instanceof TimeValue) throw new LambdaError('references are only allowed inside lambda expressions');
      throw new LambdaError('unsupported constant expression');
  }
}
