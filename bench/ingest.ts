/**
 * Ingest benchmark (`npm run bench:ingest`), about 10 s:
 *  (a) the line-protocol parser alone, lines/s;
 *  (b) end to end: POST /write to the real fastify app on 127.0.0.1 (counting sink), several keep-alive
 *      connections from a load generator in a worker thread, points/s and request latency p50/p99;
 *  (c) the same load against a bare node:http server that reads and discards the body (the HTTP ceiling).
 * Load: 5000-line batches `requests,host=app-N,replicaset=app value=Ni <ns timestamp>` over 1000 hosts, every
 * line with its own nanosecond timestamp (no timestamp reuse, the parser's worst case for time values).
 * Options: --seconds=N (per measured phase, default 3), --connections=N (default 4).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config/index.ts';
import { LineProtocolParser } from '../server/ingest/line-protocol.ts';
import { CountingSink, IngressStats } from '../server/ingest/router.ts';
import { silentLogger } from '../server/logger.ts';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const SECONDS = Number(args.get('seconds') ?? 3);
const CONNECTIONS = Number(args.get('connections') ?? 4);
const LINES_PER_BATCH = 5000;
const HOSTS = 1000;
const BATCHES = 16;

function makeBatches(): Buffer[] {
  const out: Buffer[] = [];
  let t = 1_700_000_000_000_000_000n;
  let line = 0;
  for (let b = 0; b < BATCHES; b++) {
    let s = '';
    for (let i = 0; i < LINES_PER_BATCH; i++, line++) {
      s += `requests,host=app-${line % HOSTS},replicaset=app value=${line}i ${t}\n`;
      t += 1000n;
    }
    out.push(Buffer.from(s));
  }
  return out;
}

function benchParser(batches: Buffer[], seconds: number): number {
  const parser = new LineProtocolParser();
  const opts = { db: 'autoscale', rp: 'autogen' };
  for (let i = 0; i < 50; i++) parser.parse(batches[i % batches.length]!, opts); // warm up the JIT and caches
  let lines = 0;
  let i = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() - start < budget) {
    const r = parser.parse(batches[i++ % batches.length]!, opts);
    if (r.errors.length > 0) throw new Error(r.errors[0]);
    lines += r.points.length;
  }
  return lines / (Number(process.hrtime.bigint() - start) / 1e9);
}

interface LoadResult { requests: number; seconds: number; p50: number; p99: number; failures: number }

// The load generator runs in a worker so it does not share the server's event loop. Plain JS: no tsx needed.
const CLIENT = `
const { workerData, parentPort } = require('node:worker_threads');
const http = require('node:http');
const { port, path, bodies, connections, warmupMs, measureMs } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const latencies = [];
let requests = 0, failures = 0, next = 0, measuring = false;
function post(body) {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent,
      headers: { 'content-type': 'text/plain', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}
async function loop(deadline) {
  while (Date.now() < deadline) {
    const body = bodies[next++ % bodies.length];
    const t0 = process.hrtime.bigint();
    const status = await post(body);
    if (!measuring) continue;
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    requests++;
    if (status !== 204) failures++;
  }
}
(async () => {
  const warm = Date.now() + warmupMs;
  await Promise.all(Array.from({ length: connections }, () => loop(warm)));
  measuring = true;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: connections }, () => loop(Date.now() + measureMs)));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  agent.destroy();
  parentPort.postMessage({ requests, seconds, p50: q(0.5), p99: q(0.99), failures });
})();
`;

function runLoad(port: number, path: string, batches: Buffer[], seconds: number, warmupSeconds: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENT, {
      eval: true,
      workerData: { port, path, bodies: batches, connections: CONNECTIONS, warmupMs: warmupSeconds * 1000, measureMs: seconds * 1000 },
    });
    worker.once('message', (m: LoadResult) => { void worker.terminate(); resolve(m); });
    worker.once('error', reject);
  });
}

async function benchEndToEnd(batches: Buffer[]): Promise<LoadResult & { routed: number }> {
  const config = loadConfig({ env: { KAPACITOR_HTTP_BIND_ADDRESS: '127.0.0.1:0', KAPACITOR_DATA_DIR: '/tmp/tickstream-bench' } });
  const sink = new CountingSink();
  const app = buildApp({ config, logger: silentLogger(), sink, ingress: new IngressStats() });
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const port = (app.server.address() as AddressInfo).port;
    const r = await runLoad(port, '/write?db=autoscale&rp=autogen', batches, SECONDS, 1);
    return { ...r, routed: sink.points };
  } finally {
    await app.close();
  }
}

async function benchBareHttp(batches: Buffer[]): Promise<LoadResult> {
  const server: Server = createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => { res.statusCode = 204; res.end(); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    return await runLoad(port, '/write?db=autoscale', batches, Math.max(1, SECONDS - 0.5), 0.5);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const batches = makeBatches();
  const bytesPerLine = batches.reduce((s, b) => s + b.length, 0) / (BATCHES * LINES_PER_BATCH);
  console.log(`ingest benchmark: ${BATCHES} batches × ${LINES_PER_BATCH} lines (${bytesPerLine.toFixed(1)} B/line), ${HOSTS} hosts, ${CONNECTIONS} connections, node ${process.version}`);

  const parserRate = benchParser(batches, Math.min(SECONDS, 2));
  console.log(`(a) parser alone:        ${fmt(parserRate)} lines/s   (target >= 2,000,000)`);

  const e2e = await benchEndToEnd(batches);
  const e2eRate = (e2e.requests * LINES_PER_BATCH) / e2e.seconds;
  console.log(`(b) POST /write (app):   ${fmt(e2eRate)} points/s  p50 ${e2e.p50.toFixed(2)} ms  p99 ${e2e.p99.toFixed(2)} ms  ` +
    `(${e2e.requests} requests, ${e2e.failures} failed; target >= 1,000,000)`);

  const bare = await benchBareHttp(batches);
  const bareRate = (bare.requests * LINES_PER_BATCH) / bare.seconds;
  console.log(`(c) bare node:http:      ${fmt(bareRate)} lines/s   p50 ${bare.p50.toFixed(2)} ms  p99 ${bare.p99.toFixed(2)} ms  (read and discard)`);

  console.log(`ratios: (b)/(c) = ${(e2eRate / bareRate).toFixed(2)}   (b)/(a) = ${(e2eRate / parserRate).toFixed(2)}`);
  if (e2e.failures > 0) process.exitCode = 1;
}

await main();
