/**
 * The InfluxDB HTTP client (influxdb/client.ts) against a scripted local HTTP server: what it sends (Kapacitor's
 * /write parameters, basic auth, gzip body, round-robin URLs) and errors that name the URL and say whether a
 * retry can help (wrong credentials: no; 5xx or InfluxDB down: yes).
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { test } from 'node:test';
import { InfluxDBClient, InfluxDBError } from '../../influxdb/client.ts';
import { freePort } from '../helpers/influxd.ts';

interface Seen { url: string; headers: IncomingMessage['headers']; body: Buffer }

async function server(answer: (s: Seen) => [number, string]): Promise<{ url: string; seen: Seen[]; srv: Server }> {
  const seen: Seen[] = [];
  const srv = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = { url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(s);
      const [status, body] = answer(s);
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(body);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, seen, srv };
}

test('write: db/rp/precision/consistency parameters, basic auth, gzip body', async (t) => {
  const s = await server(() => [204, '']);
  t.after(() => s.srv.close());
  const c = new InfluxDBClient({ urls: [s.url], username: 'u', password: 'p', gzip: true });
  t.after(() => c.close());
  await c.write({ db: 'd b', rp: 'r', precision: '', consistency: 'all' }, 'm v=1i 1\n');
  const got = s.seen[0]!;
  assert.equal(got.url, '/write?db=d+b&rp=r&precision=ns&consistency=all');
  assert.equal(got.headers.authorization, 'Basic dTpw'); // base64("u:p")
  assert.equal(got.headers['content-encoding'], 'gzip');
  assert.equal(gunzipSync(got.body).toString(), 'm v=1i 1\n');
});

test('wrong credentials: error names the URL, says authorization failed, not retryable', async (t) => {
  const s = await server(() => [401, '{"error":"authorization failed"}']);
  t.after(() => s.srv.close());
  const c = new InfluxDBClient({ urls: [s.url], token: 'bad' });
  t.after(() => c.close());
  await assert.rejects(c.write({ db: 'd', rp: '', precision: 's', consistency: '' }, 'm v=1 1\n'), (err: InfluxDBError) => {
    assert.equal(err.message, `POST ${s.url}/write: authorization failed: authorization failed (HTTP 401)`);
    assert.equal(err.retryable, false);
    return true;
  });
  assert.equal(s.seen[0]!.headers.authorization, 'Token bad');
});

test('5xx and a refused connection are retryable; query errors carry the statement error', async (t) => {
  const s = await server((x) => x.url.startsWith('/write') ? [503, '{"error":"busy"}'] : [200, '{"results":[{"statement_id":0,"error":"database not found: x"}]}']);
  t.after(() => s.srv.close());
  const c = new InfluxDBClient({ urls: [s.url] });
  t.after(() => c.close());
  await assert.rejects(c.write({ db: 'd', rp: '', precision: '', consistency: '' }, 'm v=1 1\n'), { retryable: true, message: `POST ${s.url}/write: busy (HTTP 503)` });
  await assert.rejects(c.query('SHOW MEASUREMENTS', 'x'), { retryable: false, message: `POST ${s.url}/query: "SHOW MEASUREMENTS": database not found: x` });
  const down = `http://127.0.0.1:${await freePort()}`;
  const d = new InfluxDBClient({ urls: [down] });
  t.after(() => d.close());
  await assert.rejects(d.ping(), (err: InfluxDBError) => {
    assert.ok(err.message.startsWith(`GET ${down}/ping: connect ECONNREFUSED`), err.message);
    assert.equal(err.retryable, true);
    return true;
  });
});

test('several URLs are used round-robin, one per request (Kapacitor HTTPClient.url())', async (t) => {
  const a = await server(() => [204, '']);
  const b = await server(() => [204, '']);
  t.after(() => { a.srv.close(); b.srv.close(); });
  const c = new InfluxDBClient({ urls: [a.url, b.url] });
  t.after(() => c.close());
  for (let i = 0; i < 4; i++) await c.ping();
  assert.equal(a.seen.length, 2);
  assert.equal(b.seen.length, 2);
});

test('chunked query answers: partial series joined across chunks; past maxPoints the answer is abandoned (never read whole)', async (t) => {
  const row = (i: number) => [`2024-01-01T00:00:${String(i).padStart(2, '0')}Z`, i];
  // the answer InfluxDB gives with chunk_size=2: series cpu,host=a split over two chunks, then host=b
  const chunks = [
    { results: [{ statement_id: 0, series: [{ name: 'cpu', tags: { host: 'a' }, columns: ['time', 'v'], values: [row(0), row(1)], partial: true }], partial: true }] },
    { results: [{ statement_id: 0, series: [{ name: 'cpu', tags: { host: 'a' }, columns: ['time', 'v'], values: [row(2)] }], partial: true }] },
    { results: [{ statement_id: 0, series: [{ name: 'cpu', tags: { host: 'b' }, columns: ['time', 'v'], values: [row(3)] }] }] },
  ];
  let bodies: string[] = [];
  let endless = false;
  const srv = createServer((req, res) => {
    let b = '';
    req.on('data', (c: Buffer) => { b += c.toString(); });
    req.on('end', () => {
      bodies.push(b);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (!endless) { res.end(chunks.map((c) => JSON.stringify(c) + '\n').join('')); return; }
      // an answer that never ends: only the client's limit stops it
      const timer = setInterval(() => res.write(JSON.stringify(chunks[0]) + '\n'), 1);
      res.on('close', () => clearInterval(timer));
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => { srv.closeAllConnections(); srv.close(); });
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  const c = new InfluxDBClient({ urls: [url], maxPoints: 4, maxPointsName: 'max-batch-points of [[influxdb]] "local"' });
  t.after(() => c.close());

  const r = await c.query('SELECT v FROM cpu GROUP BY host', 'db');
  assert.deepEqual(r, { results: [{ statement_id: 0, series: [
    { name: 'cpu', tags: { host: 'a' }, columns: ['time', 'v'], values: [row(0), row(1), row(2)] },
    { name: 'cpu', tags: { host: 'b' }, columns: ['time', 'v'], values: [row(3)] },
  ] }] });
  assert.equal(new URLSearchParams(bodies[0]).get('chunked'), 'true');
  assert.equal(new URLSearchParams(bodies[0]).get('chunk_size'), '10000');

  endless = true;
  bodies = [];
  await assert.rejects(c.query('SELECT v FROM cpu', 'db'), (err: InfluxDBError) => {
    // 2 rows per chunk: the third chunk brings the count to 6 > 4
    assert.equal(err.message, `POST ${url}/query: query answer has more than 4 points (max-batch-points of [[influxdb]] "local"); query a shorter period or fewer series, or raise the limit`);
    assert.equal(err.retryable, false);
    return true;
  });
});
