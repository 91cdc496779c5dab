/**
 * Configuration: Kapacitor's kapacitor.conf layout, KAPACITOR_* overrides (SPEC "Project decisions", 1.4, 4.5;
 * ECOSYSTEM 3.3), typed defaults, errors naming the key.
 */
import assert from 'node:assert/strict';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse as parseToml } from 'smol-toml';
import { parseDaemonArgs } from '../../config/cli-args.ts';
import { configToToml, loadConfig, parseBindAddress, parseDuration } from '../../config/index.ts';
import { tempDir } from './helpers.ts';

const dir = tempDir('tickstream-config-');
after(() => dir.remove());
const file = (text: string): string => dir.file(text);

const S = 1_000_000_000n;

describe('defaults (no file, no env)', () => {
  const c = loadConfig({ env: {} });

  it('top level', () => {
    assert.equal(c.hostname, hostname());
    assert.equal(c.dataDir, join(homedir(), '.kapacitor'));
    assert.equal(c.defaultRetentionPolicy, '');
  });

  it('[http]', () => {
    assert.equal(c.http.bindAddress, ':9092');
    assert.equal(c.http.logEnabled, true);
    assert.equal(c.http.writeTracing, false);
    assert.ok(c.http.maxBodySize >= 25_000_000);
    assert.equal(c.http.gzip, true);
    assert.equal(c.http.shutdownTimeout, 10n * S);
  });

  it('[logging], [stats], paths under data_dir, empty list sections', () => {
    assert.equal(c.logging.level, 'INFO');
    assert.equal(c.stats.enabled, true);
    assert.equal(c.stats.statsInterval, 10n * S);
    assert.equal(c.stats.database, '_kapacitor');
    assert.equal(c.stats.retentionPolicy, 'autogen');
    assert.equal(c.stats.timingSampleRate, 0.1);
    assert.equal(c.stats.timingMovavgSize, 1000);
    assert.equal(c.storage.boltdb, join(c.dataDir, 'kapacitor.db'));
    assert.equal(c.replay.dir, join(c.dataDir, 'replay'));
    assert.deepEqual(c.load, { enabled: false, dir: join(c.dataDir, 'load') });
    assert.deepEqual(c.kubernetes, []);
    assert.deepEqual(c.influxdb, []);
  });
});

