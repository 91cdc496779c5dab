/**
 * The users API (Kapacitor 1.8 services/auth/service.go and client/v1 User/CreateUserOptions/UpdateUserOptions):
 * shapes `{link, name, type, permissions}`, Kapacitor's permission names, and the errors for bad input; a
 * rejected request changes nothing. Called as an admin through the authentication gate.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addUser, authApp, basic, type AuthApp } from './helpers.ts';

let a: AuthApp;
const ADMIN = basic('root', 'root-pw');

before(async () => {
  a = await authApp();
  await addUser(a, 'root', 'root-pw', [], true);
});
after(() => a.close());

async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, authorization = ADMIN): Promise<{ status: number; json: any; body: string }> {
  const res = await a.app.inject({ method, url, headers: { authorization }, payload: payload === undefined ? undefined : typeof payload === 'string' ? payload : JSON.stringify(payload) });
  let json: unknown;
  try { json = JSON.parse(res.body); } catch { json = undefined; }
  return { status: res.statusCode, json, body: res.body };
}

describe('users API', () => {
  it('creates a user and shows it without any password or hash', async () => {
    const res = await call('POST', '/kapacitor/v1/users', { name: 'bob', password: 'bob-pw', type: 'normal', permissions: ['api', 'write_points'] });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { link: { rel: 'self', href: '/kapacitor/v1/users/bob' }, name: 'bob', type: 'normal', permissions: ['api', 'write_points'] });
    assert.ok(!/bob-pw|\$2[aby]\$/.test(res.body));
    assert.deepEqual((await call('GET', '/kapacitor/v1/users/bob')).json, res.json);
    // Kapacitor's body is pretty-printed with 4 spaces
    assert.ok(res.body.startsWith('{\n    "link": {'));
  });

  it('the new user can authenticate with exactly those permissions', async () => {
    assert.equal((await call('GET', '/kapacitor/v1/ping', undefined, basic('bob', 'bob-pw'))).status, 204);
    assert.equal((await call('GET', '/kapacitor/v1/users', undefined, basic('bob', 'wrong'))).status, 401);
  });

  it('permission "all" reads back as all; config_api and write_points as themselves', async () => {
    assert.deepEqual((await call('POST', '/kapacitor/v1/users', { name: 'carol', password: 'x', permissions: ['all'] })).json.permissions, ['all']);
    assert.deepEqual((await call('POST', '/kapacitor/v1/users', { name: 'dave', password: 'x', permissions: ['config_api', 'write_points'] })).json.permissions, ['config_api', 'write_points']);
    assert.deepEqual((await call('POST', '/kapacitor/v1/users', { name: 'erin@example.com', password: 'x', type: 'admin' })).json.type, 'admin');
  });

  it('lists users sorted by name, with pattern, fields, offset and limit', async () => {
    const all = await call('GET', '/kapacitor/v1/users');
    assert.deepEqual(all.json.users.map((u: { name: string }) => u.name), ['bob', 'carol', 'dave', 'erin@example.com', 'root']);
    const some = await call('GET', '/kapacitor/v1/users?pattern=*a*&fields=type');
    assert.deepEqual(some.json.users, [
      { link: { rel: 'self', href: '/kapacitor/v1/users/carol' }, name: 'carol', type: 'normal' },
      { link: { rel: 'self', href: '/kapacitor/v1/users/dave' }, name: 'dave', type: 'normal' },
      { link: { rel: 'self', href: '/kapacitor/v1/users/erin@example.com' }, name: 'erin@example.com', type: 'admin' },
    ]);
    assert.deepEqual((await call('GET', '/kapacitor/v1/users?offset=1&limit=2')).json.users.map((u: { name: string }) => u.name), ['carol', 'dave']);
    assert.equal((await call('GET', '/kapacitor/v1/users?fields=password')).json.error, 'unsupported field "password"');
  });

  it('bad input: 400 with the reason, nothing created', async () => {
    const cases: [unknown, string][] = [
      ['{nope', 'invalid JSON'],
      [{ password: 'x' }, 'username is required'],
      [{ name: 'bad name', password: 'x' }, `username must contain only letters, numbers, '-', '.', '@' and '_'. "bad name"`],
      [{ name: 'a/b', password: 'x' }, `username must contain only letters, numbers, '-', '.', '@' and '_'. "a/b"`],
      [{ name: 'frank' }, 'password is required'],
      [{ name: 'frank', password: 'x', permissions: ['root'] }, 'invalid JSON: unknown Permission "root"'],
      [{ name: 'frank', password: 'x', type: 'superuser' }, 'invalid JSON: unknown UserType superuser'],
    ];
    for (const [body, message] of cases) {
      const res = await call('POST', '/kapacitor/v1/users', body);
      assert.equal(res.status, 400, message);
      assert.ok(res.json.error.startsWith(message), `${res.json.error} vs ${message}`);
    }
    assert.equal((await call('GET', '/kapacitor/v1/users/frank')).status, 404);
  });

  it('creating an existing user is refused and leaves its password alone', async () => {
    const res = await call('POST', '/kapacitor/v1/users', { name: 'bob', password: 'other', permissions: ['all'] });
    assert.equal(res.status, 409);
    assert.equal(res.json.error, 'failed to create user: user already exists');
    assert.equal((await call('GET', '/kapacitor/v1/ping', undefined, basic('bob', 'bob-pw'))).status, 204);
    assert.deepEqual((await call('GET', '/kapacitor/v1/users/bob')).json.permissions, ['api', 'write_points']);
  });

  it('PATCH changes the password (the old one stops working at once), type and permissions', async () => {
    assert.equal((await call('GET', '/kapacitor/v1/ping', undefined, basic('bob', 'bob-pw'))).status, 204); // now cached
    const res = await call('PATCH', '/kapacitor/v1/users/bob', { password: 'new-pw' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.permissions, ['api', 'write_points'], 'permissions kept when not given');
    assert.equal((await call('GET', '/kapacitor/v1/ping', undefined, basic('bob', 'bob-pw'))).status, 401);
    assert.equal((await call('GET', '/kapacitor/v1/ping', undefined, basic('bob', 'new-pw'))).status, 204);
    assert.deepEqual((await call('PATCH', '/kapacitor/v1/users/bob', { permissions: ['write_points'] })).json.permissions, ['write_points']);
    assert.equal((await call('GET', '/kapacitor/v1/tasks', undefined, basic('bob', 'new-pw'))).status, 403, 'api access gone at once');
    assert.deepEqual((await call('PATCH', '/kapacitor/v1/users/bob', { type: 'admin' })).json, { link: { rel: 'self', href: '/kapacitor/v1/users/bob' }, name: 'bob', type: 'admin', permissions: [] });
    assert.equal((await call('PATCH', '/kapacitor/v1/users/nobody', { password: 'x' })).status, 404);
    assert.equal((await call('PATCH', '/kapacitor/v1/users/bob', { type: 'x' })).status, 400);
  });

  it('DELETE removes the user and its cached credentials', async () => {
    assert.equal((await call('GET', '/kapacitor/v1/ping', undefined, basic('dave', 'x'))).status, 204);
    assert.equal((await call('DELETE', '/kapacitor/v1/users/dave')).status, 204);
    assert.equal((await call('GET', '/kapacitor/v1/ping', undefined, basic('dave', 'x'))).status, 401);
    assert.equal((await call('DELETE', '/kapacitor/v1/users/dave')).status, 404);
  });

  it('a normal user with the api permission may manage users (Kapacitor: the users API is part of /api)', async () => {
    await call('POST', '/kapacitor/v1/users', { name: 'ops', password: 'ops-pw', permissions: ['api'] });
    assert.equal((await call('GET', '/kapacitor/v1/users', undefined, basic('ops', 'ops-pw'))).status, 200);
    // write_points alone does not reach it
    await call('POST', '/kapacitor/v1/users', { name: 'telegraf', password: 't-pw', permissions: ['write_points'] });
    assert.equal((await call('POST', '/kapacitor/v1/users', { name: 'evil', password: 'x', type: 'admin' }, basic('telegraf', 't-pw'))).status, 403);
    assert.equal((await call('GET', '/kapacitor/v1/users/evil')).status, 404);
  });
});
