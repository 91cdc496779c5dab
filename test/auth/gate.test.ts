/**
 * The authentication gate with [http] auth-enabled, against Kapacitor 1.8's httpd handler (authenticate,
 * authorize, parseCredentials, serveWriteLine): every expected status and body below is written from that code.
 * Each refusal is followed by a good request, to show the server keeps serving.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signJwtHs256 } from '../../server/auth/jwt.ts';
import { SECRET, addUser, authApp, basic, compactError, type AuthApp } from './helpers.ts';

const LINE = 'cpu,host=a value=1 1000000000\n';
let a: AuthApp;
const nowSec = (): number => Math.floor(a.clock.now / 1000);
const bearer = (claims: Record<string, unknown>, secret = SECRET): string => `Bearer ${signJwtHs256(claims, secret)}`;

before(async () => {
  a = await authApp();
  await addUser(a, 'admin', 'admin-pw', [], true);
  await addUser(a, 'apiuser', 'api-pw', ['api']);
  await addUser(a, 'writer', 'writer-pw', ['write_points']);
  await addUser(a, 'nobody', 'nobody-pw', ['none']);
});
after(() => a.close());

async function pingAs(authorization?: string, url = '/kapacitor/v1/ping'): Promise<{ status: number; body: string }> {
  const res = await a.app.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });
  return { status: res.statusCode, body: res.body };
}

describe('unauthenticated requests get 401 with Kapacitor\'s body', () => {
  it('no credentials: ping, the task API, /write and unknown paths', async () => {
    for (const [method, url] of [['GET', '/kapacitor/v1/ping'], ['GET', '/kapacitor/v1/tasks'], ['POST', '/write?db=mydb'], ['GET', '/nope']] as const) {
      const res = await a.app.inject({ method, url, payload: method === 'POST' ? LINE : undefined });
      assert.equal(res.statusCode, 401, url);
      assert.equal(res.body, compactError('unable to parse authentication credentials'), url);
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
      assert.ok(res.headers['x-kapacitor-version'], 'common headers still set');
    }
    assert.equal(a.sink.points, 0, 'nothing written');
  });

  it('wrong password, unknown user and empty user name', async () => {
    assert.deepEqual(await pingAs(basic('admin', 'wrong')), { status: 401, body: compactError('authorization failed') });
    assert.deepEqual(await pingAs(basic('ghost', 'admin-pw')), { status: 401, body: compactError('authorization failed') });
    assert.deepEqual(await pingAs(basic('', 'x')), { status: 401, body: compactError('username required') });
    assert.equal((await pingAs(basic('admin', 'admin-pw'))).status, 204, 'still serving');
  });

  it('a correct password works again after a wrong one (the auth cache does not let a wrong one through)', async () => {
    assert.equal((await pingAs(basic('writer', 'writer-pw'))).status, 204);
    assert.equal((await pingAs(basic('writer', 'writer-pw'))).status, 204, 'second time from the cache');
    assert.equal((await pingAs(basic('writer', 'writer-pw!'))).status, 401);
    assert.equal((await pingAs(basic('writer', 'writer-pw'))).status, 204);
  });

  it('u and p query parameters authenticate like basic auth', async () => {
    assert.equal((await pingAs(undefined, '/kapacitor/v1/ping?u=admin&p=admin-pw')).status, 204);
    assert.equal((await pingAs(undefined, '/kapacitor/v1/ping?u=admin&p=bad')).status, 401);
  });

  it('a malformed Authorization header falls back to no credentials', async () => {
    assert.deepEqual(await pingAs('Basic !!!notbase64'), { status: 401, body: compactError('unable to parse authentication credentials') });
    assert.deepEqual(await pingAs('Digest abc'), { status: 401, body: compactError('unable to parse authentication credentials') });
  });

  it('counts every refusal', () => {
    assert.ok(a.stats.unauthenticated >= 10, String(a.stats.unauthenticated));
  });
});

describe('JWT bearer tokens signed with [http] shared-secret', () => {
  it('a valid HS256 token for a known user is accepted', async () => {
    assert.equal((await pingAs(bearer({ username: 'admin', exp: nowSec() + 60 }))).status, 204);
  });

  it('expired, forged, alg none, no exp, no username, unknown user', async () => {
    const cases: [string, string][] = [
      [bearer({ username: 'admin', exp: nowSec() - 1 }), 'invalid token: Token is expired'],
      [bearer({ username: 'admin', exp: nowSec() }), 'invalid token: Token is expired'],
      [bearer({ username: 'admin', exp: nowSec() + 60 }, 'another-secret'), 'invalid token: signature is invalid'],
      [bearer({ username: 'admin', exp: nowSec() + 60 }, ''), 'invalid token: signature is invalid'],
      [bearer({ username: 'admin' }), 'token expiration required'],
      [bearer({ username: 'admin', exp: 0 }), 'token expiration required'],
      [bearer({ exp: nowSec() + 60 }), 'username in token must be a string'],
      [bearer({ username: '', exp: nowSec() + 60 }), 'token must contain a username'],
      [bearer({ username: 'ghost', exp: nowSec() + 60 }), 'retrieving user "ghost" from store: no user exists'],
      [bearer({ username: 'admin', exp: nowSec() + 60, nbf: nowSec() + 30 }), 'invalid token: Token is not valid yet'],
      ['Bearer a.b', 'invalid token: token contains an invalid number of segments'],
    ];
    for (const [authorization, message] of cases) {
      assert.deepEqual(await pingAs(authorization), { status: 401, body: compactError(message) }, message);
    }
    assert.equal((await pingAs(basic('admin', 'admin-pw'))).status, 204, 'still serving');
  });

  it('alg none (unsigned) and a token re-labelled none with the valid signature are refused', async () => {
    const enc = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
    const claims = enc({ username: 'admin', exp: nowSec() + 60 });
    for (const alg of ['none', 'None', 'NONE']) {
      const token = `${enc({ alg, typ: 'JWT' })}.${claims}.`;
      const res = await pingAs(`Bearer ${token}`);
      assert.equal(res.status, 401, alg);
      // golang-jwt knows "none" (SigningMethodNone) and Kapacitor's key function refuses it; other spellings are unknown algs
      assert.equal(res.body, compactError(alg === 'none' ? 'invalid token: unexpected signing method: none' : 'invalid token: signing method (alg) is unavailable.'));
    }
    const good = signJwtHs256({ username: 'admin', exp: nowSec() + 60 }, SECRET).split('.');
    const relabelled = `${enc({ alg: 'none' })}.${good[1]}.${good[2]}`;
    assert.equal((await pingAs(`Bearer ${relabelled}`)).status, 401);
    const rs = `${enc({ alg: 'RS256' })}.${good[1]}.${good[2]}`;
    assert.deepEqual(await pingAs(`Bearer ${rs}`), { status: 401, body: compactError('invalid token: unexpected signing method: RS256') });
  });

  it('a token that expires while the server runs stops working', async () => {
    const token = bearer({ username: 'admin', exp: nowSec() + 5 });
    assert.equal((await pingAs(token)).status, 204);
    a.clock.now += 5_000;
    assert.equal((await pingAs(token)).status, 401);
  });
});

describe('authorization: 403 for a missing privilege', () => {
  it('a user with only the api permission cannot write points', async () => {
    const res = await a.app.inject({ method: 'POST', url: '/write?db=mydb', payload: LINE, headers: { authorization: basic('apiuser', 'api-pw') } });
    assert.equal(res.statusCode, 403);
    assert.equal(res.body, compactError('user apiuser does not have "write" privilege for API endpoint "/write"'));
    const v1 = await a.app.inject({ method: 'POST', url: '/kapacitor/v1/write?db=mydb', payload: LINE, headers: { authorization: basic('apiuser', 'api-pw') } });
    assert.equal(v1.body, compactError('user apiuser does not have "write" privilege for API endpoint "/kapacitor/v1/write"'));
    assert.equal(a.sink.points, 0, 'a refused write routes nothing');
    // ... but may use the task API
    const tasks = await a.app.inject({ method: 'GET', url: '/kapacitor/v1/ping', headers: { authorization: basic('apiuser', 'api-pw') } });
    assert.equal(tasks.statusCode, 204);
  });

  it('a user with write_points writes but cannot read the task API', async () => {
    const res = await a.app.inject({ method: 'POST', url: '/write?db=mydb', payload: LINE, headers: { authorization: basic('writer', 'writer-pw') } });
    assert.equal(res.statusCode, 204);
    assert.equal(a.sink.points, 1);
    const get = await a.app.inject({ method: 'GET', url: '/kapacitor/v1/users', headers: { authorization: basic('writer', 'writer-pw') } });
    assert.equal(get.statusCode, 403);
    assert.equal(get.body, compactError('user writer does not have "read" privilege for API endpoint "/kapacitor/v1/users"'));
  });

  it('write on /api/write without write on the database: 401 in plain text after parsing (Kapacitor serveWriteLine)', async () => {
    // only reachable with a stored privilege map (the users API always pairs /api/write with /database)
    const { default: bcrypt } = await import('bcryptjs');
    a.service['users'].create({ name: 'half', hash: await bcrypt.hash('half-pw', 4), admin: false, privileges: { '/api/write': ['all'], '/database/other_clean': ['write'] } });
    const before = a.sink.points;
    const res = await a.app.inject({ method: 'POST', url: '/write?db=mydb', payload: LINE, headers: { authorization: basic('half', 'half-pw') } });
    assert.equal(res.statusCode, 401);
    assert.equal(res.body, '"half" user is not authorized to write to database "mydb"\n');
    assert.equal(a.sink.points, before);
    const other = await a.app.inject({ method: 'POST', url: '/write?db=other', payload: LINE, headers: { authorization: basic('half', 'half-pw') } });
    assert.equal(other.statusCode, 204);
  });

  it('a user with no permissions is refused everything but may authenticate', async () => {
    const ping = await pingAs(basic('nobody', 'nobody-pw'));
    assert.deepEqual(ping, { status: 403, body: compactError('user nobody does not have "read" privilege for API endpoint "/kapacitor/v1/ping"') });
    const write = await a.app.inject({ method: 'POST', url: '/write?db=mydb', payload: LINE, headers: { authorization: basic('nobody', 'nobody-pw') } });
    assert.equal(write.statusCode, 403);
    assert.ok(a.stats.forbidden >= 4);
  });

  it('path tricks do not borrow the privileges of another path', async () => {
    // the writer has write on /api/write only; /write/../users is cleaned to /api/users first
    const res = await a.app.inject({ method: 'POST', url: '/kapacitor/v1/write/..%2Fusers', payload: '{}', headers: { authorization: basic('writer', 'writer-pw') } });
    assert.equal(res.statusCode, 403);
  });

  it('the probes and CORS preflights need no credentials', async () => {
    assert.equal((await a.app.inject({ method: 'GET', url: '/livez' })).statusCode, 200);
    assert.notEqual((await a.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 401);
    const pre = await a.app.inject({ method: 'OPTIONS', url: '/kapacitor/v1/tasks', headers: { origin: 'http://x' } });
    assert.notEqual(pre.statusCode, 401);
  });
});
