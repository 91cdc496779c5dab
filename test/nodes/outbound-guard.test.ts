// The SSRF guard (kapacitord -blacklist-cidrs, Kapacitor http/transport.go: `ip '…' is blacklisted`, checked on
// resolved addresses for every connection) for httpPost and alert .post(), and -disable-handlers.
// Each refusal is a counted node error with a clear message, and the task keeps processing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboundGuard } from '../../outbound/guard.ts';
import { outboundRequest } from '../../outbound/http-client.ts';
import { PipelineBuilder } from '../helpers/runtime/pipeline-builder.ts';
import { startTask } from '../helpers/runtime/replay.ts';
import { setLambdaCompiler } from '../../runtime/lambda.ts';
import { compileLambda, evaluateScript } from '../../tickscript/index.ts';
import { loadConfig } from '../../config/index.ts';
import { capture, nodeOf, T0 } from './capture.ts';

setLambdaCompiler(compileLambda);

interface Hit { method: string; url: string; auth: string | undefined; body: string }

/** A receiver on 127.0.0.1 that answers each path with `route(path)`: a status, or [status, Location]. */
async function server(t: { after(fn: () => unknown): void }, route: (path: string) => number | [number, string]): Promise<{ base: string; hits: Hit[] }> {
  const hits: Hit[] = [];
  const s = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
    req.on('end', () => {
      hits.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
      const r = route(req.url!);
      if (Array.isArray(r)) res.writeHead(r[0], { Location: r[1] }).end();
      else res.writeHead(r).end('ok');
    });
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); }));
  return { base: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, hits };
}

const post = (url: string, guard: OutboundGuard, headers: Record<string, string> = {}) =>
  outboundRequest({ url, method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: '{}', guard });

test('guard specs: CIDR lists, "private", and Go\'s error for a bad entry', () => {
  const g = new OutboundGuard('10.0.0.0/8, 169.254.169.254/32,fd00::/8');
  assert.equal(g.refusal('10.1.2.3'), "ip '10.1.2.3' is blacklisted");
  assert.equal(g.refusal('169.254.169.254'), "ip '169.254.169.254' is blacklisted");
  assert.equal(g.refusal('169.254.169.253'), undefined);
  assert.equal(g.refusal('fd12::1'), "ip 'fd12::1' is blacklisted");
  assert.equal(g.refusal('::ffff:10.0.0.1'), "ip '::ffff:10.0.0.1' is blacklisted", 'IPv4-mapped IPv6');
  const p = new OutboundGuard('private');
  for (const ip of ['127.0.0.1', '10.0.0.1', '172.16.0.1', '192.168.1.1', '169.254.169.254', '::1', 'fe80::1', '0.0.0.0']) assert.ok(p.refusal(ip), ip);
  assert.equal(p.refusal('8.8.8.8'), undefined);
  assert.throws(() => new OutboundGuard('10.0.0.0'), { message: 'improper CIDRs: invalid CIDR address: 10.0.0.0' });
  assert.throws(() => new OutboundGuard('10.0.0.0/33'), { message: 'improper CIDRs: invalid CIDR address: 10.0.0.0/33' });
  assert.equal(new OutboundGuard('').refusal('127.0.0.1'), undefined);
});

test('a redirect from an allowed host to 169.254.169.254 is refused before connecting (307 and 302)', async (t) => {
  const s = await server(t, (p) => (p === '/307' ? [307, 'http://169.254.169.254/latest/meta-data/'] : [302, 'http://169.254.169.254/x']));
  const guard = new OutboundGuard('169.254.0.0/16');
  await assert.rejects(post(`${s.base}/307`, guard), { name: 'BlockedAddressError', message: `Post "http://169.254.169.254/latest/meta-data/": ip '169.254.169.254' is blacklisted` });
  // 302 turns the POST into a GET (Go's client), and the GET is refused too
  await assert.rejects(post(`${s.base}/302`, guard), { message: `Get "http://169.254.169.254/x": ip '169.254.169.254' is blacklisted` });
  assert.equal(s.hits.length, 2, 'only the allowed host was contacted');
});

test('a DNS name resolving to 127.0.0.1 is refused after resolution; an IP literal before connecting', async (t) => {
  const s = await server(t, () => 200);
  const guard = new OutboundGuard('127.0.0.0/8,::1/128');
  const port = new URL(s.base).port;
  await assert.rejects(post(`http://localhost:${port}/hook`, guard),
    (e: Error) => /^Post "http:\/\/localhost:\d+\/hook": ip '(127\.0\.0\.1|::1)' is blacklisted \(localhost resolves to it\)$/.test(e.message));
  await assert.rejects(post(`${s.base}/hook`, guard), { message: `Post "${s.base}/hook": ip '127.0.0.1' is blacklisted` });
  assert.equal(s.hits.length, 0);
});

