// The TICKscript compiler and the node runtimes agree on property names and value types: every property of
// window, default, delete, log, shift, sample, httpPost, barrier, difference, cumulativeSum, elapsed, alert and
// stats written in a script starts a task, and scripts give the same results as hand-built pipelines
// (SPEC 3.7, 3.10, 3.11, 3.13, 3.15, 3.16).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda, evaluateScript } from '../../tickscript/index.ts';
import { setLambdaCompiler } from '../../runtime/lambda.ts';
import { startTask } from '../helpers/runtime/replay.ts';
import { T0, ts } from './capture.ts';

setLambdaCompiler(compileLambda);

const STARTS = [
  `stream|from()|window().period(10s).every(5s).align().fillPeriod()|httpOut('o')`,
  `stream|from()|window().periodCount(3).everyCount(1).fillPeriod()|httpOut('o')`,
  `stream|from()|default().field('x', 1.0).field('i', 2).field('s', 'v').field('b', TRUE).tag('t', 'v')|httpOut('o')`,
  `stream|from()|delete().field('x').field('y').tag('t')|httpOut('o')`,
  `stream|from()|log().level('DEBUG').prefix('P')|shift(-5s)|sample(2)|sample(10s)|httpOut('o')`,
  `stream|from()|httpPost('http://127.0.0.1:9/x').header('a', 'b').codeField('c').captureResponse().timeout(1s)`,
  `stream|from()|barrier().idle(1m).delete(TRUE)|barrier().period(1h)|httpOut('o')`,
  `stream|from()|difference('v').as('d')|cumulativeSum('d').as('c')|elapsed('c', 1ms).as('e')|httpOut('o')`,
  `stream|from()|alert().info(lambda: "v" > 1).warn(lambda: "v" > 2).crit(lambda: "v" > 3)` +
    `.infoReset(lambda: "v" < 1).warnReset(lambda: "v" < 2).critReset(lambda: "v" < 3).history(5)` +
    `.id('{{ .Name }}').message('{{ .ID }}').details('{{ .Message }}').levelTag('l').idTag('i').levelField('lf')` +
    `.messageField('m').idField('id').durationField('d').noRecoveries().stateChangesOnly(1m).flapping(0.2, 0.5)` +
    `.log('/tmp/tickstream-r2-never-written.log').mode(0644).post('http://127.0.0.1:9/a').header('a', 'b').captureResponse().timeout(1s)`,
  `var d = stream|from()
d|httpOut('o')
d|stats(1h).align()|httpOut('s')`,
];

test('every property written in a script is understood by the runtime', () => {
  for (const s of STARTS) {
    const h = startTask(evaluateScript(s));
    h.stop();
  }
});

test('a script window + difference gives the SPEC 3.7/3.10 result', (t) => {
  const h = startTask(evaluateScript(`stream|from().measurement('cpu')|window().period(10s).every(10s)|difference('value')|httpOut('o')`));
  t.after(() => h.stop());
  h.write([`cpu value=1i ${T0}`, `cpu value=4i ${T0 + 3}`, `cpu value=10i ${T0 + 6}`, `cpu value=0i ${T0 + 10}`], 's');
  // window [0, 10) = 1, 4, 10 → differences 3 @3s, 6 @6s (ints), a batch with the group (no) tags
  assert.equal(h.httpOut('o'), `{"series":[{"name":"cpu","columns":["time","difference"],"values":[["${ts(3)}",3],["${ts(6)}",6]]}]}`);
});
