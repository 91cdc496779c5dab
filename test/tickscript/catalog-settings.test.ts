// Typed node settings (issue 16): a node runtime receives its properties as a typed object derived from its catalog
// entry (tickscript/catalog/settings.ts), and no file in nodes/ reads a property by its name as a string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateScript, type EvaluateOptions } from '../../tickscript/index.ts';
import { settingsOf, STAR, udfOptionsOf, type AutoscaleSettings } from '../../tickscript/catalog/index.ts';
import type { PipelineNode } from '../../tickscript/pipeline.ts';

function node(script: string, kind: string): PipelineNode {
  const n = evaluateScript(script).nodes.find((x) => x.kind === kind);
  assert.ok(n, `no ${kind} node in ${script}`);
  return n;
}

test('flags are booleans, single values are the last call, defaults come from the catalog', () => {
  const s = settingsOf('derivative', node("stream|from()|derivative('v').as('a').as('b').nonNegative()", 'derivative'));
  assert.equal(s.as, 'b');
  assert.equal(s.nonNegative, true);
  assert.equal(s.unit, 1_000_000_000n); // pipeline/derivative.go: Unit defaults to 1s

  const unset = settingsOf('derivative', node("stream|from()|derivative('v').unit(2m)", 'derivative'));
  assert.equal(unset.as, undefined);
  assert.equal(unset.nonNegative, false);
  assert.equal(unset.unit, 120_000_000_000n);
});

test('variadic and repeatable properties keep every call in script order; * is kept apart from the string', () => {
  const e = settingsOf('eval', node("stream|from()|eval(lambda: 1, lambda: 2).as('a', 'b').keep('a')", 'eval'));
  assert.deepEqual(e.as, [['a', 'b']]);
  assert.deepEqual(e.keep, [['a']]);
  assert.deepEqual(e.tags, []);
  const g = settingsOf('groupBy', node("stream|from()|groupBy(*).exclude('a', 'b').exclude('c')", 'groupBy'));
  assert.deepEqual(g.exclude, [['a', 'b'], ['c']]);

  const f = settingsOf('from', node("stream|from().where(lambda: \"x\" > 1).where(lambda: \"y\" > 2).groupBy(*).measurement('m')", 'from'));
  assert.equal(f.where.length, 2, 'from.where() appends: both lambdas are kept');
  assert.deepEqual(f.groupBy, [[STAR]]);
  assert.equal(f.measurement, 'm');
  assert.equal(f.database, '');
});

test('a family spec serves every kind sharing its properties (InfluxQL functions)', () => {
  const s = settingsOf('influxqlFunction', node("stream|from()|mean('v').as('m').usePointTimes()", 'mean'));
  assert.equal(s.as, 'm');
  assert.equal(s.usePointTimes, true);
});

test('settings are checked against the catalog entry of the definition kind', () => {
  const w = node("stream|from()|window().period(1m)", 'window');
  assert.throws(() => settingsOf('derivative', w), /window\d+: settings of derivative do not describe \.period\(\) of window/);
  // a hand-built definition with a wrongly typed argument fails at construction, naming node and property
  const bad: PipelineNode = { ...w, calls: [{ method: 'period', args: [{ type: 'int', value: 5n }], pos: { line: 1, column: 1 } }] };
  assert.throws(() => settingsOf('window', bad), /window\d+: \.period\(\) expects a duration, got int/);
});

