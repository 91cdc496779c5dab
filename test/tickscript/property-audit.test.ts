// A systematic audit of TICKscript properties against Kapacitor 1.8 (issue 13). The two tables below are our own
// record of Kapacitor's pipeline package, written down from a reading of pipeline/*.go and of how tick/eval.go
// finds properties: a node's properties are its `tick:"Name"` struct tags (property methods) and its other
// exported struct fields (set by reflection), its embedded structs' included (every node embeds node.go's `node`,
// whose QuietFlag is `tick:"Quiet"`); names are written as a script calls them (Go's name with the first letter
// lower-cased: `URLs` → `uRLs`). An alert handler's own properties are its struct's (every handler embeds
// *AlertNodeData, so the alert's other properties stay callable on it; one of the handler's own shadows the alert's
// of the same name, e.g. OpsGenieHandler's `teams` or ZenossHandler's `message`).
//
// Every property is either implemented by our catalog (tickscript/catalog/) or rejected at define time with
// Kapacitor's unknown-property error, and the rejected ones are listed here by name: most are fields that
// Kapacitor sets from the node's own arguments (`where(lambda)` → `Lambda`), reachable as a property only by
// accident of reflection. Our catalog's properties that Kapacitor does not have are listed as extensions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOG, CHAIN_METHODS, chainMethodsOf } from '../../tickscript/catalog/index.ts';
import { evaluateScript } from '../../tickscript/index.ts';

