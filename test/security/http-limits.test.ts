/**
 * Issue 17 bad input on the HTTP side: each request over a limit gets a clear error naming the limit and is
 * counted, and the server keeps serving afterwards. The app listens on 127.0.0.1:0 (Node's own HTTP parser
 * enforces the header and time limits, which inject() would bypass). Large bodies are generated while they are
 * sent, never held in memory by the test.
 */
import assert from 'node:assert/strict';
import { request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { testApp } from '../server/helpers.ts';
import type { Point, PointSink } from '../../model/point.ts';
import { until } from '../helpers/until.ts';
import type { LimitStats } from '../../server/http/limits.ts';

interface Started { app: FastifyInstance; url: string; port: number; points: () => number; limitStats: LimitStats }

async function start(env: Record<string, string>, sink?: PointSink): Promise<Started> {
  const t = testApp({ env, sink });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (t.app.server.address() as { port: number }).port;
  return { app: t.app, url: `http://127.0.0.1:${port}`, port, points: () => t.sink.points, limitStats: t.limits };
}

async function servesStill(s: Started): Promise<void> {
  assert.equal((await fetch(`${s.url}/kapacitor/v1/ping`)).status, 204, 'ping after the refusal');
  const w = await fetch(`${s.url}/write?db=d&rp=r`, { method: 'POST', body: 'after,host=a v=1 1\n' });
  assert.equal(w.status, 204, `a write after the refusal: ${await w.text()}`);
}

/** A request whose body is produced chunk by chunk while it is sent; `produced()` says how much was made. */
function streamingPost(url: string, chunk: Buffer, total: number, headers: Record<string, string> = {}, gzip = false):
  { response: Promise<{ status: number; body: string; headers: IncomingMessage['headers'] }>; produced: () => number } {
  let produced = 0;
  const source = new Readable({
    read() {
      if (produced >= total) { this.push(null); return; }
      produced += chunk.length;
      this.push(chunk);
    },
  });
  const body = gzip ? source.pipe(createGzip({ level: 1 })) : source;
  const response = new Promise<{ status: number; body: string; headers: IncomingMessage['headers'] }>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => { resolve({ status: res.statusCode!, body: text, headers: res.headers }); req.destroy(); source.destroy(); });
    });
    // the server may close the connection while the body is still being sent: only the response matters. If the
    // close wins the race against reading the response (the write fails with EPIPE/ECONNRESET first — seen on
    // Node 24), the refusal is reported as status 0 with the error code as its body.
    req.on('error', (err: NodeJS.ErrnoException) => {
      if ((req as { res?: unknown }).res) return;
      if (err.code === 'EPIPE' || err.code === 'ECONNRESET') {
        resolve({ status: 0, body: err.code, headers: {} });
        source.destroy();
      } else reject(err);
    });
    body.pipe(req);
  });
  return { response, produced: () => produced };
}

/** refused with 413 and Kapacitor's text, or reset while the client was still sending (the close won the race) */
function assertTooLarge(res: { status: number; body: string }): void {
  if (res.status === 0) assert.match(res.body, /^(EPIPE|ECONNRESET)$/);
  else {
    assert.equal(res.status, 413);
    assert.equal(res.body, 'http: request body too large\n');
  }
}

