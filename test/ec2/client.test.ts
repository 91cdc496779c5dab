// The EC2 Auto Scaling client (ec2/client.ts) against the fake query API: a path-prefixed endpoint is signed as
// sent, AWS error answers keep their code and message, a silent server times out with a message naming the action.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEc2Api } from '../../fixtures/ec2-api/server.ts';
import { Ec2AutoScalingClient, Ec2ApiError } from '../../ec2/client.ts';

test('ec2 client: describe and set through a path-prefixed endpoint; AWS errors keep code and message', async (t) => {
  const api = await startEc2Api();
  t.after(() => api.close());
  const c = new Ec2AutoScalingClient({ region: api.region, accessKey: api.accessKey, secretKey: api.secretKey, endpoint: `${api.url}/aws/` });
  t.after(() => c.close());
  api.seed('g', 2, 1, 3);
  assert.deepEqual(await c.group('g'), { name: 'g', desiredCapacity: 2, minSize: 1, maxSize: 3 });
  await c.setDesiredCapacity('g', 3);
  assert.equal(api.groups.get('g')!.desired, 3);
  await assert.rejects(c.setDesiredCapacity('g', 0), (err: unknown) => err instanceof Ec2ApiError && err.status === 400 && err.code === 'ValidationError'
    && err.message === 'ValidationError: New SetDesiredCapacity value 0 is below min value 1 for the AutoScalingGroup.');
  await assert.rejects(c.group('nope'), { message: 'auto scaling group "nope" not found in region us-east-1' });
  // a signature for another region is refused by the server
  const other = new Ec2AutoScalingClient({ region: 'eu-west-3', accessKey: api.accessKey, secretKey: api.secretKey, endpoint: api.url });
  t.after(() => other.close());
  await assert.rejects(other.group('g'), { message: "SignatureDoesNotMatch: Credential should be scoped to a valid region, not 'eu-west-3'." });
});

test('ec2 client: a server that does not answer times out, naming the action', async (t) => {
  const server = http.createServer(() => { /* never answers */ });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const c = new Ec2AutoScalingClient({ region: 'us-east-1', accessKey: 'a', secretKey: 'b', endpoint: url, timeoutMs: 100 });
  t.after(() => c.close());
  await assert.rejects(c.group('g'), { message: `DescribeAutoScalingGroups request to ${url} failed: no answer within 100ms` });
});