/** TICKscript kind → [Go type, its properties] (Kapacitor 1.8, pipeline/*.go). */
const NODES: Record<string, readonly [string, string]> = {
  alert: ['*pipeline.AlertNode', 'alerta all bigPanda category crit critReset details discord durationField email exec flapHigh flapLow flapping hipChat history id idField idTag info infoReset inhibit kafka levelField levelTag log message messageField mqtt noRecoveries opsGenie opsGenie2 pagerDuty pagerDuty2 post pushover quiet sensu serviceNow slack snmpTrap stateChangesOnly stateChangesOnlyDuration talk tcp teams telegram topic victorOps warn warnReset zenoss'],
  barrier: ['*pipeline.BarrierNode', 'delete idle period quiet'],
  batch: ['*pipeline.BatchNode', 'quiet'],
  bottom: ['*pipeline.InfluxQLNode', 'args as field method quiet reduceCreater reducer usePointTimes'],
  changeDetect: ['*pipeline.ChangeDetectNode', 'fields quiet'],
  combine: ['*pipeline.CombineNode', 'as delimiter lambdas max quiet tolerance'],
  count: ['*pipeline.InfluxQLNode', 'args as field method quiet reduceCreater reducer usePointTimes'],
  cumulativeSum: ['*pipeline.InfluxQLNode', 'args as field method quiet reduceCreater reducer usePointTimes'],
  deadman: ['*pipeline.AlertNode', 'alerta all bigPanda category crit critReset details discord durationField email exec flapHigh flapLow flapping hipChat history id idField idTag info infoReset inhibit kafka levelField levelTag log message messageField mqtt noRecoveries opsGenie opsGenie2 pagerDuty pagerDuty2 post pushover quiet sensu serviceNow slack snmpTrap stateChangesOnly stateChangesOnlyDuration talk tcp teams telegram topic victorOps warn warnReset zenoss'],
  default: ['*pipeline.DefaultNode', 'field quiet tag'],
  delete: ['*pipeline.DeleteNode', 'field quiet tag'],
  derivative: ['*pipeline.DerivativeNode', 'as field nonNegative quiet unit'],
  difference: ['*pipeline.InfluxQLNode', 'args as field method quiet reduceCreater reducer usePointTimes'],
  distinct: ['*pipeline.InfluxQLNode', 'args as field method quiet reduceCreater reducer usePointTimes'],
  ec2Autoscale: ['*pipeline.Ec2AutoscaleNode', 'cluster currentField decreaseCooldown groupName groupNameTag increaseCooldown max min outputGroupNameTag quiet replicas'],
  elapsed: ['*pipeline.InfluxQLNode', 'args as field method quiet reduceCreater reducer usePointTimes'],
  eval: ['*pipeline.EvalNode', 'as keep keepList lambdas quiet tags'],
  first: ['*pipeline.InfluxQLNode', 'args as field method quiet reduceCreater reducer usePointTimes'],
  flatten: ['*pipeline.FlattenNode', 'delimiter dropOriginalFieldName on quiet tolerance'],
  from: ['*pipeline.FromNode', 'database groupBy groupByMeasurement measurement quiet retentionPolicy round truncate where'],
  groupBy: ['*pipeline.GroupByNode', 'byMeasurement dimensions exclude quiet'],
  holtWinters: ['*pipeline.InfluxQLNode', 'args as field method quiet reduceCreater reducer usePointTimes'],
  holtWintersWithFit: ['*pipeline.InfluxQLNode', 'args as field method quiet reduceCreater reducer usePointTimes'],
  httpOut: ['*pipeline.HTTPOutNode', 'endpoint quiet'],
  httpPost: ['*pipeline.HTTPPostNode', 'captureResponse codeField endpoint header quiet timeout uRLs'],
  influxDBOut: ['*pipeline.InfluxDBOutNode', 'buffer cluster create database flushInterval measurement precision quiet retentionPolicy tag writeConsistency'],
  join: ['*pipeline.JoinNode', 'as deleteAll delimiter fill on quiet streamName tolerance'],
  k8sAutoscale: ['*pipeline.K8sAutoscaleNode', 'cluster currentField decreaseCooldown increaseCooldown kind kindTag max min namespace namespaceTag quiet replicas resourceName resourceNameTag resourceTag'],
  kapacitorLoopback: ['*pipeline.KapacitorLoopbackNode', 'database measurement quiet retentionPolicy tag'],
  last: ['*pipeline.InfluxQLNode', 'args as field method quiet reduceCreater reducer usePointTimes'],
  log: ['*pipeline.LogNode', 'level prefix quiet'],
  max: ['*pipeline.InfluxQLNode', 'args as field method quiet reduceCreater reducer usePointTimes'],
  mean: ['*pipeline.InfluxQLNode', 'args as field method quiet reduceCreater reducer usePointTimes'],
  median: ['*pipeline.InfluxQLNode', 'args as field method quiet reduceCreater reducer usePointTimes'],
  min: ['*pipeline.InfluxQLNode', 'args as field method quiet reduceCreater reducer usePointTimes'],
  mode: ['*pipeline.InfluxQLNode', 'args as field method quiet reduceCreater reducer usePointTimes'],
  movingAverage: ['*pipeline.InfluxQLNode', 'args as field method quiet reduceCreater reducer usePointTimes'],
  percentile: ['*pipeline.InfluxQLNode', 'args as field method quiet reduceCreater reducer usePointTimes'],
  query: ['*pipeline.QueryNode', 'align alignGroup cluster cron every fill groupBy groupByMeasurement offset period queryStr quiet'],
  queryFlux: ['*pipeline.QueryFluxNode', 'align cluster cron every offset org orgID period queryStr quiet'],
  sample: ['*pipeline.SampleNode', 'duration n quiet'],
  shift: ['*pipeline.ShiftNode', 'quiet shift'],
  sideload: ['*pipeline.SideloadNode', 'field order quiet source tag'],
  spread: ['*pipeline.InfluxQLNode', 'args as field method quiet reduceCreater reducer usePointTimes'],
  stateCount: ['*pipeline.StateCountNode', 'as lambda quiet'],
  stateDuration: ['*pipeline.StateDurationNode', 'as lambda quiet unit'],
  stats: ['*pipeline.StatsNode', 'align interval quiet sourceNode'],
  stddev: ['*pipeline.InfluxQLNode', 'args as field method quiet reduceCreater reducer usePointTimes'],
  stream: ['*pipeline.StreamNode', 'quiet'],
  sum: ['*pipeline.InfluxQLNode', 'args as field method quiet reduceCreater reducer usePointTimes'],
  swarmAutoscale: ['*pipeline.SwarmAutoscaleNode', 'cluster currentField decreaseCooldown increaseCooldown max min outputServiceNameTag quiet replicas serviceName serviceNameTag'],
  top: ['*pipeline.InfluxQLNode', 'args as field method quiet reduceCreater reducer usePointTimes'],
  trickle: ['*pipeline.TrickleNode', 'quiet'],
  union: ['*pipeline.UnionNode', 'quiet rename'],
  where: ['*pipeline.WhereNode', 'lambda quiet'],
  window: ['*pipeline.WindowNode', 'align every everyCount fillPeriod period periodCount quiet'],
};