describe('request bodies and lines', () => {
  let s: Started;
  before(async () => { s = await start({ KAPACITOR_HTTP_MAX_LINE_SIZE: '64' }); });
  after(async () => { await s.app.close(); });

  it('a 500 MB body is refused at max-body-size (25 MB) while it is still being sent, not buffered', async () => {
    const before = s.limitStats.count('max-body-size');
    const line = Buffer.from('m,host=a v=1 1\n'.repeat(4096));
    const r = streamingPost(`${s.url}/write?db=d&rp=r`, line, 500 * 1024 * 1024);
    const res = await r.response;
    assertTooLarge(res);
    assert.ok(r.produced() < 100 * 1024 * 1024, `the client had produced only part of the body when refused (${r.produced()} bytes)`);
    assert.equal(s.limitStats.count('max-body-size'), before + 1);
    assert.equal(s.points(), 0, 'nothing written');
    await servesStill(s);
  });

  it('a declared Content-Length of 500 MB is refused before any body byte is read', async () => {
    const r = streamingPost(`${s.url}/write?db=d&rp=r`, Buffer.alloc(65536, 0x20), 500 * 1024 * 1024, { 'content-length': String(500 * 1024 * 1024) });
    assertTooLarge(await r.response);
    await servesStill(s);
  });

  it('a 1 GB gzip bomb is stopped at max-body-size of inflated output', async () => {
    const before = s.limitStats.count('max-body-size');
    const zeros = Buffer.alloc(1024 * 1024, 0x61); // 'a': one endless line, compresses ~1000:1
    const r = streamingPost(`${s.url}/write?db=d&rp=r`, zeros, 1024 * 1024 * 1024, { 'content-encoding': 'gzip' }, true);
    assertTooLarge(await r.response);
    assert.equal(s.limitStats.count('max-body-size'), before + 1);
    await servesStill(s);
  });

  it('a line over max-line-size: 400 naming the line, nothing written (all or nothing)', async () => {
    const before = s.limitStats.count('max-line-size');
    const pointsBefore = s.points();
    // line 3 is 10 + 80 + 6 = 96 bytes
    const body = `ok,host=a v=1 1\nok,host=b v=2 2\nlong,host=${'x'.repeat(80)} v=3 3\nok,host=c v=4 4\n`;
    const res = await fetch(`${s.url}/write?db=d&rp=r`, { method: 'POST', body });
    assert.equal(res.status, 400);
    assert.equal(await res.text(), 'unable to parse line 3: line is 96 bytes, longer than [http] max-line-size (64 bytes); nothing was written\n');
    assert.equal(s.points(), pointsBefore, 'no point of the request was routed');
    assert.equal(s.limitStats.count('max-line-size'), before + 1);
    await servesStill(s);
  });
});

describe('headers and slow clients', () => {
  let s: Started;
  before(async () => { s = await start({ KAPACITOR_HTTP_READ_TIMEOUT: '1s', KAPACITOR_HTTP_MAX_HEADER_SIZE: '4096' }); });
  after(async () => { await s.app.close(); });

  it('headers over max-header-size: 431 naming the limit', async () => {
    const before = s.limitStats.count('max-header-size');
    const res = await fetch(`${s.url}/kapacitor/v1/ping`, { headers: { 'x-big': 'y'.repeat(8000) } });
    assert.equal(res.status, 431);
    assert.match((await res.json() as { error: string }).error, /request headers larger than \[http\] max-header-size \(4096 bytes\)/);
    assert.equal(s.limitStats.count('max-header-size'), before + 1);
    await servesStill(s);
  });

  it('slowloris: a body trickling one byte every 100 ms is cut off after read-timeout with 408', async () => {
    const before = s.limitStats.count('read-timeout');
    const sock = connect(s.port, '127.0.0.1');
    let answer = '';
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => { answer += d; });
    const closed = new Promise<void>((r) => sock.once('close', () => r()));
    sock.on('error', () => {});
    sock.write('POST /write?db=d&rp=r HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n');
    const started = Date.now();
    const trickle = setInterval(() => { if (!sock.destroyed) sock.write('m'); }, 100);
    try {
      await closed;
    } finally {
      clearInterval(trickle);
    }
    const took = Date.now() - started;
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.match(answer, /request not received within \[http\] read-timeout \(1s\)/);
    assert.ok(took >= 900, `cut off after the timeout, not before (${took} ms)`);
    assert.ok(took < 15_000, `cut off soon after the timeout (${took} ms)`);
    assert.equal(s.limitStats.count('read-timeout'), before + 1);
    await servesStill(s);
  });

  it('slow headers are cut off by the same deadline', async () => {
    const sock = connect(s.port, '127.0.0.1');
    let answer = '';
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => { answer += d; });
    sock.on('error', () => {});
    const closed = new Promise<void>((r) => sock.once('close', () => r()));
    sock.write('GET /ping HTTP/1.1\r\nHost: x\r\n');
    const trickle = setInterval(() => { if (!sock.destroyed) sock.write('X-A: b\r\n'); }, 100);
    try { await closed; } finally { clearInterval(trickle); }
    assert.match(answer, /^HTTP\/1\.1 408 /);
    await servesStill(s);
  });
});

