/**
 * How nodes compile lambdas: through tickscript's compiler (tickscript/lambda-contract.ts is the contract).
 * `setLambdaCompiler` exists so a test can substitute another implementation of the contract.
 */
import type { CompiledLambda, LambdaExpression } from '../tickscript/lambda-contract.ts';
import type { TickValue } from '../tickscript/pipeline.ts';
import { compileLambda } from '../tickscript/lambda/compile.ts';

export type LambdaCompiler = (expr: LambdaExpression) => CompiledLambda;

let compiler: LambdaCompiler = compileLambda;

/** Replace the lambda compiler (defaults to tickscript's compileLambda); returns the one it replaced. */
export function setLambdaCompiler(c: LambdaCompiler): LambdaCompiler {
  const previous = compiler;
  compiler = c;
  return previous;
}

/** Compile a lambda argument of `node`'s `.method()`; throws a clear error for non-lambdas. */
export function compileLambdaArg(node: string, method: string, v: TickValue | undefined): CompiledLambda {
  if (!v || v.type !== 'lambda') throw new Error(`${node}: .${method}() expects a lambda expression, got ${v ? v.type : 'nothing'}`);
  return compiler(v.value);
}