/** alert handler property → [Go type, the handler's own properties] (pipeline/alert.go). */
const HANDLERS: Record<string, readonly [string, string]> = {
  alerta: ['*pipeline.AlertaHandler', 'attribute correlated environment event group origin resource services timeout token value'],
  bigPanda: ['*pipeline.BigPandaHandler', 'appKey attribute host primaryProperty secondaryProperty'],
  discord: ['*pipeline.DiscordHandler', 'avatarURL embedTitle username workspace'],
  email: ['*pipeline.EmailHandler', 'to toTemplates'],
  exec: ['*pipeline.ExecHandler', 'command'],
  hipChat: ['*pipeline.HipChatHandler', 'room token'],
  kafka: ['*pipeline.KafkaHandler', 'cluster disablePartitionById kafkaTopic partitionHashAlgorithm template'],
  log: ['*pipeline.LogHandler', 'filePath mode'],
  mqtt: ['*pipeline.MQTTHandler', 'brokerName qos retained'],
  opsGenie: ['*pipeline.OpsGenieHandler', 'recipients teams'],
  opsGenie2: ['*pipeline.OpsGenie2Handler', 'recipients recoveryAction teams'],
  pagerDuty: ['*pipeline.PagerDutyHandler', 'serviceKey'],
  pagerDuty2: ['*pipeline.PagerDuty2Handler', 'link routingKey serviceKey'],
  post: ['*pipeline.AlertHTTPPostHandler', 'captureResponse endpoint header skipSSLVerification timeout uRL'],
  pushover: ['*pipeline.PushoverHandler', 'device sound title uRL uRLTitle userKey'],
  sensu: ['*pipeline.SensuHandler', 'handlers metadata source'],
  serviceNow: ['*pipeline.ServiceNowHandler', 'additionalInfo messageKey metricName node password resource source type uRL username'],
  slack: ['*pipeline.SlackHandler', 'channel iconEmoji username workspace'],
  snmpTrap: ['*pipeline.SNMPTrapHandler', 'data trapOid'],
  talk: ['*pipeline.TalkHandler', ''],
  tcp: ['*pipeline.TcpHandler', 'address'],
  teams: ['*pipeline.TeamsHandler', 'channelURL'],
  telegram: ['*pipeline.TelegramHandler', 'chatId disableNotification disableWebPagePreview parseMode'],
  victorOps: ['*pipeline.VictorOpsHandler', 'routingKey'],
  zenoss: ['*pipeline.ZenossHandler', 'action collector component customField device eventClass eventClassKey message method password summary tid type uRL username'],
};

const INFLUXQL_FIELDS = 'args field method reduceCreater reducer';
/** Kapacitor properties tickstream rejects (Kapacitor's `no method or property "p" on *pipeline.X`). */
const REJECTED: Record<string, string> = {
  // the alert's Flapping(low, high) sets these two; StateChangesOnly(d) sets the duration
  alert: 'flapHigh flapLow stateChangesOnlyDuration',
  // set from the chaining method's arguments (`mean('x')`: Field, Method, Reducer…)
  ...Object.fromEntries(['bottom', 'count', 'cumulativeSum', 'difference', 'distinct', 'elapsed', 'first', 'holtWinters',
    'holtWintersWithFit', 'last', 'max', 'mean', 'median', 'min', 'mode', 'movingAverage', 'percentile', 'spread',
    'stddev', 'sum', 'top'].map((k) => [k, INFLUXQL_FIELDS])),
  changeDetect: 'fields', combine: 'lambdas', derivative: 'field', eval: 'keepList lambdas', groupBy: 'dimensions',
  httpOut: 'endpoint', httpPost: 'uRLs', query: 'queryStr', sample: 'duration n', shift: 'shift',
  stateCount: 'lambda', stateDuration: 'lambda', where: 'lambda', stats: 'interval sourceNode',
};