/** A sink whose writes wait until released: requests stay in flight as long as the test wants. */
class GatedSink implements PointSink {
  points = 0;
  private waiting: (() => void)[] = [];
  private open = false;
  writePoints(_db: string, _rp: string, points: readonly Point[]): Promise<void> | undefined {
    this.points += points.length;
    if (this.open) return undefined;
    return new Promise((r) => this.waiting.push(r));
  }
  pending(): number { return this.waiting.length; }
  release(): void {
    this.open = true;
    for (const r of this.waiting.splice(0)) r();
  }
}

describe('concurrent requests', () => {
  it('200 concurrent writers over max-concurrent-requests (16): 503 with Retry-After and a clear body, the rest succeed', async () => {
    const sink = new GatedSink();
    const s = await start({ KAPACITOR_HTTP_MAX_CONCURRENT_REQUESTS: '16' }, sink);
    try {
      const before = s.limitStats.count('max-concurrent-requests');
      const writes = Array.from({ length: 200 }, (_, i) =>
        fetch(`${s.url}/write?db=d&rp=r`, { method: 'POST', body: `m,w=${i} v=1 1\n` }).then(async (r) => ({ status: r.status, retry: r.headers.get('retry-after'), body: await r.text() })));
      await until('16 writes in flight', () => sink.pending() === 16);
      // the API and the probes while the cap is reached: the API is refused in JSON, ping still answers
      const api = await fetch(`${s.url}/kapacitor/v1/tasks`);
      assert.equal(api.status, 503);
      assert.match((await api.json() as { error: string }).error, /too many concurrent requests.*max-concurrent-requests \(16\)/);
      assert.equal((await fetch(`${s.url}/kapacitor/v1/ping`)).status, 204, 'ping is exempt');
      sink.release();
      const results = await Promise.all(writes);
      const ok = results.filter((r) => r.status === 204);
      const refused = results.filter((r) => r.status === 503);
      assert.equal(ok.length + refused.length, 200, JSON.stringify(results.filter((r) => r.status !== 204 && r.status !== 503)));
      assert.ok(ok.length >= 16, `${ok.length} writes succeeded`);
      assert.ok(refused.length > 0, 'some writes were refused');
      for (const r of refused) {
        assert.equal(r.retry, '1');
        assert.equal(r.body, 'too many concurrent requests: the server is serving [http] max-concurrent-requests (16); retry after 1s\n');
      }
      assert.equal(sink.points, ok.length, 'every accepted write was routed, no refused one');
      assert.equal(s.limitStats.count('max-concurrent-requests'), before + refused.length + 1);
      // slots are given back: the server serves normally afterwards
      await servesStill(s);
      const again = await Promise.all(Array.from({ length: 16 }, () => fetch(`${s.url}/write?db=d&rp=r`, { method: 'POST', body: 'm v=1 1\n' })));
      assert.deepEqual(again.map((r) => r.status), Array(16).fill(204));
    } finally {
      sink.release();
      await s.app.close();
    }
  });

  it('200 concurrent writers under the default cap (1024) all succeed', async () => {
    const s = await start({});
    try {
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) =>
        fetch(`${s.url}/write?db=d&rp=r`, { method: 'POST', body: `m,w=${i} v=1 1\n` }).then((r) => r.status)));
      assert.deepEqual(results, Array(200).fill(204));
      assert.equal(s.points(), 200);
    } finally {
      await s.app.close();
    }
  });

  it('a client that goes away gives its slot back', async () => {
    const sink = new GatedSink();
    const s = await start({ KAPACITOR_HTTP_MAX_CONCURRENT_REQUESTS: '2' }, sink);
    try {
      const ac = new AbortController();
      const hung = [0, 1].map(() => fetch(`${s.url}/write?db=d&rp=r`, { method: 'POST', body: 'm v=1 1\n', signal: ac.signal }).catch(() => undefined));
      await until('2 writes in flight', () => sink.pending() === 2);
      assert.equal((await fetch(`${s.url}/kapacitor/v1/tasks`)).status, 503);
      ac.abort();
      await Promise.all(hung);
      await until('slots released', async () => (await fetch(`${s.url}/kapacitor/v1/tasks`)).status !== 503);
    } finally {
      sink.release();
      await s.app.close();
    }
  });
});