describe('file', () => {
  it('reads every section; [[kubernetes]] as an array and [kubernetes] as a single table', () => {
    const c = loadConfig({
      env: {},
      path: file(`
hostname = "kap-1"
data_dir = "/var/lib/kapacitor"
default-retention-policy = "autogen"
[http]
  bind-address = "127.0.0.1:9999"
  max-body-size = 1000
  shutdown-timeout = "1m30s"
[logging]
  level = "debug"
[stats]
  timing-sample-rate = 1
[[kubernetes]]
  id = "a"
  enabled = true
  api-servers = ["http://localhost:8001"]
[[kubernetes]]
  id = "b"
  in-cluster = true
  resource = ["pod", "node"]
[[influxdb]]
  name = "localhost"
  urls = ["http://influx:8086"]
  timeout = "5s"
`),
    });
    assert.equal(c.hostname, 'kap-1');
    assert.equal(c.defaultRetentionPolicy, 'autogen');
    assert.equal(c.http.bindAddress, '127.0.0.1:9999');
    assert.equal(c.http.maxBodySize, 1000);
    assert.equal(c.http.shutdownTimeout, 90n * S);
    assert.equal(c.logging.level, 'debug');
    assert.equal(c.stats.timingSampleRate, 1);
    assert.equal(c.storage.boltdb, '/var/lib/kapacitor/kapacitor.db');
    assert.deepEqual(c.kubernetes.map((k) => [k.id, k.enabled, k.inCluster, k.apiServers, k.resource]), [
      ['a', true, false, ['http://localhost:8001'], []],
      ['b', false, true, [], ['pod', 'node']],
    ]);
    assert.equal(c.influxdb[0]!.name, 'localhost');
    assert.equal(c.influxdb[0]!.enabled, true);
    assert.equal(c.influxdb[0]!.timeout, 5n * S);
    const single = loadConfig({ env: {}, path: file('[kubernetes]\nenabled = true\nin-cluster = true\n') });
    assert.equal(single.kubernetes.length, 1);
    assert.equal(single.kubernetes[0]!.inCluster, true);
  });

  it('is found through -config, KAPACITOR_CONFIG_PATH, or the path option (in increasing priority)', () => {
    const a = file('hostname = "from-flag"\n');
    const b = file('hostname = "from-env"\n');
    const c = file('hostname = "from-option"\n');
    assert.equal(loadConfig({ env: { KAPACITOR_CONFIG_PATH: b } }).hostname, 'from-env');
    assert.equal(loadConfig({ argv: ['-config', a], env: { KAPACITOR_CONFIG_PATH: b } }).hostname, 'from-flag');
    assert.equal(loadConfig({ argv: ['run', '--config=' + a], env: {} }).hostname, 'from-flag');
    assert.equal(loadConfig({ argv: ['-config', a], env: {}, path: c }).hostname, 'from-option');
  });

  it('unknown keys are startup errors naming the key, with a suggestion', () => {
    assert.throws(() => loadConfig({ env: {}, path: file('[http]\nbind-addres = ":1"\n') }),
      { message: 'config: unknown key "http.bind-addres" (did you mean "bind-address"?)' });
    assert.throws(() => loadConfig({ env: {}, path: file('[htttp]\nbind-address = ":1"\n') }),
      { message: 'config: unknown key "htttp" (did you mean "http"?)' });
    assert.throws(() => loadConfig({ env: {}, path: file('[[kubernetes]]\nenabld = true\n') }),
      { message: 'config: unknown key "kubernetes[0].enabld" (did you mean "enabled"?)' });
    // a section Kapacitor 1.8 does not know either stays an error; the suggestion includes accepted sections
    assert.throws(() => loadConfig({ env: {}, path: file('[smtpp]\nenabled = true\n') }), { message: 'config: unknown key "smtpp" (did you mean "smtp"?)' });
    assert.throws(() => loadConfig({ env: {}, path: file('[nosuchservice]\nenabled = true\n') }), { message: 'config: unknown key "nosuchservice"' });
  });

  it('wrong types are startup errors naming the key and both types', () => {
    assert.throws(() => loadConfig({ env: {}, path: file('[http]\nbind-address = 9092\n') }),
      { message: 'config: key "http.bind-address": expected string, got integer' });
    assert.throws(() => loadConfig({ env: {}, path: file('[http]\nlog-enabled = "yes"\n') }),
      { message: 'config: key "http.log-enabled": expected boolean, got string' });
    assert.throws(() => loadConfig({ env: {}, path: file('[http]\nmax-body-size = 1.5\n') }),
      { message: 'config: key "http.max-body-size": expected integer, got float' });
    assert.throws(() => loadConfig({ env: {}, path: file('[http]\nshutdown-timeout = 10\n') }),
      { message: 'config: key "http.shutdown-timeout": expected duration string, got integer' });
    assert.throws(() => loadConfig({ env: {}, path: file('[[kubernetes]]\napi-servers = "http://a"\n') }),
      { message: 'config: key "kubernetes[0].api-servers": expected array of strings, got string' });
    assert.throws(() => loadConfig({ env: {}, path: file('http = 1\n') }),
      { message: 'config: key "http": expected table, got integer' });
  });

  it('reports unreadable files and TOML syntax errors with the path', () => {
    assert.throws(() => loadConfig({ env: {}, path: join(dir.path, 'missing.conf') }),
      { message: `config: open ${join(dir.path, 'missing.conf')}: no such file or directory` });
    const bad = file('[http\n');
    assert.throws(() => loadConfig({ env: {}, path: bad }), (err: Error) => err.message.startsWith(`config: ${bad}: `));
  });

  it('rejects values that parse but cannot work', () => {
    assert.throws(() => loadConfig({ env: {}, path: file('[http]\nbind-address = "9092"\n') }),
      { message: 'config: key "http.bind-address": invalid address "9092": missing port in address' });
    assert.throws(() => loadConfig({ env: {}, path: file('[logging]\nlevel = "loud"\n') }), /config: key "logging.level": unknown level "loud"/);
    assert.throws(() => loadConfig({ env: {}, path: file('[http]\nshutdown-timeout = "10 s"\n') }), /config: key "http.shutdown-timeout": invalid duration/);
    assert.throws(() => loadConfig({ env: {}, path: file('[stats]\ntiming-sample-rate = 1.5\n') }), /timing-sample-rate/);
  });
});

