/** Kapacitor's authorization model (auth/auth.go, services/auth/service.go convertPermissions) and the JWT rules. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { User, WRITE, READ, DELETE, NO_PRIVILEGES, databaseResource, permissionsToPrivileges, privilegesToPermissions } from '../../server/auth/privileges.ts';
import { signJwtHs256, verifyJwt } from '../../server/auth/jwt.ts';
import { resourceOf } from '../../server/auth/hook.ts';
import { parseCredentials } from '../../server/auth/credentials.ts';

describe('privileges', () => {
  it('database resources are one path element, clean or dirty (auth.DatabaseResource examples)', () => {
    assert.equal(databaseResource('db/name'), '/database/db_name_dirty');
    assert.equal(databaseResource('db_name'), '/database/db_name_clean');
    assert.equal(databaseResource(''), '/database');
  });

  it('the nearest listed ancestor decides; a "none" entry carves a path out of /api', () => {
    const u = new User('u', false, permissionsToPrivileges(['api']));
    assert.equal(u.missingPrivilege('/api/tasks/x', WRITE), undefined);
    assert.equal(u.missingPrivilege('/api/write', WRITE), WRITE);
    assert.equal(u.missingPrivilege('/api/config/x', READ), READ);
    assert.equal(u.missingPrivilege('/api/write/../tasks', DELETE), undefined, 'cleaned before lookup');
    assert.equal(u.missingPrivilege('/database/x_clean', WRITE), WRITE);
    assert.equal(u.missingPrivilege('/anything', NO_PRIVILEGES), undefined, 'HEAD and OPTIONS need nothing');
    assert.equal(new User('a', true, {}).missingPrivilege('/api/write', WRITE), undefined, 'admin');
    assert.equal(new User('n', false, {}).missingPrivilege('/api/ping', READ), READ);
  });

  it('write_points writes to every database (tickstream addition) and pings, nothing else', () => {
    const u = new User('w', false, permissionsToPrivileges(['write_points']));
    assert.equal(u.missingPrivilege('/api/write', WRITE), undefined);
    assert.equal(u.missingPrivilege('/api/ping', READ), undefined);
    assert.equal(u.missingPrivilege(databaseResource('telegraf'), WRITE), undefined);
    assert.equal(u.missingPrivilege('/api/tasks', READ), READ);
  });

  it('permissions round-trip as Kapacitor reports them', () => {
    assert.deepEqual(privilegesToPermissions(permissionsToPrivileges(['api', 'config_api', 'write_points'])), ['all']);
    assert.deepEqual(privilegesToPermissions(permissionsToPrivileges(['none'])), []);
    assert.deepEqual(privilegesToPermissions(permissionsToPrivileges(['write_points', 'api'])), ['api', 'write_points']);
  });

  it('API resources: the path after /kapacitor/v1 (or v1preview) under /api; other paths as they are', () => {
    assert.equal(resourceOf('/kapacitor/v1/tasks/x'), '/api/tasks/x');
    assert.equal(resourceOf('/kapacitor/v1preview/tasks'), '/api/tasks');
    assert.equal(resourceOf('/write'), '/api/write');
    assert.equal(resourceOf('/metrics'), '/api/metrics');
  });
});

describe('credentials', () => {
  it('Bearer, case-insensitive Basic, then u/p parameters', () => {
    assert.deepEqual(parseCredentials('Bearer abc', {}), { method: 'bearer', token: 'abc' });
    assert.deepEqual(parseCredentials('basic ' + Buffer.from('a:b:c').toString('base64'), {}), { method: 'user', username: 'a', password: 'b:c' });
    assert.deepEqual(parseCredentials(undefined, { u: 'x', p: 'y' }), { method: 'user', username: 'x', password: 'y' });
    assert.equal(parseCredentials(undefined, { u: 'x' }), undefined);
    assert.equal(parseCredentials('bearer abc', {}), undefined, 'Kapacitor compares "Bearer" exactly');
  });
});

describe('JWT verification (golang-jwt v4 messages)', () => {
  const now = 1_700_000_000;
  it('accepts HS256, HS384 and HS512 with the secret', () => {
    assert.deepEqual(verifyJwt(signJwtHs256({ username: 'u', exp: now + 1 }, 's'), 's', now), { ok: true, username: 'u' });
    for (const [alg, hash] of [['HS384', 'sha384'], ['HS512', 'sha512']] as const) {
      const enc = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
      const unsigned = `${enc({ alg })}.${enc({ username: 'u', exp: now + 1 })}`;
      const sig = hmacB64(hash, 's', unsigned);
      assert.deepEqual(verifyJwt(`${unsigned}.${sig}`, 's', now), { ok: true, username: 'u' }, alg);
    }
  });
  it('iat in the future, malformed segments and a tampered payload are refused', () => {
    assert.deepEqual(verifyJwt(signJwtHs256({ username: 'u', exp: now + 10, iat: now + 5 }, 's'), 's', now), { ok: false, message: 'invalid token: Token used before issued' });
    assert.deepEqual(verifyJwt('a.b.c.d', 's', now), { ok: false, message: 'invalid token: token contains an invalid number of segments' });
    assert.deepEqual(verifyJwt('@@.b.c', 's', now), { ok: false, message: 'invalid token: illegal base64 data at input byte 0' });
    const [h, , sig] = signJwtHs256({ username: 'u', exp: now + 10 }, 's').split('.');
    const forged = Buffer.from(JSON.stringify({ username: 'admin', exp: now + 10 })).toString('base64url');
    assert.deepEqual(verifyJwt(`${h}.${forged}.${sig}`, 's', now), { ok: false, message: 'invalid token: signature is invalid' });
  });
  it('no shared secret: bearer tokens are refused even when signed with the empty key', () => {
    const r = verifyJwt(signJwtHs256({ username: 'u', exp: now + 10 }, ''), '', now);
    assert.deepEqual(r, { ok: false, message: 'invalid token: bearer tokens are disabled: [http] shared-secret is not set' });
  });
});

function hmacB64(hash: string, key: string, data: string): string {
  return createHmac(hash, key).update(data).digest('base64url');
}
