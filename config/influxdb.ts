/**
 * [[influxdb]] sections (Kapacitor 1.8 services/influxdb/config.go and the set checks in server/config.go):
 * conditional defaults, then validation. Every error names the key (`influxdb[0].urls`) and, when the value came
 * from a variable, the variable (`KAPACITOR_INFLUXDB_0_URLS`).
 */
import { accessSync, constants } from 'node:fs';
import type { InfluxdbSectionConfig } from './schema.ts';
import { ConfigError, keyError, type KeyOrigin } from './errors.ts';

const DEFAULT_STARTUP_TIMEOUT = 300_000_000_000n; // 5m (DefaultStartUpTimeout)
const DEFAULT_SYNC_INTERVAL = 60_000_000_000n; // 1m (DefaultSubscriptionSyncInterval)
const DEFAULT_UDP_BUFFER = 1000; // udp.DefaultBuffer

/** Kapacitor's cluster-name rule (validNamePattern). */
const NAME_PATTERN = /^[-._\p{L}0-9]+$/u;

/**
 * Kapacitor's ApplyConditionalDefaults: a zero value means "the default" for these keys (so `startup-timeout = "0s"`
 * is 5m, not "give up at once"). Applied before validation, as Kapacitor does.
 */
export function applyInfluxdbDefaults(sections: InfluxdbSectionConfig[]): void {
  for (const s of sections) {
    if (s.udpBuffer === 0) s.udpBuffer = DEFAULT_UDP_BUFFER;
    if (s.startupTimeout === 0n) s.startupTimeout = DEFAULT_STARTUP_TIMEOUT;
    if (s.subscriptionProtocol === '') s.subscriptionProtocol = 'http';
    if (s.subscriptionsSyncInterval === 0n) s.subscriptionsSyncInterval = DEFAULT_SYNC_INTERVAL;
    if (s.compression === '') s.compression = 'gzip';
  }
}

function readable(path: string): boolean {
  try { accessSync(path, constants.R_OK); return true; } catch { return false; }
}

export function validateInfluxdb(sections: readonly InfluxdbSectionConfig[], origin: KeyOrigin = () => undefined): void {
  const names = new Map<string, number>();
  let defaultIndex = -1;
  let enabled = 0;
  sections.forEach((s, i) => {
    const fail = (prop: string, key: string, message: string): never => {
      throw keyError(origin, `influxdb.${i}.${prop}`, `influxdb[${i}].${key}`, message);
    };
    if (s.name === '') fail('name', 'name', 'influxdb cluster must be given a name');
    if (!NAME_PATTERN.test(s.name)) fail('name', 'name', `influxdb cluster name must contain only numbers, letters or '.', '-', and '_' characters, got ${JSON.stringify(s.name)}`);
    const first = names.get(s.name);
    if (first !== undefined) fail('name', 'name', `duplicate name ${JSON.stringify(s.name)} for influxdb configs (also influxdb[${first}])`);
    names.set(s.name, i);
    if (s.urls.length === 0) fail('urls', 'urls', 'must specify at least one InfluxDB URL');
    for (const u of s.urls) {
      let parsed: URL;
      try { parsed = new URL(u); } catch { return fail('urls', 'urls', `invalid URL ${JSON.stringify(u)}`); }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') fail('urls', 'urls', `invalid URL ${JSON.stringify(u)}: scheme must be http or https`);
    }
    if (s.sslCert !== '' && s.sslKey === '') fail('sslKey', 'ssl-key', 'Must provide both key and cert files: only cert file provided.');
    if (s.sslKey !== '' && s.sslCert === '') fail('sslCert', 'ssl-cert', 'Must provide both key and cert files: only key file provided.');
    for (const [prop, key] of [['sslCa', 'ssl-ca'], ['sslCert', 'ssl-cert'], ['sslKey', 'ssl-key']] as const) {
      if (s[prop] !== '' && !readable(s[prop])) fail(prop, key, `cannot read ${JSON.stringify(s[prop])}`);
    }
    if (!['http', 'https', 'udp'].includes(s.subscriptionProtocol)) {
      fail('subscriptionProtocol', 'subscription-protocol', `invalid subscription protocol, must be one of 'udp', 'http' or 'https', got ${JSON.stringify(s.subscriptionProtocol)}`);
    }
    if (s.subscriptionMode !== 'cluster' && s.subscriptionMode !== 'server') {
      fail('subscriptionMode', 'subscription-mode', `unknown subscription mode ${JSON.stringify(s.subscriptionMode)} (use cluster or server)`);
    }
    if (s.compression !== 'gzip' && s.compression !== 'none') {
      fail('compression', 'compression', `Invalid compression, must be one of 'gzip' or 'none', got ${s.compression}`);
    }
    if (s.timeout < 0n) fail('timeout', 'timeout', 'must be >= 0 (0 means no timeout)');
    if (s.startupTimeout < 0n) fail('startupTimeout', 'startup-timeout', 'must be >= 0');
    if (s.subscriptionsSyncInterval < 0n) fail('subscriptionsSyncInterval', 'subscriptions-sync-interval', 'must be >= 0');
    if (s.httpPort < 0 || s.httpPort > 65535) fail('httpPort', 'http-port', `must be a port number (0 = the [http] port), got ${s.httpPort}`);
    if (s.udpBuffer < 0) fail('udpBuffer', 'udp-buffer', `must be >= 0, got ${s.udpBuffer}`);
    if (s.udpReadBuffer < 0) fail('udpReadBuffer', 'udp-read-buffer', `must be >= 0, got ${s.udpReadBuffer}`);
    if (s.maxBatchPoints < 0) fail('maxBatchPoints', 'max-batch-points', `must be >= 0 (0 = no limit), got ${s.maxBatchPoints}`);
    if (s.httpSharedSecret) {
      fail('httpSharedSecret', 'http-shared-secret', 'JWT authentication to InfluxDB is not supported by tickstream; use username/password or token');
    }
    if (s.default) {
      if (defaultIndex !== -1) {
        fail('default', 'default', `More than one InfluxDB default was specified: ${s.name} ${sections[defaultIndex]!.name}`);
      }
      defaultIndex = i;
    }
    if (s.enabled) enabled++;
  });
  if (enabled > 1 && defaultIndex === -1) {
    throw new ConfigError('key "influxdb": at least one of the enabled InfluxDB clusters must be marked as default.');
  }
}
