// The generated-code lambda compiler must agree with the closure compiler on values and error messages
// (same semantics, SPEC 2.5/2.6), checked on seeded random lambdas and the lambda test corpus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../tickscript/parser.ts';
import { compileLambdaClosures as compileLambda } from '../../tickscript/lambda/compile.ts';
import { compileLambdaCodegen } from '../../tickscript/lambda/codegen.ts';
import { TickscriptError } from '../../tickscript/errors.ts';
import type * as A from '../../tickscript/ast.ts';
import type { LambdaScope } from '../../tickscript/lambda-contract.ts';
import { mulberry32 as rng } from '../helpers/prng.ts';
import { randomLambda } from '../helpers/lambda-source.ts';


type Outcome = { ok: unknown } | { err: string };
function outcome(f: () => unknown): Outcome {
  try {
    const v = f();
    return { ok: v };
  } catch (e) {
    return { err: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

const scopes: LambdaScope[] = [
  { time: 1478629267000000000n, fields: { i: 3n, f: 1.5, s: 'abc', b: true, both: 1n }, tags: { t: 'tag', both: 'x' } },
  { time: 0n, fields: { i: -7n, f: 0, s: '', b: false }, tags: {} },
];

test('codegen and closures agree on random lambdas (values, errors, stateful functions)', () => {
  const r = rng(99);
  const grammar = {
    atoms: ['"i"', '"f"', '"s"', '"b"', '"t"', '"both"', '"missing"', '"time"', '1', '2.5', '0', '0.0', "'x'", 'TRUE', 'FALSE', '1s', '/x+/', '-1', '-"f"'],
    fns: ['int', 'float', 'string', 'bool', 'duration', 'ceil', 'max', 'strLength', 'if', 'isPresent', 'count', 'sigma', 'spread', 'unixNano', 'strReplace', 'now'],
    ops: ['+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', '=~', '!~', 'AND', 'OR'],
    binary: 0.65, paren: 0.75, not: 0.8,
  };
  const gen = (d: number): string => randomLambda(r, grammar, d);
  let compared = 0;
  for (let i = 0; i < 2500; i++) {
    const src = gen(4);
    if (src.includes('now()')) continue; // wall clock differs between two calls
    let lam: A.LambdaNode;
    try {
      const st = parse(`var l = lambda: ${src}`).statements[0] as A.DeclarationNode;
      if (st.value.kind !== 'lambda') continue;
      lam = st.value;
    } catch (e) {
      if (e instanceof TickscriptError) continue;
      throw e;
    }
    const a = outcome(() => compileLambda(lam).newEvaluator());
    const b = outcome(() => compileLambdaCodegen(lam).newEvaluator());
    assert.equal('err' in a, 'err' in b, src);
    if (!('ok' in a) || !('ok' in b)) continue;
    const ea = a.ok as ReturnType<ReturnType<typeof compileLambda>['newEvaluator']>;
    const eb = b.ok as typeof ea;
    for (const sc of scopes) {
      for (let rep = 0; rep < 2; rep++) {
        assert.deepEqual(outcome(() => eb.eval(sc)), outcome(() => ea.eval(sc)), src);
        compared++;
      }
    }
  }
  assert.ok(compared > 1000, `only ${compared} comparisons`);
});

test('codegen: no user text in the generated source (names and strings go through constants)', () => {
  const st = parse(`var l = lambda: "a'); process.exit(1); ('" + 'x\\'); throw 1; //'`).statements[0] as A.DeclarationNode;
  const ev = compileLambdaCodegen(st.value).newEvaluator();
  assert.equal(ev.eval({ time: 0n, fields: { "a'); process.exit(1); ('": 'p' }, tags: {} }), "px'); throw 1; //");
});
