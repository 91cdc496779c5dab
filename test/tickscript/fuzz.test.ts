// Fuzz: random token sequences and mutated valid scripts must end in a Pipeline or a TickscriptError — never
// another exception. Seeded, so failures reproduce; bounded to a few seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda, evaluateScript, formatScript, parse, TickscriptError } from '../../tickscript/index.ts';
import { LambdaError } from '../../tickscript/lambda-contract.ts';
import type * as A from '../../tickscript/ast.ts';
import { mulberry32 as rng } from '../helpers/prng.ts';
import { randomLambda } from '../helpers/lambda-source.ts';


const TOKENS = [
  'stream', 'batch', 'from()', 'var', 'x', '=', '|', '.', '@', '(', ')', '[', ']', ',', 'lambda:', '"f"', "'s'", "'''t'''",
  '1', '1.5', '010', '09', '5m', '1s', '/re/', '*', '+', '-', '/', '%', '==', '!=', '<', '<=', '>', '>=', '=~', '!~', '!',
  'AND', 'OR', 'TRUE', 'FALSE', 'dbrp', 'where', 'eval', 'groupBy', 'window', 'period', 'sum', 'k8sAutoscale', 'replicas',
  'int', 'ceil', 'measurement', 'as', 'time', '// c\n', '\n', ' ', '#', '&&', 'µ', '"', "'", 'alert', 'crit', 'post',
];

const SEEDS = [
  `var target = 100.0
stream
    |from()
        .measurement('requests')
        .groupBy('host', 'replicaset')
        .truncate(1s)
    |derivative('value')
        .as('rps')
        .unit(1s)
        .nonNegative()
    |groupBy('replicaset')
    |sum('rps')
        .as('total')
    |movingAverage('total', 60)
        .as('avg')
    |k8sAutoscale()
        .kind('replicasets')
        .resourceNameTag('replicaset')
        .replicas(lambda: int(ceil("avg" / target)))`,
  `dbrp "db"."rp"
var w = 5m
batch|query('SELECT mean(v) FROM m').period(w).every(w).groupBy(time(1m), 'host')
  |alert().crit(lambda: "mean" > 10.0 AND "host" =~ /web\\d+/).post('http://x').header('a', 'b')`,
  `stream|from().where(lambda: !isPresent("x") OR strLength("s") > 3)|eval(lambda: "a" * 2, lambda: -"b").as('a', 'b')
|window().period(10s).every(5s)|percentile('a', 90.0)|httpOut('out')`,
];

function check(src: string): void {
  try {
    const p = evaluateScript(src);
    assert.ok(p.nodes.length > 1);
    // every lambda of the pipeline compiles, or fails with a LambdaError (e.g. an unknown function)
    for (const n of p.nodes) {
      for (const v of [...n.args, ...n.calls.flatMap((c) => c.args)]) {
        if (v.type !== 'lambda') continue;
        try { compileLambda(v.value); } catch (e) { if (!(e instanceof LambdaError)) throw e; }
      }
    }
  } catch (e) {
    if (!(e instanceof TickscriptError)) {
      throw new Error(`non-TickscriptError for ${JSON.stringify(src)}: ${(e as Error).stack}`);
    }
    assert.ok(e.message.length > 0);
    // parse errors always carry a position
    if (e.kapacitorMessage.startsWith('parser: unexpected')) assert.ok(e.line !== undefined && e.column !== undefined, e.message);
  }
  try {
    const f = formatScript(src);
    // formatting is idempotent and preserves parseability
    assert.equal(formatScript(f), f, `format not idempotent for ${JSON.stringify(src)}`);
  } catch (e) {
    if (!(e instanceof TickscriptError)) throw new Error(`formatter threw ${(e as Error).stack} for ${JSON.stringify(src)}`);
  }
}

test('fuzz: random token sequences', () => {
  const r = rng(20261129);
  for (let i = 0; i < 3000; i++) {
    const n = 1 + Math.floor(r() * 14);
    let s = '';
    for (let j = 0; j < n; j++) s += TOKENS[Math.floor(r() * TOKENS.length)]! + (r() < 0.5 ? '' : ' ');
    check(s);
  }
});

test('fuzz: mutated valid scripts', () => {
  const r = rng(42);
  const pieces = TOKENS.concat(['|log()', '.quiet()', "|httpOut('o')", ')', '(']);
  for (let i = 0; i < 3000; i++) {
    let s = SEEDS[i % SEEDS.length]!;
    const edits = 1 + Math.floor(r() * 3);
    for (let k = 0; k < edits; k++) {
      const at = Math.floor(r() * (s.length + 1));
      const op = r();
      if (op < 0.4) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 4));
      else if (op < 0.8) s = s.slice(0, at) + pieces[Math.floor(r() * pieces.length)]! + s.slice(at);
      else {
        const b = Math.floor(r() * s.length);
        s = s.slice(0, at) + s.slice(b, b + 5) + s.slice(at);
      }
    }
    check(s);
  }
});

test('fuzz: the unmutated seeds evaluate', () => {
  for (const s of SEEDS) assert.ok(evaluateScript(s).nodes.length > 1);
});

test('fuzz: random lambda expressions evaluate or throw LambdaError', () => {
  const r = rng(7);
  const grammar = {
    atoms: ['"i"', '"f"', '"s"', '"b"', '"t"', '"missing"', '"time"', '1', '2.5', '0', '0.0', "'x'", 'TRUE', 'FALSE', '1s', '5m', '/x+/', '-1'],
    fns: ['int', 'float', 'string', 'bool', 'duration', 'ceil', 'abs', 'max', 'pow', 'strLength', 'strSubstring', 'if',
      'isPresent', 'count', 'sigma', 'spread', 'hour', 'unixNano', 'humanBytes', 'regexReplace', 'strReplace', 'gamma', 'jn'],
    ops: ['+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', '=~', '!~', 'AND', 'OR'],
    binary: 0.6, paren: 0.7, not: 0.75,
  };
  const gen = (depth: number): string => randomLambda(r, grammar, depth);
  const scope = { time: 1478629267000000000n, fields: { i: 3n, f: 1.5, s: 'abc', b: true }, tags: { t: 'tag' } };
  let evaluated = 0;
  for (let i = 0; i < 4000; i++) {
    const src = gen(4);
    let st: A.Statement | undefined;
    try {
      st = parse(`var l = lambda: ${src}`).statements[0];
    } catch (e) {
      if (e instanceof TickscriptError) continue;
      throw e;
    }
    if (st?.kind !== 'declaration' || st.value.kind !== 'lambda') continue;
    try {
      const ev = compileLambda(st.value).newEvaluator();
      ev.eval(scope);
      evaluated++;
    } catch (e) {
      if (!(e instanceof LambdaError)) throw new Error(`${String(e)} for lambda: ${src}`);
    }
  }
  assert.ok(evaluated > 100, `only ${evaluated} lambdas evaluated`);
});

test('fuzz: absurd nesting ends in a TickscriptError, not a stack overflow', () => {
  for (const depth of [50, 5000, 100000]) {
    for (const src of [`var x = ${'('.repeat(depth)}1${')'.repeat(depth)}`, `var l = lambda: ${'-'.repeat(depth)}1`, 'stream|from()' + '|log()'.repeat(depth / 10)]) {
      try {
        evaluateScript(src);
        formatScript(src);
      } catch (e) {
        assert.ok(e instanceof TickscriptError, `depth ${depth}: ${String(e)}`);
      }
    }
  }
});