test('redirects: at most 10; 307 repeats the POST with its body; Authorization is dropped for another host', async (t) => {
  const s = await server(t, (p) => {
    const n = Number(/\/loop\/(\d+)/.exec(p)?.[1] ?? -1);
    if (n >= 0) return [302, `/loop/${n + 1}`];
    if (p === '/keep') return [307, '/final'];
    if (p === '/away') return [307, `${s.base.replace('127.0.0.1', 'localhost')}/final`];
    return 200;
  });
  await assert.rejects(post(`${s.base}/loop/0`, new OutboundGuard('')), { message: `Get "${s.base}/loop/10": stopped after 10 redirects` });
  const ok = await post(`${s.base}/keep`, new OutboundGuard(''), { Authorization: 'Bearer t' });
  assert.equal(ok.status, 200);
  const final = s.hits.at(-1)!;
  assert.deepEqual([final.method, final.url, final.body, final.auth], ['POST', '/final', '{}', 'Bearer t']);
  await post(`${s.base}/away`, new OutboundGuard(''), { Authorization: 'Bearer t' });
  assert.equal(s.hits.at(-1)!.auth, undefined);
});

test('httpPost: a refused address is a counted node error with the reason; the task keeps processing', async (t) => {
  const b = new PipelineBuilder();
  b.stream().chain('from').prop('measurement', 'cpu').chain('httpPost', 'http://169.254.169.254/latest/meta-data/').prop('codeField', 'code').chain('testCapture');
  const h = startTask(b.build(), { services: { outboundGuard: new OutboundGuard('169.254.0.0/16') } });
  t.after(() => h.stop());
  h.write([`cpu,host=a value=1 ${T0}`, `cpu,host=a value=2 ${T0 + 1}`], 's');
  await nodeOf<{ whenIdle(): Promise<void> }>(h, 'httpPost').whenIdle();
  assert.equal(h.task.stats()['node-stats']['http_post2']!['errors'], 2);
  const err = h.logs.find((l) => l['msg'] === 'error POSTing to endpoint')?.['err'] as { message: string };
  assert.equal(err.message, `Post "http://169.254.169.254/latest/meta-data/": ip '169.254.169.254' is blacklisted`);
  assert.equal(capture(h).raw.length, 2, 'both points passed on (with code 0)');
  assert.equal((capture(h).raw[1] as { fields: Record<string, unknown> }).fields['code'], 0n);
});

test('alert .post(): a refused address is counted as the alert node\'s error', async (t) => {
  const p = evaluateScript(`stream|from().measurement('cpu')|alert().warn(lambda: "value" > 10).post('http://10.1.2.3/hook')`);
  const h = startTask(p, { services: { outboundGuard: new OutboundGuard('10.0.0.0/8') } });
  t.after(() => h.stop());
  h.write([`cpu,host=a value=15 ${T0}`], 's');
  await nodeOf<{ whenIdle(): Promise<void> }>(h, 'alert').whenIdle();
  assert.equal(h.task.stats()['node-stats']['alert2']!['errors'], 1);
  const err = h.logs.find((l) => l['msg'] === 'failed to POST alert data')?.['err'] as { message: string };
  assert.equal(err.message, `Post "http://10.1.2.3/hook": ip '10.1.2.3' is blacklisted`);
});

test('-disable-handlers: a task using a disabled alert handler fails at start, naming it', () => {
  const p = evaluateScript(`stream|from().measurement('cpu')|alert().warn(lambda: "value" > 10).post('http://example.com/hook')`);
  assert.throws(() => startTask(p, { services: { disabledHandlers: new Set(['post']) } }),
    /alert handler "post" is disabled on this server \(kapacitord -disable-handlers\)/);
  const ok = evaluateScript(`stream|from().measurement('cpu')|alert().warn(lambda: "value" > 10).log('/tmp/x.log')`);
  const h = startTask(ok, { services: { disabledHandlers: new Set(['post']) } });
  h.stop();
});

test('configuration: -blacklist-cidrs / KAPACITOR_BLACKLIST_CIDRS / -disable-handlers, bad CIDRs named', () => {
  const env = { KAPACITOR_DATA_DIR: '/tmp/tickstream-unused' };
  assert.equal(loadConfig({ env: { ...env, KAPACITOR_BLACKLIST_CIDRS: 'private' } }).blacklistCidrs, 'private');
  const c = loadConfig({ env, argv: ['-blacklist-cidrs', '10.0.0.0/8,169.254.0.0/16', '-disable-handlers', 'post,exec'] });
  assert.equal(c.blacklistCidrs, '10.0.0.0/8,169.254.0.0/16');
  assert.deepEqual(c.disableHandlers, ['post', 'exec']);
  assert.throws(() => loadConfig({ env, argv: ['-blacklist-cidrs', 'nope'] }),
    { message: 'config: flag -blacklist-cidrs: key "blacklist-cidrs": improper CIDRs: invalid CIDR address: nope' });
  assert.throws(() => loadConfig({ env: { ...env, KAPACITOR_BLACKLIST_CIDRS: '1.2.3.4/40' } }), /KAPACITOR_BLACKLIST_CIDRS: key "blacklist-cidrs": improper CIDRs/);
});
