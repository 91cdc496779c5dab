// httpPost (SPEC 3.13) against a local node:http receiver: body `{"series":[row]}` + newline (rows as httpOut,
// SPEC 3.12), Content-Type, headers, codeField, non-2xx counted as errors, captureResponse, timeout, bounded queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PipelineBuilder, dur } from '../helpers/runtime/pipeline-builder.ts';
import { startTask, type Harness } from '../helpers/runtime/replay.ts';
import { capture, nodeOf, T0, ts } from './capture.ts';

interface Received { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }

interface Receiver {
  url: string;
  got: Received[];
  /** status per request (default 200); 'hang' never answers */
  respond: (i: number) => number | 'hang';
  close(): Promise<void>;
}

async function receiver(t: { after(fn: () => unknown): void }): Promise<Receiver> {
  const r: Receiver = { url: '', got: [], respond: () => 200, close: async () => {} };
  const hanging: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { body += c; });
    req.on('end', () => {
      const i = r.got.length;
      r.got.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const code = r.respond(i);
      if (code === 'hang') { hanging.push(res); return; }
      res.writeHead(code, { 'Content-Type': 'text/plain' });
      res.end(code >= 300 ? `bad thing ${i}` : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  r.close = () => new Promise<void>((resolve) => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    server.close(() => resolve());
  });
  t.after(() => r.close());
  return r;
}

interface PostView { whenIdle(): Promise<void> }

function task(url: string, props: [string, ...unknown[]][], window?: bigint): Harness {
  const b = new PipelineBuilder();
  let n = b.stream().chain('from').prop('measurement', 'cpu').prop('groupBy', 'host');
  if (window) n = n.chain('window').prop('period', dur(window)).prop('every', dur(window));
  const p = n.chain('httpPost', url);
  for (const [m, ...a] of props) p.prop(m, ...a);
  p.chain('testCapture');
  return startTask(b.build());
}

test('POSTs each point as {"series":[row]} + newline, with Content-Type and headers; data passes through', async (t) => {
  const r = await receiver(t);
  const h = task(r.url, [['header', 'X-Team', 'ops']]);
  t.after(() => h.stop());
  h.write([`cpu,host=a value=1.5 ${T0}`, `cpu,host=b value=2i ${T0 + 1}`], 's');
  // passed through at once (no codeField), before any response
  assert.equal(capture(h).seen.length, 2);
  await nodeOf<PostView>(h, 'httpPost').whenIdle();
  assert.deepEqual(r.got.map((g) => g.body), [
    `{"series":[{"name":"cpu","tags":{"host":"a"},"columns":["time","value"],"values":[["${ts(0)}",1.5]]}]}\n`,
    `{"series":[{"name":"cpu","tags":{"host":"b"},"columns":["time","value"],"values":[["${ts(1)}",2]]}]}\n`,
  ]);
  assert.equal(r.got[0]!.method, 'POST');
  assert.equal(r.got[0]!.url, '/hook');
  assert.equal(r.got[0]!.headers['content-type'], 'application/json');
  assert.equal(r.got[0]!.headers['x-team'], 'ops');
  assert.equal(h.task.stats()['node-stats']['http_post2']!['errors'], 0);
});

test('batches are POSTed as one batch row', async (t) => {
  const r = await receiver(t);
  const h = task(r.url, [], 10n * 1_000_000_000n);
  t.after(() => h.stop());
  h.write([`cpu,host=a value=1 ${T0}`, `cpu,host=a value=2 ${T0 + 1}`, `cpu,host=a value=3 ${T0 + 10}`], 's');
  await nodeOf<PostView>(h, 'httpPost').whenIdle();
  assert.deepEqual(r.got.map((g) => g.body), [
    `{"series":[{"name":"cpu","tags":{"host":"a"},"columns":["time","value"],"values":[["${ts(0)}",1],["${ts(1)}",2]]}]}\n`,
  ]);
});

test('non-2xx is a counted error; captureResponse puts the body in the log; codeField adds the status as int', async (t) => {
  const r = await receiver(t);
  r.respond = (i) => (i === 1 ? 503 : 201);
  const h = task(r.url, [['codeField', 'code'], ['captureResponse']]);
  t.after(() => h.stop());
  h.write([`cpu,host=a value=1 ${T0}`, `cpu,host=a value=2 ${T0 + 1}`, `cpu,host=a value=3 ${T0 + 2}`], 's');
  // with codeField the data waits for its response
  assert.equal(capture(h).seen.length, 0);
  await nodeOf<PostView>(h, 'httpPost').whenIdle();
  assert.deepEqual(capture(h).seen, [
    `{"name":"cpu","tags":{"host":"a"},"columns":["time","code","value"],"values":[["${ts(0)}",201,1]]}`,
    `{"name":"cpu","tags":{"host":"a"},"columns":["time","code","value"],"values":[["${ts(1)}",503,2]]}`,
    `{"name":"cpu","tags":{"host":"a"},"columns":["time","code","value"],"values":[["${ts(2)}",201,3]]}`,
  ]);
  assert.equal((capture(h).raw[1] as { fields: Record<string, unknown> }).fields['code'], 503n);
  assert.equal(h.task.stats()['node-stats']['http_post2']!['errors'], 1);
  const rec = h.logs.find((l) => l['msg'] === 'POST returned non 2xx status code');
  assert.ok(rec);
  assert.equal((rec['err'] as { message: string }).message, 'bad thing 1');
});

test('transport errors and timeouts give code 0 and count as errors', async (t) => {
  const r = await receiver(t);
  r.respond = () => 'hang';
  const h = task(r.url, [['codeField', 'code'], ['timeout', dur(50_000_000n)]]);
  t.after(() => h.stop());
  h.write([`cpu,host=a value=1 ${T0}`], 's');
  await nodeOf<PostView>(h, 'httpPost').whenIdle();
  assert.equal((capture(h).raw[0] as { fields: Record<string, unknown> }).fields['code'], 0n);
  assert.equal(h.task.stats()['node-stats']['http_post2']!['errors'], 1);
  assert.match(String((h.logs.find((l) => l['msg'] === 'error POSTing to endpoint')?.['err'] as { message: string }).message), /timeout after 50ms/);

  const h2 = task('http://127.0.0.1:1/nothing', [['codeField', 'code']]);
  t.after(() => h2.stop());
  h2.write([`cpu,host=a value=1 ${T0}`], 's');
  await nodeOf<PostView>(h2, 'httpPost').whenIdle();
  assert.equal((capture(h2).raw[0] as { fields: Record<string, unknown> }).fields['code'], 0n);
});

test('the queue is bounded: a stuck receiver makes later POSTs drop (counted), the write path never waits', async (t) => {
  const r = await receiver(t);
  r.respond = () => 'hang';
  const h = task(r.url, []);
  t.after(() => h.stop());
  const lines: string[] = [];
  for (let i = 0; i < 1100; i++) lines.push(`cpu,host=a value=${i} ${T0 + i}`);
  const t0 = performance.now();
  h.write(lines, 's');
  assert.ok(performance.now() - t0 < 2000);
  assert.equal(capture(h).seen.length, 1100); // data passed through
  const st = h.task.stats()['node-stats']['http_post2']!;
  // 1000 waiting + the first one (already taken off the queue for sending, or still waiting): ≥ 99 dropped
  assert.ok(st['posts_dropped']! >= 99 && st['posts_dropped']! <= 100, `posts_dropped = ${st['posts_dropped']}`);
});

test('validation: url xor endpoint, no authenticate header, configured endpoints', async (t) => {
  assert.throws(() => task('not a url', []), /http_post2: invalid httpPost URL "not a url"/);
  assert.throws(() => task('http://x/', [['header', 'Authenticate', 'x']]), /cannot set 'authenticate' header/);
  const b = new PipelineBuilder();
  b.stream().chain('from').chain('httpPost').prop('endpoint', 'hooks');
  assert.throws(() => startTask(b.build()), /no \[\[httppost\]\] endpoint named "hooks" is configured/);
  const r = await receiver(t);
  const h = startTask(b.build(), { services: { httpPost: new Map([['hooks', { url: r.url, headers: { 'X-From': 'config' } }]]) } });
  t.after(() => h.stop());
  h.write([`cpu value=1 ${T0}`], 's');
  await nodeOf<PostView>(h, 'httpPost').whenIdle();
  assert.equal(r.got[0]!.headers['x-from'], 'config');
});

test('stopping the task aborts in-flight POSTs; nothing is emitted or counted afterwards', async (t) => {
  const r = await receiver(t);
  r.respond = () => 'hang';
  const h = task(r.url, [['codeField', 'code']]);
  h.write([`cpu,host=a value=1 ${T0}`, `cpu,host=a value=2 ${T0 + 1}`], 's');
  const node = nodeOf<PostView>(h, 'httpPost');
  const end = Date.now() + 2000;
  while (r.got.length === 0 && Date.now() < end) await new Promise((res) => setTimeout(res, 5));
  h.stop();
  await node.whenIdle();
  await new Promise((res) => setTimeout(res, 30));
  assert.equal(capture(h).seen.length, 0);
  assert.equal(h.task.stats()['node-stats']['http_post2']!['errors'], 0);
  assert.equal(r.got.length, 1); // the second POST never started
});