/** Handler properties tickstream rejects (mostly set from the handler's arguments, e.g. `.tcp(address)`). */
const REJECTED_HANDLER: Record<string, string> = {
  exec: 'command', log: 'filePath', opsGenie2: 'recoveryAction', pagerDuty2: 'serviceKey', post: 'uRL',
  snmpTrap: 'trapOid', tcp: 'address',
  // the [zenoss] section's url and credentials apply; per-handler ones are not supported
  zenoss: 'password uRL username',
};

/** Nodes Kapacitor 1.8 has that tickstream does not (Flux queries need InfluxDB 2). */
const REJECTED_NODES = ['queryFlux'];

/** tickstream's properties beyond Kapacitor's (docs/autoscale.md policies, httpPost TLS). */
const POLICIES = 'tolerance scaleUpStabilization scaleDownStabilization scaleUpLimit scaleDownLimit activation dryRun';
const EXTENSIONS: Record<string, string> = {
  httpPost: 'skipSSLVerification', k8sAutoscale: POLICIES, swarmAutoscale: POLICIES, ec2Autoscale: POLICIES,
};

const words = (s: string | undefined): string[] => (s ?? '').split(' ').filter(Boolean);

/** A script that creates a node of `kind` (valid arguments), for calling one more property on it. */
function creating(kind: string): string {
  const args: Record<string, string> = {
    top: "1, 'x'", bottom: "1, 'x'", percentile: "'x', 50.0", holtWinters: "'x', 1, 1, 1s", holtWintersWithFit: "'x', 1, 1, 1s",
    movingAverage: "'x', 2", elapsed: "'x', 1s", changeDetect: "'x'", combine: 'lambda: TRUE', derivative: "'x'", eval: 'lambda: 1',
    groupBy: "'x'", httpOut: "'x'", httpPost: "'http://127.0.0.1:1'", sample: '2', shift: '1s', stateCount: 'lambda: TRUE',
    stateDuration: 'lambda: TRUE', where: 'lambda: TRUE',
  };
  if (kind === 'query') return "batch|query('SELECT 1')";
  if (kind === 'stats') return 'stream|stats(1s)';
  return `stream|from()|${kind}(${args[kind] ?? (NODES[kind]![0] === '*pipeline.InfluxQLNode' ? "'x'" : '')})`;
}

/**
 * Kapacitor's two define-time texts for a property a node does not have (tick/eval.go): the plain one, or, when a
 * chaining method has that name (`shift`), the hint to use `|`. tickstream may add a hint after it.
 */
function unknownProperty(p: string, goType: string): RegExp {
  const t = goType.replace(/\*/g, '\\*');
  return new RegExp(`(no method or property "${p}" on ${t}|no property method "${p}" on ${t}, but chaining method does exist\\. .*)(; hint: .*)?$`);
}

function rejection(script: string): string {
  try {
    evaluateScript(script);
  } catch (err) {
    return (err as Error).message;
  }
  return 'accepted';
}

test('property audit: every Kapacitor node is in the catalog with its Go type, or rejected', () => {
  for (const [kind, [goType]] of Object.entries(NODES)) {
    if (kind === 'deadman') {
      // deadman is a chaining method that builds stats|derivative|alert; it has no node of its own
      assert.ok(CHAIN_METHODS.includes('deadman'));
      continue;
    }
    const spec = CATALOG.get(kind);
    if (REJECTED_NODES.includes(kind)) {
      assert.equal(spec, undefined, kind);
      continue;
    }
    assert.ok(spec, `${kind} is neither in the catalog nor rejected`);
    assert.equal(spec.goType, goType, kind);
  }
  assert.match(rejection("batch|queryFlux('x')"), /no method or property "queryFlux" on \*pipeline\.BatchNode/);
});

