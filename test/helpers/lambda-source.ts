/**
 * Random TICKscript lambda expressions for property tests (fuzzing the lambda compilers). The same generator
 * serves every test; each test brings its own vocabulary and mix of node kinds.
 */
import { pick } from './prng.ts';

export interface LambdaGrammar {
  /** leaves: field references, literals */
  readonly atoms: readonly string[];
  /** function names; calls get 0–3 random arguments */
  readonly fns: readonly string[];
  /** binary operators */
  readonly ops: readonly string[];
  /**
   * Cumulative thresholds on one uniform draw x at each inner node: x < 0.3 is a leaf, then x < binary a binary
   * expression, x < paren a parenthesised one, x < not a negation, otherwise a function call.
   */
  readonly binary: number;
  readonly paren: number;
  readonly not: number;
}

/** One expression of at most `depth` levels (the draw order is fixed, so a seed reproduces the same text). */
export function randomLambda(rnd: () => number, g: LambdaGrammar, depth: number): string {
  const x = rnd();
  if (depth <= 0 || x < 0.3) return pick(rnd, g.atoms);
  if (x < g.binary) {
    const left = randomLambda(rnd, g, depth - 1);
    const op = pick(rnd, g.ops);
    return `${left} ${op} ${randomLambda(rnd, g, depth - 1)}`;
  }
  if (x < g.paren) return `(${randomLambda(rnd, g, depth - 1)})`;
  if (x < g.not) return `!${randomLambda(rnd, g, depth - 1)}`;
  const n = Math.floor(rnd() * 4);
  const fn = pick(rnd, g.fns);
  return `${fn}(${Array.from({ length: n }, () => randomLambda(rnd, g, depth - 1)).join(', ')})`;
}
