/** A list of where-lambdas AND-ed in call order (from().where(...) may be called several times, SPEC 3.3). */
import type { LambdaEvaluator, LambdaExpression } from '../tickscript/lambda-contract.ts';
import { compileLambdaArg } from '../runtime/lambda.ts';
import type { Point } from '../model/point.ts';

export class WhereChain {
  private readonly evals: LambdaEvaluator[];

  constructor(lambdas: readonly LambdaExpression[], node: string) {
    this.evals = lambdas.map((value) => compileLambdaArg(node, 'where', { type: 'lambda', value }).newEvaluator());
  }

  /** True when every predicate holds (short-circuit, like AND); throws the evaluator's error. */
  test(p: Point): boolean {
    const ev = this.evals;
    for (let i = 0; i < ev.length; i++) if (!ev[i]!.evalBool(p)) return false;
    return true;
  }
}
