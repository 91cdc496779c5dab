/**
 * What both lambda compilers (the closure one in compile.ts, the generated-code one in codegen.ts) hand out: a
 * compiled function of (scope, extra fields, call states) wrapped as a CompiledLambda whose evaluators each own
 * the states of the stateful calls (SPEC 2.4) and check the result's type the same way.
 */
import type * as A from '../ast.ts';
import type { Fields } from '../../model/point.ts';
import {
  LambdaError, type CompiledLambda, type LambdaEvaluator, type LambdaExpression, type LambdaScope, type LambdaValue,
} from '../lambda-contract.ts';
import { formatExpr } from '../format.ts';
import { newCallState, type CallState } from './functions.ts';
import { MISSING, typeOf, type Val } from './values.ts';

/** A compiled lambda body: the point's scope, extra fields (eval's earlier results), one state per stateful call. */
export type LambdaFn = (s: LambdaScope, x: Fields | undefined, st: CallState[]) => Val;

class Evaluator implements LambdaEvaluator {
  private readonly st: CallState[];
  constructor(private readonly fn: LambdaFn, slots: number, private readonly source: string) {
    this.st = Array.from({ length: slots }, newCallState);
  }
  eval(scope: LambdaScope, extra?: Fields): LambdaValue {
    const v = this.fn(scope, extra, this.st);
    if (v === MISSING) throw new LambdaError(`expression ${this.source} evaluated to a missing value`);
    return v;
  }
  evalBool(scope: LambdaScope, extra?: Fields): boolean {
    const v = this.fn(scope, extra, this.st);
    if (typeof v === 'boolean') return v;
    throw new LambdaError(`TypeGuard: expression returned unexpected type ${typeOf(v)}, expected boolean`);
  }
  evalInt(scope: LambdaScope, extra?: Fields): bigint {
    const v = this.fn(scope, extra, this.st);
    if (typeof v === 'bigint') return v;
    throw new LambdaError(`TypeGuard: expression returned unexpected type ${typeOf(v)}, expected int`);
  }
}

/** The expression a compiler compiles: a LambdaNode's body, or the expression itself. */
export function lambdaBody(expr: LambdaExpression): A.Expr {
  const node = expr as A.Expr;
  return node.kind === 'lambda' ? (node as A.LambdaNode).expr : node;
}

/** `fn` (compiled from `body`, using `slots` call states) as a CompiledLambda; each evaluator gets its own states. */
export function compiledLambda(fn: LambdaFn, slots: number, body: A.Expr): CompiledLambda {
  const source = `lambda: ${formatExpr(body)}`;
  return { source, newEvaluator: () => new Evaluator(fn, slots, source) };
}