describe('KAPACITOR_* environment overrides', () => {
  it("apply the seed tutorial's variables (SPEC 1.4) without a config file", () => {
    const c = loadConfig({
      env: {
        KAPACITOR_INFLUXDB_0_ENABLED: 'false',
        KAPACITOR_LOGGING_LEVEL: 'DEBUG',
        KAPACITOR_KUBERNETES_ENABLED: 'true',
        KAPACITOR_KUBERNETES_IN_CLUSTER: 'true',
        KAPACITOR_DATA_DIR: '/kapacitor',
        KAPACITOR_REPLAY_DIR: '/kapacitor/replay',
        KAPACITOR_STORAGE_BOLTDB: '/kapacitor/kapacitor.db',
        KAPACITOR_HOSTNAME: 'kapacitor-3uuir',
      },
    });
    assert.equal(c.influxdb.length, 1);
    assert.equal(c.influxdb[0]!.enabled, false);
    assert.equal(c.logging.level, 'DEBUG');
    assert.equal(c.kubernetes.length, 1); // created: deliberately unlike Kapacitor (#1608)
    assert.equal(c.kubernetes[0]!.enabled, true);
    assert.equal(c.kubernetes[0]!.inCluster, true);
    assert.equal(c.dataDir, '/kapacitor');
    assert.equal(c.replay.dir, '/kapacitor/replay');
    assert.equal(c.storage.boltdb, '/kapacitor/kapacitor.db');
    assert.equal(c.load.dir, '/kapacitor/load');
    assert.equal(c.hostname, 'kapacitor-3uuir');
  });

  it('override the file; lists are comma-separated or set by element index', () => {
    const path = file('[http]\nbind-address = ":1"\n[[kubernetes]]\nid = "x"\n[[kubernetes]]\nid = "y"\n');
    const c = loadConfig({
      path,
      env: {
        KAPACITOR_HTTP_BIND_ADDRESS: '127.0.0.1:0',
        KAPACITOR_HTTP_MAX_BODY_SIZE: '1024',
        KAPACITOR_HTTP_SHUTDOWN_TIMEOUT: '2s',
        KAPACITOR_KUBERNETES_API_SERVERS: 'http://a:8001, http://b:8001',
        KAPACITOR_KUBERNETES_1_NAMESPACE: 'prod',
        KAPACITOR_INFLUXDB_0_URLS: 'http://x:8086,http://y:8086',
        KAPACITOR_INFLUXDB_0_URLS_1: 'http://z:8086',
        KAPACITOR_STATS_TIMING_SAMPLE_RATE: '0.5',
        KAPACITOR_DEFAULT_RETENTION_POLICY: 'autogen',
      },
    });
    assert.equal(c.http.bindAddress, '127.0.0.1:0');
    assert.equal(c.http.maxBodySize, 1024);
    assert.equal(c.http.shutdownTimeout, 2n * S);
    assert.deepEqual(c.kubernetes.map((k) => [k.id, k.apiServers, k.namespace]), [
      ['x', ['http://a:8001', 'http://b:8001'], ''],
      ['y', [], 'prod'],
    ]);
    assert.deepEqual(c.influxdb[0]!.urls, ['http://x:8086', 'http://z:8086']);
    assert.equal(c.stats.timingSampleRate, 0.5);
    assert.equal(c.defaultRetentionPolicy, 'autogen');
  });

  it('wrong values name the variable and the key', () => {
    assert.throws(() => loadConfig({ env: { KAPACITOR_HTTP_LOG_ENABLED: 'yes' } }),
      { message: 'config: KAPACITOR_HTTP_LOG_ENABLED: key "http.log-enabled": expected boolean, got "yes"' });
    assert.throws(() => loadConfig({ env: { KAPACITOR_KUBERNETES_0_ENABLED: 'maybe' } }),
      { message: 'config: KAPACITOR_KUBERNETES_0_ENABLED: key "kubernetes[0].enabled": expected boolean, got "maybe"' });
    assert.throws(() => loadConfig({ env: { KAPACITOR_HTTP_MAX_BODY_SIZE: '10MB' } }), /KAPACITOR_HTTP_MAX_BODY_SIZE/);
  });

  it('ignore unrelated and empty variables, and warn about likely typos', () => {
    const warnings: string[] = [];
    const c = loadConfig({
      env: { KAPACITOR_URL: 'http://x:9092', KAPACITOR_HTTP_BIND_ADRESS: ':1', KAPACITOR_HOSTNAME: '', PATH: '/bin' },
      warn: (m) => warnings.push(m),
    });
    assert.equal(c.http.bindAddress, ':9092');
    assert.equal(c.hostname, hostname());
    assert.deepEqual(warnings, ['KAPACITOR_HTTP_BIND_ADRESS: ignored; no key "BIND_ADRESS" in [http] (did you mean "BIND_ADDRESS"?)']);
  });

  it('command-line flags win over environment', () => {
    const c = loadConfig({ argv: ['-hostname', 'flag-host', '-log-level', 'error'], env: { KAPACITOR_HOSTNAME: 'env-host' } });
    assert.equal(c.hostname, 'flag-host');
    assert.equal(c.logging.level, 'error');
  });
});

