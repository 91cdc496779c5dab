/**
 * Client TLS settings of outbound connections (`ssl-ca`, `ssl-cert`, `ssl-key`, `insecure-skip-verify` of
 * [[slack]], [[discord]], [[mqtt]], [[kafka]]) → Node TLS options, with the rules and messages of Kapacitor's
 * tlsconfig.Create: cert and key go together, files are read when the service starts (a missing file is a startup
 * error naming the key), and nothing set means Node's defaults.
 */
import { readFileSync } from 'node:fs';

export interface ClientTlsKeys {
  sslCa: string;
  sslCert: string;
  sslKey: string;
  insecureSkipVerify: boolean;
}

/** What node:tls `connect`/`https.Agent` take. */
export interface ClientTlsOptions {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized: boolean;
}

export interface ClientTlsError { prop: keyof ClientTlsKeys; key: string; message: string }

/** The options, or the first problem with the key it is about. */
export function clientTls(s: ClientTlsKeys): ClientTlsOptions | ClientTlsError {
  if (s.sslCert !== '' && s.sslKey === '') return { prop: 'sslKey', key: 'ssl-key', message: 'Must provide both key and cert files: only cert file provided.' };
  if (s.sslKey !== '' && s.sslCert === '') return { prop: 'sslCert', key: 'ssl-cert', message: 'Must provide both key and cert files: only key file provided.' };
  const out: ClientTlsOptions = { rejectUnauthorized: !s.insecureSkipVerify };
  for (const [prop, key, to] of [['sslCa', 'ssl-ca', 'ca'], ['sslCert', 'ssl-cert', 'cert'], ['sslKey', 'ssl-key', 'key']] as const) {
    if (s[prop] === '') continue;
    try {
      out[to] = readFileSync(s[prop]);
    } catch (err) {
      return { prop, key, message: `cannot read ${JSON.stringify(s[prop])}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
    }
  }
  return out;
}

export function isClientTlsError(x: ClientTlsOptions | ClientTlsError): x is ClientTlsError {
  return 'message' in x;
}

/** true when any key is set (then the connection uses these options rather than Node's defaults) */
export function hasClientTls(s: ClientTlsKeys): boolean {
  return s.sslCa !== '' || s.sslCert !== '' || s.sslKey !== '' || s.insecureSkipVerify;
}
