/**
 * Test helper: a throw-away CA with a server certificate for 127.0.0.1 and a client certificate, made with the
 * `openssl` command in a temp dir (client TLS tests of the alert handlers). Missing openssl throws naming the
 * install command: those tests fail, they do not skip.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCerts {
  dir: string;
  /** file paths */
  ca: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string;
  remove(): void;
}

export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'tickstream-certs-'));
  const p = (f: string): string => join(dir, f);
  const ossl = (...args: string[]): void => {
    try {
      execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('openssl not found; install it: apt-get update && apt-get install -y openssl');
      throw err;
    }
  };
  const key = (f: string): void => ossl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', p(f));
  key('ca.key');
  ossl('req', '-x509', '-new', '-key', p('ca.key'), '-out', p('ca.pem'), '-days', '1', '-subj', '/CN=tickstream test CA');
  const sign = (name: string, subj: string, ext: string): void => {
    key(`${name}.key`);
    ossl('req', '-new', '-key', p(`${name}.key`), '-out', p(`${name}.csr`), '-subj', subj);
    writeFileSync(p(`${name}.ext`), ext);
    ossl('x509', '-req', '-in', p(`${name}.csr`), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p(`${name}.pem`), '-days', '1', '-extfile', p(`${name}.ext`));
  };
  sign('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  sign('client', '/CN=kapacitor', 'extendedKeyUsage=clientAuth\n');
  // readable by everyone: mosquitto started as root drops to its own user before reading them (throw-away keys)
  chmodSync(dir, 0o755);
  for (const f of readdirSync(dir)) chmodSync(p(f), 0o644);
  return {
    dir, ca: p('ca.pem'), serverCert: p('server.pem'), serverKey: p('server.key'), clientCert: p('client.pem'), clientKey: p('client.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
