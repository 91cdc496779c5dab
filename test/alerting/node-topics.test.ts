// alert() with the alert service (Kapacitor alert.go handleEvent/restoreEventState, alert/topics.go,
// alert/inhibit.go): .topic() collects events per event id, the anonymous topic main:<task>:<node> exists when
// the script names handlers, previousLevel comes from the topic, .inhibit()/.category() drop events, and a task
// that starts again restores each group's level from the topics (no re-fire with stateChangesOnly).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { compileLambda, evaluateScript } from '../../tickscript/index.ts';
import { setLambdaCompiler } from '../../runtime/lambda.ts';
import { startTask, type Harness } from '../helpers/runtime/replay.ts';
import { AlertService } from '../../alerting/service.ts';
import { TaskStore } from '../../server/store/store.ts';
import { SqliteAlertStore } from '../../server/store/alert-store.ts';
import { T0, ts } from '../nodes/capture.ts';

setLambdaCompiler(compileLambda);
const silent = pino({ level: 'silent' });

function run(script: string, alerts: AlertService, t: { after(fn: () => unknown): void }, taskId = 'cpu_alert'): Harness {
  const h = startTask(evaluateScript(script), { services: { alerts }, taskId });
  t.after(() => h.stop());
  return h;
}

const pt = (v: number, s: number, host = 'a'): string => `cpu,host=${host} value=${v} ${T0 + s}`;

test('.topic(): event state per id, collected count, topic level = highest event level', (t) => {
  const alerts = new AlertService({ logger: silent });
  const h = run(`stream|from().measurement('cpu').groupBy('host')|alert().warn(lambda: "value" > 10).crit(lambda: "value" > 20)
    .message('{{ .ID }} {{ .Level }} {{ index .Fields "value" }}').details('d').topic('ops')`, alerts, t);
  h.write([pt(15, 0, 'a'), pt(25, 1, 'b'), pt(5, 2, 'c'), pt(30, 3, 'a')], 's');
  // c stays OK (no event); a: WARNING then CRITICAL; b: CRITICAL → 3 events collected
  assert.deepEqual(alerts.topicState('ops'), { id: 'ops', level: 3, collected: 3 });
  const states = alerts.eventStates('ops', 0)!;
  // ids are the default {{ .Name }}:{{ .Group }} (SPEC 3.15)
  assert.deepEqual(states.map((s) => [s.id, s.level, s.message, s.details, s.time]), [
    ['cpu:host=a', 3, 'cpu:host=a CRITICAL 30', 'd', BigInt(T0 + 3) * 1_000_000_000n],
    ['cpu:host=b', 3, 'cpu:host=b CRITICAL 25', 'd', BigInt(T0 + 1) * 1_000_000_000n],
  ]);
  // duration: first triggered at 0 (WARNING), last at 3 → 3s
  assert.equal(alerts.eventState('ops', 'cpu:host=a')!.duration, 3_000_000_000n);
  assert.deepEqual(alerts.eventStates('ops', 3)!.length, 2);
  // no handlers in the script → no anonymous topic
  assert.equal(alerts.topicState('main:cpu_alert:alert3'), undefined);
  // recovery: the event's state becomes OK, the topic's level follows its highest event
  h.write([pt(1, 4, 'a'), pt(1, 5, 'b')], 's');
  assert.deepEqual(alerts.topicState('ops'), { id: 'ops', level: 0, collected: 5 });
});

test('handlers in the script collect into main:<task>:<node>; previousLevel is the level the topic had', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-topics-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'alerts.log');
  const alerts = new AlertService({ logger: silent });
  const h = run(`stream|from().measurement('cpu')|alert().warn(lambda: "value" > 10).crit(lambda: "value" > 20).noRecoveries().log('${log}')`, alerts, t);
  h.write([pt(25, 0), pt(5, 1), pt(15, 2)], 's');
  // CRITICAL; OK suppressed by noRecoveries (never reaches the topic); WARNING
  const recs = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(recs.map((r) => [r['level'], r['previousLevel'], r['recoverable'], r['time']]), [
    ['CRITICAL', 'OK', false, ts(0)],
    // Kapacitor takes previousLevel from the topic, which never saw the suppressed recovery
    ['WARNING', 'CRITICAL', false, ts(2)],
  ]);
  assert.deepEqual(alerts.topicState('main:cpu_alert:alert2'), { id: 'main:cpu_alert:alert2', level: 2, collected: 2 });
  // stopping the task closes its anonymous topic (state kept for the next start)
  h.stop();
  assert.equal(alerts.topicState('main:cpu_alert:alert2'), undefined);
});

test('.inhibit(category, tags) drops events of .category() alerts with the same tag values while not OK', (t) => {
  const alerts = new AlertService({ logger: silent });
  // alert2 (created first, so it sees each point first) inhibits category "system" for its host while CRITICAL
  const h = run(`var data = stream|from().measurement('cpu').groupBy('host')
data|alert().crit(lambda: "dead" == TRUE).inhibit('system', 'host').topic('dead')
data|alert().category('system').crit(lambda: "value" > 90).topic('cpu')`, alerts, t);
  const at = (s: number, host: string, dead: boolean, v: number): string => `cpu,host=${host} dead=${dead},value=${v} ${T0 + s}`;
  // separate writes: a parent hands each write's points to its children one child after the other
  h.write([at(0, 'a', true, 95), at(0, 'b', false, 95)], 's');
  h.write([at(1, 'a', false, 95)], 's');
  const st = h.task.stats()['node-stats'];
  // host a at 0: inhibited; host b: not (different host); host a at 1: alert2 recovered → no longer inhibited
  assert.equal(st['alert3']!['alerts_inhibited'], 1);
  assert.equal(st['alert3']!['alerts_triggered'], 2);
  assert.deepEqual(alerts.eventStates('cpu', 0)!.map((e) => [e.id, e.time]), [
    ['cpu:host=a', BigInt(T0 + 1) * 1_000_000_000n], ['cpu:host=b', BigInt(T0) * 1_000_000_000n]]);
});

test('a restarted task restores levels from the store: stateChangesOnly does not re-fire, the recovery does fire', (t) => {
  const store = new TaskStore(':memory:');
  t.after(() => store.close());
  const persistence = new SqliteAlertStore(store.database);
  const script = `stream|from().measurement('cpu').groupBy('host')|alert().crit(lambda: "value" > 20).stateChangesOnly().topic('ops')`;
  const a1 = new AlertService({ logger: silent, persistence });
  a1.open();
  const h1 = run(script, a1, t);
  h1.write([pt(25, 0, 'a'), pt(26, 1, 'a')], 's');
  assert.equal(a1.topicState('ops')!.collected, 1);
  h1.stop();
  // a new service on the same store = a new process
  const a2 = new AlertService({ logger: silent, persistence });
  a2.open();
  assert.deepEqual(a2.topicState('ops'), { id: 'ops', level: 3, collected: 0 });
  const h2 = run(script, a2, t);
  h2.write([pt(27, 10, 'a')], 's');
  assert.equal(a2.topicState('ops')!.collected, 0, 'still CRITICAL: stateChangesOnly sends nothing');
  h2.write([pt(1, 11, 'a')], 's');
  assert.equal(a2.topicState('ops')!.collected, 1);
  const e = a2.eventState('ops', 'cpu:host=a')!;
  assert.equal(e.level, 0);
  // duration of the recovery: first triggered at the restored event's time (0) → 11s
  assert.equal(e.duration, 11_000_000_000n);
  // the recovery deleted the stored state (Kapacitor clears it on OK)
  assert.deepEqual(persistence.loadTopicEvents('ops'), []);
});
