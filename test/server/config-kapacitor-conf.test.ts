/**
 * A Kapacitor 1.8 packaged kapacitor.conf (fixtures/config/kapacitor-1.8.conf, written from the layout of
 * Kapacitor's etc/kapacitor/kapacitor.conf) loads: implemented sections are read and checked, the others are
 * accepted unchecked and reported once each (SPEC "Project decisions": drop-in config; docs/configuration.md).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { configToToml, loadConfig } from '../../config/index.ts';
import { tempDir } from './helpers.ts';

const FIXTURE = fileURLToPath(new URL('../../fixtures/config/kapacitor-1.8.conf', import.meta.url));
const S = 1_000_000_000n;
const dir = tempDir('tickstream-kconf-');
after(() => dir.remove());
const file = (text: string): string => dir.file(text);

function load(path: string, env: Record<string, string> = {}): { config: ReturnType<typeof loadConfig>; notices: string[]; warnings: string[] } {
  const notices: string[] = [];
  const warnings: string[] = [];
  const config = loadConfig({ env, path, notice: (m) => notices.push(m), warn: (m) => warnings.push(m) });
  return { config, notices, warnings };
}

describe('the packaged Kapacitor 1.8 kapacitor.conf', () => {
  const { config: c, notices, warnings } = load(FIXTURE);

  it('reads the sections tickstream implements with the packaged values', () => {
    assert.equal(c.hostname, 'localhost');
    assert.equal(c.dataDir, '/var/lib/kapacitor');
    assert.equal(c.http.bindAddress, ':9092');
    assert.equal(c.http.pprofEnabled, false);
    assert.equal(c.http.httpsCertificate, '/etc/ssl/kapacitor.pem');
    assert.deepEqual(c.logging, { file: '/var/log/kapacitor/kapacitor.log', level: 'INFO' });
    assert.equal(c.storage.boltdb, '/var/lib/kapacitor/kapacitor.db');
    assert.equal(c.replay.dir, '/var/lib/kapacitor/replay');
    assert.deepEqual(c.load, { enabled: true, dir: '/etc/kapacitor/load' });
    assert.equal(c.stats.statsInterval, 10n * S);
    assert.equal(c.stats.database, '_kapacitor');
    assert.equal(c.kubernetes.length, 1);
    assert.equal(c.kubernetes[0]!.enabled, false);
  });

  it('[[influxdb]]: `timeout = 0` (Go accepts a bare 0 duration) and the subscription tables', () => {
    assert.equal(c.influxdb.length, 1);
    const db = c.influxdb[0]!;
    assert.equal(db.name, 'localhost');
    assert.equal(db.default, true);
    assert.equal(db.timeout, 0n);
    assert.equal(db.startupTimeout, 300n * S);
    assert.deepEqual(db.subscriptions, {});
    assert.deepEqual(db.excludedSubscriptions, { _kapacitor: ['autogen'] });
  });

  it('[[swarm]] is parsed (swarmAutoscale uses it): the packaged section is disabled with one server', () => {
    assert.deepEqual(c.swarm, [{ enabled: false, id: '', servers: ['http://localhost:2376'], sslCa: '', sslCert: '', sslKey: '', insecureSkipVerify: false }]);
  });

  it('[[ec2]] is parsed (ec2Autoscale uses it): the packaged section is disabled, discovery keys read and unused', () => {
    assert.deepEqual(c.ec2, [{ enabled: false, id: 'myec2', region: 'us-east-1', accessKey: '', secretKey: '', profile: '',
      refreshInterval: 60n * S, port: 80, endpoint: '' }]);
  });

  it('reports every unused section once, in file order, and warns that [load] does nothing', () => {
    const expected = [
      'config-override', 'task', 'deadman', 'opsgenie', 'pagerduty',
      'hipchat', 'reporting',
      'talk', 'collectd', 'opentsdb', 'scraper', 'azure', 'consul', 'dns', 'file-discovery',
      'gce', 'marathon', 'nerve', 'serverset', 'static-discovery', 'static', 'triton',
    ];
    assert.deepEqual(notices, expected.map((x) => `section [${x}] is accepted but not used by tickstream`));
    assert.deepEqual(warnings, ['key "load.enabled": loading tasks, templates and handlers from "/etc/kapacitor/load" is not supported by tickstream; '
      + 'define them with the kapacitor CLI or the HTTP API']);
  });

  it('[[influxdb]] is implemented (no notice); [config-override] is checked but reported as unused', () => {
    // the tutorial's only influxdb setting (SPEC 1.4)
    assert.deepEqual(load(file(''), { KAPACITOR_INFLUXDB_0_ENABLED: 'false' }).notices, []);
    assert.deepEqual(load(file(''), { KAPACITOR_CONFIG_OVERRIDE_ENABLED: 'false' }).notices, ['section [config-override] is accepted but not used by tickstream']);
    assert.throws(() => load(file('[[influxdb]]\nurl = "x"\n')), { message: 'config: unknown key "influxdb[0].url" (did you mean "urls"?)' });
  });

  it('`kapacitord config` output of it loads back to the same configuration (unused sections are not printed)', () => {
    const printed = configToToml(c);
    assert.ok(printed.includes('[influxdb.excluded-subscriptions]'), printed);
    assert.ok(!printed.includes('[hipchat]'), printed);
    const again = load(file(printed));
    assert.deepEqual(again.config, c);
    assert.deepEqual(again.notices, ['section [config-override] is accepted but not used by tickstream']);
  });

  it('still takes KAPACITOR_* overrides on top (SPEC 1.4)', () => {
    const { config } = load(FIXTURE, { KAPACITOR_KUBERNETES_ENABLED: 'true', KAPACITOR_KUBERNETES_IN_CLUSTER: 'true', KAPACITOR_INFLUXDB_0_ENABLED: 'false' });
    assert.equal(config.kubernetes[0]!.enabled, true);
    assert.equal(config.kubernetes[0]!.inCluster, true);
    assert.equal(config.influxdb[0]!.enabled, false);
  });
});

describe('unused sections vs real mistakes', () => {
  it('unused sections: keys unchecked, both [x] and [[x]] forms, no notice when absent', () => {
    const { notices } = load(file('[hipchat]\nwhatever-key = 3\n[[talk]]\nenabled = false\n[[talk]]\nx = 1\n'));
    assert.deepEqual(notices, ['section [hipchat] is accepted but not used by tickstream', 'section [talk] is accepted but not used by tickstream']);
    assert.deepEqual(load(file('[http]\nbind-address = ":1"\n')).notices, []);
  });

  it('KAPACITOR_* variables for unused sections are reported too, once per section, file and env together', () => {
    const { notices, warnings } = load(file('[hipchat]\nenabled = false\n'), {
      KAPACITOR_HIPCHAT_ENABLED: 'true', KAPACITOR_HIPCHAT_0_ROOM: 'x', KAPACITOR_STATIC_DISCOVERY_0_ID: 's',
      KAPACITOR_TALK_ENABLED: 'true', KAPACITOR_URL: 'http://cli-only:9092',
    });
    assert.deepEqual(notices, [
      'section [hipchat] is accepted but not used by tickstream',
      'section [static-discovery] is accepted but not used by tickstream',
      'section [talk] is accepted but not used by tickstream',
    ]);
    assert.deepEqual(warnings, []);
  });

  it('an unused section name that is not a table is still an error', () => {
    assert.throws(() => load(file('hipchat = "yes"\n')), { message: 'config: key "hipchat": expected table or array of tables, got string' });
  });

  it('unknown sections and unknown keys of implemented sections stay errors with a suggestion', () => {
    assert.throws(() => load(file('[slak]\nenabled = false\n')), { message: 'config: unknown key "slak" (did you mean "slack"?)' });
    assert.throws(() => load(file('[http]\npprof-enable = false\n')), { message: 'config: unknown key "http.pprof-enable" (did you mean "pprof-enabled"?)' });
    assert.throws(() => load(file('[[influxdb]]\nsubscription = {}\n')),
      { message: 'config: unknown key "influxdb[0].subscription" (did you mean "subscriptions"?)' });
  });

  it('a wrong subscriptions table names the database', () => {
    assert.throws(() => load(file('[[influxdb]]\n[influxdb.subscriptions]\nmydb = "autogen"\n')),
      { message: 'config: key "influxdb[0].subscriptions": "mydb": expected array of retention policy names (strings), got string' });
  });

  it('notices are not given when the configuration is rejected', () => {
    const notices: string[] = [];
    assert.throws(() => loadConfig({ env: {}, path: file('[hipchat]\n[http]\nbind-address = "nope"\n'), notice: (m) => notices.push(m) }));
    assert.deepEqual(notices, []);
  });

  it('auth-enabled without [auth] enabled refuses to start rather than accept any password', () => {
    assert.throws(() => load(file('[http]\nauth-enabled = true\n')), /^ConfigError: config: key "http.auth-enabled": needs \[auth\] enabled = true/);
    assert.equal(load(file('[http]\nauth-enabled = true\n[auth]\nenabled = true\n')).config.http.authEnabled, true);
  });

  it('[tls] is read (Kapacitor tlsconfig keys)', () => {
    const c = load(file('[tls]\nciphers = ["TLS_AES_128_GCM_SHA256"]\nmin-version = "tls1.3"\n')).config;
    assert.deepEqual(c.tls, { ciphers: ['TLS_AES_128_GCM_SHA256'], minVersion: 'tls1.3', maxVersion: '' });
    assert.throws(() => load(file('[tls]\nmin-version = "tls9"\n')), /key "tls.min-version": unknown tls version: "tls9"/);
  });

  it('durations: a bare 0 is accepted, other bare integers are not (Go time.ParseDuration)', () => {
    assert.equal(load(file('[[influxdb]]\ntimeout = 0\n')).config.influxdb[0]!.timeout, 0n);
    assert.throws(() => load(file('[[influxdb]]\ntimeout = 5\n')), { message: 'config: key "influxdb[0].timeout": expected duration string, got integer' });
  });
});
