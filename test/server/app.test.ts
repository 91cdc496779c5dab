/**
 * Core routes and conventions of the HTTP application (SPEC 5.1, 5.2): ping, probes, common headers, JSON error
 * bodies, 404s, CORS preflight, extra plugins, gzip responses.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { errorBody, sendError } from '../../server/app.ts';
import { Lifecycle } from '../../server/lifecycle.ts';
import { testApp } from './helpers.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const TIME_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const NOT_FOUND = '{\n    "error": "Not Found",\n    "message": "Not Found"\n}';

describe('ping and common headers', () => {
  const t = testApp();
  after(() => t.app.close());

  for (const [method, url] of [['GET', '/kapacitor/v1/ping'], ['HEAD', '/kapacitor/v1/ping'], ['GET', '/kapacitor/v1preview/ping']] as const) {
    it(`${method} ${url} → 204, empty body`, async () => {
      const res = await t.app.inject({ method, url });
      assert.equal(res.statusCode, 204);
      assert.equal(res.body, '');
    });
  }

  it('every response carries X-Kapacitor-Version and a fresh time-UUID Request-Id', async () => {
    const a = await t.app.inject({ method: 'GET', url: '/kapacitor/v1/ping' });
    const b = await t.app.inject({ method: 'GET', url: '/nope' });
    for (const res of [a, b]) {
      assert.equal(res.headers['x-kapacitor-version'], VERSION);
      assert.match(String(res.headers['request-id']), TIME_UUID);
    }
    assert.notEqual(a.headers['request-id'], b.headers['request-id']);
  });

  it('unknown routes and methods → 404 with the JSON error body', async () => {
    for (const [method, url] of [['GET', '/nope'], ['GET', '/write'], ['POST', '/kapacitor/v1/ping'], ['DELETE', '/kapacitor/v1/unknown']] as const) {
      const res = await t.app.inject({ method, url });
      assert.equal(res.statusCode, 404, `${method} ${url}`);
      assert.equal(res.body, NOT_FOUND);
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    }
  });

  it('answers a malformed URL with 400 and the JSON error body, common headers included', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/wr%ZZite?db=x', payload: 'm f=1' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(Object.keys(JSON.parse(res.body)), ['error', 'message']);
    assert.equal(res.headers['x-kapacitor-version'], VERSION);
    assert.match(String(res.headers['request-id']), TIME_UUID);
  });

  it('answers CORS preflight empty, echoing the Origin', async () => {
    const res = await t.app.inject({ method: 'OPTIONS', url: '/kapacitor/v1/tasks', headers: { origin: 'http://ui.example' } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, '');
    assert.equal(res.headers['access-control-allow-origin'], 'http://ui.example');
    assert.match(String(res.headers['access-control-allow-methods']), /PATCH/);
  });
});

describe('health probes', () => {
  it('/livez is 200 in every state; /readyz follows the lifecycle', async () => {
    const lifecycle = new Lifecycle();
    const t = testApp({ lifecycle });
    try {
      const get = async (url: string): Promise<number> => (await t.app.inject({ method: 'GET', url })).statusCode;
      assert.equal(await get('/livez'), 200);
      assert.equal(await get('/readyz'), 503);
      lifecycle.markReady();
      assert.equal(await get('/readyz'), 200);
      lifecycle.beginClose();
      assert.equal(await get('/readyz'), 503);
      assert.equal(await get('/livez'), 200);
    } finally {
      await t.app.close();
    }
  });

  it('runs close hooks newest first, and a failing hook does not stop the others', async () => {
    const lifecycle = new Lifecycle();
    const order: string[] = [];
    lifecycle.onClose(() => { order.push('store'); });
    lifecycle.onClose(() => { throw new Error('boom'); });
    lifecycle.onClose(async () => { order.push('tasks'); });
    await lifecycle.runCloseHooks();
    assert.deepEqual(order, ['tasks', 'store']);
    assert.equal(lifecycle.state, 'closed');
  });
});

describe('extra plugins', () => {
  const big = { items: Array.from({ length: 200 }, (_, i) => ({ id: `task-${i}` })) };
  const plugin = async (app: FastifyInstance): Promise<void> => {
    app.get('/kapacitor/v1/teapot', async (_req, reply) => sendError(reply, 418, 'no <coffee> & tea'));
    app.get('/kapacitor/v1/client-error', async () => {
      throw Object.assign(new Error('bad input'), { statusCode: 400 });
    });
    app.get('/kapacitor/v1/crash', async () => {
      throw new Error('unexpected');
    });
    app.get('/kapacitor/v1/big', async (_req, reply) => reply.send(JSON.stringify(big)));
  };
  const t = testApp({ plugins: [plugin] });
  after(() => t.app.close());

  it('are registered beside the core routes and get the common headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/kapacitor/v1/teapot' });
    assert.equal(res.statusCode, 418);
    assert.ok(res.headers['x-kapacitor-version']);
    // Go's encoding/json escapes <, > and & (SPEC 5.1 error body, 4-space indent)
    assert.equal(res.body, '{\n    "error": "no \\u003ccoffee\\u003e \\u0026 tea",\n    "message": "no \\u003ccoffee\\u003e \\u0026 tea"\n}');
    assert.equal(errorBody('x'), '{\n    "error": "x",\n    "message": "x"\n}');
  });

  it('uncaught errors become Kapacitor JSON errors with their status (500 by default)', async () => {
    const client = await t.app.inject({ method: 'GET', url: '/kapacitor/v1/client-error' });
    assert.equal(client.statusCode, 400);
    assert.equal(client.body, errorBody('bad input'));
    const crash = await t.app.inject({ method: 'GET', url: '/kapacitor/v1/crash' });
    assert.equal(crash.statusCode, 500);
    assert.equal(crash.body, errorBody('unexpected'));
  });

  it('gzips responses for clients that accept it ([http] gzip = true)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/kapacitor/v1/big', headers: { 'accept-encoding': 'gzip, deflate' } });
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.deepEqual(JSON.parse(gunzipSync(res.rawPayload).toString()), big);
    const plain = await t.app.inject({ method: 'GET', url: '/kapacitor/v1/big' });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.deepEqual(JSON.parse(plain.body), big);
  });

  it('does not gzip when [http] gzip = false', async () => {
    const off = testApp({ plugins: [plugin], env: { KAPACITOR_HTTP_GZIP: 'false' } });
    try {
      const res = await off.app.inject({ method: 'GET', url: '/kapacitor/v1/big', headers: { 'accept-encoding': 'gzip' } });
      assert.equal(res.headers['content-encoding'], undefined);
    } finally {
      await off.app.close();
    }
  });
});
