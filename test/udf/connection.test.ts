/**
 * The agent conversation below the node (udf/service.ts, udf/connection.ts) with in-process socket agents, where
 * timing is under the test's control: keepalives keep a quiet agent alive, data waits for a successful Init,
 * batch answers become batches with Kapacitor's group, a closed socket and a missing program are clear errors.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeDimensions, type Batch, type Point } from '../../model/point.ts';
import { UdfService, type UdfFunctionSpec, type UdfLogger } from '../../udf/service.ts';
import type { UdfConnection } from '../../udf/connection.ts';
import { until } from '../helpers/until.ts';
import { socketServer, type Agent } from './agents/kit.ts';

const dir = mkdtempSync(join(tmpdir(), 'tickstream-udf-conn-'));
const servers: Server[] = [];
after(async () => {
  for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

const quiet: UdfLogger = { info: () => {}, error: () => {} };
let n = 0;

async function serveAgent(make: () => Agent): Promise<string> {
  const path = join(dir, `a${n++}.sock`);
  servers.push(await socketServer(path, make));
  return path;
}

const socketFn = (socket: string, timeout = 10_000_000_000n): UdfFunctionSpec => ({ prog: '', args: [], env: {}, socket, timeout });

interface Seen { out: (Point | Batch)[]; failed: Error[] }

function connect(service: UdfService, name: string): { conn: UdfConnection; seen: Seen } {
  const seen: Seen = { out: [], failed: [] };
  const conn = service.create(name, 'task1', `${name}2`, { output: (m) => seen.out.push(...m), failed: (e) => seen.failed.push(e), log: () => {} });
  return { conn, seen };
}

const point = (v: number, t: bigint): Point => ({
  name: 'cpu', db: 'db', rp: 'rp', tags: { host: 'a' }, fields: { v }, time: t, dims: makeDimensions(['host'], false), group: 'host=a',
});

describe('UDF connection', () => {
  it('keepalives go out every timeout/2 and a quiet agent that answers them stays alive', async () => {
    let keepalives = 0;
    const path = await serveAgent(() => ({
      info: () => ({ wants: 'stream', provides: 'stream', options: {} }), init: () => '', keepalive: () => { keepalives++; },
    }));
    const service = new UdfService({ quiet: socketFn(path, 200_000_000n) }, quiet);
    const { conn, seen } = connect(service, 'quiet');
    conn.init([]);
    // 200ms timeout: a keepalive every 100ms; after 4 timeouts the agent must still be considered alive
    await until('keepalives', () => keepalives >= 6, 5000);
    assert.deepEqual(seen.failed, []);
    conn.close();
    await conn.closed;
  });

  it('an agent that stops answering within the timeout fails the conversation with Kapacitor\'s message', async () => {
    const path = join(dir, 'silent.sock');
    // accepts the connection, reads, never answers
    const { createServer } = await import('node:net');
    const srv = createServer((c) => { c.on('data', () => {}); c.on('error', () => {}); });
    await new Promise<void>((r) => srv.listen(path, r));
    servers.push(srv);
    const service = new UdfService({ silent: socketFn(path, 150_000_000n) }, quiet);
    const { conn, seen } = connect(service, 'silent');
    conn.init([]);
    await until('keepalive timeout', () => seen.failed.length > 0, 5000);
    assert.match(seen.failed[0]!.message, /^keepalive timedout, last keepalive received was: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC$/);
    assert.equal(seen.failed.length, 1, 'reported once');
    await conn.closed;
  });

  it('data waits for Init: an agent that refuses Init never receives a point', async () => {
    let points = 0;
    const path = await serveAgent(() => ({
      info: () => ({ wants: 'stream', provides: 'stream', options: {} }), init: () => 'no thanks', point: () => { points++; },
    }));
    const service = new UdfService({ picky: socketFn(path) }, quiet);
    const { conn, seen } = connect(service, 'picky');
    conn.init([]);
    assert.equal(conn.writePoint(point(1, 1n)), true);
    conn.flush();
    await until('init refused', () => seen.failed.length > 0, 5000);
    assert.equal(seen.failed[0]!.message, 'failed to initialize processes no thanks');
    assert.equal(conn.writePoint(point(2, 2n)), false, 'nothing is accepted after a failure');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(points, 0);
  });

  it('Init carries the task id, node name and options; a batch answer gets EndBatch\'s tags and BeginBatch\'s byName', async () => {
    let init: unknown;
    const path = await serveAgent(() => ({
      info: () => ({ wants: 'stream', provides: 'batch', options: { size: ['INT'] } }),
      init: (r) => { init = r; return ''; },
      point: (p, send) => {
        // every point answers with a one-point batch named "out" for group host=<tag>
        send({ kind: 'begin', begin: { name: 'ignored', group: '', tags: {}, size: 1n, byName: true } });
        send({ kind: 'point', point: { ...p, name: '', database: '', retentionPolicy: '', dimensions: [], fieldsDouble: { v2: p.fieldsDouble.v! * 2 } } });
        send({ kind: 'end', end: { name: 'out', group: '', tmax: p.time + 1n, tags: { host: p.tags.host! }, byName: false } });
      },
    }));
    const service = new UdfService({ dbl: socketFn(path) }, quiet);
    const { conn, seen } = connect(service, 'dbl');
    conn.init([{ name: 'size', values: [{ type: 'INT', value: 3n }] }]);
    conn.writePoint(point(1.5, 1_478_629_267_000_000_001n));
    conn.flush();
    await until('batch out', () => seen.out.length === 1, 5000);
    assert.deepEqual(init, { options: [{ name: 'size', values: [{ type: 'INT', value: 3n }] }], taskID: 'task1', nodeID: 'dbl2' });
    assert.deepEqual(seen.out[0], {
      name: 'out', db: '', rp: '', tags: { host: 'a' }, dims: { tagNames: ['host'], byName: true }, group: 'out\nhost=a',
      tmax: 1_478_629_267_000_000_002n, points: [{ time: 1_478_629_267_000_000_001n, fields: { v2: 3 }, tags: { host: 'a' } }],
    });
    conn.close();
    await conn.closed;
  });

  it('an agent that closes its socket, or a socket nobody serves, is a clear error', async () => {
    const path = join(dir, 'closer.sock');
    const { createServer } = await import('node:net');
    // hangs up as soon as the first request (Init) arrives
    const srv = createServer((c) => { c.on('data', () => c.destroy()); c.on('error', () => {}); });
    await new Promise<void>((r) => srv.listen(path, r));
    servers.push(srv);
    const service = new UdfService({ dies: socketFn(path), none: socketFn(join(dir, 'nobody.sock'), 300_000_000n) }, quiet);
    const a = connect(service, 'dies');
    a.conn.init([]);
    await until('hang-up', () => a.seen.failed.length > 0, 5000);
    assert.equal(a.seen.failed[0]!.message, `read error: the agent closed the connection on ${path}`);
    const b = connect(service, 'none');
    b.conn.init([]);
    await until('dial error', () => b.seen.failed.length > 0, 5000);
    assert.equal(b.seen.failed[0]!.message, `dial unix ${join(dir, 'nobody.sock')}: connect: no such file or directory`);
  });

  it('a missing program fails at once with Go\'s wording', () => {
    const service = new UdfService({
      abs: { prog: join(dir, 'no-such-agent'), args: [], env: {}, socket: '', timeout: 1_000_000_000n },
      rel: { prog: 'no-such-udf-agent-program', args: [], env: {}, socket: '', timeout: 1_000_000_000n },
    }, quiet);
    assert.throws(() => connect(service, 'abs'), { message: `fork/exec ${join(dir, 'no-such-agent')}: no such file or directory` });
    assert.throws(() => connect(service, 'rel'), { message: 'exec: "no-such-udf-agent-program": executable file not found in $PATH' });
    assert.throws(() => connect(service, 'other'), { message: 'no such UDF other' });
  });
});
