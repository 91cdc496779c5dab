// Issue 18, the remaining ingest and actuation paths of a clustered instance, against real servers: nats-server -js,
// influxd (a UDP subscription), the Docker Swarm API test server and the EC2 Auto Scaling API test server. A point
// written to InfluxDB reaches the instance as a UDP datagram, is published to its partition like a /write (the
// partition tag derived from the tasks' groupBy), and the swarmAutoscale and ec2Autoscale tasks of the partition's
// owner scale the service and the Auto Scaling group through the partition's gate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startInfluxd } from '../helpers/influxd.ts';
import { startEc2Api } from '../../fixtures/ec2-api/server.ts';
import { startSwarmApi } from '../../fixtures/swarm-api/server.ts';
import { startNatsServer } from './nats-server.ts';
import { settled, startInstance, status, until } from './cluster-helpers.ts';

const SCRIPT = `stream
    |from()
        .measurement('load')
        .groupBy('svc')
    |swarmAutoscale()
        .serviceNameTag('svc')
        .max(10)
        .replicas(lambda: "want")
`;

const EC2_SCRIPT = `stream
    |from()
        .measurement('load')
        .groupBy('svc')
    |ec2Autoscale()
        .cluster('aws')
        .groupNameTag('svc')
        .max(10)
        .replicas(lambda: "want" * 2)
`;

test('clustered instance: UDP subscription writes are published to their partition; swarmAutoscale and ec2Autoscale scale through the gate', { timeout: 120_000 }, async (t) => {
  const nats = await startNatsServer();
  t.after(() => nats.stop());
  const influx = await startInfluxd();
  t.after(() => influx.stop());
  await influx.query('CREATE DATABASE metrics');
  const swarm = await startSwarmApi();
  t.after(() => swarm.close());
  swarm.seed('web', 2);
  swarm.seed('api', 1);
  const ec2 = await startEc2Api({ region: 'eu-west-1' });
  t.after(() => ec2.close());
  ec2.seed('web', 2);
  ec2.seed('api', 1);
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-cluster-udp-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const inst = await startInstance(dir, nats.url, 'a', {
    KAPACITOR_CLUSTER_PARTITIONS: '4',
    KAPACITOR_SWARM_0_ENABLED: 'true', KAPACITOR_SWARM_0_SERVERS: swarm.url,
    KAPACITOR_EC2_0_ENABLED: 'true', KAPACITOR_EC2_0_ID: 'aws', KAPACITOR_EC2_0_REGION: ec2.region,
    KAPACITOR_EC2_0_ACCESS_KEY: ec2.accessKey, KAPACITOR_EC2_0_SECRET_KEY: ec2.secretKey, KAPACITOR_EC2_0_ENDPOINT: ec2.url,
    KAPACITOR_INFLUXDB_0_ENABLED: 'true', KAPACITOR_INFLUXDB_0_NAME: 'local', KAPACITOR_INFLUXDB_0_URLS: influx.url,
    KAPACITOR_INFLUXDB_0_SUBSCRIPTION_PROTOCOL: 'udp', KAPACITOR_INFLUXDB_0_UDP_BIND: '127.0.0.1',
    KAPACITOR_INFLUXDB_0_KAPACITOR_HOSTNAME: '127.0.0.1', KAPACITOR_INFLUXDB_0_SUBSCRIPTIONS_SYNC_INTERVAL: '1s',
  });
  t.after(() => inst.stop());
  await until('the instance owns every partition', () => settled([inst.url], 4), 30_000);
  const before = await status(inst.url) as unknown as { partitionTag: string; partitionTagDerived: boolean };
  assert.deepEqual([before.partitionTag, before.partitionTagDerived], ['', true], 'no task yet: no partition tag');

  for (const [id, script] of [['swarm', SCRIPT], ['ec2', EC2_SCRIPT]] as const) {
    const r = await fetch(`${inst.url}/kapacitor/v1/tasks`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id, type: 'stream', dbrps: [{ db: 'metrics', rp: 'autogen' }], status: 'enabled', script }),
    });
    assert.equal(r.status, 200, await r.text());
  }
  const after = await status(inst.url) as unknown as { partitionTag: string };
  assert.equal(after.partitionTag, 'svc', 'the partition tag follows the task\'s groupBy');

  // InfluxDB has the subscription over UDP; its points arrive as datagrams
  await until('the UDP subscription', async () => {
    const q = await influx.query('SHOW SUBSCRIPTIONS');
    return JSON.stringify(q).includes('udp://127.0.0.1:');
  }, 30_000);
  await influx.write('metrics', 'load,svc=web want=5i 1700000000000000000\nload,svc=api want=3i 1700000000000000000');
  await until('swarm services scaled', async () => swarm.replicas('web') === 5 && swarm.replicas('api') === 3, 30_000);
  // the ec2 task wants twice the load's value: 10 and 6 desired instances
  await until('auto scaling groups scaled', async () => ec2.groups.get('web')!.desired === 10 && ec2.groups.get('api')!.desired === 6, 30_000);
  for (const id of ['swarm', 'ec2']) {
    const task = await (await fetch(`${inst.url}/kapacitor/v1/tasks/${id}`)).json() as { error: string; executing: boolean };
    assert.deepEqual([task.error, task.executing], ['', true], `task ${id} runs in the cluster`);
  }
  const s = await status(inst.url) as unknown as { published: { points: number }; partitionsDetail: { points: number; writes: number }[] };
  assert.equal(s.published.points, 2, 'both points went through the publisher');
  assert.equal(s.partitionsDetail.reduce((n, p) => n + p.points, 0), 2, 'and were consumed from their partitions');
  assert.equal(s.partitionsDetail.reduce((n, p) => n + p.writes, 0), 4, 'each scale write (2 services, 2 groups) went through a partition gate');
});
