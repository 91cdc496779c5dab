/** A list of where-lambdas AND-ed in call order (from().where(...) may be called several times, SPEC 3.3). */
import type { LambdaEvaluator } from '../tickscript/lambda-contract.ts';
import type { TickValue } from '../tickscript/pipeline.ts';
import { compileLambdaArg } from '../runtime/lambda.ts';
import type { Point } from '../model/point.ts';

export class WhereChain {
  private readonly evals: LambdaEvaluator[];

  constructor(calls: readonly (readonly TickValue[])[], node: string) {
    this.evals = calls.map((args) => compileLambdaArg(node, 'where', args[0]).newEvaluator());
  }

  /** True when every predicate holds (short-circuit, like AND); throws the evaluator's error. */
  test(p: Point): boolean {
    const ev = this.evals;
    for (let i = 0; i < ev.length; i++) if (!ev[i]!.evalBool(p)) return false;
    return true;
  }
}
