/**
 * HTTPS for the API server ([http] https-enabled): the certificate and key files read at startup, checked
 * together (a key that does not match its certificate is a startup error naming both files, not a failure at the
 * first handshake), plus the [tls] versions and cipher suites. As in Kapacitor, an empty https-private-key means
 * the key is in the certificate file.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { Config } from '../../config/index.ts';
import { tlsOptions } from '../../config/tls.ts';

export type HttpsOptions = SecureContextOptions & { key: Buffer; cert: Buffer };

function read(path: string, label: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file or directory' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw new Error(`[http] ${label}: open ${path}: ${why}`);
  }
}

/** undefined when https-enabled is false. */
export function httpsOptions(config: Config): HttpsOptions | undefined {
  if (!config.http.httpsEnabled) return undefined;
  const tls = tlsOptions(config.tls);
  if ('error' in tls) throw new Error(`[${tls.label.replace('.', '] ')}: ${tls.error}`);
  const certPath = config.http.httpsCertificate;
  const keyPath = config.http.httpsPrivateKey || certPath;
  const cert = read(certPath, 'https-certificate');
  const key = keyPath === certPath ? cert : read(keyPath, 'https-private-key');
  const opts: HttpsOptions = { cert, key, ...tls };
  try {
    createSecureContext(opts);
  } catch (err) {
    throw new Error(`[http] https-certificate ${certPath} and https-private-key ${keyPath} cannot be used: ${(err as Error).message}`);
  }
  return opts;
}