test('alert handlers: every call in script order, with its own typed properties chained after it', () => {
  const s = settingsOf('alert', node(
    "stream|from()|alert().post('http://a/').header('k', 'v').header('k2', 'v2').timeout(5s).slack().channel('#c')" +
    ".post().endpoint('ep').captureResponse().log('/tmp/x.log').mode(0644)", 'alert'));
  assert.equal(s.post.length, 2);
  const [p1, p2] = s.post;
  assert.deepEqual(p1!.args, ['http://a/']);
  assert.deepEqual(p1!.props.header, [['k', 'v'], ['k2', 'v2']]);
  assert.equal(p1!.props.timeout, 5_000_000_000n);
  assert.equal(p1!.props.captureResponse, false);
  assert.equal(p1!.props.endpoint, undefined);
  assert.deepEqual(p2!.args, []);
  assert.equal(p2!.props.endpoint, 'ep');
  assert.equal(p2!.props.captureResponse, true, 'a property belongs to the latest call of its handler');
  assert.deepEqual(s.slack.map((h) => [h.order, h.props.channel]), [[1, '#c']]);
  assert.deepEqual([p1!.order, p2!.order, s.log[0]!.order], [0, 2, 3], 'order runs over the handlers of every kind');
  assert.equal(s.log[0]!.props.mode, 0o644n);
  // where each property was set: a runtime names the line of one it does not implement
  assert.deepEqual(Object.keys(p1!.called).sort(), ['header', 'timeout']);
  assert.equal(s.slack[0]!.called.channel?.line, 1);
  assert.deepEqual(s.email, []);
  // @ts-expect-error: the slack handler has no property "chanel"
  assert.equal(s.slack[0]!.props.chanel, undefined);
  const mode: bigint | undefined = s.log[0]!.props.mode;
  const url: string | undefined = p1!.args[0];
  assert.deepEqual([mode, url], [0o644n, 'http://a/']);
});

test('a handler property with no preceding call of its handler is an error naming the node (hand-built definitions)', () => {
  const a = node("stream|from()|alert().crit(lambda: TRUE)", 'alert');
  const bad: PipelineNode = { ...a, calls: [...a.calls, { method: 'post.header', args: [{ type: 'string', value: 'k' }, { type: 'string', value: 'v' }], pos: { line: 3, column: 4 } }] };
  assert.throws(() => settingsOf('alert', bad), /alert\d+: \.header\(\) \(line 3\) is not a property of a preceding \.post\(\) handler/);
});

test('default and delete: every .field()/.tag() call; argument errors in the node\'s own words', () => {
  const d = settingsOf('default', node("stream|from()|default().field('a', 1).field('b', 'x').tag('t', 'v')", 'default'));
  assert.deepEqual(d.field, [['a', 1n], ['b', 'x']]);
  assert.deepEqual(d.tag, [['t', 'v']]);
  const del = settingsOf('delete', node("stream|from()|delete().field('a').field('b').tag('t')", 'delete'));
  assert.deepEqual(del.field, [['a'], ['b']], 'delete.go Field appends: every call counts');
  assert.deepEqual(del.tag, [['t']]);
  const n = node("stream|from()|default()", 'default');
  const withCall = (method: string, args: PipelineNode['calls'][number]['args']): PipelineNode =>
    ({ ...n, calls: [{ method, args, pos: { line: 1, column: 1 } }] });
  assert.throws(() => settingsOf('default', withCall('field', [{ type: 'string', value: 'x' }])), /default\d+: \.field\('x'\) needs a default value/);
  assert.throws(() => settingsOf('default', withCall('tag', [{ type: 'int', value: 1n }, { type: 'string', value: 'v' }])), /default\d+: \.tag\(\) expects a tag name/);
});

test('UDF options: a typed list in call order, repeats kept, from the options the agent\'s Info declared', () => {
  const opts: EvaluateOptions = { udfs: { movingAvg: { wants: 'stream', provides: 'stream', options: { field: ['string'], size: ['int'], scale: ['float', 'duration'] } } } };
  const u = evaluateScript("stream|from()@movingAvg().field('v').size(10).field('w').scale(1.5, 2s)", opts).nodes.find((x) => x.kind === 'udf')!;
  assert.deepEqual(udfOptionsOf(u), [
    { name: 'field', values: [{ type: 'string', value: 'v' }] }, { name: 'size', values: [{ type: 'int', value: 10n }] },
    { name: 'field', values: [{ type: 'string', value: 'w' }] },
    { name: 'scale', values: [{ type: 'float', value: 1.5 }, { type: 'duration', value: 2_000_000_000n }] },
  ]);
  const bad: PipelineNode = { ...u, calls: [{ method: 'field', args: [{ type: 'star' }], pos: { line: 1, column: 1 } }] };
  assert.throws(() => udfOptionsOf(bad), /movingAvg\d+: option \.field\(\): a star value cannot be sent to a UDF/);
});