describe('kapacitord config output', () => {
  it('prints TOML that loads back to the same configuration', () => {
    const c = loadConfig({ env: { KAPACITOR_KUBERNETES_ENABLED: 'true', KAPACITOR_DATA_DIR: '/data', KAPACITOR_HTTP_SHUTDOWN_TIMEOUT: '90s' } });
    const text = configToToml(c);
    const doc = parseToml(text) as Record<string, Record<string, unknown>>;
    assert.equal(doc.data_dir, '/data');
    assert.equal(doc.http!['bind-address'], ':9092');
    assert.equal(doc.http!['shutdown-timeout'], '1m30s'); // Go's Duration.String
    assert.ok(Array.isArray(doc.kubernetes));
    assert.deepEqual(loadConfig({ env: {}, path: file(text) }), c);
  });
});

describe('helpers', () => {
  it('parseDuration: Go and InfluxQL duration strings, exact ns', () => {
    const ok: [string, bigint][] = [
      ['10s', 10n * S], ['1m30s', 90n * S], ['1.5h', 5400n * S], ['300ms', 300_000_000n], ['-1h', -3600n * S],
      ['0', 0n], ['1µs', 1000n], ['1us', 1000n], ['2u', 2000n], ['7d', 604800n * S], ['1w', 604800n * S], ['1h0m0s', 3600n * S],
    ];
    for (const [text, ns] of ok) assert.deepEqual(parseDuration(text), { ok: true, value: ns }, text);
    for (const text of ['', '10', 's', '1x', '1.2.3s', '10 s']) assert.equal(parseDuration(text).ok, false, text);
  });

  it('parseBindAddress: Go listen addresses', () => {
    assert.deepEqual(parseBindAddress(':9092'), { host: undefined, port: 9092 });
    assert.deepEqual(parseBindAddress('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
    assert.deepEqual(parseBindAddress('[::1]:9092'), { host: '::1', port: 9092 });
    assert.ok('error' in parseBindAddress('localhost'));
    assert.ok('error' in parseBindAddress(':99999'));
    assert.ok('error' in parseBindAddress('::1:9092'));
  });

  it('parseDaemonArgs: Go-style flags and commands', () => {
    assert.deepEqual(parseDaemonArgs([]), { command: 'run' });
    assert.deepEqual(parseDaemonArgs(['-config', 'a.conf', '-pidfile=/tmp/p']), { command: 'run', configPath: 'a.conf', pidfile: '/tmp/p' });
    assert.deepEqual(parseDaemonArgs(['config', '--hostname', 'h']), { command: 'config', hostname: 'h' });
    assert.equal(parseDaemonArgs(['version']).command, 'version');
    assert.throws(() => parseDaemonArgs(['-nope']), /flag provided but not defined: -nope/);
    assert.throws(() => parseDaemonArgs(['-config']), /flag needs an argument: -config/);
    assert.throws(() => parseDaemonArgs(['start']), /unknown command "start"/);
  });
});
