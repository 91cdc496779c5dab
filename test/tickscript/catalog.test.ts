// Node validation at define time (SPEC 3.5, 3.9, 3.10, 3.13, 4.1) and catalog coverage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateScript, TickscriptError, CATALOG, nodeDefaults } from '../../tickscript/index.ts';

function msg(src: string): string {
  try {
    evaluateScript(src);
  } catch (e) {
    assert.ok(e instanceof TickscriptError);
    return e.kapacitorMessage;
  }
  return 'OK';
}

const K8S = "stream|from()|k8sAutoscale()";
const cases: [string, string, string][] = [
  ['eval .as count (SPEC 3.5)', "stream|from()|eval(lambda: 1, lambda: 2).as('a')",
    'must specify same number of expressions and .as() names: got 1 as names, and 2 expressions.'],
  ['eval ok', "stream|from()|eval(lambda: 1, lambda: 2).as('a', 'b')|log()", 'OK'],
  ['groupBy * and names (SPEC 3.9)', "stream|from()|groupBy(*, 'host')", "cannot group by both '*' and named dimensions."],
  ['groupBy empty string', "stream|from()|groupBy('')", 'dimensions cannot not be the empty string'],
  ['groupBy exclude needs *', "stream|from()|groupBy('host').exclude('a')", "exclude requires '*'"],
  ['groupBy * exclude ok', "stream|from()|groupBy(*).exclude('a')|log()", 'OK'],
  ['from groupBy rules', "stream|from().groupBy(*, 'x')", "cannot group by both '*' and named dimensions."],
  ['window needs a period (SPEC 3.10)', 'stream|from()|window()', 'window node must have either a non zero period or non zero period count'],
  ['window ok', 'stream|from()|window().period(10s).every(5s)|log()', 'OK'],
  ['window count ok', 'stream|from()|window().periodCount(10).everyCount(5)|log()', 'OK'],
  ['k8s: exactly one of name/tag (SPEC 4.1)', `${K8S}.replicas(lambda: 1)`, 'must specify exactly one of ResourceName or ResourceNameTag'],
  ['k8s: both name and tag', `${K8S}.resourceName('a').resourceNameTag('b').replicas(lambda: 1)`, 'must specify exactly one of ResourceName or ResourceNameTag'],
  ['k8s: invalid kind', `${K8S}.resourceName('a').kind('pods').replicas(lambda: 1)`,
    "invalid Kind, must be 'deployments', 'replicasets' or 'replicationcontrollers', got pods"],
  ['k8s: min >= 0', `${K8S}.resourceName('a').min(-1).replicas(lambda: 1)`, 'min must be >= 0 (0 scales to zero), got -1'],
  ['k8s: replicas required', `${K8S}.resourceName('a')`, 'must provide a replicas lambda expression'],
  // tickstream's policies (docs/autoscale.md): bad values are define-time errors naming the property
  ['k8s: negative cooldown', `${K8S}.resourceName('a').increaseCooldown(-1s).replicas(lambda: 1)`, 'increaseCooldown must be >= 0s, got -1s'],
  ['k8s: zero cooldown ok', `${K8S}.resourceName('a').increaseCooldown(0s).decreaseCooldown(0s).replicas(lambda: 1)`, 'OK'],
  ['k8s: tolerance range', `${K8S}.resourceName('a').tolerance(1.5).replicas(lambda: 1)`,
    'tolerance must be >= 0 and < 1 (a fraction of the current replicas, e.g. 0.1), got 1.5'],
  ['k8s: rate limit percent', `${K8S}.resourceName('a').scaleUpLimit('100%', 1m).scaleDownLimit(2, 30s).replicas(lambda: 1)`, 'OK'],
  ['k8s: rate limit bad amount', `${K8S}.resourceName('a').scaleUpLimit('lots', 1m).replicas(lambda: 1)`,
    "scaleUpLimit: expected a number of pods (int) or a percentage such as '100%', got 'lots'"],
  ['k8s: rate limit needs a period > 0', `${K8S}.resourceName('a').scaleDownLimit(1, 0s).replicas(lambda: 1)`, 'scaleDownLimit: the period must be > 0'],
  ['k8s: stabilization ok', `${K8S}.resourceName('a').scaleUpStabilization(1m).scaleDownStabilization(5m).replicas(lambda: 1)`, 'OK'],
  ['k8s: activation needs min 0', `${K8S}.resourceName('a').activation(lambda: TRUE).replicas(lambda: 1)`,
    'activation decides between 0 and 1+ replicas: it needs .min(0)'],
  ['k8s: scale to zero ok', `${K8S}.resourceName('a').min(0).activation(lambda: "q" > 5).dryRun().replicas(lambda: 1)`, 'OK'],
  ['k8s: statefulsets accepted (project decision)', `${K8S}.resourceName('a').kind('statefulsets').replicas(lambda: 1)`, 'OK'],
  ['k8s: replicationcontroller accepted', `${K8S}.resourceName('a').kind('replicationcontroller').replicas(lambda: 1)`, 'OK'],
  ['httpPost: url or endpoint (SPEC 3.13)', 'stream|from()|httpPost()', 'must provide url or endpoint'],
  ['httpPost: not both', "stream|from()|httpPost('http://a').endpoint('e')", 'only one endpoint and url may be specified'],
  ['httpPost: no Authenticate header', "stream|from()|httpPost('http://a').header('Authenticate', 'x')", "cannot set 'authenticate' header"],
  ['httpPost ok', "stream|from()|httpPost('http://a').header('X', 'y')|log()", 'OK'],
  ['log level', "stream|from()|log().level('LOUD')", 'invalid log level LOUD'],
  ['barrier needs idle or period', 'stream|from()|barrier()', 'barrier node must have either a non zero idle or a non zero period'],
  ['barrier not both', 'stream|from()|barrier().idle(1s).period(1s)', 'barrier node cannot have both idle and period'],
  ['alert flapping thresholds', 'stream|from()|alert().flapping(0.5, 0.25)', 'alert flap low threshold must be less than high threshold, got low 0.5 high 0.25'],
  ['influxDBOut has no children', "stream|from()|influxDBOut()|log()", 'line 1 char 29: no method or property "log" on *pipeline.InfluxDBOutNode'],
  ['sample with int or duration', 'stream|from()|sample(10s)|sample(3)|log()', 'OK'],
  ['sample rejects strings', "stream|from()|sample('x')", 'line 1 char 15: error calling func "sample" on obj *pipeline.FromNode: argument 1 must be int64 or time.Duration, got string'],
];
for (const [name, src, want] of cases) {
  test(`validate: ${name}`, () => assert.equal(msg(src), want));
}

