/**
 * Lambda and script benchmarks (issue 3): `npm run bench:lambda`.
 * Both lambda compilers are measured: closures (reference) and generated code (production compileLambda).
 *  1. k8sAutoscale's replicas lambda `int(ceil("avg_requests_per_second" / 100.0))` over 10^6 points
 *  2. a 5-term boolean where-expression over 10^6 points
 *  3. parse + evaluate a generated 200-line script
 * Prints evals/s (best of 5 runs) and milliseconds per script.
 */
import { evaluateScript, parse } from '../tickscript/index.ts';
import { compileLambdaClosures } from '../tickscript/lambda/compile.ts';
import type * as A from '../tickscript/ast.ts';
import type { LambdaScope } from '../tickscript/lambda-contract.ts';

const N = 1_000_000;

function lambdaOf(src: string) {
  const st = parse(`var l = lambda: ${src}`).statements[0] as A.DeclarationNode;
  return compileLambdaClosures(st.value as A.LambdaNode);
}

function scopes(): LambdaScope[] {
  // a small rotating set of distinct points (realistic: fields objects differ per point)
  const out: LambdaScope[] = [];
  for (let i = 0; i < 1024; i++) {
    out.push({
      time: 1478629267000000000n + BigInt(i) * 1000000000n,
      fields: { avg_requests_per_second: 50 + (i % 400), value: BigInt(i), cpu: (i % 100) + 0.5, mem: 1000n + BigInt(i) },
      tags: { host: `web${i % 8}`, region: i % 2 ? 'us-east' : 'eu-west', replicaset: 'app' },
    });
  }
  return out;
}

function bench(name: string, fn: (s: LambdaScope) => unknown): void {
  const sc = scopes();
  let best = Infinity;
  let sink: unknown;
  for (let run = 0; run < 5; run++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) sink = fn(sc[i & 1023]!);
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    if (dt < best) best = dt;
  }
  if (sink === undefined) throw new Error('no result');
  console.log(`${name}: ${(N / best / 1e6).toFixed(1)}M evals/s (${(best * 1e3).toFixed(1)} ms per 10^6 points)`);
}

const replicas = lambdaOf('int(ceil("avg_requests_per_second" / 100.0))').newEvaluator();
bench('[closures] replicas lambda int(ceil("avg_requests_per_second" / 100.0))', (s) => replicas.evalInt(s));

const where = lambdaOf('"cpu" > 10.0 AND "mem" < 5000 AND "host" =~ /^web[0-3]$/ AND "region" == \'us-east\' AND "value" % 2 == 1').newEvaluator();
bench('[closures] where: 5-term boolean', (s) => where.evalBool(s));

// a 200-line script: vars, a long chain with properties and lambdas
function script(): string {
  const lines: string[] = [];
  for (let i = 0; i < 39; i++) lines.push(`var v${i} = ${i}.5`);
  lines.push('stream', "    |from()", "        .measurement('requests')", "        .groupBy('host', 'replicaset')");
  let i = 0;
  while (lines.length < 199) {
    lines.push(`    |eval(lambda: "value" * v${i % 39} + 1.0)`, `        .as('f${i}')`, '        .keep()');
    lines.push(`    |where(lambda: "f${i}" > v${(i + 1) % 39} AND "host" =~ /web\\d+/)`);
    i++;
  }
  lines.push("    |httpOut('out')");
  return lines.join('\n') + '\n';
}
const src = script();
let bestMs = Infinity;
for (let r = 0; r < 20; r++) {
  const t0 = process.hrtime.bigint();
  evaluateScript(src);
  bestMs = Math.min(bestMs, Number(process.hrtime.bigint() - t0) / 1e6);
}
console.log(`parse+evaluate ${src.split('\n').length - 1}-line script: ${bestMs.toFixed(2)} ms (best of 20; first run includes JIT warm-up)`);

// the same two lambdas through the generated-code compiler (production: compileLambda), docs/tickscript.md
const { compileLambdaCodegen } = await import('../tickscript/lambda/codegen.ts');
function codegenOf(src: string) {
  const st = parse(`var l = lambda: ${src}`).statements[0] as A.DeclarationNode;
  return compileLambdaCodegen(st.value as A.LambdaNode);
}
const replicasG = codegenOf('int(ceil("avg_requests_per_second" / 100.0))').newEvaluator();
bench('[codegen, production] replicas lambda', (s) => replicasG.evalInt(s));
const whereG = codegenOf('"cpu" > 10.0 AND "mem" < 5000 AND "host" =~ /^web[0-3]$/ AND "region" == \'us-east\' AND "value" % 2 == 1').newEvaluator();
bench('[codegen, production] where: 5-term boolean', (s) => whereG.evalBool(s));
