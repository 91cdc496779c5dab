/**
 * Property tests (fast-check) for the lambda compilers (tickscript/lambda/, SPEC 2 lambdas and functions):
 * for generated lambda expressions over typed fields, tags and `time`,
 *  - compiling gives a CompiledLambda or a TickscriptError/LambdaError; evaluating gives a LambdaValue or throws a
 *    LambdaError with a message, never another exception, each input well under 1 s;
 *  - the production compiler (generated code, compileLambda) and the reference one (closures) agree exactly:
 *    same value or same error text, point after point (stateful functions such as count() and sigma() included);
 *  - the compiled lambda's `source` re-parses to a lambda that behaves the same (the formatter's round trip).
 * fast-check prints the seed and the shrunk counterexample on failure; FUZZ_SEED=<n> replays a run,
 * FUZZ_RUNS=<n> changes the number of cases.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type * as A from '../../tickscript/ast.ts';
import { compileLambda, parse, TickscriptError } from '../../tickscript/index.ts';
import { compileLambdaClosures } from '../../tickscript/lambda/compile.ts';
import { timed } from './limits.ts';
import { Duration, LambdaError, TimeValue, type CompiledLambda, type LambdaScope } from '../../tickscript/lambda-contract.ts';

const seed = process.env['FUZZ_SEED'] === undefined ? undefined : Number(process.env['FUZZ_SEED']);
const runs = (n: number): number => Number(process.env['FUZZ_RUNS'] ?? n);
const params = (n: number): fc.Parameters<unknown> => ({ numRuns: runs(n), ...(seed === undefined ? {} : { seed }) });

const atom = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('"i"', '"f"', '"s"', '"b"', '"t"', '"neg"', '"zero"', '"missing"', '"time"') },
  { weight: 2, arbitrary: fc.oneof(fc.nat(1000).map(String), fc.tuple(fc.nat(1000), fc.nat(99)).map(([a, b]) => `${a}.${b}`)) },
  { weight: 1, arbitrary: fc.constantFrom("'x'", "'abc'", 'TRUE', 'FALSE', '1s', '5m', '0s', '9223372036854775807', '0.0', '0') },
);
// not now(): the wall clock differs between the two evaluations being compared
const FUNCS = ['int', 'float', 'string', 'bool', 'duration', 'abs', 'ceil', 'floor', 'sqrt', 'pow', 'max', 'min', 'log', 'exp',
  'strLength', 'strContains', 'strSubstring', 'strToUpper', 'strReplace', 'if', 'isPresent', 'count', 'sigma', 'spread',
  'hour', 'minute', 'unixNano', 'humanBytes', 'regexReplace', 'year', 'gamma', 'sin', 'mod', 'strTrimSpace'];
const { expr } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc.tuple(tie('expr'), fc.constantFrom('+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', 'AND', 'OR'), tie('expr'))
      .map(([l, op, r]) => `${l} ${op} ${r}`),
    fc.tuple(fc.constantFrom('"s"', '"t"', "'abc'"), fc.constantFrom('=~', '!~'), fc.constantFrom('/a.c/', '/^x$/', '/\\d+/')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    tie('expr').map((e) => `(${e})`),
    tie('expr').map((e) => `!${e}`),
    tie('expr').map((e) => `-${e}`),
    fc.tuple(fc.constantFrom(...FUNCS), fc.array(tie('expr'), { maxLength: 3 })).map(([f, args]) => `${f}(${args.join(', ')})`),
  ),
}));

const scopeArb: fc.Arbitrary<LambdaScope> = fc.record({
  time: fc.bigInt({ min: 0n, max: 4102444800000000000n }),
  fields: fc.record({
    i: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    f: fc.double({ noNaN: false }),
    s: fc.string({ maxLength: 6 }),
    b: fc.boolean(),
    neg: fc.integer({ min: -5, max: -1 }).map(BigInt),
    zero: fc.constantFrom(0n, 0, -0),
  }),
  tags: fc.record({ t: fc.string({ maxLength: 4 }) }),
});

function lambdaNode(src: string): A.Expr | undefined {
  let program: A.Program;
  try {
    program = parse(`var l = lambda: ${src}`);
  } catch (err) {
    if (err instanceof TickscriptError) return undefined;
    throw err;
  }
  const st = program.statements[0];
  return st?.kind === 'declaration' && st.value.kind === 'lambda' ? st.value : undefined;
}

type Outcome = { value: unknown } | { error: string };

/** a comparable form of a LambdaValue (deepEqual treats a RegExp, Duration and TimeValue by their contents) */
function comparable(v: unknown): unknown {
  if (v instanceof Duration) return { duration: v.ns };
  if (v instanceof TimeValue) return { time: v.ns };
  if (v instanceof RegExp) return { regex: v.source };
  return v;
}

