// ec2Autoscale (Kapacitor's pipeline/ec2_autoscale.go + autoscale.go ec2Autoscaler) on the shared engine, against
// the fake EC2 Auto Scaling query API (fixtures/ec2-api, which checks every SigV4 signature) through the real
// client: resource = groupName / groupNameTag, replicas = DesiredCapacity, cooldowns in data time, min/max,
// outputGroupNameTag, server faults retried and counted, auth failures and unknown groups reported by name.
import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { compileLambda, evaluateScript } from '../../tickscript/index.ts';
import { setLambdaCompiler } from '../../runtime/lambda.ts';
import { startTask, type Harness } from '../helpers/runtime/replay.ts';
import { startEc2Api, type Ec2ApiServer } from '../../fixtures/ec2-api/server.ts';
import { Ec2Clients, type Ec2Section } from '../../ec2/clients.ts';
import { autoscaleNode, decided } from './k8s-autoscale-helpers.ts';
import { until } from '../helpers/until.ts';

setLambdaCompiler(compileLambda);

const SCRIPT = `stream
    |from()
        .measurement('load')
        .groupBy('asg')
    |ec2Autoscale()
        .cluster('aws')
        .groupNameTag('asg')
        .outputGroupNameTag('group')
        .min(2)
        .max(6)
        .increaseCooldown(10s)
        .decreaseCooldown(30s)
        .replicas(lambda: "want")
    |httpOut('events')
`;

