/**
 * [[influxdb]] configuration (Kapacitor 1.8 services/influxdb/config.go Init/ApplyConditionalDefaults/Validate and
 * the set checks of server/config.go): defaults, KAPACITOR_INFLUXDB_<n>_* variables, and errors naming the key
 * (and the variable when the value came from one).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../config/index.ts';
import { tempDir } from './helpers.ts';

const dir = tempDir('tickstream-influxdb-config-');
after(() => dir.remove());
const S = 1_000_000_000n;
const load = (toml: string, env: Record<string, string> = {}) => loadConfig({ env: { KAPACITOR_DATA_DIR: dir.path, ...env }, path: dir.file(toml) });

describe('[[influxdb]] configuration', () => {
  it('no section: no InfluxDB (tickstream default); a bare section gets Kapacitor NewConfig values', () => {
    assert.deepEqual(load('').influxdb, []);
    const c = load('[[influxdb]]\n').influxdb[0]!;
    // values of Kapacitor's NewConfig()/Init()
    assert.equal(c.enabled, true);
    assert.equal(c.name, 'default');
    assert.deepEqual(c.urls, ['http://localhost:8086']);
    assert.deepEqual(c.excludedSubscriptions, { _kapacitor: ['autogen'] });
    assert.equal(c.subscriptionProtocol, 'http');
    assert.equal(c.subscriptionMode, 'cluster');
    assert.equal(c.startupTimeout, 300n * S);
    assert.equal(c.subscriptionsSyncInterval, 60n * S);
    assert.equal(c.udpBuffer, 1000);
    assert.equal(c.compression, 'gzip');
  });

  it('zero values mean the default (ApplyConditionalDefaults)', () => {
    const c = load('[[influxdb]]\nstartup-timeout = "0s"\nsubscriptions-sync-interval = "0s"\nudp-buffer = 0\nsubscription-protocol = ""\ncompression = ""\n').influxdb[0]!;
    assert.equal(c.startupTimeout, 300n * S);
    assert.equal(c.subscriptionsSyncInterval, 60n * S);
    assert.equal(c.udpBuffer, 1000);
    assert.equal(c.subscriptionProtocol, 'http');
    assert.equal(c.compression, 'gzip');
  });

  it('every key the issue lists can be set through KAPACITOR_INFLUXDB_0_*', () => {
    const c = load('', {
      KAPACITOR_INFLUXDB_0_ENABLED: 'true', KAPACITOR_INFLUXDB_0_NAME: 'main', KAPACITOR_INFLUXDB_0_DEFAULT: 'true',
      KAPACITOR_INFLUXDB_0_URLS: 'http://a:8086,http://b:8086', KAPACITOR_INFLUXDB_0_USERNAME: 'u', KAPACITOR_INFLUXDB_0_PASSWORD: 'p',
      KAPACITOR_INFLUXDB_0_INSECURE_SKIP_VERIFY: 'true', KAPACITOR_INFLUXDB_0_TIMEOUT: '5s',
      KAPACITOR_INFLUXDB_0_DISABLE_SUBSCRIPTIONS: 'true', KAPACITOR_INFLUXDB_0_SUBSCRIPTION_MODE: 'server',
      KAPACITOR_INFLUXDB_0_SUBSCRIPTION_PROTOCOL: 'https', KAPACITOR_INFLUXDB_0_SUBSCRIPTIONS_SYNC_INTERVAL: '30s',
      KAPACITOR_INFLUXDB_0_KAPACITOR_HOSTNAME: 'kap', KAPACITOR_INFLUXDB_0_HTTP_PORT: '9999', KAPACITOR_INFLUXDB_0_UDP_BIND: '127.0.0.1',
      KAPACITOR_INFLUXDB_0_STARTUP_TIMEOUT: '1m', KAPACITOR_INFLUXDB_0_TOKEN: 't',
    }).influxdb[0]!;
    assert.equal(c.name, 'main');
    assert.equal(c.default, true);
    assert.deepEqual(c.urls, ['http://a:8086', 'http://b:8086']);
    assert.equal(c.username, 'u');
    assert.equal(c.password, 'p');
    assert.equal(c.insecureSkipVerify, true);
    assert.equal(c.timeout, 5n * S);
    assert.equal(c.disableSubscriptions, true);
    assert.equal(c.subscriptionMode, 'server');
    assert.equal(c.subscriptionProtocol, 'https');
    assert.equal(c.subscriptionsSyncInterval, 30n * S);
    assert.equal(c.kapacitorHostname, 'kap');
    assert.equal(c.httpPort, 9999);
    assert.equal(c.udpBind, '127.0.0.1');
    assert.equal(c.startupTimeout, 60n * S);
    assert.equal(c.token, 't');
  });

  it('subscriptions / excluded-subscriptions tables from the file', () => {
    const c = load('[[influxdb]]\n[influxdb.subscriptions]\ntelegraf = ["autogen", "weekly"]\n[influxdb.excluded-subscriptions]\nnoisy = ["autogen"]\n').influxdb[0]!;
    assert.deepEqual(c.subscriptions, { telegraf: ['autogen', 'weekly'] });
    // a table given in the file replaces the default one (TOML decoding into Kapacitor's map does the same)
    assert.deepEqual(c.excludedSubscriptions, { noisy: ['autogen'] });
  });

  // Messages: Kapacitor's Validate() texts where it has one, behind the key (and variable) that is wrong.
  const cases: [string, string, Record<string, string>, string][] = [
    ['empty name', '[[influxdb]]\nname = ""\n', {}, 'config: key "influxdb[0].name": influxdb cluster must be given a name'],
    ['bad name', '[[influxdb]]\nname = "a b"\n', {}, `config: key "influxdb[0].name": influxdb cluster name must contain only numbers, letters or '.', '-', and '_' characters, got "a b"`],
    ['no URL', '[[influxdb]]\nurls = []\n', {}, 'config: key "influxdb[0].urls": must specify at least one InfluxDB URL'],
    ['bad URL from env', '', { KAPACITOR_INFLUXDB_0_URLS: 'localhost:8086' },
      'config: KAPACITOR_INFLUXDB_0_URLS: key "influxdb[0].urls": invalid URL "localhost:8086": scheme must be http or https'],
    ['cert without key', '[[influxdb]]\nssl-cert = "/etc/hostname"\n', {}, 'config: key "influxdb[0].ssl-key": Must provide both key and cert files: only cert file provided.'],
    ['unreadable CA', '[[influxdb]]\nssl-ca = "/nonexistent/ca.pem"\n', {}, 'config: key "influxdb[0].ssl-ca": cannot read "/nonexistent/ca.pem"'],
    ['protocol', '[[influxdb]]\nsubscription-protocol = "tcp"\n', {},
      `config: key "influxdb[0].subscription-protocol": invalid subscription protocol, must be one of 'udp', 'http' or 'https', got "tcp"`],
    ['mode from env', '', { KAPACITOR_INFLUXDB_0_SUBSCRIPTION_MODE: 'node' },
      'config: KAPACITOR_INFLUXDB_0_SUBSCRIPTION_MODE: key "influxdb[0].subscription-mode": unknown subscription mode "node" (use cluster or server)'],
    ['compression', '[[influxdb]]\ncompression = "zstd"\n', {}, `config: key "influxdb[0].compression": Invalid compression, must be one of 'gzip' or 'none', got zstd`],
    ['http-port', '[[influxdb]]\nhttp-port = 70000\n', {}, 'config: key "influxdb[0].http-port": must be a port number (0 = the [http] port), got 70000'],
    ['shared secret', '[[influxdb]]\nhttp-shared-secret = true\n', {},
      'config: key "influxdb[0].http-shared-secret": JWT authentication to InfluxDB is not supported by tickstream; use username/password or token'],
    ['duplicate names', '[[influxdb]]\nname = "a"\ndefault = true\n[[influxdb]]\nname = "a"\n', {},
      'config: key "influxdb[1].name": duplicate name "a" for influxdb configs (also influxdb[0])'],
    ['two defaults', '[[influxdb]]\nname = "a"\ndefault = true\n[[influxdb]]\nname = "b"\ndefault = true\n', {},
      'config: key "influxdb[1].default": More than one InfluxDB default was specified: b a'],
    ['two enabled, no default', '[[influxdb]]\nname = "a"\n[[influxdb]]\nname = "b"\n', {},
      'config: key "influxdb": at least one of the enabled InfluxDB clusters must be marked as default.'],
  ];
  for (const [what, toml, env, message] of cases) {
    it(`rejects ${what} naming the key`, () => {
      assert.throws(() => load(toml, env), { message });
    });
  }

  it('two sections, one disabled: no default needed (only enabled ones count)', () => {
    const c = load('[[influxdb]]\nname = "a"\n[[influxdb]]\nname = "b"\nenabled = false\n');
    assert.equal(c.influxdb.length, 2);
  });
});
