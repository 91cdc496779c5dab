/**
 * Checks of [auth] and [http] auth-enabled. Kapacitor 1.8 answers `[http] auth-enabled = true` with
 * `[auth] enabled = false` by authenticating every name and password as an admin (services/noauth); tickstream
 * refuses to start instead, because that configuration looks protected and is not.
 */
import { usernameError } from './username.ts';
import { keyError, type KeyOrigin } from './errors.ts';
import type { Config } from './schema.ts';

/** bcrypt's own bounds (golang.org/x/crypto/bcrypt MinCost/MaxCost). */
export const BCRYPT_MIN_COST = 4;
export const BCRYPT_MAX_COST = 31;

export function validateAuth(c: Config, origin: KeyOrigin): void {
  const fail = (path: string, label: string, message: string): never => { throw keyError(origin, path, label, message); };
  const a = c.auth;
  if (c.http.authEnabled && !a.enabled) {
    fail('http.authEnabled', 'http.auth-enabled', 'needs [auth] enabled = true (KAPACITOR_AUTH_ENABLED=true): without it there are no users to check passwords against');
  }
  if (!a.enabled) return;
  if (a.bcryptCost < BCRYPT_MIN_COST) fail('auth.bcryptCost', 'auth.bcrypt-cost', `must provide a bcrypt cost >= ${BCRYPT_MIN_COST}, got ${a.bcryptCost}`);
  if (a.bcryptCost > BCRYPT_MAX_COST) fail('auth.bcryptCost', 'auth.bcrypt-cost', `must be <= ${BCRYPT_MAX_COST}, got ${a.bcryptCost}`);
  if (a.cacheExpiration < 0n) fail('auth.cacheExpiration', 'auth.cache-expiration', 'must be >= 0');
  if (a.metaAddr !== '') {
    fail('auth.metaAddr', 'auth.meta-addr', 'InfluxDB Enterprise meta users are not supported by tickstream; leave meta-addr empty to use local users');
  }
  if (a.bootstrapUser !== '' || a.bootstrapPassword !== '') {
    if (a.bootstrapUser === '') fail('auth.bootstrapUser', 'auth.bootstrap-user', 'must be set when bootstrap-password is set');
    if (a.bootstrapPassword === '') fail('auth.bootstrapPassword', 'auth.bootstrap-password', 'must be set when bootstrap-user is set');
    const bad = usernameError(a.bootstrapUser);
    if (bad) fail('auth.bootstrapUser', 'auth.bootstrap-user', bad);
  }
}