describe('ec2Autoscale', () => {
  let api: Ec2ApiServer;
  let h: Harness | undefined;
  const section = (over: Partial<Ec2Section> = {}): Ec2Section => ({
    enabled: true, id: 'aws', region: api.region, accessKey: api.accessKey, secretKey: api.secretKey, profile: '',
    refreshInterval: 60_000_000_000n, port: 80, endpoint: api.url, ...over,
  });
  const start = (clients: Ec2Clients, script = SCRIPT): Harness =>
    startTask(evaluateScript(script), { services: { ec2: clients, autoscaleLimits: { baseBackoffMs: 10 } } });
  before(async () => { api = await startEc2Api({ region: 'eu-west-1' }); });
  after(() => api.close());
  afterEach(() => { h?.stop(); h = undefined; });

  it('scales up and down with cooldowns in data time, clamped to min/max, through signed requests', async () => {
    api.seed('web', 3, 0, 10);
    h = start(new Ec2Clients([section()]));
    // 5@1: 3→5 (increase); 6@5: inside the 10 s increase cooldown → dropped; 50@12: clamped to max 6 → 5→6;
    // 1@20: clamped to min 2 → 6→2 (first decrease); 4@25 → 2→4 (increase cooldown over); 3@40: inside the 30 s
    // decrease cooldown (from 20 s) → dropped; 3@51 → 4→3
    const node = autoscaleNode(h);
    const seen: number[] = [];
    for (const line of ['load,asg=web want=5i 1', 'load,asg=web want=6i 5', 'load,asg=web want=50i 12', 'load,asg=web want=1i 20',
      'load,asg=web want=4i 25', 'load,asg=web want=3i 40', 'load,asg=web want=3i 51']) {
      h.write(line, 's');
      await node.whenIdle();
      seen.push(api.groups.get('web')!.desired);
    }
    // what the group held after each point (the actuator is level-triggered: waiting lets every change land)
    assert.deepEqual(seen, [5, 5, 6, 2, 4, 4, 3]);
    assert.deepEqual(decided(node), [5, 6, 2, 4, 3]);
    assert.equal(api.groups.get('web')!.desired, 3);
    const stats = h.task.stats()['node-stats']['ec2_autoscale2']!;
    assert.deepEqual([stats['increase_events'], stats['decrease_events'], stats['cooldown_drops'], stats['errors']], [3, 2, 2, 0]);
    // the calls: one Describe for the first read, then Describe + SetDesiredCapacity per change, HonorCooldown=false
    const sets = api.requests.filter((r) => r.action === 'SetDesiredCapacity');
    assert.deepEqual(sets.map((r) => [r.params['AutoScalingGroupName'], r.params['DesiredCapacity'], r.params['HonorCooldown'], r.status]),
      [['web', '5', 'false', 200], ['web', '6', 'false', 200], ['web', '2', 'false', 200], ['web', '4', 'false', 200], ['web', '3', 'false', 200]]);
    assert.ok(api.requests.every((r) => r.status === 200), 'every request carried a valid signature');
    // the last event point: the group tag and the group in outputGroupNameTag, 4 → 3
    const out = JSON.parse(h.httpOut('events')!).series[0];
    assert.deepEqual(out.tags, { asg: 'web', group: 'web' });
    assert.deepEqual(out.values[0].slice(1), [3, 4]); // columns new, old
  });

  it('a 500 is counted and retried until applied; a ValidationError from AWS names the group', async () => {
    api.seed('batch', 1, 1, 4);
    h = start(new Ec2Clients([section()]), SCRIPT.replace('.max(6)', '.max(0)').replace('.min(2)', '.min(1)'));
    const node = autoscaleNode(h);
    h.write('load,asg=batch want=1i 1', 's');
    await node.whenIdle();
    api.failNext(1, 500, 'InternalFailure', 'SetDesiredCapacity');
    h.write('load,asg=batch want=3i 2', 's');
    await node.whenIdle();
    assert.equal(api.groups.get('batch')!.desired, 3);
    const rec = node.decisions({ reasons: new Set(['scaled']) })[0]!;
    assert.deepEqual([rec.actuation!.status, rec.actuation!.attempts], ['applied', 2]);
    assert.equal(h.task.stats()['node-stats']['ec2_autoscale2']!['errors'], 1);
    const log = h.logs.find((l) => String(l['msg']).startsWith('failed to apply scaling event'));
    assert.equal(log?.['msg'], 'failed to apply scaling event: failed to set new replica count for "batch": '
      + 'Failed to set desired capacity for "batch": InternalFailure: injected fault 500');
    // above the group's MaxSize (no .max() in the script): AWS refuses; the error names the group and AWS's reason
    h.write('load,asg=batch want=9i 20', 's');
    await until('the max-size refusal is logged', () => h!.logs.some((l) => String(l['msg']).includes('above max value')));
    assert.match(String(h.logs.find((l) => String(l['msg']).includes('above max value'))!['msg']),
      /failed to set new replica count for "batch": Failed to set desired capacity for "batch": ValidationError: New SetDesiredCapacity value 9 is above max value 4 for the AutoScalingGroup\.$/);
    assert.equal(api.groups.get('batch')!.desired, 3);
  });

  it('auth failure: a wrong secret or key is reported with AWS\'s code and the group name, nothing changes', async () => {
    api.seed('secure', 2, 0, 10);
    h = start(new Ec2Clients([section({ secretKey: 'not-the-secret' })]));
    h.write(['load,asg=secure want=4i 1'], 's');
    let node = autoscaleNode(h);
    await node.whenIdle();
    assert.deepEqual(node.decisions({ reasons: new Set(['error']) }).map((r) => r.error), [
      'could not determine initial scale for "secure": failed to get ec2 autoscaleGroup for "secure": '
      + 'SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided.',
    ]);
    h.stop();
    h = start(new Ec2Clients([section({ accessKey: 'AKIDWRONG' })]));
    h.write(['load,asg=secure want=4i 1'], 's');
    node = autoscaleNode(h);
    await node.whenIdle();
    assert.match(node.decisions({ reasons: new Set(['error']) })[0]!.error!, /"secure": InvalidClientTokenId: The security token included in the request is invalid\.$/);
    assert.equal(h.task.stats()['node-stats']['ec2_autoscale2']!['errors'], 1);
    assert.equal(api.groups.get('secure')!.desired, 2);
  });

  it('errors: not enabled, unknown cluster, unknown group, missing tag, both or neither name', async () => {
    assert.throws(() => startTask(evaluateScript(SCRIPT)), {
      message: 'cannot use the EC2Autoscale node, could not create ec2 client: unknown ec2 region "aws", cannot get client (hint: add an [[ec2]] section with this id and enabled = true)',
    });
    assert.throws(() => start(new Ec2Clients([section({ enabled: false })])),
      { message: 'cannot use the EC2Autoscale node, could not create ec2 client: service is not enabled' });
    assert.throws(() => start(new Ec2Clients([section({ id: 'other' })])),
      { message: 'cannot use the EC2Autoscale node, could not create ec2 client: unknown ec2 region "aws", cannot get client' });
    assert.throws(() => start(new Ec2Clients([section()]), SCRIPT.replace(".groupNameTag('asg')", ".groupNameTag('asg').groupName('x')")),
      { message: /must specify exactly one of GroupName or GroupNameTag/ });
    h = start(new Ec2Clients([section()]));
    h.write(['load,asg=ghost want=2i 1', 'load want=2i 1'], 's');
    const node = autoscaleNode(h);
    await node.whenIdle();
    assert.deepEqual(node.decisions({ reasons: new Set(['error']) }).map((r) => r.error), [
      'could not determine initial scale for "ghost": failed to get ec2 autoscaleGroup for "ghost": auto scaling group "ghost" not found in region eu-west-1',
    ]);
    assert.equal(h.task.stats()['node-stats']['ec2_autoscale2']!['errors'], 2);
    assert.equal(h.logs.find((l) => l['msg'] === 'could not determine the name of the resource')?.['node'], 'ec2_autoscale2');
  });
});
