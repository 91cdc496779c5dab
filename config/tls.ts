/**
 * [tls] → Node TLS options, with the names, defaults and messages of Kapacitor's tlsconfig package: cipher suites
 * by their Go (IANA) names, case-insensitive; versions `tls1.1`, `tls1.2`, `tls1.3` (or `1.2`…); minimum TLS 1.2
 * unless set. As in Go, the TLS 1.3 suites stay enabled when only TLS 1.2 suites are listed.
 */
import { keyError, type KeyOrigin } from './errors.ts';
import type { Config, TlsConfig } from './schema.ts';

/** Go crypto/tls suite name → OpenSSL name (the ones Kapacitor's tlsconfig accepts). */
const CIPHERS: Readonly<Record<string, string>> = {
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA256: 'AES128-SHA256',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 'ECDHE-RSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_AES_128_GCM_SHA256: 'TLS_AES_128_GCM_SHA256',
  TLS_AES_256_GCM_SHA384: 'TLS_AES_256_GCM_SHA384',
  TLS_CHACHA20_POLY1305_SHA256: 'TLS_CHACHA20_POLY1305_SHA256',
};
const TLS13 = ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256'];
const DEPRECATED_CIPHERS = new Set(['TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA', 'TLS_ECDHE_RSA_WITH_RC4_128_SHA', 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA', 'TLS_RSA_WITH_RC4_128_SHA']);
const AVAILABLE_CIPHERS = Object.keys(CIPHERS).sort().join(', ');

type NodeTlsVersion = 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
const VERSIONS: Readonly<Record<string, NodeTlsVersion>> = {
  'TLS1.1': 'TLSv1.1', '1.1': 'TLSv1.1', 'TLS1.2': 'TLSv1.2', '1.2': 'TLSv1.2', 'TLS1.3': 'TLSv1.3', '1.3': 'TLSv1.3',
};
const DEPRECATED_VERSIONS = new Set(['SSL3.0', 'TLS1.0', '1.0']);
const AVAILABLE_VERSIONS = 'TLS1.1, TLS1.2, TLS1.3';

export interface NodeTlsOptions {
  minVersion: NodeTlsVersion;
  maxVersion?: NodeTlsVersion;
  /** undefined = Node's defaults */
  ciphers?: string;
}

/** The Node options for `c`, or the message of the first bad value (with the key it is about). */
export function tlsOptions(c: TlsConfig): NodeTlsOptions | { key: 'ciphers' | 'minVersion' | 'maxVersion'; label: string; error: string } {
  let ciphers: string | undefined;
  if (c.ciphers.length > 0) {
    const names: string[] = [];
    for (const name of c.ciphers) {
      const openssl = CIPHERS[name.toUpperCase()];
      if (openssl === undefined) {
        const error = DEPRECATED_CIPHERS.has(name)
          ? `deprecated cipher suite: ${JSON.stringify(name)}. available versions: ${AVAILABLE_CIPHERS}`
          : `unknown cipher suite: ${JSON.stringify(name)}. available ciphers: ${AVAILABLE_CIPHERS}`;
        return { key: 'ciphers', label: 'tls.ciphers', error };
      }
      names.push(openssl);
    }
    // Go ignores CipherSuites for TLS 1.3: keep its suites unless some were listed
    if (!names.some((n) => n.startsWith('TLS_'))) names.push(...TLS13);
    ciphers = names.join(':');
  }
  const version = (v: string, key: 'minVersion' | 'maxVersion', label: string): NodeTlsVersion | { key: typeof key; label: string; error: string } => {
    const out = VERSIONS[v.toUpperCase()];
    if (out !== undefined) return out;
    const error = DEPRECATED_VERSIONS.has(v)
      ? `deprecated tls version: ${JSON.stringify(v)}. available versions: ${AVAILABLE_VERSIONS}`
      : `unknown tls version: ${JSON.stringify(v)}. available versions: ${AVAILABLE_VERSIONS}`;
    return { key, label, error };
  };
  const min = c.minVersion === '' ? 'TLSv1.2' : version(c.minVersion, 'minVersion', 'tls.min-version');
  if (typeof min !== 'string') return min;
  const max = c.maxVersion === '' ? undefined : version(c.maxVersion, 'maxVersion', 'tls.max-version');
  if (max !== undefined && typeof max !== 'string') return max;
  if (max !== undefined && max < min) return { key: 'maxVersion', label: 'tls.max-version', error: `${c.maxVersion} is below min-version ${c.minVersion || 'tls1.2'}` };
  return { minVersion: min, ...(max !== undefined ? { maxVersion: max } : {}), ...(ciphers !== undefined ? { ciphers } : {}) };
}

export function validateTls(c: Config, origin: KeyOrigin): void {
  const r = tlsOptions(c.tls);
  if ('error' in r) throw keyError(origin, `tls.${r.key}`, r.label, r.error);
  if (c.http.httpsEnabled && c.http.httpsCertificate === '') {
    throw keyError(origin, 'http.httpsCertificate', 'http.https-certificate', 'must be set when https-enabled is true');
  }
}
