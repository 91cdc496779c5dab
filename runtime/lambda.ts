/**
 * How nodes compile lambdas. The TICKscript package provides the compiler (tickscript/lambda-contract.ts);
 * the runtime only depends on the contract, so the compiler is plugged in here once at start-up.
 */
import type { CompiledLambda, LambdaExpression } from '../tickscript/lambda-contract.ts';
import type { TickValue } from '../tickscript/pipeline.ts';

export type LambdaCompiler = (expr: LambdaExpression) => CompiledLambda;

let compiler: LambdaCompiler | undefined;

/** Install the lambda compiler (the server and test helpers call this with tickscript's compileLambda). */
export function setLambdaCompiler(c: LambdaCompiler): void {
  compiler = c;
}

/** Compile a lambda argument of `node`'s `.method()`; throws a clear error for non-lambdas. */
export function compileLambdaArg(node: string, method: string, v: TickValue | undefined): CompiledLambda {
  if (!v || v.type !== 'lambda') throw new Error(`${node}: .${method}() expects a lambda expression, got ${v ? v.type : 'nothing'}`);
  if (!compiler) throw new Error(`${node}: cannot run lambda expressions: no lambda compiler installed`);
  return compiler(v.value);
}
