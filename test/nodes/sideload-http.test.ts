// sideload http(s) sources (Kapacitor services/sideload httpSource): GET returns {path: {key: value}}; fetched when
// the first node starts (points wait for it, so the result never depends on the fetch's latency), re-fetched on
// POST /sideload/reload, shared by URL; an [[httppost]] endpoint name brings its basic auth; the outbound guard
// applies; bad answers are clear node errors (first fetch) or a 500 naming the source (reload).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { startTask } from '../helpers/runtime/replay.ts';
import { appendChild } from '../helpers/runtime/splice.ts';
import { evaluateScript } from '../../tickscript/index.ts';
import type { Point } from '../../model/point.ts';
import type { RuntimeServices } from '../../runtime/services.ts';
import { OutboundGuard } from '../../outbound/guard.ts';
import { capture } from './capture.ts';
import { sideloadRoutes } from '../../server/api/sideload-routes.ts';
import { SideloadNode } from '../../nodes/sideload.ts';

type T = { after(fn: () => void | Promise<void>): void };

/** A values server: answers `state.status` with `state.body`; records the Authorization headers it saw. */
async function valuesServer(t: T) {
  const state = { status: 200, body: '{}', auths: [] as (string | undefined)[], gets: 0 };
  const server = http.createServer((req, res) => {
    state.gets++;
    state.auths.push(req.headers.authorization);
    res.writeHead(state.status, { 'content-type': 'application/json' });
    res.end(state.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  return { state, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/values.json` };
}

function run(t: T, script: string, services: RuntimeServices = {}) {
  const { pipeline } = appendChild(evaluateScript(script), 'sideload2', 'testCapture');
  const h = startTask(pipeline, { services });
  t.after(() => h.stop());
  const node = (h.task as unknown as { nodes: { name: string }[] }).nodes.find((n) => n.name === 'sideload2') as unknown as SideloadNode;
  return { h, node };
}

const script = (src: string) => `stream|from().measurement('cpu')|sideload().source('${src}')
  .order('hosts/{{.host}}.yml', 'default.yml').field('threshold', 0.0).tag('team', 'nobody')`;

test('sideload http: points written before the fetch finishes wait for it; reload re-fetches; shared by URL', async (t) => {
  const { state, url } = await valuesServer(t);
  state.body = JSON.stringify({ 'hosts/a.yml': { threshold: 90, team: 'web' }, 'default.yml': { threshold: 50 }, 'empty.yml': null });
  const { h, node } = run(t, script(url));
  // written at once, before the GET has been answered: held, then enriched (never the defaults)
  h.write(['cpu,host=a v=1 1', 'cpu,host=b v=1 2'], 's');
  assert.equal(capture(h).raw.length, 0);
  await node.whenLoaded();
  const vals = () => (capture(h).raw as Point[]).map((p) => [p.fields['threshold'], p.tags['team']]);
  assert.deepEqual(vals(), [[90, 'web'], [50, 'nobody']]);
  // the answer changes: nothing changes until a reload, as with files
  state.body = JSON.stringify({ 'default.yml': { threshold: 60, team: 'ops' } });
  h.write('cpu,host=b v=1 3', 's');
  const app = Fastify();
  await app.register(sideloadRoutes, { base: '/kapacitor/v1' });
  t.after(() => app.close());
  assert.equal((await app.inject({ method: 'POST', url: '/kapacitor/v1/sideload/reload' })).statusCode, 204);
  h.write(['cpu,host=a v=1 4'], 's');
  assert.deepEqual(vals().slice(2), [[50, 'nobody'], [60, 'ops']]);
  // a second node on the same URL shares the source: no new GET
  const gets = state.gets;
  const second = run(t, script(url));
  await second.node.whenLoaded();
  second.h.write('cpu,host=z v=1 5', 's');
  assert.deepEqual((capture(second.h).raw as Point[]).map((p) => p.fields['threshold']), [60]);
  assert.equal(state.gets, gets);
  // a bad answer on reload: 500 naming the source; the previous values stay
  state.body = '{"default.yml": [1, 2]}';
  const bad = await app.inject({ method: 'POST', url: '/kapacitor/v1/sideload/reload' });
  assert.equal(bad.statusCode, 500);
  assert.equal(bad.json().error, `failed to update source "${url}": failed to load body to update sideload cache for source "${url}": `
    + 'failed to unmarshal json values in response body: "default.yml" is not an object of key → value');
  h.write('cpu,host=q v=1 6', 's');
  assert.deepEqual(vals().at(-1), [60, 'ops']);
});

test('sideload http: an [[httppost]] endpoint name sends its basic auth', async (t) => {
  const { state, url } = await valuesServer(t);
  state.body = JSON.stringify({ 'default.yml': { threshold: 7 } });
  const auth = 'Basic ' + Buffer.from('user:pw').toString('base64');
  const { h, node } = run(t, script('values'), { httpPost: new Map([['values', { url, headers: { Authorization: auth, 'X-Other': 'not sent' } }]]) });
  await node.whenLoaded();
  h.write('cpu v=1 1', 's');
  assert.deepEqual((capture(h).raw as Point[]).map((p) => p.fields['threshold']), [7]);
  assert.deepEqual(state.auths.at(-1), auth);
});

test('sideload http: a failed first fetch is a counted node error naming the URL; defaults until a reload works', async (t) => {
  const { state, url } = await valuesServer(t);
  state.status = 503;
  state.body = 'busy';
  const { h, node } = run(t, script(url + '?x=503'));
  h.write('cpu,host=a v=1 1', 's');
  await node.whenLoaded();
  assert.deepEqual((capture(h).raw as Point[]).map((p) => p.fields['threshold']), [0]);
  assert.equal(h.task.stats()['node-stats']['sideload2']!['errors'], 1);
  assert.equal(h.logs[0]!['msg'], `Error fetching sideload data from ${url}?x=503 :: failed to update sideload cache for source "${url}?x=503": GET answered status 503`);
  // malformed JSON
  state.status = 200;
  state.body = '{"default.yml": {';
  const m = run(t, script(url + '?x=json'));
  await m.node.whenLoaded();
  assert.match(String(m.h.logs[0]!['msg']), /failed to load body to update sideload cache for source ".*x=json": failed to unmarshal json values in response body: /);
  // the reload that works fills it
  state.body = JSON.stringify({ 'default.yml': { threshold: 5 } });
  const app = Fastify();
  await app.register(sideloadRoutes, { base: '/kapacitor/v1' });
  t.after(() => app.close());
  assert.equal((await app.inject({ method: 'POST', url: '/kapacitor/v1/sideload/reload' })).statusCode, 204);
  m.h.write('cpu v=1 2', 's');
  assert.deepEqual((capture(m.h).raw as Point[]).map((p) => p.fields['threshold']), [5]);
});

test('sideload http: the outbound guard (-blacklist-cidrs) refuses a listed address', async (t) => {
  const { state, url } = await valuesServer(t);
  const { h, node } = run(t, script(url + '?guarded'), { outboundGuard: new OutboundGuard('127.0.0.0/8') });
  h.write('cpu v=1 1', 's');
  await node.whenLoaded();
  assert.equal(state.gets, 0);
  assert.match(String(h.logs[0]!['msg']), /^Error fetching sideload data from http:\/\/127\.0\.0\.1:\d+\/values\.json\?guarded :: Get ".*": .*127\.0\.0\.1/);
  assert.deepEqual((capture(h).raw as Point[]).map((p) => p.fields['threshold']), [0]);
});

test('sideload http: past the hold limit of messages waiting for the first fetch, points are dropped and counted', async (t) => {
  const { state, url } = await valuesServer(t);
  state.body = JSON.stringify({ 'default.yml': { threshold: 1 } });
  assert.equal(SideloadNode.holdLimit, 100_000);
  SideloadNode.holdLimit = 1000;
  const HOLD_LIMIT = 1000;
  const { h, node } = run(t, script(url + '?hold'));
  SideloadNode.holdLimit = 100_000;
  // one synchronous write: the GET cannot be answered before it is over, so every point waits
  h.write(Array.from({ length: HOLD_LIMIT + 2 }, (_, i) => `cpu v=${i} ${i + 1}`), 's');
  await node.whenLoaded();
  const out = capture(h).raw as Point[];
  assert.equal(out.length, HOLD_LIMIT);
  assert.deepEqual([out[0]!.fields['threshold'], out.at(-1)!.fields['v']], [1, HOLD_LIMIT - 1]);
  assert.equal(h.task.stats()['node-stats']['sideload2']!['errors'], 2);
  assert.equal(h.logs[0]!['msg'], `sideload source ${url}?hold is still loading and ${HOLD_LIMIT} messages wait: message dropped`);
});
