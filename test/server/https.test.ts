/**
 * [http] https-enabled with [tls] (Kapacitor's httpd service and tlsconfig): a certificate generated at test time
 * with openssl; the CLI's -skipVerify and KAPACITOR_UNSAFE_SSL (SPEC 6.1); min-version and ciphers enforced at
 * the handshake; a refused handshake or a plain-HTTP client does not stop the server; bad settings stop startup.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { connect, type ConnectionOptions } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { run } from '../../cli/main.ts';
import { loadConfig } from '../../config/index.ts';
import { startDaemon, type Daemon } from '../../server/daemon.ts';
import { silentLogger } from '../../server/logger.ts';
import { tempDir } from './helpers.ts';

const dir = tempDir('tickstream-https-');
const cert = join(dir.path, 'cert.pem');
const key = join(dir.path, 'key.pem');
const combined = join(dir.path, 'combined.pem');
after(() => dir.remove());

before(() => {
  // a self-signed EC P-256 certificate for 127.0.0.1, made now (nothing secret is checked in)
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  writeFileSync(combined, readFileSync(cert, 'utf8') + readFileSync(key, 'utf8'));
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    KAPACITOR_HTTP_BIND_ADDRESS: '127.0.0.1:0', KAPACITOR_DATA_DIR: join(dir.path, 'data'), KAPACITOR_HTTP_LOG_ENABLED: 'false',
    KAPACITOR_HTTP_HTTPS_ENABLED: 'true', KAPACITOR_HTTP_HTTPS_CERTIFICATE: cert, KAPACITOR_HTTP_HTTPS_PRIVATE_KEY: key, ...extra,
  };
}

async function cli(argv: string[], e: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(argv, { env: e, io: { out: (s) => { out += s; }, err: (s) => { err += s; } } });
  return { code, out, err };
}

function ping(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/kapacitor/v1/ping', ca: readFileSync(cert) }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('error', reject);
    req.end();
  });
}

/** The negotiated protocol and cipher, or the handshake error. */
function handshake(port: number, opts: ConnectionOptions): Promise<{ protocol: string | null; cipher: string } | { error: string }> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port, ca: readFileSync(cert), ...opts }, () => {
      resolve({ protocol: s.getProtocol(), cipher: s.getCipher().name });
      s.end();
    });
    s.on('error', (e) => resolve({ error: e.message }));
  });
}

describe('HTTPS server', () => {
  let d: Daemon;
  before(async () => { d = await startDaemon(loadConfig({ env: env() }), silentLogger()); });
  after(() => d.close());

  it('serves the API over TLS and reports an https URL', async () => {
    assert.match(d.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(await ping(d.address.port), 204);
  });

  it('the CLI refuses the self-signed certificate unless -skipVerify or KAPACITOR_UNSAFE_SSL', async () => {
    const strict = await cli(['-url', d.url, 'list', 'tasks']);
    assert.equal(strict.code, 3);
    assert.match(strict.err, /^Error: Get "https:\/\/127\.0\.0\.1:\d+\/kapacitor\/v1\/tasks\?[^"]*": .*self[- ]signed certificate/);
    assert.equal((await cli(['-url', d.url, '-skipVerify', 'list', 'tasks'])).code, 0);
    assert.equal((await cli(['list', 'tasks'], { KAPACITOR_URL: d.url, KAPACITOR_UNSAFE_SSL: 'true' })).code, 0);
    assert.equal((await cli(['list', 'tasks'], { KAPACITOR_URL: d.url, KAPACITOR_UNSAFE_SSL: 'false' })).code, 3);
  });

  it('the default minimum is TLS 1.2 (Kapacitor tlsconfig): a TLS 1.1 client is refused, the server keeps serving', async () => {
    const old = await handshake(d.address.port, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1' });
    assert.ok('error' in old, JSON.stringify(old));
    const plain = await fetch(`http://127.0.0.1:${d.address.port}/kapacitor/v1/ping`).then((r) => r.status, (e: Error) => e.message);
    assert.notEqual(plain, 204, 'plain HTTP is not served on the HTTPS port');
    assert.equal(await ping(d.address.port), 204);
  });
});

describe('[tls] settings', () => {
  it('min-version tls1.3 refuses a TLS 1.2 client', async () => {
    const d = await startDaemon(loadConfig({ env: env({ KAPACITOR_TLS_MIN_VERSION: 'tls1.3' }) }), silentLogger());
    try {
      assert.ok('error' in await handshake(d.address.port, { maxVersion: 'TLSv1.2' }));
      assert.deepEqual(await handshake(d.address.port, {}), { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' });
    } finally {
      await d.close();
    }
  });

  it('ciphers limits the TLS 1.2 suites; a client offering none of them is refused', async () => {
    const d = await startDaemon(loadConfig({ env: env({ KAPACITOR_TLS_CIPHERS: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305', KAPACITOR_TLS_MAX_VERSION: 'tls1.2' }) }), silentLogger());
    try {
      assert.deepEqual(await handshake(d.address.port, {}), { protocol: 'TLSv1.2', cipher: 'ECDHE-ECDSA-CHACHA20-POLY1305' });
      assert.ok('error' in await handshake(d.address.port, { ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' }));
      assert.equal(await ping(d.address.port), 204);
    } finally {
      await d.close();
    }
  });

  it('a certificate file holding the key too works without https-private-key (Kapacitor: key defaults to the cert)', async () => {
    const d = await startDaemon(loadConfig({ env: env({ KAPACITOR_HTTP_HTTPS_CERTIFICATE: combined, KAPACITOR_HTTP_HTTPS_PRIVATE_KEY: '' }) }), silentLogger());
    try {
      assert.equal(await ping(d.address.port), 204);
    } finally {
      await d.close();
    }
  });

  it('bad settings stop startup with the key named', async () => {
    assert.throws(() => loadConfig({ env: env({ KAPACITOR_TLS_CIPHERS: 'TLS_RSA_WITH_RC4_128_SHA' }) }),
      /KAPACITOR_TLS_CIPHERS: key "tls.ciphers": deprecated cipher suite: "TLS_RSA_WITH_RC4_128_SHA"/);
    assert.throws(() => loadConfig({ env: env({ KAPACITOR_TLS_CIPHERS: 'NOPE' }) }), /unknown cipher suite: "NOPE". available ciphers: TLS_AES_128_GCM_SHA256, /);
    assert.throws(() => loadConfig({ env: env({ KAPACITOR_TLS_MIN_VERSION: 'tls1.0' }) }), /key "tls.min-version": unknown tls version: "tls1.0"/);
    assert.throws(() => loadConfig({ env: env({ KAPACITOR_TLS_MIN_VERSION: 'TLS1.0' }) }), /deprecated tls version: "TLS1.0". available versions: TLS1.1, TLS1.2, TLS1.3/);
    assert.throws(() => loadConfig({ env: env({ KAPACITOR_TLS_MIN_VERSION: 'tls1.3', KAPACITOR_TLS_MAX_VERSION: 'tls1.2' }) }), /key "tls.max-version"/);
    await assert.rejects(startDaemon(loadConfig({ env: env({ KAPACITOR_HTTP_HTTPS_CERTIFICATE: join(dir.path, 'missing.pem') }) }), silentLogger()),
      /\[http\] https-certificate: open .*missing\.pem: no such file or directory/);
    await assert.rejects(startDaemon(loadConfig({ env: env({ KAPACITOR_HTTP_HTTPS_PRIVATE_KEY: cert }) }), silentLogger()),
      /https-certificate .* and https-private-key .* cannot be used/);
  });
});