function compile(compiler: (e: A.Expr) => CompiledLambda, node: A.Expr, src: string): CompiledLambda | string {
  try {
    return timed(`compiling lambda: ${src}`, src, () => compiler(node));
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    if (err instanceof TickscriptError || err instanceof LambdaError) return `${err.name}: ${err.message}`;
    assert.fail(`compiling lambda: ${src} threw ${(err as Error)?.stack ?? String(err)}`);
  }
}

/** evaluates point after point with one evaluator (stateful functions see the sequence) */
function run(compiled: CompiledLambda | string, scopes: readonly LambdaScope[], src: string): Outcome[] | string {
  if (typeof compiled === 'string') return compiled;
  const ev = compiled.newEvaluator();
  return scopes.map((scope) => {
    try {
      return { value: comparable(timed(`lambda: ${src}`, scope, () => ev.eval(scope))) };
    } catch (err) {
      if (err instanceof assert.AssertionError) throw err;
      if (!(err instanceof LambdaError)) assert.fail(`evaluating lambda: ${src} threw ${(err as Error)?.stack ?? String(err)} (not a LambdaError)`);
      assert.ok(err.message.length > 0, `empty LambdaError message for lambda: ${src}`);
      return { error: err.message };
    }
  });
}

test('generated code = closures: same value or same error text, point after point; errors are LambdaErrors', () => {
  let values = 0;
  let errors = 0;
  fc.assert(fc.property(expr, fc.array(scopeArb, { minLength: 1, maxLength: 4 }), (src, scopes) => {
    const node = lambdaNode(src);
    if (node === undefined) return;
    const production = run(compile(compileLambda, node, src), scopes, src);
    const reference = run(compile(compileLambdaClosures, node, src), scopes, src);
    assert.deepEqual(production, reference, `lambda: ${src}`);
    if (typeof production !== 'string') for (const o of production) if ('value' in o) values++; else errors++;
  }), params(3000));
  assert.ok(values > 300 && errors > 300, `values ${values}, errors ${errors}: the generator must reach both`);
});

test('a compiled lambda\'s source re-parses to a lambda that behaves the same', () => {
  let checked = 0;
  fc.assert(fc.property(expr, scopeArb, (src, scope) => {
    const node = lambdaNode(src);
    if (node === undefined) return;
    const first = compile(compileLambda, node, src);
    if (typeof first === 'string') return;
    const again = lambdaNode(first.source.replace(/^lambda: /, ''));
    assert.ok(again !== undefined, `the source ${JSON.stringify(first.source)} of lambda: ${src} does not parse`);
    const second = compile(compileLambda, again, first.source);
    assert.ok(typeof second !== 'string', `the source ${JSON.stringify(first.source)} of lambda: ${src} does not compile: ${String(second)}`);
    assert.equal(second.source, first.source, `lambda: ${src}`);
    assert.deepEqual(run(second, [scope], first.source), run(first, [scope], src), `lambda: ${src} vs ${first.source}`);
    checked++;
  }), params(1500));
  assert.ok(checked > 500, `only ${checked} lambdas compiled`);
});
