// Script evaluation → Pipeline (SPEC 1.6, 2.2, 2.7, 3.2, 7.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluateScript, TickscriptError } from '../../tickscript/index.ts';
import { lastCall, prop, hasCall, type Pipeline } from '../../tickscript/pipeline.ts';

const seedPath = fileURLToPath(new URL('../../../shared/seed/autoscale.tick', import.meta.url));

function evalError(src: string, opts?: Parameters<typeof evaluateScript>[1]): TickscriptError {
  try {
    evaluateScript(src, opts);
  } catch (e) {
    assert.ok(e instanceof TickscriptError, `expected TickscriptError, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected an error for ${src}`);
}

test('seed script → the 7-node pipeline of SPEC 1.6', { skip: !existsSync(seedPath) && 'seed absent' }, () => {
  const p = evaluateScript(readFileSync(seedPath, 'utf8'));
  assert.equal(p.type, 'stream');
  // SPEC 1.6: names stream0, from1, derivative2, groupby3, sum4, movingAverage5, k8s_autoscale6
  assert.deepEqual(p.nodes.map((n) => n.name), ['stream0', 'from1', 'derivative2', 'groupby3', 'sum4', 'movingAverage5', 'k8s_autoscale6']);
  assert.deepEqual(p.nodes.map((n) => n.id), [0, 1, 2, 3, 4, 5, 6]);
  for (let i = 1; i < 7; i++) {
    assert.deepEqual(p.nodes[i]!.parents, [i - 1]);
    assert.deepEqual(p.nodes[i - 1]!.children, [i]);
  }
  // SPEC 3.2: all stream edges; sum provides stream; k8sAutoscale provides stream
  for (const n of p.nodes) assert.deepEqual([n.wants, n.provides], ['stream', 'stream'], n.name);
  const [, from, der, gb, sum, ma, k8s] = p.nodes as Pipeline['nodes'] & unknown[];
  assert.equal(prop(from!, 'measurement', ''), 'requests');
  assert.deepEqual(lastCall(from!, 'groupBy'), [{ type: 'string', value: 'host' }, { type: 'string', value: 'replicaset' }]);
  assert.deepEqual(lastCall(from!, 'truncate'), [{ type: 'duration', value: 1000000000n }]);
  assert.deepEqual(der!.args, [{ type: 'string', value: 'value' }]);
  assert.equal(prop(der!, 'as', ''), 'requests_per_second');
  assert.equal(prop(der!, 'unit', 0n), 1000000000n);
  assert.ok(hasCall(der!, 'nonNegative'));
  assert.deepEqual(gb!.args, [{ type: 'string', value: 'replicaset' }]);
  assert.equal(prop(sum!, 'as', ''), 'total_requests_per_second');
  // moving_avg_count var inlined as int 60
  assert.deepEqual(ma!.args, [{ type: 'string', value: 'total_requests_per_second' }, { type: 'int', value: 60n }]);
  assert.equal(prop(k8s!, 'kind', ''), 'replicasets');
  assert.equal(prop(k8s!, 'resourceNameTag', ''), 'replicaset');
  assert.equal(prop(k8s!, 'increaseCooldown', 0n), 60000000000n);
  assert.equal(prop(k8s!, 'decreaseCooldown', 0n), 120000000000n);
  const replicas = lastCall(k8s!, 'replicas')![0]!;
  assert.equal(replicas.type, 'lambda');
  // vars (SPEC 1.6): target float 100.0, cooldowns durations, moving_avg_count int 60
  assert.deepEqual(p.vars.target, { type: 'float', value: { type: 'float', value: 100 }, description: 'Target is the desired number of requests per second per host.' });
  assert.equal(p.vars.moving_avg_count!.value!.type, 'int');
  // a multi-line comment becomes one description (lines joined by a space)
  assert.equal(p.vars.moving_avg_count!.description,
    'Moving_avg_count is the number of points to use in a moving average as input to the k8sAutoscale node. Points arrive at one per second.');
  assert.equal(p.vars.increase_cooldown!.value!.type, 'duration');
});

test('task vars override declared defaults, type-checked (SPEC 2.2)', () => {
  const src = "var n = 10\nstream|from()|movingAverage('x', n)";
  const p = evaluateScript(src, { vars: { n: { type: 'int', value: 3n } } });
  assert.deepEqual(p.nodes[2]!.args[1], { type: 'int', value: 3n });
  assert.equal(evalError(src, { vars: { n: { type: 'float', value: 3 } } }).kapacitorMessage, 'invalid type supplied for n, got float exp int');
});

test('typed declarations: missing value, zero values for templates, invalid type', () => {
  const src = "var field string\nvar limit float\nstream|from()|where(lambda: \"v\" > limit)|httpOut(field)";
  assert.equal(evalError(src).kapacitorMessage, 'missing value for var "field".');
  const p = evaluateScript(src, { allowMissingVars: true });
  assert.deepEqual(p.nodes[3]!.args, [{ type: 'string', value: '' }]);
  assert.equal(p.vars.field!.value, undefined);
  const q = evaluateScript(src, { vars: { field: { type: 'string', value: 'out' }, limit: { type: 'float', value: 2 } } });
  assert.deepEqual(q.nodes[3]!.args, [{ type: 'string', value: 'out' }]);
  assert.equal(evalError('var x foo\nstream|from()|log()').kapacitorMessage, 'invalid var type "foo"');
  assert.equal(evalError('var x int\nstream|from()|log()', { vars: { x: { type: 'string', value: 'a' } } }).kapacitorMessage,
    'invalid type supplied for x, got string exp int');
});

test('vars are immutable', () => {
  assert.equal(evalError('var a = 1\nvar a = 2\nstream|from()|log()').kapacitorMessage, 'attempted to redefine a, vars are immutable');
});

test('undefined names list the names in scope', () => {
  assert.equal(evalError('var a = 1\nstream|from()|movingAverage(\'x\', b)').kapacitorMessage,
    'name "b" is undefined. Names in scope: a,stream,time');
});

test('task does nothing when only the source node exists (SPEC 2.7)', () => {
  assert.equal(evalError('stream').kapacitorMessage, 'task does nothing');
  assert.equal(evalError('var x = 5').kapacitorMessage, 'task does nothing');
});

test('leniency: bare identifiers and literals evaluate to nothing', () => {
  const p = evaluateScript("var x = 1.5s\nstream|from()|log()");
  assert.deepEqual(p.vars.x, { type: 'float', value: { type: 'float', value: 1.5 }, description: '' });
});

test('property method names: first letter case-insensitive', () => {
  const p = evaluateScript("stream|from().Measurement('m')|k8sAutoscale().Kind('deployments').resourceName('a').replicas(lambda: 1)");
  assert.equal(p.nodes[1]!.calls[0]!.method, 'measurement');
  assert.equal(p.nodes[2]!.calls[0]!.method, 'kind');
});

test('a single list argument is spread (SPEC 2.2)', () => {
  const p = evaluateScript("var tags = ['host', 'dc']\nstream|from()|groupBy(tags)|log()");
  assert.deepEqual(p.nodes[2]!.args, [{ type: 'string', value: 'host' }, { type: 'string', value: 'dc' }]);
});

test('vars are inlined into lambdas (SPEC 2.4)', () => {
  const p = evaluateScript("var t = 100.0\nvar l = lambda: \"a\" > t\nstream|from()|where(lambda: l AND \"b\" < t)|log()");
  const w = p.nodes[2]!;
  assert.equal(w.args[0]!.type, 'lambda');
  const src = JSON.stringify(w.args[0], (_k, v) => (typeof v === 'bigint' ? String(v) : v));
  assert.ok(!src.includes('"ident"'), 'no identifiers left in the lambda');
});

test('dbrp statements and batch type inference', () => {
  const p = evaluateScript('dbrp "telegraf"."autogen"\nbatch|query(\'SELECT mean(usage) FROM cpu\').period(1m).every(1m).groupBy(time(1m), \'host\')|httpOut(\'x\')');
  assert.equal(p.type, 'batch');
  assert.deepEqual(p.dbrps, [{ db: 'telegraf', rp: 'autogen' }]);
  assert.deepEqual(p.nodes.map((n) => n.name), ['batch0', 'query1', 'http_out2']);
  assert.deepEqual(lastCall(p.nodes[1]!, 'groupBy'), [{ type: 'timeDimension', value: 60000000000n }, { type: 'string', value: 'host' }]);
  assert.deepEqual([p.nodes[1]!.wants, p.nodes[1]!.provides], ['batch', 'batch']);
});

test('node names use Kapacitor desc strings (SPEC 7.1)', () => {
  const p = evaluateScript(`stream|from()
    |where(lambda: TRUE)|eval(lambda: 1).as('a')|window().period(1m)|mean('a')|httpOut('x')|httpPost('http://h')
    |alert().crit(lambda: TRUE)|log()|default()|delete()|shift(1s)|sample(2)|barrier().idle(1s)
    |stateDuration(lambda: TRUE)|stateCount(lambda: TRUE)|changeDetect('a')|flatten()|noOp()|cumulativeSum('a')
    |swarmAutoscale().serviceName('s').replicas(lambda: 1)|ec2Autoscale().groupName('g').replicas(lambda: 1)
    |influxDBOut().database('d')`);
  assert.deepEqual(p.nodes.map((n) => n.name), [
    'stream0', 'from1', 'where2', 'eval3', 'window4', 'mean5', 'http_out6', 'http_post7', 'alert8', 'log9', 'default10',
    'delete11', 'shift12', 'sample13', 'barrier14', 'state_duration15', 'state_count16', 'changeDetect17', 'flatten18',
    'noop19', 'cumulativeSum20', 'swarm_autoscale21', 'ec2_autoscale22', 'influxdb_out23']);
  // SPEC 3.2 edges: window stream→batch, mean batch→stream, influxDBOut provides none
  assert.deepEqual([p.nodes[4]!.wants, p.nodes[4]!.provides], ['stream', 'batch']);
  assert.deepEqual([p.nodes[5]!.wants, p.nodes[5]!.provides], ['batch', 'stream']);
  assert.equal(p.nodes[23]!.provides, 'noedge');
});

test('edge rules: window needs a stream edge, trickle a batch edge (SPEC 3.2)', () => {
  assert.equal(evalError("stream|from()|window().period(1m)|window().period(1m)").kapacitorMessage, 'line 1 char 35: cannot Window batch edge');
  assert.match(evalError('stream|from()|trickle()').kapacitorMessage, /cannot add child mismatched edges: from1:stream -> trickle2:batch/);
  const p = evaluateScript("stream|from()|window().period(1m)|top(2, 'v')|trickle()|log()");
  assert.deepEqual(p.nodes.map((n) => `${n.wants}>${n.provides}`), ['stream>stream', 'stream>stream', 'stream>batch', 'batch>batch', 'batch>stream', 'stream>stream']);
});

test('stream offers only from (SPEC 3.1)', () => {
  const e = evalError('stream|window()');
  assert.equal(e.kapacitorMessage, 'line 1 char 8: no method or property "window" on *pipeline.StreamNode');
  assert.equal(e.hint, 'select the data first: stream|from()|window(…)');
});

test('unknown methods: message with position and a did-you-mean hint', () => {
  const e = evalError("stream\n    |from()\n        .gropBy('host')");
  assert.equal(e.kapacitorMessage, 'line 3 char 10: no method or property "gropBy" on *pipeline.FromNode');
  assert.equal(e.hint, 'did you mean "groupBy"?');
  assert.equal(e.line, 3);
});

test('chaining vs property messages (SPEC 2.7)', () => {
  assert.equal(evalError("stream|from()|measurement('x')").kapacitorMessage,
    "line 1 char 15: no chaining method \"measurement\" on *pipeline.FromNode, but property does exist. Use '.' operator instead: 'node.measurement(..)'.");
  assert.equal(evalError("stream|from().derivative('x')").kapacitorMessage,
    "line 1 char 15: no property method \"derivative\" on *pipeline.FromNode, but chaining method does exist. Use '|' operator instead: 'node|derivative(..)'.");
});

test('argument type errors (SPEC 2.7)', () => {
  assert.equal(evalError("stream|from()|derivative('v').unit(1)").kapacitorMessage,
    'line 1 char 31: error calling func "unit" on obj *pipeline.DerivativeNode: reflect.Set: value of type int64 is not assignable to type time.Duration');
  const q = evalError('stream|from().measurement("requests")|log()');
  assert.equal(q.kapacitorMessage, 'line 1 char 15: cannot assign *ast.ReferenceNode to type string, did you use double quotes instead of single quotes?');
  assert.match(evalError('stream|from()|derivative(1)').kapacitorMessage, /error calling func "derivative" on obj \*pipeline.FromNode: reflect: Call using int64 as type string/);
  assert.match(evalError('stream|from()|derivative()').kapacitorMessage, /reflect: Call with too few input arguments/);
});

test('int literals are accepted where floats are expected', () => {
  const p = evaluateScript("stream|from()|window().period(1m)|percentile('v', 90)|log()");
  assert.deepEqual(p.nodes[3]!.args[1], { type: 'float', value: 90 });
});

test('constant expressions at script level: shift(-5m)', () => {
  const p = evaluateScript('stream|from()|shift(-5m)|log()');
  assert.deepEqual(p.nodes[2]!.args, [{ type: 'duration', value: -300000000000n }]);
});

test('alert handlers: handler properties are recorded as <handler>.<prop>', () => {
  const p = evaluateScript("stream|from()|alert().crit(lambda: TRUE).post('http://a').header('k', 'v').log('/tmp/a.log').message('m')");
  assert.deepEqual(p.nodes[2]!.calls.map((c) => c.method), ['crit', 'post', 'post.header', 'log', 'message']);
  assert.match(evalError("stream|from()|alert().log('rel.log')").kapacitorMessage, /must be absolute/);
});

test('union and join take other nodes as parents', () => {
  const p = evaluateScript(`var a = stream|from().measurement('a')
var b = stream|from().measurement('b')
a|join(b).as('a', 'b')|log()`);
  assert.deepEqual(p.nodes.map((n) => n.name), ['stream0', 'from1', 'from2', 'join3', 'log4']);
  assert.deepEqual(p.nodes[3]!.parents, [1, 2]);
  assert.deepEqual(p.nodes[2]!.children, [3]);
});

test('deadman = stats + derivative + alert (SPEC 3.16)', () => {
  const p = evaluateScript("stream|from().measurement('m')|deadman(10.0, 1m)");
  assert.deepEqual(p.nodes.map((n) => n.name), ['stream0', 'from1', 'stats2', 'derivative3', 'alert4']);
  assert.equal(p.nodes[2]!.watches, 1);
  assert.deepEqual(p.nodes[2]!.parents, []);
});

test('UDFs: @name() needs a configured UDF', () => {
  assert.match(evalError('stream|from()@myudf()').kapacitorMessage, /no UDF named "myudf"/);
  const p = evaluateScript("stream|from()@myudf().field('x')|log()", {
    udfs: { myudf: { wants: 'stream', provides: 'stream', options: { field: ['string'] } } },
  });
  assert.deepEqual(p.nodes.map((n) => n.name), ['stream0', 'from1', 'myudf2', 'log3']);
});
