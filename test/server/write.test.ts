/**
 * POST /write as Kapacitor 1.8 answers it (SPEC 5.2, Appendix C, 9 item 10): 204 after routing; parse errors,
 * then a missing db, as plain-text 400s; nothing of a rejected request is routed; gzip bodies inflated with a
 * limit; oversize bodies 413.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { BodyError, inflateGzip } from '../../server/ingest/body.ts';
import { testApp } from './helpers.ts';

const NOW = 1700000000123456789n;
const CURL_LINE = 'requests,host=a,replicaset=app value=1i';
const JSON_TYPE = 'application/json; charset=utf-8';

describe('/write', () => {
  const t = testApp({ now: NOW });
  after(() => t.app.close());

  it("accepts the issue's curl line: 204, point routed with the receive time truncated to the precision", async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/write?db=autoscale&rp=autogen&precision=s', payload: CURL_LINE,
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, // what curl --data-binary sends
    });
    assert.equal(res.statusCode, 204);
    assert.equal(res.body, '');
    const last = t.sink.last!;
    assert.equal(last.db, 'autoscale');
    assert.equal(last.rp, 'autogen');
    assert.equal(last.points.length, 1);
    const p = last.points[0]!;
    assert.equal(p.name, 'requests');
    assert.deepEqual({ ...p.tags }, { host: 'a', replicaset: 'app' });
    assert.deepEqual({ ...p.fields }, { value: 1n });
    assert.equal(p.time, 1700000000000000000n); // SPEC 9 item 15: receive time truncated to precision=s
    assert.equal(t.ingress.pointsReceived('autoscale', 'autogen', 'requests'), 1);
  });

  for (const path of ['/kapacitor/v1/write', '/kapacitor/v1preview/write']) {
    it(`serves ${path} too`, async () => {
      const before = t.sink.points;
      const res = await t.app.inject({ method: 'POST', url: `${path}?db=d&rp=r`, payload: 'm f=1 1\nm f=2 2' });
      assert.equal(res.statusCode, 204);
      assert.equal(t.sink.points, before + 2);
    });
  }

  for (const type of ['text/plain', 'application/octet-stream', 'application/json', 'multipart/form-data; boundary=x', 'garbage', undefined]) {
    it(`reads the body as line protocol whatever the content type (${type ?? 'none'})`, async () => {
      const headers: Record<string, string> = type ? { 'content-type': type } : {};
      const res = await t.app.inject({ method: 'POST', url: '/write?db=d', payload: Buffer.from('m f=1 1'), headers });
      assert.equal(res.statusCode, 204);
      assert.equal(t.sink.last!.points[0]!.name, 'm');
    });
  }

  it('rejects the whole request on any bad line: 400, every error on its own line, nothing routed', async () => {
    const writes = t.sink.writes;
    const counted = t.ingress.pointsReceived('d', 'r', 'good');
    const res = await t.app.inject({
      method: 'POST', url: '/write?db=d&rp=r', payload: 'good f=1 1\nbad\ngood f=2 2\ngood f=tRue 3\n',
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.body, "unable to parse 'bad': missing fields\nunable to parse 'good f=tRue 3': invalid boolean\n");
    assert.equal(res.headers['content-type'], JSON_TYPE); // SPEC 5.2: plain text body, JSON content type
    assert.equal(t.sink.writes, writes);
    assert.equal(t.ingress.pointsReceived('d', 'r', 'good'), counted);
  });

  it('requires db: 400 `database is required`', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/write?rp=r', payload: 'm f=1' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.body, 'database is required\n');
  });

  it('parses before checking db (SPEC 9 item 10)', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/write', payload: 'm' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.body, "unable to parse 'm': missing fields\n");
  });

  it('answers 204 to an empty body and routes nothing', async () => {
    const writes = t.sink.writes;
    for (const payload of ['', '\n\n', '# only a comment\n']) {
      const res = await t.app.inject({ method: 'POST', url: '/write?db=d', payload });
      assert.equal(res.statusCode, 204, JSON.stringify(payload));
    }
    assert.equal(t.sink.writes, writes);
  });

  it('rejects an unknown precision with 400', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/write?db=d&precision=x', payload: 'm f=1 1' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /^invalid precision "x"/);
  });

  for (const [precision, expected] of [['ms', 1700000000123000000n], ['u', 1700000000123456000n], ['', NOW]] as const) {
    it(`stamps lines without timestamp with the receive time truncated to precision=${precision || '(none)'}`, async () => {
      const res = await t.app.inject({ method: 'POST', url: `/write?db=d&precision=${precision}`, payload: 'm f=1' });
      assert.equal(res.statusCode, 204);
      assert.equal(t.sink.last!.points[0]!.time, expected);
    });
  }

  it('accepts and ignores consistency, u and p', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/write?db=d&consistency=all&u=me&p=secret', payload: 'm f=1 1' });
    assert.equal(res.statusCode, 204);
  });

  it('takes the first of repeated query parameters, as Go does', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/write?db=first&db=second', payload: 'm f=1 1' });
    assert.equal(res.statusCode, 204);
    assert.equal(t.sink.last!.db, 'first');
  });

  it('carries the common headers', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/write?db=d', payload: 'm f=1 1' });
    assert.ok(res.headers['x-kapacitor-version']);
    assert.match(String(res.headers['request-id']), /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('inflates Content-Encoding: gzip bodies', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/write?db=gz&rp=r', payload: gzipSync('m f=1 1\nm f=2 2\n'), headers: { 'content-encoding': 'gzip' },
    });
    assert.equal(res.statusCode, 204);
    assert.equal(t.sink.last!.db, 'gz');
    assert.equal(t.sink.last!.points.length, 2);
  });

  it('answers 400 to corrupt or truncated gzip', async () => {
    const notGzip = await t.app.inject({
      method: 'POST', url: '/write?db=d', payload: 'm f=1 1', headers: { 'content-encoding': 'gzip' },
    });
    assert.equal(notGzip.statusCode, 400);
    assert.equal(notGzip.body, 'gzip: invalid header\n');
    const whole = gzipSync('m f=1 1\n'.repeat(100));
    const truncated = await t.app.inject({
      method: 'POST', url: '/write?db=d', payload: whole.subarray(0, whole.length - 10), headers: { 'content-encoding': 'gzip' },
    });
    assert.equal(truncated.statusCode, 400);
    assert.equal(truncated.body, 'unexpected EOF\n');
  });

  it('answers a failing sink with 500 and keeps serving', async () => {
    const failing = testApp({ sink: { writePoints: () => { throw new Error('task master exploded'); } } });
    try {
      const res = await failing.app.inject({ method: 'POST', url: '/write?db=d', payload: 'm f=1 1' });
      assert.equal(res.statusCode, 500);
      assert.equal(res.body, 'task master exploded\n');
      const ping = await failing.app.inject({ method: 'GET', url: '/kapacitor/v1/ping' });
      assert.equal(ping.statusCode, 204);
    } finally {
      await failing.app.close();
    }
  });

  it('uses [default-retention-policy] when rp is empty', async () => {
    const withDefault = testApp({ env: { KAPACITOR_DEFAULT_RETENTION_POLICY: 'autogen' } });
    try {
      const res = await withDefault.app.inject({ method: 'POST', url: '/write?db=d&rp=', payload: 'm f=1 1' });
      assert.equal(res.statusCode, 204);
      assert.equal(withDefault.sink.last!.rp, 'autogen');
    } finally {
      await withDefault.app.close();
    }
    const res = await t.app.inject({ method: 'POST', url: '/write?db=d', payload: 'm f=1 1' });
    assert.equal(res.statusCode, 204);
    assert.equal(t.sink.last!.rp, ''); // SPEC 5.2: the default default is empty
  });
});

describe('/write size limits', () => {
  const LIMIT = 64 * 1024;
  const t = testApp({ env: { KAPACITOR_HTTP_MAX_BODY_SIZE: String(LIMIT) } });
  after(() => t.app.close());

  it('answers 413 to a body over [http] max-body-size', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/write?db=d', payload: 'm f=1 1\n'.repeat(LIMIT / 8 + 1) });
    assert.equal(res.statusCode, 413);
    assert.equal(res.body, 'http: request body too large\n');
    assert.equal(t.sink.writes, 0);
  });

  it('accepts a body just under the limit', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/write?db=d', payload: 'm f=1 1\n'.repeat(LIMIT / 8 - 1) });
    assert.equal(res.statusCode, 204);
  });

  it('answers 413 to a gzip body that inflates past the limit', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/write?db=d', payload: gzipSync(Buffer.alloc(LIMIT * 4, 'm f=1 1\n')),
      headers: { 'content-encoding': 'gzip' },
    });
    assert.equal(res.statusCode, 413);
    assert.equal(res.body, 'http: request body too large\n');
  });

  it('stops inflating a gzip bomb at the limit instead of inflating it in full', async () => {
    // 512 gzip members of 1 MiB of zeros each: ~0.5 GiB inflated from ~0.5 MiB
    const member = gzipSync(Buffer.alloc(1 << 20));
    const bomb = Buffer.concat(new Array<Buffer>(512).fill(member));
    const started = process.hrtime.bigint();
    await assert.rejects(inflateGzip(bomb, 1 << 20), (err: unknown) => err instanceof BodyError && err.status === 413);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // inflating all 512 MiB takes seconds and half a gigabyte; stopping at 1 MiB takes milliseconds
    assert.ok(ms < 1000, `took ${ms} ms`);
  });

  it('answers 400 `EOF` to an empty gzip body, as Go\'s gzip reader does', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/write?db=d', payload: '', headers: { 'content-encoding': 'gzip' } });
    assert.equal(res.statusCode, 400);
    assert.equal(res.body, 'EOF\n');
  });
});

describe('/write with the tutorial fixture', () => {
  const t = testApp();
  after(() => t.app.close());

  it('routes fixtures/lineprotocol/autoscale-two-pods.lp (precision=s) and counts ingress per measurement', async () => {
    const body = readFileSync(new URL('../../fixtures/lineprotocol/autoscale-two-pods.lp', import.meta.url));
    const res = await t.app.inject({ method: 'POST', url: '/write?db=autoscale&rp=autogen&precision=s', payload: body });
    assert.equal(res.statusCode, 204);
    const points = t.sink.last!.points;
    assert.equal(points.length, 24); // 2 pods × 12 seconds; the comment lines are skipped
    assert.equal(points[0]!.time, 1478629267000000000n); // 2016-11-08T18:21:07Z in ns
    assert.equal(points[23]!.time, 1478629278000000000n);
    assert.deepEqual({ ...points[3]!.tags }, { host: 'app-b', replicaset: 'app' });
    assert.equal(points[3]!.fields.value, 40n);
    assert.equal(points[0]!.tags, points[2]!.tags); // one tags object per series
    assert.deepEqual(t.ingress.snapshot(), [{
      name: 'ingress',
      tags: { task_master: 'main', database: 'autoscale', retention_policy: 'autogen', measurement: 'requests' },
      values: { points_received: 24 },
    }]);
  });
});

describe('/write never answers 500 to any byte sequence', () => {
  const t = testApp();
  after(() => t.app.close());

  it('random bodies (plain and gzip-flagged) get 204 or 400', async () => {
    let seed = 7;
    const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    const statuses = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const body = Buffer.alloc(Math.floor(rnd() * 200));
      for (let j = 0; j < body.length; j++) body[j] = rnd() < 0.5 ? Math.floor(rnd() * 256) : 'm f=1i,=" \\\n'.charCodeAt(Math.floor(rnd() * 12));
      const headers: Record<string, string> = i % 5 === 0 ? { 'content-encoding': 'gzip' } : {};
      const res = await t.app.inject({ method: 'POST', url: '/write?db=d', payload: body, headers });
      assert.ok(res.statusCode === 204 || res.statusCode === 400, `status ${res.statusCode} for ${body.toString('hex')}`);
      statuses.add(res.statusCode);
    }
    assert.ok(statuses.has(400));
  });
});
