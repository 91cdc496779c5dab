/**
 * The example app behaves like the seed's Go app (SPEC §1.2): counts every request, answers
 * `Current request count N\n`, posts `requests,host=…,replicaset=… value=Ni` once per second as text/plain.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { loadConfig, ConfigError } from '../../examples/autoscale/app/config.ts';
import { requestsLine } from '../../examples/autoscale/app/reporter.ts';
import { spawnTs, startWriteReceiver, sleep } from './helpers.ts';

function call(port: number, method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('line format: measurement requests, tags host and replicaset, integer field value (SPEC §1.2)', () => {
  assert.equal(requestsLine('app-7d9f', 'app', 42), 'requests,host=app-7d9f,replicaset=app value=42i\n');
  // Tag values escape comma, equals and space (SPEC Appendix C).
  assert.equal(requestsLine('a b', 'x,y=z', 0), 'requests,host=a\\ b,replicaset=x\\,y\\=z value=0i\n');
});

test('config: defaults and clear errors', () => {
  const ok = loadConfig({ APP_INFLUXDB_URL: 'http://k:9092/write?db=autoscale', APP_REPLICASET: 'app', HOSTNAME: 'pod-1' });
  assert.equal(ok.port, 8000); // SPEC §1.2: the app serves on :8000
  assert.equal(ok.host, 'pod-1');
  assert.equal(loadConfig({ APP_INFLUXDB_URL: 'http://k/write', APP_REPLICASET: 'a', HOSTNAME: 'h', APP_HOSTNAME: 'mine' }).host, 'mine');
  assert.throws(() => loadConfig({ APP_REPLICASET: 'app' }), (e: unknown) => e instanceof ConfigError && /APP_INFLUXDB_URL is not set/.test(e.message));
  assert.throws(() => loadConfig({ APP_INFLUXDB_URL: 'nope', APP_REPLICASET: 'app' }), /APP_INFLUXDB_URL is not a valid URL: "nope"/);
  assert.throws(() => loadConfig({ APP_INFLUXDB_URL: 'ftp://x/', APP_REPLICASET: 'app' }), /must be http or https/);
  assert.throws(() => loadConfig({ APP_INFLUXDB_URL: 'http://x/', APP_REPLICASET: 'app', PORT: 'eighty' }), /PORT must be an integer.*"eighty"/);
  assert.throws(() => loadConfig({ APP_INFLUXDB_URL: 'http://x/' }), /APP_REPLICASET is not set/);
});

test('app process: counts every request, posts the count once per second, stops on SIGTERM', async (t) => {
  const receiver = await startWriteReceiver();
  t.after(() => receiver.close());
  const app = spawnTs('examples/autoscale/app/main.ts', [], {
    PORT: '0',
    APP_BIND_ADDRESS: '127.0.0.1',
    APP_HOSTNAME: 'test-host-1',
    APP_REPLICASET: 'app',
    APP_INFLUXDB_URL: `${receiver.url}/write?db=autoscale&rp=autogen&precision=s`,
  });
  t.after(() => app.stop());
  const port = Number((await app.waitFor(/listening on [^\s]+:(\d+)/))[1]);

  // Every path and method counts; the answer carries the new value (SPEC §1.2).
  assert.deepEqual(await call(port, 'GET', '/'), { status: 200, text: 'Current request count 1\n' });
  assert.deepEqual(await call(port, 'POST', '/anything/else', 'payload'), { status: 200, text: 'Current request count 2\n' });
  assert.deepEqual(await call(port, 'DELETE', '/x?y=1'), { status: 200, text: 'Current request count 3\n' });

  // Collect about 3.5 s of reports.
  const start = receiver.requests.length;
  await sleep(3500);
  const posts = receiver.requests.slice(start);
  assert.ok(posts.length >= 2 && posts.length <= 4, `expected 3–4 posts in 3.5 s (2 on a busy machine), got ${posts.length}`);
  for (const p of posts) {
    assert.equal(p.method, 'POST');
    assert.equal(p.url, '/write?db=autoscale&rp=autogen&precision=s');
    assert.equal(p.contentType, 'text/plain');
    assert.equal(p.body, 'requests,host=test-host-1,replicaset=app value=3i\n');
  }
  // Once per second: consecutive posts are about 1 s apart and in distinct wall-clock seconds.
  for (let i = 1; i < posts.length; i++) {
    const gap = posts[i]!.at - posts[i - 1]!.at;
    // Timers can fire late on a busy machine; a report loop that is not once per second is off by far more.
    assert.ok(gap > 600 && gap < 1500, `gap between posts ${gap} ms`);
    assert.notEqual(Math.floor(posts[i]!.at / 1000), Math.floor(posts[i - 1]!.at / 1000));
  }
  assert.equal(await app.stop(), 0);
  assert.match(app.stdout(), /SIGTERM received, shutting down after 3 requests/);
});

test('app process: logs non-204 answers and transport errors without dying', async (t) => {
  const receiver = await startWriteReceiver(500);
  t.after(() => receiver.close());
  const app = spawnTs('examples/autoscale/app/main.ts', [], {
    PORT: '0', APP_BIND_ADDRESS: '127.0.0.1', APP_REPLICASET: 'app', APP_INFLUXDB_URL: `${receiver.url}/write`,
  });
  t.after(() => app.stop());
  await app.waitFor(/Unexpected response code 500/, 5000);
  await receiver.close();
  await app.waitFor(/Error sending stats to .*ECONNREFUSED/, 5000);
  assert.equal(await app.stop(), 0);
});

test('app process: bad configuration exits 2 naming the variable', async (t) => {
  const app = spawnTs('examples/autoscale/app/main.ts', [], { PORT: '0', APP_REPLICASET: 'app', APP_INFLUXDB_URL: '' });
  t.after(() => app.stop());
  const code = app.child.exitCode ?? await new Promise<number | null>((r) => app.child.once('exit', (c) => r(c)));
  assert.equal(code, 2);
  assert.match(app.stderr(), /app: APP_INFLUXDB_URL is not set/);
});
