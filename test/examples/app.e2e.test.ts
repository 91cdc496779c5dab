/**
 * The example app behaves like the seed's Go app (SPEC §1.2): counts every request, answers
 * `Current request count N\n`, posts `requests,host=…,replicaset=… value=Ni` once per second as text/plain.
 * Real processes and real time, so the checks are coarse; the report schedule itself is tested exactly on the
 * virtual clock in app-schedule.test.ts and app-reporter.test.ts.
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

  // Reports keep arriving. The exact schedule (mid-second, one per second, late timers) is checked on the virtual
  // clock (app-schedule.test.ts, app-reporter.test.ts); here only what a loaded machine cannot upset: collect for
  // 3 s, longer if fewer than 2 posts came (late timers skip seconds), at most 15 s. The window opens at the first
  // post made after the three requests: one made between them may still arrive after they were answered.
  const line = 'requests,host=test-host-1,replicaset=app value=3i\n';
  const firstAfter = (): number => receiver.requests.findIndex((r) => r.body === line);
  const waitStart = Date.now();
  while (firstAfter() < 0 && Date.now() - waitStart < 10000) await sleep(20);
  const from = firstAfter();
  assert.ok(from >= 0, `no post with the count 3 within 10 s: ${JSON.stringify(receiver.requests.map((r) => r.body))}`);
  const start = receiver.requests[from]!.at;
  await sleep(3000);
  while (receiver.requests.length - from < 2 && Date.now() - start < 15000) await sleep(100);
  const elapsed = Date.now() - start;
  const posts = receiver.requests.slice(from);
  assert.ok(posts.length >= 2, `expected at least 2 posts, got ${posts.length} in ${elapsed} ms`);
  // The app makes a POST only after the previous one was answered, so every post after the first one in the window
  // was made inside the window, each in its own wall-clock second: at most elapsed/1000 + 2 of them, plus the
  // first. A loop reporting faster than once per second exceeds this over 3 s, however busy the machine.
  const bound = Math.floor(elapsed / 1000) + 3;
  assert.ok(posts.length <= bound, `${posts.length} posts in ${elapsed} ms (at most ${bound} for one per second)`);
  for (const p of posts) {
    assert.equal(p.method, 'POST');
    assert.equal(p.url, '/write?db=autoscale&rp=autogen&precision=s');
    assert.equal(p.contentType, 'text/plain');
    // One line, no timestamp, the count of the three requests above (SPEC §1.2).
    assert.equal(p.body, line);
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
  // Generous waits: the first report is due within a second, but timers run late on a busy machine.
  await app.waitFor(/Unexpected response code 500/, 10000);
  await receiver.close();
  await app.waitFor(/Error sending stats to .*ECONNREFUSED/, 10000);
  assert.equal(await app.stop(), 0);
});

test('app process: bad configuration exits 2 naming the variable', async (t) => {
  const app = spawnTs('examples/autoscale/app/main.ts', [], { PORT: '0', APP_REPLICASET: 'app', APP_INFLUXDB_URL: '' });
  t.after(() => app.stop());
  const code = app.child.exitCode ?? await new Promise<number | null>((r) => app.child.once('exit', (c) => r(c)));
  assert.equal(code, 2);
  assert.match(app.stderr(), /app: APP_INFLUXDB_URL is not set/);
});