test('catalog covers every Kapacitor 1.8 node type of the brief', () => {
  const kinds = ['stream', 'batch', 'from', 'query', 'where', 'eval', 'groupBy', 'window', 'derivative', 'difference',
    'movingAverage', 'cumulativeSum', 'elapsed', 'count', 'distinct', 'mean', 'median', 'mode', 'spread', 'sum', 'first',
    'last', 'min', 'max', 'stddev', 'percentile', 'top', 'bottom', 'holtWinters', 'holtWintersWithFit', 'httpOut',
    'httpPost', 'influxDBOut', 'alert', 'log', 'default', 'delete', 'shift', 'sample', 'stats', 'barrier', 'k8sAutoscale',
    'swarmAutoscale', 'ec2Autoscale', 'union', 'join', 'combine', 'flatten', 'changeDetect', 'stateDuration',
    'stateCount', 'sideload', 'trickle', 'noOp', 'kapacitorLoopback'];
  for (const k of kinds) assert.ok(CATALOG.has(k), k);
});

test('defaults for runtimes (SPEC 4.1, 3.8)', () => {
  assert.equal(nodeDefaults('k8sAutoscale').min, 1n);
  assert.equal(nodeDefaults('k8sAutoscale').namespaceTag, 'namespace');
  assert.equal(nodeDefaults('derivative').unit, 1000000000n);
  assert.equal(nodeDefaults('movingAverage').as, 'movingAverage');
});
