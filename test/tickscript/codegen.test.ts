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

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
  const atoms = ['"i"', '"f"', '"s"', '"b"', '"t"', '"both"', '"missing"', '"time"', '1', '2.5', '0', '0.0', "'x'", 'TRUE', 'FALSE', '1s', '/x+/', '-1', '-"f"'];
  const fns = ['int', 'float', 'string', 'bool', 'duration', 'ceil', 'max', 'strLength', 'if', 'isPresent', 'count', 'sigma', 'spread', 'unixNano', 'strReplace', 'now'];
  const ops = ['+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', '=~', '!~', 'AND', 'OR'];
  const gen = (d: number): string => {
    const x = r();
    if (d <= 0 || x < 0.3) return atoms[Math.floor(r() * atoms.length)]!;
    if (x < 0.65) return `${gen(d - 1)} ${ops[Math.floor(r() * ops.length)]} ${gen(d - 1)}`;
    if (x < 0.75) return `(${gen(d - 1)})`;
    if (x < 0.8) return `!${gen(d - 1)}`;
    const n = Math.floor(r() * 4);
    return `${fns[Math.floor(r() * fns.length)]}(${Array.from({ length: n }, () => gen(d - 1)).join(', ')})`;
  };
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