test('autoscale: the three kinds share one typed family of settings (what their shared runtime reads)', () => {
  const k8s = settingsOf('k8sAutoscale', node("stream|from()|k8sAutoscale().resourceName('r').replicas(lambda: 2)", 'k8sAutoscale'));
  const kinds = [
    settingsOf('k8sAutoscale', node("stream|from()|k8sAutoscale().resourceName('r').replicas(lambda: 2).min(0).scaleUpLimit('50%', 1m).dryRun()", 'k8sAutoscale')),
    settingsOf('swarmAutoscale', node("stream|from()|swarmAutoscale().serviceName('s').replicas(lambda: 2).min(0).scaleUpLimit('50%', 1m).dryRun()", 'swarmAutoscale')),
    settingsOf('ec2Autoscale', node("stream|from()|ec2Autoscale().groupName('g').replicas(lambda: 2).min(0).scaleUpLimit('50%', 1m).dryRun()", 'ec2Autoscale')),
  ];
  for (const s of kinds) {
    const shared: AutoscaleSettings = s; // compile-time: each kind's settings include the family's
    assert.equal(shared.min, 0n);
    assert.equal(shared.max, 0n, 'family default');
    assert.equal(shared.increaseCooldown, 0n, 'family default');
    assert.deepEqual(shared.scaleUpLimit, [['50%', 60_000_000_000n]]);
    assert.equal(shared.dryRun, true);
    assert.ok(shared.replicas !== undefined);
  }
  const namespaceTag: string = k8s.namespaceTag; // k8s defaults stay its own: never undefined
  assert.equal(namespaceTag, 'namespace');
});

test('a misspelled property is a compile error (checked by npm run typecheck)', () => {
  const s = settingsOf('window', node('stream|from()|window().period(1m).every(10s)', 'window'));
  // @ts-expect-error: window has no property "perod"
  assert.equal(s.perod, undefined);
  const period: bigint = s.period; // defaulted in the catalog: never undefined
  assert.equal(period, 60_000_000_000n);
});

/**
 * the old accessors called with a property name (and wrappers named after them, such as `strProp(def, 'x', '')`),
 * reads of a spec's props by name, and walks over the raw calls
 */
const STRING_READ = /\b(?:\w*[pP]rop(?:Of)?|hasCall|lastCall|allCalls)(?:<[^>]*>)?\(\s*\w+\s*,\s*(?:['"`]|\w)|\.props\[|\.calls\b/;

test('the guard recognises every old way of reading a property by string', () => {
  for (const line of ["this.as = prop(d, 'as', f);", "prop<bigint>(d, 'tolerance', 0n)", "hasCall(d, 'usePointTimes')",
    'lastCall(d, method)', "allCalls(def, 'tag')", 'owner?.props[name]', 'for (const c of d.calls) {',
    "const cluster = strProp(def, 'cluster', '');", "propOf(def, 'tolerance', 'float')", 'initOptions(ctx.def.calls)']) {
    assert.ok(STRING_READ.test(line), line);
  }
  for (const line of ["const s = settingsOf('derivative', d);", 'this.as = s.as ?? f;', "plain(d.args[0])", 'for (const [k, v] of h.props.header) {',
    "const called = Object.entries(h.called);"]) {
    assert.ok(!STRING_READ.test(line), line);
  }
});

test('no node file reads a property by string (typed settings only)', () => {
  const dir = join(import.meta.dirname, '../../nodes');
  const offenders: string[] = [];
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!f.endsWith('.ts')) continue;
    const lines = readFileSync(join(dir, f), 'utf8').split('\n');
    const hits = lines.flatMap((l, i) => (STRING_READ.test(l) && !l.trimStart().startsWith('//') && !l.trimStart().startsWith('*') ? [`nodes/${f}:${i + 1}: ${l.trim()}`] : []));
    offenders.push(...hits);
  }
  assert.deepEqual(offenders, [], 'read properties through settingsOf(kind, def) (tickscript/catalog/index.ts)');
});
