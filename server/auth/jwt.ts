/**
 * Verification of JWT bearer tokens signed with `[http] shared-secret`, with the rules and messages of
 * Kapacitor 1.8 (services/httpd/handler.go on golang-jwt v4.5): HMAC algorithms only (HS256/384/512; `none`,
 * RS256 and the rest are refused before any signature work), the signature compared in constant time,
 * `exp`/`iat`/`nbf` checked against the clock in whole seconds, a positive `exp` required, and a non-empty string
 * `username` claim. Node's crypto does the HMAC; nothing here is home-made cryptography.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const HMAC_HASHES: Readonly<Record<string, string>> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };
/** algorithms golang-jwt knows: a token naming one of these that is not HMAC gets "unexpected signing method" */
const KNOWN_ALGS = new Set(['none', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'HS256', 'HS384', 'HS512']);

export type JwtResult = { ok: true; username: string } | { ok: false; message: string };

/** base64url without padding (padding tolerated), strictly: an illegal character is reported by position. */
function decodeSegment(seg: string): Buffer | string {
  const bad = /[^A-Za-z0-9_\-=]/.exec(seg);
  if (bad) return `illegal base64 data at input byte ${bad.index}`;
  const body = seg.replace(/=+$/, '');
  if (body.includes('=') || body.length % 4 === 1) return `illegal base64 data at input byte ${body.length}`;
  return Buffer.from(body, 'base64url');
}

function parseObject(seg: string): Record<string, unknown> | string {
  const bytes = decodeSegment(seg);
  if (typeof bytes === 'string') return bytes;
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    return `invalid JSON: ${(e as Error).message}`;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'json: cannot unmarshal a non-object into Go value of type map[string]interface {}';
  return v as Record<string, unknown>;
}

/**
 * Verifies `token` against `secret` at `nowSeconds` (Unix seconds). Every failure message is what follows
 * `invalid token: ` (or the whole message for the claim checks Kapacitor does itself).
 */
export function verifyJwt(token: string, secret: string, nowSeconds: number): JwtResult {
  const fail = (message: string): JwtResult => ({ ok: false, message });
  const invalid = (why: string): JwtResult => fail(`invalid token: ${why}`);
  const parts = token.split('.');
  if (parts.length !== 3) return invalid('token contains an invalid number of segments');
  const [h, c, s] = parts as [string, string, string];
  const header = parseObject(h);
  if (typeof header === 'string') return invalid(/^bearer /i.test(token) ? "tokenstring should not contain 'bearer '" : header);
  const claims = parseObject(c);
  if (typeof claims === 'string') return invalid(claims);
  const alg = header['alg'];
  if (typeof alg !== 'string') return invalid('signing method (alg) is unspecified.');
  if (!KNOWN_ALGS.has(alg)) return invalid('signing method (alg) is unavailable.');
  const hash = HMAC_HASHES[alg];
  if (hash === undefined) return invalid(`unexpected signing method: ${alg}`);
  // An empty key would let anyone sign (HMAC with an empty key is still HMAC): bearer tokens need a secret.
  if (secret === '') return invalid('bearer tokens are disabled: [http] shared-secret is not set');
  const sig = decodeSegment(s);
  if (typeof sig === 'string') return invalid(sig);
  const expected = createHmac(hash, secret).update(`${h}.${c}`).digest();
  if (sig.length !== expected.length || !timingSafeEqual(sig, expected)) return invalid('signature is invalid');

  // MapClaims.Valid: exp, then iat, then nbf; the last failing check names the error (golang-jwt v4)
  let claimError: string | undefined;
  const exp = claims['exp'];
  if (exp !== undefined && !(typeof exp === 'number' && (exp === 0 || nowSeconds < Math.trunc(exp)))) claimError = 'Token is expired';
  const iat = claims['iat'];
  if (iat !== undefined && !(typeof iat === 'number' && (iat === 0 || nowSeconds >= Math.trunc(iat)))) claimError = 'Token used before issued';
  const nbf = claims['nbf'];
  if (nbf !== undefined && !(typeof nbf === 'number' && (nbf === 0 || nowSeconds >= Math.trunc(nbf)))) claimError = 'Token is not valid yet';
  if (claimError !== undefined) return invalid(claimError);

  if (typeof exp !== 'number' || exp <= 0) return fail('token expiration required');
  const username = claims['username'];
  if (typeof username !== 'string') return fail('username in token must be a string');
  if (username === '') return fail('token must contain a username');
  return { ok: true, username };
}

/** Signs claims with HS256 (tests and tools that mint tokens for the CLI or Chronograf-style clients). */
export function signJwtHs256(claims: Record<string, unknown>, secret: string, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string {
  const enc = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsigned = `${enc(header)}.${enc(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
