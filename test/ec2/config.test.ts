// [[ec2]] (Kapacitor's services/ec2/config.go): keys, environment variables, Kapacitor's checks (id and region
// required in every section), tickstream's endpoint override checked as a URL; the client registry's lookups.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../config/index.ts';
import { Ec2Clients } from '../../ec2/clients.ts';

const env = (over: Record<string, string>): Record<string, string> => ({ KAPACITOR_DATA_DIR: '/tmp/tickstream-test-unused', ...over });

it('[[ec2]] from the environment, with defaults for the discovery keys', () => {
  const c = loadConfig({ env: env({ KAPACITOR_EC2_0_ENABLED: 'true', KAPACITOR_EC2_0_ID: 'aws', KAPACITOR_EC2_0_REGION: 'eu-west-1',
    KAPACITOR_EC2_0_ACCESS_KEY: 'AK', KAPACITOR_EC2_0_SECRET_KEY: 'SK', KAPACITOR_EC2_0_ENDPOINT: 'http://127.0.0.1:9' }) });
  assert.deepEqual(c.ec2, [{ enabled: true, id: 'aws', region: 'eu-west-1', accessKey: 'AK', secretKey: 'SK', profile: '',
    refreshInterval: 60_000_000_000n, port: 80, endpoint: 'http://127.0.0.1:9' }]);
  const client = new Ec2Clients(c.ec2).get('aws');
  assert.equal(client.endpoint.href, 'http://127.0.0.1:9/');
  // no endpoint: the region's public one
  assert.equal(new Ec2Clients([{ ...c.ec2[0]!, endpoint: '' }]).get('aws').endpoint.href, 'https://autoscaling.eu-west-1.amazonaws.com/');
});

it('[[ec2]] errors name the key: id, region, endpoint; duplicate ids', () => {
  assert.throws(() => loadConfig({ env: env({ KAPACITOR_EC2_0_REGION: 'us-east-1' }) }), { message: /ec2\[0\]\.id.*ec2 discovery must be given a ID/ });
  assert.throws(() => loadConfig({ env: env({ KAPACITOR_EC2_0_ID: 'a' }) }), { message: /ec2\[0\]\.region.*ec2 discovery, a, requires a region/ });
  assert.throws(() => loadConfig({ env: env({ KAPACITOR_EC2_0_ID: 'a', KAPACITOR_EC2_0_REGION: 'r', KAPACITOR_EC2_0_ENDPOINT: 'ftp://x' }) }),
    { message: /ec2\[0\]\.endpoint.*must be an http:\/\/ or https:\/\/ URL, got "ftp:\/\/x"/ });
  const s = { enabled: true, id: 'a', region: 'r', accessKey: '', secretKey: '', profile: '', refreshInterval: 0n, port: 80, endpoint: '' };
  assert.throws(() => new Ec2Clients([s, s]), { message: 'ec2: every [[ec2]] section needs its own id' });
});