test('property audit: every Kapacitor property is implemented or rejected with Kapacitor\'s error; nothing else is added', () => {
  const rejected: string[] = [];
  for (const [kind, [goType, props]] of Object.entries(NODES)) {
    const spec = CATALOG.get(kind === 'deadman' ? 'alert' : kind);
    if (spec === undefined) continue;
    const reject = words(REJECTED[kind === 'deadman' ? 'alert' : kind]);
    for (const p of words(props)) {
      if (reject.includes(p)) {
        assert.ok(!(p in spec.props), `${kind}.${p} is listed as rejected but the catalog has it`);
        if (kind !== 'deadman') {
          assert.match(rejection(`${creating(kind)}.${p}('v')`), unknownProperty(p, goType), `${kind}.${p}`);
          rejected.push(`${kind}.${p}`);
        }
      } else {
        assert.ok(p in spec.props, `${kind}.${p}: Kapacitor has it, the catalog does not, and it is not listed as rejected`);
      }
    }
    // the other way: what the catalog adds is written down
    const extra = Object.keys(spec.props).filter((p) => !words(props).includes(p));
    assert.deepEqual(extra.sort(), words(EXTENSIONS[kind === 'deadman' ? 'alert' : kind]).sort(), `${kind}: extensions`);
  }
  assert.equal(rejected.length, 3 + 21 * 5 + 1 + 1 + 1 + 2 + 1 + 1 + 1 + 1 + 2 + 1 + 3 + 2);
});

test('property audit: alert handlers and their properties', () => {
  const alert = CATALOG.get('alert')!;
  for (const [h, [goType, props]] of Object.entries(HANDLERS)) {
    const hs = alert.props[h]?.handler;
    assert.ok(hs, `handler ${h}`);
    assert.equal(`*pipeline.${hs.goType.replace(/^\*?pipeline\./, '')}`, goType, h);
    const reject = words(REJECTED_HANDLER[h]);
    for (const p of words(props)) {
      if (reject.includes(p)) {
        assert.ok(!(p in hs.props), `${h}.${p} is listed as rejected but the catalog has it`);
        const make = { post: "post('http://127.0.0.1:1')", tcp: "tcp('127.0.0.1:1')", exec: "exec('/bin/true')", log: "log('/tmp/x')", snmpTrap: "snmpTrap('1.1')" }[h] ?? `${h}()`;
        assert.match(rejection(`stream|from()|alert().${make}.${p}('v')`), unknownProperty(p, goType), `${h}.${p}`);
      } else {
        assert.ok(p in hs.props, `${h}.${p}: not in the catalog and not listed as rejected`);
      }
    }
    // a handler property named like an alert property shadows it (`.mqtt(t).topic(x)` is MQTT's topic), so the
    // handler may have it only when its Go struct does; otherwise the call reaches the alert's property
    const extra = Object.keys(hs.props).filter((p) => !words(props).includes(p));
    assert.deepEqual(extra, [], `${h}: handler properties Kapacitor does not have`);
  }
  // BigPandaHandler has no Topic: `.bigPanda().topic('t')` sets the alert's topic, as on Kapacitor
  const calls = evaluateScript("stream|from()|alert().bigPanda().topic('t')").nodes.find((n) => n.kind === 'alert')!.calls;
  assert.deepEqual(calls.map((c) => c.method), ['bigPanda', 'topic']);
});

test('property audit: chaining methods are Kapacitor\'s (plus noOp); .quiet() works on every node', () => {
  const kapacitorChains = Object.keys(NODES).filter((k) => !['stream', 'batch', 'from', 'query', 'queryFlux'].includes(k)).sort();
  // tickstream adds |noOp() (Kapacitor creates NoOpNode internally only)
  assert.deepEqual(CHAIN_METHODS.filter((c) => c !== 'noOp'), kapacitorChains);
  assert.deepEqual([...chainMethodsOf(CATALOG.get('stream')!)].sort(), ['deadman', 'from', 'stats']);
  assert.deepEqual([...chainMethodsOf(CATALOG.get('batch')!)].sort(), ['deadman', 'query', 'stats']);
  // .quiet() (node.go QuietFlag) is accepted everywhere: a source, a window, a where, an output
  const p = evaluateScript("stream.quiet()|from().measurement('m')|window().period(1s).every(1s).quiet()|where(lambda: TRUE).quiet()|httpOut('x').quiet()");
  assert.equal(p.nodes.filter((n) => n.calls.some((c) => c.method === 'quiet')).length, 4);
});
