/**
 * A real kapacitord with [http] auth-enabled over a socket: the bootstrap admin from KAPACITOR_AUTH_BOOTSTRAP_*
 * is created once, our CLI works with `http://user:pass@host:port` and is refused without (exit 3 with the
 * server's error, SPEC 6.1), and the password never appears in CLI output or server logs.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, it } from 'node:test';
import pino from 'pino';
import { run } from '../../cli/main.ts';
import { loadConfig } from '../../config/index.ts';
import { startDaemon } from '../../server/daemon.ts';
import { tempDir } from '../server/helpers.ts';

const dir = tempDir('tickstream-auth-daemon-');
after(() => dir.remove());

function capturingLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

async function cli(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(argv, { env, io: { out: (s) => { out += s; }, err: (s) => { err += s; } } });
  return { code, out, err };
}

const ENV = {
  KAPACITOR_HTTP_BIND_ADDRESS: '127.0.0.1:0', KAPACITOR_DATA_DIR: dir.path,
  KAPACITOR_HTTP_AUTH_ENABLED: 'true', KAPACITOR_AUTH_ENABLED: 'true', KAPACITOR_AUTH_BCRYPT_COST: '4',
  KAPACITOR_AUTH_BOOTSTRAP_USER: 'admin', KAPACITOR_AUTH_BOOTSTRAP_PASSWORD: 's3cret-Pw',
};

it('bootstrap admin, CLI with and without credentials, no password in logs, created once', async () => {
  const { logger, lines } = capturingLogger();
  const daemon = await startDaemon(loadConfig({ env: ENV }), logger);
  const port = daemon.address.port;
  try {
    const withCreds = `http://admin:s3cret-Pw@127.0.0.1:${port}`;
    const ok = await cli(['-url', withCreds, 'list', 'tasks']);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /^ID\s+Type\s+Status\s+Executing\s+Databases and Retention Policies\n$/);
    // KAPACITOR_URL carries credentials too
    assert.equal((await cli(['list', 'tasks'], { KAPACITOR_URL: withCreds })).code, 0);

    const refused = await cli(['-url', `http://127.0.0.1:${port}`, 'list', 'tasks']);
    assert.equal(refused.code, 3);
    assert.equal(refused.err, 'Error: unable to parse authentication credentials\n');
    const wrong = await cli(['-url', `http://admin:nope@127.0.0.1:${port}`, 'list', 'tasks']);
    assert.equal(wrong.code, 3);
    assert.equal(wrong.err, 'Error: authorization failed\n');

    // the two refusals above are counted for Prometheus (/metrics itself needs credentials)
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: 'Basic ' + Buffer.from('admin:s3cret-Pw').toString('base64') } });
    assert.equal(metrics.status, 200);
    const text = await metrics.text();
    assert.match(text, /^tickstream_http_auth_refused_total\{reason="unauthenticated"\} 2$/m);
    assert.match(text, /^tickstream_http_auth_refused_total\{reason="forbidden"\} 0$/m);
    assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 401);

    // a write with u/p parameters, then the access log must not show the password
    const w = await fetch(`http://127.0.0.1:${port}/write?db=x&u=admin&p=s3cret-Pw`, { method: 'POST', body: 'm v=1 1\n' });
    assert.equal(w.status, 204);
    const log = lines.join('');
    assert.match(log, /bootstrap admin user created/);
    assert.match(log, /p=\[REDACTED\]/);
    assert.ok(!log.includes('s3cret-Pw'), 'password in the server log');
  } finally {
    await daemon.close();
  }

  // second start with another bootstrap password: the existing admin is left alone
  const again = await startDaemon(loadConfig({ env: { ...ENV, KAPACITOR_AUTH_BOOTSTRAP_PASSWORD: 'changed' } }), pino({ level: 'silent' }));
  try {
    const p = again.address.port;
    assert.equal((await cli(['-url', `http://admin:s3cret-Pw@127.0.0.1:${p}`, 'list', 'tasks'])).code, 0);
    assert.equal((await cli(['-url', `http://admin:changed@127.0.0.1:${p}`, 'list', 'tasks'])).code, 3);
  } finally {
    await again.close();
  }
});

it('transport errors show the URL with the password redacted; KAPACITOR_UNSAFE_SSL is parsed as Go does', async () => {
  // port 1 on loopback: connection refused
  const r = await cli(['-url', 'http://admin:hunter2@127.0.0.1:1', 'list', 'tasks']);
  assert.equal(r.code, 3);
  assert.ok(r.err.includes('http://admin:xxxxx@127.0.0.1:1/'), r.err);
  assert.ok(!r.err.includes('hunter2'));
  const bad = await cli(['list', 'tasks'], { KAPACITOR_UNSAFE_SSL: 'yes' });
  assert.equal(bad.code, 1);
  assert.equal(bad.err, 'strconv.ParseBool: parsing "yes": invalid syntax\n');
});
